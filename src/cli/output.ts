import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { COLOR, PLAIN, type Style } from '../report/style.js';

/**
 * Colour only for a terminal, and never in files or when NO_COLOR is set. Text wraps to the
 * terminal's width only on a terminal (not in a pipe, not with --output); `--full` lifts the caps
 * on long lists.
 */
export function styleFor(output: string | null, layout: { full?: boolean } = {}): Style {
  const colours = output === null && process.stdout.isTTY && !process.env.NO_COLOR ? COLOR : PLAIN;
  return { ...colours, width: terminalWidth(output), full: layout.full === true };
}

/** The terminal's width when the report goes to a terminal, else null (no wrapping). */
export function terminalWidth(output: string | null): number | null {
  if (output !== null || !process.stdout.isTTY) return null;
  const columns = process.stdout.columns;
  return typeof columns === 'number' && columns >= 40 ? columns : null;
}

export async function emit(text: string, output: string | null): Promise<void> {
  if (output) await writeFile(output, text, 'utf8');
  else process.stdout.write(text);
}

/** Like `emit`, for a report too large to build as one string: written piece by piece, waiting when the stream is full. */
export async function emitPieces(pieces: Iterable<string>, output: string | null): Promise<void> {
  const out: Writable = output ? createWriteStream(output, 'utf8') : process.stdout;
  for (const piece of pieces) {
    if (!out.write(piece)) await once(out, 'drain');
  }
  if (output) {
    out.end();
    await once(out, 'finish');
  }
}
