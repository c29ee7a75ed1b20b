import type { ReadProgress } from '../ingest/evidence/evidence-reader.js';

/** Reads shorter than this finish before a bar is worth drawing. */
const SHOW_AFTER_MS = 1000;
const REDRAW_EVERY_MS = 200;

/**
 * A one-line progress bar on standard error, for reads of large traces, logs and captures. Only on
 * a terminal: piped or redirected output (scripts, CI) gets nothing, so JSON on stdout stays clean.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ReadProgress | undefined {
  if (!stream.isTTY) return undefined;
  let file = '';
  let total = 0;
  let started = 0;
  let drawn = 0;
  let visible = false;
  return {
    start(name, totalBytes) {
      file = name;
      total = totalBytes;
      started = Date.now();
      drawn = 0;
    },
    update(bytesRead) {
      const now = Date.now();
      if (now - started < SHOW_AFTER_MS || now - drawn < REDRAW_EVERY_MS) return;
      drawn = now;
      visible = true;
      const width = 30;
      const share = total > 0 ? Math.min(1, bytesRead / total) : 0;
      const filled = Math.round(share * width);
      const rate = bytesRead / 1048576 / ((now - started) / 1000);
      const label = file.length > 40 ? `…${file.slice(-39)}` : file;
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${rate.toFixed(0)} MB/s ${label}\u001b[K`);
    },
    done() {
      if (visible) stream.write('\r\u001b[K');
      visible = false;
    },
  };
}
