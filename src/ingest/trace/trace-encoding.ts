import { byteOrderMark, chunkDecoder, isUtf8Prefix, utf16ByNulCount } from '../text-decoding.js';
import type { TraceEncoding } from '../../model/message-trace.js';

/**
 * What the trace reader accepts (text-decoding.ts has the primitives): a BOM, else UTF-16 by its
 * NULs, else UTF-8, with Windows-1252 for what is not UTF-8 (5.1 `Export-Csv -Encoding Default`);
 * UTF-32, UTF-7 and archives are refused with the reason.
 */
export type { TraceEncoding } from '../../model/message-trace.js';
export { chunkDecoder, type ChunkDecoder } from '../text-decoding.js';

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
  const bom = byteOrderMark(b);
  if (bom?.encoding === 'utf-32le') return unknown('UTF-32LE (byte-order mark FF FE 00 00)');
  if (bom?.encoding === 'utf-32be') return unknown('UTF-32BE (byte-order mark 00 00 FE FF)');
  if (bom) return known(bom.encoding, bom.bytes);
  if (b.length >= 3 && b[0] === 0x2b && b[1] === 0x2f && b[2] === 0x76) return unknown('UTF-7 (byte-order mark 2B 2F 76)');
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return unknown('a ZIP archive (Start-HistoricalSearch -CompressFile or a mail attachment); extract the CSV first');
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return unknown('a gzip archive; decompress it first');
  // No BOM: ASCII text in UTF-16 shows a NUL in every other byte.
  const utf16 = utf16ByNulCount(b);
  if (utf16 === 'utf-16le') return known('utf-16le', 0, 'UTF-16LE without a byte-order mark (recognised by its NUL bytes)');
  if (utf16 === 'utf-16be') return known('utf-16be', 0, 'UTF-16BE without a byte-order mark (recognised by its NUL bytes)');
  if (utf16 === 'binary') return unknown('binary data or an unknown encoding (NUL bytes that do not follow a UTF-16 pattern)');
  if (!isUtf8Prefix(b)) return known('windows-1252', 0, 'not UTF-8: read as Windows-1252 (ANSI); export with -Encoding UTF8 to be sure of non-ASCII characters');
  return known('utf-8', 0);
}

/** Text of a detection sample (whole characters only), or null when the encoding is unknown. */
export function decodeSample(sample: Uint8Array): string | null {
  const sniff = sniffEncoding(sample);
  if (!sniff.encoding) return null;
  const d = chunkDecoder(sniff.encoding);
  return d.write(Buffer.from(sample.buffer, sample.byteOffset + sniff.bomBytes, sample.byteLength - sniff.bomBytes));
}
