import { isAscii, isUtf8 } from 'node:buffer';
import { toByteSource, type ByteSource } from '../byte-source.js';
import type { ReadProgress } from '../evidence/evidence-reader.js';
import { byteOrderMark, utf16ByFirstBytes } from '../text-decoding.js';

/**
 * Line reading for Exchange's text logs, which can be several GB: the file is read in large chunks,
 * each chunk decoded once up to its last line end, and lines handed out as string slices — no
 * per-line Buffer, no whole-file string. Exchange writes UTF-8 with a byte-order mark and CRLF
 * (FORMATS.md 2 and 3); a log re-saved by an editor may come back as UTF-16 with a BOM.
 */

export type LogEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export type EncodingSniff =
  | { encoding: LogEncoding; bomLength: number; bom: boolean }
  | { unsupported: string };

/** The encoding from the first bytes: a BOM when there is one, else the NUL pattern of UTF-16 text, else UTF-8. */
export function sniffEncoding(head: Uint8Array): EncodingSniff {
  const bom = byteOrderMark(head);
  if (bom?.encoding === 'utf-32le') return { unsupported: 'UTF-32LE (byte-order mark FF FE 00 00)' };
  if (bom?.encoding === 'utf-32be') return { unsupported: 'UTF-32BE (byte-order mark 00 00 FE FF)' };
  if (bom) return { encoding: bom.encoding, bomLength: bom.bytes, bom: true };
  // '#' then NUL (or NUL then '#'): UTF-16 saved without a byte-order mark.
  const utf16 = utf16ByFirstBytes(head);
  if (utf16) return { encoding: utf16, bomLength: 0, bom: false };
  return { encoding: 'utf-8', bomLength: 0, bom: false };
}

/** Text of the first bytes for detection, whatever the encoding (UTF-32 included, so it can be refused clearly later). */
export function sampleText(sample: Uint8Array, maxBytes = 64 * 1024): string {
  const head = Buffer.from(sample.buffer, sample.byteOffset, Math.min(sample.byteLength, maxBytes));
  const sniff = sniffEncoding(head);
  if ('unsupported' in sniff) {
    // Drop the NULs of UTF-32 ASCII text: enough to recognise the header.
    let s = '';
    for (let i = 0; i < head.length; i++) if (head[i] !== 0 && head[i]! < 0x80) s += String.fromCharCode(head[i]!);
    return s;
  }
  const body = head.subarray(sniff.bomLength, head.length - ((head.length - sniff.bomLength) % (sniff.encoding === 'utf-8' ? 1 : 2)));
  return new TextDecoder(sniff.encoding).decode(body);
}

export interface LineReadResult {
  encoding: LogEncoding | null;
  /** Set when the encoding is not one this reader decodes (UTF-32): nothing was read. */
  unsupportedEncoding: string | null;
  bytes: number;
  lines: number;
  /** The file did not end with a line end: its last line may have been cut while being written or copied. */
  lastLineUnterminated: boolean;
  /** First line holding bytes that are not UTF-8 (a file re-saved in a legacy code page), null when all decode. */
  firstInvalidUtf8Line: number | null;
}

/**
 * One line: `text.slice(start, end)` (line end excluded), handed as a range so a reader slices only
 * what it keeps. `text` is shared by many lines. `complete` is false only for a last line without
 * a line end.
 */
export type LineHandler = (text: string, start: number, end: number, lineNumber: number, complete: boolean) => void;

/**
 * Read size: large enough that per-read costs vanish, small enough that a decoded chunk string
 * fits V8's regular heap pages (128 KiB) instead of the large-object space, which maps and unmaps
 * memory for each one (measured on 1 GB of logs: 120 KiB reads ~112 MB/s at ~92 MiB peak RSS;
 * 512 KiB ~100 MB/s at ~110 MiB; 4 MiB ~96 MB/s at ~185 MiB).
 */
const CHUNK_BYTES = 120 << 10;
/**
 * Bytes asked of the source at once: several chunks, each decoded on its own as above. Every read
 * is a hand-over to another thread and back, and on a busy machine the reading thread often loses
 * its turn on the CPU there (1 GB of logs in 120 KiB reads: ~9,000 reads, 0.6–1.6 s of wall time
 * inside the read calls; in 960 KiB reads the reader took ~5–8 % less CPU time). A multiple of
 * CHUNK_BYTES, so a file is cut into the same chunks as before.
 */
const READ_BYTES = 8 * CHUNK_BYTES;

export async function readLogLines(input: ByteSource | string, onLine: LineHandler, progress?: ReadProgress): Promise<LineReadResult> {
  const source = toByteSource(input);
  const file = source.name;
  const handle = await source.open();
  let inFlight: Promise<{ bytesRead: number }> | null = null;
  try {
    const size = handle.size;
    const head = Buffer.alloc(Math.min(4, size));
    await handle.read(head, 0, head.length, 0);
    const sniff = sniffEncoding(head);
    const result: LineReadResult = {
      encoding: null,
      unsupportedEncoding: null,
      bytes: size,
      lines: 0,
      lastLineUnterminated: false,
      firstInvalidUtf8Line: null,
    };
    if ('unsupported' in sniff) {
      result.unsupportedEncoding = sniff.unsupported;
      return result;
    }
    result.encoding = sniff.encoding;
    progress?.start(file, size);
    const splitter = new LineSplitter(onLine);
    let position = sniff.bomLength;
    if (sniff.encoding === 'utf-8') {
      // Two read buffers: the next read runs while the last one is decoded and split, a chunk
      // at a time. Each chunk goes after the unterminated tail of the one before in `buffer`.
      const reads = [Buffer.allocUnsafe(READ_BYTES), Buffer.allocUnsafe(READ_BYTES)];
      let which = 0;
      let buffer = Buffer.allocUnsafe(CHUNK_BYTES * 2);
      let carried = 0;
      inFlight = handle.read(reads[0]!, 0, READ_BYTES, position);
      for (;;) {
        const { bytesRead: blockBytes } = await inFlight;
        if (blockBytes === 0) break;
        const block = reads[which]!;
        which ^= 1;
        inFlight = handle.read(reads[which]!, 0, READ_BYTES, position + blockBytes);
        for (let at = 0; at < blockBytes; at += CHUNK_BYTES) {
          const bytesRead = Math.min(CHUNK_BYTES, blockBytes - at);
          const chunk = block.subarray(at, at + bytesRead);
          position += bytesRead;
          if (buffer.length - carried < bytesRead) {
            // A line longer than a chunk: grow rather than cut it.
            const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, carried + bytesRead));
            buffer.copy(grown, 0, 0, carried);
            buffer = grown;
          }
          chunk.copy(buffer, carried, 0, bytesRead);
          const end = carried + bytesRead;
          const lastNewline = buffer.lastIndexOf(10, end - 1);
          if (lastNewline < 0) {
            carried = end;
          } else {
            const whole = buffer.subarray(0, lastNewline + 1);
            // Logs are mostly ASCII: then Latin-1 decoding gives the same text with a plain copy.
            if (isAscii(whole)) splitter.push(whole.toString('latin1'));
            else {
              if (result.firstInvalidUtf8Line === null && !isUtf8(whole)) {
                result.firstInvalidUtf8Line = splitter.lineNumber + firstLineWith(whole.toString('utf8'), '\uFFFD');
              }
              splitter.push(whole.toString('utf8'));
            }
            carried = end - (lastNewline + 1);
            buffer.copy(buffer, 0, lastNewline + 1, end);
          }
          progress?.update(position);
        }
      }
      if (carried > 0) {
        const tail = buffer.subarray(0, carried);
        if (result.firstInvalidUtf8Line === null && !isUtf8(tail)) result.firstInvalidUtf8Line = splitter.lineNumber + 1;
        splitter.push(tail.toString('utf8'));
      }
    } else {
      const decoder = new TextDecoder(sniff.encoding);
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        splitter.push(decoder.decode(chunk.subarray(0, bytesRead), { stream: true }));
        progress?.update(position);
      }
      splitter.push(decoder.decode());
    }
    result.lastLineUnterminated = splitter.finish();
    result.lines = splitter.lineNumber;
    progress?.done();
    return result;
  } finally {
    // A read still running (when a handler threw) must end before the file is closed.
    await inFlight?.catch(() => undefined);
    await handle.close();
  }
}

/** 1-based index of the first line of `text` holding `needle`. */
function firstLineWith(text: string, needle: string): number {
  const at = text.indexOf(needle);
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Cuts decoded text into lines (LF or CRLF), keeping an unterminated tail for the next piece. */
class LineSplitter {
  lineNumber = 0;
  private tail = '';

  constructor(private readonly onLine: LineHandler) {}

  push(piece: string): void {
    if (piece.length === 0) return;
    const text = this.tail.length > 0 ? this.tail + piece : piece;
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.onLine(text, start, end, ++this.lineNumber, true);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.tail = start < text.length ? text.slice(start) : '';
  }

  /** Hands out an unterminated last line; true when there was one. */
  finish(): boolean {
    if (this.tail.length === 0) return false;
    const line = this.tail.endsWith('\r') ? this.tail.slice(0, -1) : this.tail;
    this.tail = '';
    this.onLine(line, 0, line.length, ++this.lineNumber, false);
    return true;
  }
}
