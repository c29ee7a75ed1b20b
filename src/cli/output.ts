import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { COLOR, PLAIN, type Style } from '../report/style.js';

/** Colour only for a terminal, and never in files or when NO_COLOR is set. */
export function styleFor(output: string | null): Style {
  return output === null && process.stdout.isTTY && !process.env.NO_COLOR ? COLOR : PLAIN;
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
