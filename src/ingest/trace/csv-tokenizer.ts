import { doubled } from '../typed-arrays.js';

/**
 * A streaming CSV tokenizer for message-trace exports (RFC 4180: fields quoted with `"`, `""` for a
 * quote inside, CR, LF or CRLF between rows, line breaks allowed inside quoted fields). Text is
 * pushed chunk by chunk; a row cut by a chunk boundary is carried over whole, so memory is one
 * chunk plus one row. Fields are not copied out: a row handler reads the ones it needs with
 * `field(i)` while it runs, which is what makes a 27-column report cheap when a handful are used.
 *
 * A bare `"` inside an unquoted field is kept as text (Excel and hand edits write that). Rows
 * that cannot be read — text after a closing quote, a quoted field that never closes — are
 * reported with the line they start on, and reading resumes on the next line.
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

export interface CsvRowHandler {
  /** A complete row; its fields are readable through the tokenizer only until this returns. */
  row(tokenizer: CsvTokenizer, line: number): void;
  /** A row that could not be tokenized (counted as skipped by the caller). */
  malformed(line: number, reason: string): void;
}

/** Longest row carried over between chunks before a quoted field is taken as never closed. */
export const MAX_ROW_CHARS = 8 * 1024 * 1024;

export class CsvTokenizer {
  /** Fields in the current row. */
  count = 0;
  private text = '';
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  /** 0 unquoted, 1 quoted, 2 quoted with doubled quotes inside. */
  private kinds = new Uint8Array(64);
  private pending = '';
  /** Line number of the first character of `pending`. */
  private line = 1;
  private readonly delimiter: number;

  constructor(
    private readonly handler: CsvRowHandler,
    delimiter = ',',
    private readonly maxRowChars = MAX_ROW_CHARS,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  field(i: number): string {
    if (i >= this.count) return '';
    const v = this.text.slice(this.starts[i]!, this.ends[i]!);
    return this.kinds[i] === 2 ? v.replaceAll('""', '"') : v;
  }

  /** Whether field i is empty (cheaper than `field(i) === ''`). */
  isEmpty(i: number): boolean {
    return i >= this.count || this.starts[i] === this.ends[i];
  }

  push(chunk: string): void {
    const pending = this.pending;
    if (pending.length === 0) {
      this.scan(chunk, false, 0);
      return;
    }
    // The row carried over mostly ends at the chunk's first line break: it is joined with the text
    // up to there only, and the rest of the chunk is scanned where it lies. Joining it with the
    // whole chunk would copy every chunk once more (a third of what reading a trace allocates).
    // When that break is inside a quoted field the row goes on: it is carried again and joined
    // with the rest. A carried row longer than the chunk (rare, or hostile) is joined whole at
    // once, so it is not scanned and copied twice; so is one near the carry-over bound, which
    // counts from the row's start.
    const lf = chunk.indexOf('\n');
    if (lf < 0 || pending.length > chunk.length || pending.length + chunk.length > this.maxRowChars) {
      this.scan(pending + chunk, false, 0);
      return;
    }
    this.scan(pending + chunk.slice(0, lf + 1), false, 0);
    if (this.pending.length > 0) this.scan(this.pending + chunk.slice(lf + 1), false, 0);
    else this.scan(chunk, false, lf + 1);
  }

  /** The end of the input: a last row without a line break is still a row. */
  end(): void {
    if (this.pending.length > 0) this.scan(this.pending, true, 0);
    this.pending = '';
  }

  private grow(): void {
    this.starts = doubled(this.starts);
    this.ends = doubled(this.ends);
    this.kinds = doubled(this.kinds);
  }

  /** Rows of `buf` from `from` (the start of a row); what is left of an unfinished row is carried in `pending`. */
  private scan(buf: string, final: boolean, from: number): void {
    const len = buf.length;
    const delim = this.delimiter;
    this.text = buf;
    this.pending = '';
    let line = this.line;
    let nextLf = buf.indexOf('\n', from);
    if (nextLf < 0) nextLf = len;
    let p = from;
    rows: while (p < len) {
      const rowStart = p;
      let n = 0;
      let incomplete = false;
      let broken: string | null = null;
      fields: for (;;) {
        if (n === this.starts.length) this.grow();
        if (p >= len) {
          // Only reached at the end of input, after a delimiter: an empty last field.
          if (!final) {
            incomplete = true;
            break fields;
          }
          this.starts[n] = p;
          this.ends[n] = p;
          this.kinds[n++] = 0;
          break fields;
        }
        let c = buf.charCodeAt(p);
        if (c === QUOTE) {
          const s = p + 1;
          let e = s;
          let kind = 1;
          for (;;) {
            e = buf.indexOf('"', e);
            if (e < 0) break;
            if (e + 1 < len && buf.charCodeAt(e + 1) === QUOTE) {
              kind = 2;
              e += 2;
              continue;
            }
            break;
          }
          if (e < 0 || (e + 1 >= len && !final)) {
            if (e < 0 && final) {
              broken = 'the file ends inside a quoted field (cut short, or a quote never closed)';
              p = len;
              break fields;
            }
            incomplete = true;
            break fields;
          }
          this.starts[n] = s;
          this.ends[n] = e;
          this.kinds[n++] = kind;
          p = e + 1;
          c = p < len ? buf.charCodeAt(p) : -1;
          if (c === delim) {
            p++;
            continue fields;
          }
          if (c === LF || c === -1) {
            if (c === LF) p++;
            break fields;
          }
          if (c === CR) {
            if (p + 1 < len) p += buf.charCodeAt(p + 1) === LF ? 2 : 1;
            else if (final) p++;
            else incomplete = true;
            break fields;
          }
          // A closing quote followed by text: the quotes are broken; give up on this line.
          const lf = buf.indexOf('\n', p);
          if (lf < 0 && !final) {
            incomplete = true;
            break fields;
          }
          broken = `text after the closing quote of field ${n} (a quote inside a field not doubled)`;
          p = lf < 0 ? len : lf + 1;
          break fields;
        }
        const s = p;
        while (p < len) {
          c = buf.charCodeAt(p);
          if (c === delim || c === LF || c === CR) break;
          p++;
        }
        if (p >= len && !final) {
          incomplete = true;
          break fields;
        }
        this.starts[n] = s;
        this.ends[n] = p;
        this.kinds[n++] = 0;
        if (p >= len) break fields;
        if (c === delim) {
          p++;
          continue fields;
        }
        if (c === LF) {
          p++;
          break fields;
        }
        if (p + 1 < len) p += buf.charCodeAt(p + 1) === LF ? 2 : 1;
        else if (final) p++;
        else incomplete = true;
        break fields;
      }
      if (incomplete) {
        if (len - rowStart <= this.maxRowChars) {
          this.pending = buf.slice(rowStart);
          this.line = line;
          return;
        }
        // Carried over too long: a quote opened on this row never closed. Resume on the next line.
        this.handler.malformed(line, `a quoted field opened here is not closed within ${this.maxRowChars} characters; the row is skipped and reading resumes on the next line`);
        const lf = buf.indexOf('\n', rowStart);
        p = lf < 0 ? len : lf + 1;
        while (nextLf < p) {
          line++;
          nextLf = buf.indexOf('\n', nextLf + 1);
          if (nextLf < 0) nextLf = len;
        }
        continue rows;
      }
      const rowLine = line;
      while (nextLf < p) {
        line++;
        nextLf = buf.indexOf('\n', nextLf + 1);
        if (nextLf < 0) nextLf = len;
      }
      if (broken !== null) {
        this.handler.malformed(rowLine, broken);
        continue rows;
      }
      this.count = n;
      // A blank line is no row.
      if (n === 1 && this.kinds[0] === 0 && this.starts[0] === this.ends[0]) continue rows;
      this.handler.row(this, rowLine);
    }
    this.line = line;
    this.count = 0;
  }
}
