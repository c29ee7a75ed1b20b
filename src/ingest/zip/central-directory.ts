import { readSync } from 'node:fs';
import type { ZipLimits } from './zip-limits.js';

/**
 * The zip central directory (APPNOTE.TXT 4.3.12–4.3.16, ZIP64 4.3.14/4.5.3), read from the end of
 * the file: the end-of-central-directory record, the ZIP64 records when a count, size or offset
 * overflowed 16/32 bits (Compress-Archive writes ZIP64 past 4 GB or 65,535 entries), then one
 * header per entry. Names are UTF-8 when flag bit 11 says so (.NET's ZipArchive sets it for any
 * non-ASCII name), otherwise code page 437.
 */

export interface ZipEntry {
  /** Position in the central directory, from 1. */
  index: number;
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** Unix mode from the external attributes when the archive was made on Unix, else null. */
  unixMode: number | null;
}

export interface CentralDirectory {
  entries: ZipEntry[];
  /** Entries listed beyond the entry limit (not read), and the first one's name. */
  moreEntries: number;
  firstMoreName: string | null;
  /** Where the central directory starts: every entry's data lies before it. */
  offset: number;
}

export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;

export function readAt(fd: number, position: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  let at = 0;
  while (at < length) {
    const n = readSync(fd, b, at, length - at, position + at);
    if (n === 0) break;
    at += n;
  }
  return at === length ? b : b.subarray(0, at);
}

/** A 64-bit field as a number; beyond 2^53 no real archive goes. */
function u64(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('a ZIP64 size or offset is too large to be real');
  return Number(v);
}

export function readCentralDirectory(fd: number, fileSize: number, limits: ZipLimits): CentralDirectory {
  if (fileSize < 22) throw new ZipFormatError('too short to be a zip archive');
  // The record is 22 bytes plus a comment of up to 65,535.
  const tailStart = Math.max(0, fileSize - 22 - 0xffff);
  const tail = readAt(fd, tailStart, fileSize - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('no end-of-central-directory record (not a zip archive, or cut short)');
  const disk = tail.readUInt16LE(eocd + 4);
  const cdDisk = tail.readUInt16LE(eocd + 6);
  let count = tail.readUInt16LE(eocd + 10);
  let size = tail.readUInt32LE(eocd + 12);
  let offset = tail.readUInt32LE(eocd + 16);
  if ((disk !== 0 && disk !== 0xffff) || (cdDisk !== 0 && cdDisk !== 0xffff)) throw new ZipFormatError('a split (multi-part) archive: join the parts first');
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const at = tailStart + eocd - 20;
    const locator = at >= 0 ? readAt(fd, at, 20) : Buffer.alloc(0);
    if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR) throw new ZipFormatError('a ZIP64 archive without its ZIP64 locator');
    const recordAt = u64(locator, 8);
    const record = readAt(fd, recordAt, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw new ZipFormatError('the ZIP64 end-of-central-directory record is missing');
    count = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
  }
  if (offset + size > fileSize) throw new ZipFormatError('the central directory lies beyond the end of the file (cut short?)');
  if (size > limits.centralDirectoryBytes) throw new ZipFormatError(`the central directory is larger than ${limits.centralDirectoryBytes} bytes`);
  const cd = readAt(fd, offset, size);
  const entries: ZipEntry[] = [];
  let at = 0;
  let listed = 0;
  let firstMoreName: string | null = null;
  while (at + 46 <= cd.length && cd.readUInt32LE(at) === CENTRAL_HEADER) {
    listed++;
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw new ZipFormatError(`central directory entry ${listed} runs past the directory's end`);
    if (entries.length < limits.entries) entries.push(centralEntry(cd, at, listed, nameLength, extraLength));
    else if (firstMoreName === null) firstMoreName = centralEntry(cd, at, listed, nameLength, extraLength).name;
    at = end;
  }
  if (listed < count && listed < limits.entries) throw new ZipFormatError(`the central directory lists ${listed} of the ${count} entries it announces (cut short?)`);
  return { entries, moreEntries: Math.max(0, listed - entries.length), firstMoreName, offset };
}

function centralEntry(cd: Buffer, at: number, index: number, nameLength: number, extraLength: number): ZipEntry {
  const flags = cd.readUInt16LE(at + 8);
  const rawName = cd.subarray(at + 46, at + 46 + nameLength);
  const name = flags & 0x800 ? rawName.toString('utf8') : cp437(rawName);
  let compressedSize = cd.readUInt32LE(at + 20);
  let uncompressedSize = cd.readUInt32LE(at + 24);
  let localHeaderOffset = cd.readUInt32LE(at + 42);
  // ZIP64 extended information (header 0x0001): only the fields that overflowed, in this order.
  const extra = cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
  for (let e = 0; e + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(e);
    const len = extra.readUInt16LE(e + 2);
    if (id === 0x0001) {
      let f = e + 4;
      const take = (): number => {
        if (f + 8 > e + 4 + len || f + 8 > extra.length) throw new ZipFormatError(`entry ${index} "${name}": its ZIP64 field is short`);
        const v = u64(extra, f);
        f += 8;
        return v;
      };
      if (uncompressedSize === 0xffffffff) uncompressedSize = take();
      if (compressedSize === 0xffffffff) compressedSize = take();
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
    }
    e += 4 + len;
  }
  const madeBy = cd.readUInt16LE(at + 4) >>> 8;
  const external = cd.readUInt32LE(at + 38);
  return {
    index,
    name,
    flags,
    method: cd.readUInt16LE(at + 10),
    crc: cd.readUInt32LE(at + 16),
    compressedSize,
    uncompressedSize,
    localHeaderOffset,
    unixMode: madeBy === 3 ? external >>> 16 : null,
  };
}

/** Code page 437 as the zip format's default name encoding; the upper half maps to its Unicode letters. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function cp437(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return s;
}
