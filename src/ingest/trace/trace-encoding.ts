import { StringDecoder } from 'node:string_decoder';

/**
 * The encodings message-trace files arrive in. Windows PowerShell 5.1 writes `Out-File`/`>` as
 * UTF-16LE with a BOM and `Export-Csv` as ASCII; PowerShell 7 writes UTF-8 without a BOM;
 * historical search reports are UTF-16LE (FORMATS.md 1d); Excel's "Unicode text" and some
 * re-saves give UTF-16BE or UTF-8 with a BOM; 5.1 `Export-Csv -Encoding Default` gives the ANSI
 * code page (Windows-1252 in Western locales).
 */
export type TraceEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface EncodingSniff {
  encoding: TraceEncoding | null;
  /** Bytes of byte-order mark to skip. */
  bomBytes: number;
  /** Why the encoding is not one this reader knows (set when `encoding` is null). */
  unknown: string | null;
  /** A guess worth telling the admin about (no BOM, or ANSI). */
  note: string | null;
}

/** From the first bytes of a file (a sample; the more the better for the UTF-8 check). */
export function sniffEncoding(b: Uint8Array): EncodingSniff {
  const known = (encoding: TraceEncoding, bomBytes: number, note: string | null = null): EncodingSniff => ({ encoding, bomBytes, unknown: null, note });
  const unknown = (why: string): EncodingSniff => ({ encoding: null, bomBytes: 0, unknown: why, note: null });
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return unknown('UTF-32LE (byte-order mark FF FE 00 00)');
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return unknown('UTF-32BE (byte-order mark 00 00 FE FF)');
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return known('utf-16le', 2);
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return known('utf-16be', 2);
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return known('utf-8', 3);
  if (b.length >= 3 && b[0] === 0x2b && b[1] === 0x2f && b[2] === 0x76) return unknown('UTF-7 (byte-order mark 2B 2F 76)');
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return unknown('a ZIP archive (Start-HistoricalSearch -CompressFile or a mail attachment); extract the CSV first');
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return unknown('a gzip archive; decompress it first');
  // No BOM: ASCII text in UTF-16 shows a NUL in every other byte.
  const n = Math.min(b.length, 4096) & ~1;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  if (n >= 4 && oddNul > n / 4 && evenNul === 0) return known('utf-16le', 0, 'UTF-16LE without a byte-order mark (recognised by its NUL bytes)');
  if (n >= 4 && evenNul > n / 4 && oddNul === 0) return known('utf-16be', 0, 'UTF-16BE without a byte-order mark (recognised by its NUL bytes)');
  if (evenNul + oddNul > 0) return unknown('binary data or an unknown encoding (NUL bytes that do not follow a UTF-16 pattern)');
  if (!isUtf8(b)) return known('windows-1252', 0, 'not UTF-8: read as Windows-1252 (ANSI); export with -Encoding UTF8 to be sure of non-ASCII characters');
  return known('utf-8', 0);
}

/** Whether the bytes are valid UTF-8, allowing a sequence cut at the end of the sample. */
function isUtf8(b: Uint8Array): boolean {
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

export function chunkDecoder(encoding: TraceEncoding): ChunkDecoder {
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

/** Text of a detection sample (whole characters only), or null when the encoding is unknown. */
export function decodeSample(sample: Uint8Array): string | null {
  const sniff = sniffEncoding(sample);
  if (!sniff.encoding) return null;
  const d = chunkDecoder(sniff.encoding);
  return d.write(Buffer.from(sample.buffer, sample.byteOffset + sniff.bomBytes, sample.byteLength - sniff.bomBytes));
}
