import { isAscii, isUtf8 } from 'node:buffer';

/**
 * A complete line of a chunk whose bytes up to its last line break are known to be ASCII
 * (`latin1`) or valid UTF-8 (`utf8`): the line is `chunk[start, end)` (its line break excluded, and
 * the CR of a CRLF), and `chunk.toString(encoding, start, end)` is its text — what decoding its
 * bytes alone gives, but for a leading U+FEFF, which a decoder of the line alone drops.
 * The receiver decodes only the lines it keeps, each into its own string (a slice of one
 * chunk-wide string would keep the whole chunk alive as long as any kept value).
 */
export type TextLineSink = (chunk: Buffer, start: number, end: number, encoding: 'latin1' | 'utf8') => void;

/**
 * Bytes to lines for header files: LF and CRLF, and CR alone (old Mac OS files; RFC 5322 §4.1
 * lets obsolete text hold bare CR). The line ending is decided by the first one met: a CR not
 * followed by LF makes a CR-only file, split at every CR; otherwise lines end at LF and a CR before
 * it is dropped (a bare CR inside such a line stays part of it). Chunks arrive from a stream; each
 * byte is looked at once, and a line longer than `maxLineBytes` is cut.
 */
export class ByteLines {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private cut = false;
  /** Decided at the first line break: `\n` (LF and CRLF) or `\r` (CR only). */
  private ending: 0x0a | 0x0d | null = null;
  /** A CR ended the last chunk: the ending is not known until the next byte. */
  private crAtChunkEnd = false;

  /** The first line is always handed out as bytes (its byte order mark is the receiver's to drop). */
  private firstLineOut = false;

  /**
   * `onText`, when given, takes the complete lines of a chunk that is ASCII or valid UTF-8, checked
   * once (one native check for the chunk instead of a Buffer and a check per line);
   * the line that straddles two chunks, and every line of a chunk that is not valid UTF-8 (whose
   * lines each decode on their own, UTF-8 or Latin-1), still go to `onLine` as bytes.
   */
  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: Buffer, cut: boolean) => void,
    private readonly onText: TextLineSink | null = null,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.crAtChunkEnd) {
      this.crAtChunkEnd = false;
      this.ending = chunk[0] === 0x0a ? 0x0a : 0x0d;
      if (this.ending === 0x0d) this.emitPending(Buffer.alloc(0));
      else {
        this.emitPending(Buffer.alloc(0));
        start = 1;
      }
    }
    if (this.ending === null) {
      const lf = chunk.indexOf(0x0a, start);
      const cr = chunk.indexOf(0x0d, start);
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (cr + 1 === chunk.length) {
          // CR or CRLF: the next chunk says. The line before the CR is complete either way.
          this.pendingAppend(chunk.subarray(start, cr));
          this.crAtChunkEnd = true;
          return;
        }
        this.ending = chunk[cr + 1] === 0x0a ? 0x0a : 0x0d;
      } else if (lf >= 0) this.ending = 0x0a;
    }
    if (this.ending === null) {
      this.pendingAppend(chunk.subarray(start));
      return;
    }
    const ending = this.ending;
    if (this.onText !== null) start = this.textLines(chunk, start, ending, this.onText);
    for (;;) {
      const end = chunk.indexOf(ending, start);
      if (end < 0) break;
      this.emitPending(chunk.subarray(start, end));
      start = end + 1;
    }
    if (start < chunk.length) this.pendingAppend(chunk.subarray(start));
  }

  /**
   * The complete lines of `chunk` from `start` as ranges, when its bytes up to the last line break
   * are ASCII or valid UTF-8 (a line break is one ASCII byte, never inside a UTF-8 sequence, so
   * each line of a valid chunk is valid on its own). Returns where the bytes lines go on: past
   * the last line break, or `start` when the chunk is left to them.
   */
  private textLines(chunk: Buffer, start: number, ending: 0x0a | 0x0d, onText: TextLineSink): number {
    // A line begun in an earlier chunk, and the first line of the input, go out as bytes.
    if (this.pending.length > 0 || !this.firstLineOut) {
      const end = chunk.indexOf(ending, start);
      if (end < 0) return start;
      this.emitPending(chunk.subarray(start, end));
      start = end + 1;
    }
    const last = chunk.lastIndexOf(ending);
    if (last < start || last - start > this.maxLineBytes) return start;
    const region = chunk.subarray(start, last + 1);
    let encoding: 'latin1' | 'utf8';
    if (isAscii(region)) encoding = 'latin1';
    else if (isUtf8(region)) encoding = 'utf8';
    else return start;
    const stripCr = ending !== 0x0d;
    let from = start;
    while (from <= last) {
      const at = chunk.indexOf(ending, from);
      // LF endings: the CR of a CRLF is not part of the line (as emitPending).
      const end = stripCr && at > from && chunk[at - 1] === 0x0d ? at - 1 : at;
      onText(chunk, from, end, encoding);
      from = at + 1;
    }
    return last + 1;
  }

  /** The last line, when the input does not end with a line break. */
  end(): void {
    if (this.pending.length > 0 || this.crAtChunkEnd) this.emitPending(Buffer.alloc(0));
    this.crAtChunkEnd = false;
  }

  private pendingAppend(part: Buffer): void {
    if (part.length === 0) return;
    if (this.pendingBytes + part.length <= this.maxLineBytes) {
      this.pending.push(Buffer.from(part));
      this.pendingBytes += part.length;
    } else this.cut = true;
  }

  private emitPending(part: Buffer): void {
    let line = part;
    if (this.pending.length > 0) {
      this.pendingAppend(part);
      line = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
    } else if (line.length > this.maxLineBytes) {
      line = line.subarray(0, this.maxLineBytes);
      this.cut = true;
    }
    // LF endings: the CR of a CRLF is not part of the line.
    if (this.ending !== 0x0d && line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    const cut = this.cut;
    this.cut = false;
    this.firstLineOut = true;
    this.onLine(line, cut);
  }
}
