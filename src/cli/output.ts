import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { COLOR, PLAIN, type Style } from '../report/style.js';
import { relativeToCwd } from './relative-paths.js';

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

/**
 * Where a report goes and what is done to it on the way: the one point every rendered report
 * passes (text, JSON, Markdown, CSV, HTML alike). `paths`: the inputs the report was made from,
 * for `--redact` to learn the names to replace. A bare string or null is `--output` alone.
 */
export interface OutputTarget {
  output: string | null;
  redact?: { map: string | null } | null;
  paths?: readonly string[];
}

type Target = string | null | OutputTarget;

function targetOf(t: Target): OutputTarget {
  return t === null || typeof t === 'string' ? { output: t } : t;
}

/**
 * The report's last step: paths under the working directory are written relative to it (the
 * readers keep paths as given, so `demo` and absolute arguments would otherwise print the admin's
 * home folder), then `--redact` replaces names. Both act on the rendered text, so every renderer
 * and format is covered at once.
 */
async function finisher(t: OutputTarget): Promise<(text: string) => string> {
  // Loaded only when asked for: the redactor brings the rule catalog (its words are never pseudonymised).
  const redact = t.redact ? await (await import('./redact-report.js')).reportRedactor(t.redact, t.paths ?? []) : null;
  return (text) => {
    const relative = relativeToCwd(text);
    return redact ? redact(relative) : relative;
  };
}

export async function emit(text: string, target: Target): Promise<void> {
  const t = targetOf(target);
  const finish = await finisher(t);
  const out = finish(text);
  if (t.output) await writeFile(t.output, out, 'utf8');
  else process.stdout.write(out);
}

/** Like `emit`, for a report too large to build as one string: written piece by piece, waiting when the stream is full. */
export async function emitPieces(pieces: Iterable<string>, target: Target): Promise<void> {
  const t = targetOf(target);
  const finish = await finisher(t);
  const out: Writable = t.output ? createWriteStream(t.output, 'utf8') : process.stdout;
  // Each piece is whole JSON values (a path or a name never spans two pieces), so each is finished on its own.
  for (const piece of pieces) {
    if (!out.write(finish(piece))) await once(out, 'drain');
  }
  if (t.output) {
    out.end();
    await once(out, 'finish');
  }
}

/**
 * The last step of `emit` on its own, for a command that finishes its pieces as it makes them and
 * keeps them as bytes (`emitFinishedBytes`). Without `--redact` it only makes paths relative: no
 * file is read or written, so it may be asked for before the report's input is read.
 */
export function reportFinisher(target: Target): Promise<(text: string) => string> {
  return finisher(targetOf(target));
}

/** Bytes gathered before one write: thousands of small writes cost more than their bytes. */
const BYTES_BATCH = 1 << 20;

/**
 * Like `emitPieces`, for a report already finished (`reportFinisher`) and encoded as UTF-8: the
 * bytes are written as they are, in batches, with no text decoded or built again. A piece is
 * copied before the next is asked for, so a source may reuse its buffer.
 */
export async function emitFinishedBytes(pieces: Iterable<Uint8Array>, output: string | null): Promise<void> {
  // A file is written synchronously, as `openReportOutput` does; standard output through its stream, waiting when it is full.
  const fd = output ? openSync(output, 'w') : -1;
  try {
    let batch = Buffer.allocUnsafe(BYTES_BATCH);
    let used = 0;
    const flush = async (): Promise<void> => {
      if (used === 0) return;
      if (fd >= 0) {
        writeAll(fd, batch, used);
      } else {
        // The stream keeps the buffer until it is written: the next batch gets a new one.
        const full = process.stdout.write(batch.subarray(0, used));
        batch = Buffer.allocUnsafe(BYTES_BATCH);
        if (!full) await once(process.stdout, 'drain');
      }
      used = 0;
    };
    for (const piece of pieces) {
      if (piece.length > batch.length - used) await flush();
      if (piece.length > batch.length) {
        if (fd >= 0) writeAll(fd, piece, piece.length);
        else if (!process.stdout.write(Buffer.from(piece))) await once(process.stdout, 'drain');
        continue;
      }
      batch.set(piece, used);
      used += piece.length;
    }
    await flush();
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array, length: number): void {
  for (let done = 0; done < length; ) done += writeSync(fd, bytes, done, length - done);
}

/** A report being written as it is made (`openReportOutput`): pieces in order, then `end`. */
export interface ReportOutput {
  /** Finishes the piece (relative paths, `--redact`) and writes it; resolves when the stream can take more. */
  write(piece: string): Promise<void>;
  end(): Promise<void>;
}

/**
 * Like `emitPieces`, for a report whose pieces come while its input is still being read: opens
 * the target (creating the --output file) only when called, so a command that finds nothing to
 * report writes nothing. Each piece must be whole values — no path or name spans two pieces —
 * as each is finished on its own.
 */
export async function openReportOutput(target: Target): Promise<ReportOutput> {
  const t = targetOf(target);
  const finish = await finisher(t);
  if (t.output) {
    // A file is written synchronously: the reading then keeps pace with the disk whatever feeds it
    // (standard input cannot be made to wait), instead of queueing unwritten text in memory.
    const fd = openSync(t.output, 'w');
    return {
      async write(piece) {
        const bytes = Buffer.from(finish(piece), 'utf8');
        for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      },
      async end() {
        closeSync(fd);
      },
    };
  }
  const out: Writable = process.stdout;
  // A failed write (a closed pipe) is kept for the next call to throw: the stream's 'error' would otherwise end the process.
  let failure: Error | null = null;
  const failed = (e: Error): void => {
    failure ??= e;
  };
  out.on('error', failed);
  const check = (): void => {
    if (failure) throw failure;
  };
  return {
    async write(piece) {
      check();
      // `once` rejects on the stream's 'error' while it waits.
      if (!out.write(finish(piece))) await once(out, 'drain');
      check();
    },
    async end() {
      out.off('error', failed);
      check();
    },
  };
}
