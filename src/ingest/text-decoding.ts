import { isAscii, isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

/**
 * Text decoding for every reader, in one place: byte-order marks, UTF-16 without a BOM, a
 * streaming decoder, and the whole-buffer decoding of configuration files. Windows PowerShell 5.1
 * writes `Out-File` and `>` output as UTF-16LE with a byte-order mark, `Set-Content -Encoding
 * UTF8` adds a UTF-8 BOM, historical search reports are UTF-16LE (FORMATS.md 1d), Excel's
 * "Unicode text" gives UTF-16BE, and 5.1 `Export-Csv -Encoding Default` the ANSI code page
 * (Windows-1252 in Western locales). Each reader decides what it accepts (the trace reader falls
 * back to Windows-1252, the log reader refuses UTF-32) from these primitives.
 */

/** The encodings the readers decode. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface ByteOrderMark {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';
  /** Length of the mark in bytes. */
  bytes: number;
}

/** The byte-order mark `b` starts with, null when none. UTF-32LE's `FF FE 00 00` is told from UTF-16LE's `FF FE`. */
export function byteOrderMark(b: Uint8Array): ByteOrderMark | null {
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { encoding: 'utf-32le', bytes: 4 };
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: 'utf-32be', bytes: 4 };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bytes: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bytes: 2 };
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', bytes: 3 };
  return null;
}

/** UTF-16 saved without a byte-order mark, from its first two characters: ASCII shows as `x\0y\0` (LE) or `\0x\0y` (BE). */
export function utf16ByFirstBytes(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return 'utf-16le';
  if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return 'utf-16be';
  return null;
}

/**
 * UTF-16 without a byte-order mark from the NULs of its first 4 KiB: ASCII text in UTF-16 has a
 * NUL in every other byte. `binary` when NULs follow no UTF-16 pattern, null when there are none.
 */
export function utf16ByNulCount(b: Uint8Array): 'utf-16le' | 'utf-16be' | 'binary' | null {
  const n = Math.min(b.length, 4096) & ~1;
  // Most files hold no NUL at all: one native search answers them (every file of a case is sampled).
  if (b.subarray(0, n).indexOf(0) < 0) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  if (n >= 4 && oddNul > n / 4 && evenNul === 0) return 'utf-16le';
  if (n >= 4 && evenNul > n / 4 && oddNul === 0) return 'utf-16be';
  return evenNul + oddNul > 0 ? 'binary' : null;
}

/** Whether the bytes are valid UTF-8, allowing a sequence cut at the end of a sample. */
export function isUtf8Prefix(b: Uint8Array): boolean {
  // Strict UTF-8 (node:buffer's native check) is a subset of what the loop below accepts: a
  // whole-valid sample, the usual case, needs no byte-by-byte pass.
  if (isUtf8(b)) return true;
  const end = b.length;
  let i = 0;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0) return false;
    for (let k = 1; k < len; k++) {
      if (i + k >= end) return true;
      if ((b[i + k]! & 0xc0) !== 0x80) return false;
    }
    i += len;
  }
  return true;
}

/** Decodes a byte stream chunk by chunk; characters cut between chunks are carried over. */
export interface ChunkDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

export function chunkDecoder(encoding: TextEncoding): ChunkDecoder {
  if (encoding === 'utf-8') return new StringDecoder('utf8');
  if (encoding === 'utf-16le') return new StringDecoder('utf16le');
  if (encoding === 'windows-1252') {
    const d = new TextDecoder('windows-1252');
    return { write: (c) => d.decode(c, { stream: true }), end: () => d.decode() };
  }
  // UTF-16BE: swap each byte pair into little-endian, carrying an odd last byte over.
  const le = new StringDecoder('utf16le');
  let carry: number | null = null;
  return {
    write(chunk) {
      let bytes = chunk;
      if (carry !== null) {
        bytes = Buffer.concat([Buffer.of(carry), chunk]);
        carry = null;
      }
      const even = bytes.length & ~1;
      if (even < bytes.length) carry = bytes[even]!;
      const swapped = Buffer.from(bytes.subarray(0, even));
      swapped.swap16();
      return le.write(swapped);
    },
    end: () => le.end(),
  };
}

/**
 * Turns a whole file's bytes (a configuration file, a detection sample) into text: a BOM decides,
 * else UTF-16LE by its first bytes, else UTF-8. Never throws.
 */
export function decodeText(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = byteOrderMark(b);
  // `FF FE 00 00` is decoded as UTF-16LE too: its text then shows NULs, and looksLikeText says no.
  if (bom?.encoding === 'utf-16le' || bom?.encoding === 'utf-32le') return b.subarray(2).toString('utf16le');
  if (bom?.encoding === 'utf-16be') {
    // A truncated file can end in half a code unit; swap16 refuses odd lengths, so the stray
    // byte becomes U+FFFD like any other undecodable byte instead of losing the whole file.
    const even = (b.length - 2) & ~1;
    const swapped = Buffer.from(b.subarray(2, 2 + even));
    swapped.swap16();
    return swapped.toString('utf16le') + (even < b.length - 2 ? '\uFFFD' : '');
  }
  if (bom?.encoding === 'utf-8') return b.subarray(3).toString('utf8');
  if (utf16ByFirstBytes(b) === 'utf-16le') return b.toString('utf16le');
  return b.toString('utf8');
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A short run of bytes whose encoding nothing declares (a mail header line, RFC 6532): UTF-8 when
 * the bytes are valid UTF-8 (a leading UTF-8 BOM dropped, as TextDecoder does), otherwise Latin-1,
 * which maps every byte to one character so nothing is lost or replaced. ASCII, the usual case,
 * takes one native check.
 */
export function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isAscii(b)) return b.toString('latin1');
  try {
    return STRICT_UTF8.decode(b);
  } catch {
    return b.toString('latin1');
  }
}

/** True when the bytes look like text rather than binary (no NUL in the sample once decoded). */
export function looksLikeText(text: string): boolean {
  return !text.slice(0, 4096).includes('\u0000');
}
