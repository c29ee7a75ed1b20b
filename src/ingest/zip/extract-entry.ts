import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import type { ZipEntry } from './central-directory.js';
import { crc32 } from './crc32.js';
import type { ZipLimits } from './zip-limits.js';

/** Why one entry was not extracted: becomes a diagnostic naming the entry. */
export class EntryRefused extends Error {}

/** Bytes extracted so far from one input (nested archives included), against ZIP_LIMITS.totalBytes. */
export interface ExtractBudget {
  total: number;
}

/**
 * Checks what the central directory declares before anything is inflated: a declared size over
 * the limits or a declared ratio of a zip bomb is refused without reading the data.
 */
export function refuseByDeclaration(e: ZipEntry, budget: ExtractBudget, limits: ZipLimits): string | null {
  if (e.flags & 0x1) return 'it is encrypted';
  if (e.method !== 0 && e.method !== 8) return `it is compressed with method ${e.method} (only stored and deflate are read)`;
  if (e.unixMode !== null && (e.unixMode & 0o170000) === 0o120000) return 'it is a symbolic link';
  if (e.uncompressedSize > limits.entryBytes) return `it extracts to ${e.uncompressedSize} bytes, more than ${limits.entryBytes}`;
  if (tooDeflated(e.uncompressedSize, e.compressedSize, limits)) return bombText(e.uncompressedSize, e.compressedSize, limits);
  if (budget.total + e.uncompressedSize > limits.totalBytes) return `the archive's entries extract to more than ${limits.totalBytes} bytes together`;
  return null;
}

function tooDeflated(out: number, compressed: number, limits: ZipLimits): boolean {
  return out > limits.ratioFloor && out > Math.max(compressed, 1) * limits.ratio;
}

function bombText(out: number, compressed: number, limits: ZipLimits): string {
  return `it extracts ${Math.round(out / Math.max(compressed, 1))} times its compressed size (${compressed} → ${out} bytes), more than the ${limits.ratio} a real export reaches: a zip bomb`;
}

/**
 * Streams one entry's data (`dataStart` after its local header) through inflate into `dest`,
 * counting as it goes: more bytes than declared, than the limits or than the ratio allows stops the
 * stream at once (the declared sizes may lie); then the length and the CRC-32 are checked. A refused
 * entry leaves no file behind.
 */
export async function extractEntry(zipFile: string, e: ZipEntry, dataStart: number, dest: string, budget: ExtractBudget, limits: ZipLimits): Promise<void> {
  let written = 0;
  let crc = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
      written += chunk.length;
      budget.total += chunk.length;
      if (written > e.uncompressedSize) return done(new EntryRefused(`it holds more than the ${e.uncompressedSize} bytes its header declares`));
      if (tooDeflated(written, e.compressedSize, limits)) return done(new EntryRefused(bombText(written, e.compressedSize, limits)));
      if (budget.total > limits.totalBytes) return done(new EntryRefused(`the archive's entries extract to more than ${limits.totalBytes} bytes together`));
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
  });
  const source = e.compressedSize === 0 ? Readable.from([]) : createReadStream(zipFile, { start: dataStart, end: dataStart + e.compressedSize - 1 });
  const out = createWriteStream(dest, { flags: 'wx' });
  try {
    if (e.method === 8) await pipeline(source, createInflateRaw(), guard, out);
    else await pipeline(source, guard, out);
    if (written !== e.uncompressedSize) throw new EntryRefused(`it holds ${written} bytes, not the ${e.uncompressedSize} its header declares (cut short?)`);
    if (crc !== e.crc) throw new EntryRefused('its CRC-32 does not match: the data is damaged');
  } catch (err) {
    rmSync(dest, { force: true });
    if (err instanceof EntryRefused) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // zlib's own codes (Z_DATA_ERROR, Z_BUF_ERROR) mean damaged deflate data.
    if (typeof code === 'string' && code.startsWith('Z_')) throw new EntryRefused(`its compressed data is damaged (${(err as Error).message})`);
    throw new EntryRefused(`it could not be extracted: ${(err as Error).message}`);
  }
}
