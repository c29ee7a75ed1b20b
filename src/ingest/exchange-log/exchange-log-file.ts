import { doubled } from '../typed-arrays.js';
import type { ReadProgress } from '../evidence/evidence-reader.js';
import type { ByteSource } from '../byte-source.js';
import { readLogLines, type LineReadResult } from './log-lines.js';

/**
 * Exchange's transport logs (FORMATS.md 2 and 3) share one layout: a header block of `#Software`,
 * `#Version`, `#Log-type`, `#Date` and `#Fields` lines, then comma-separated rows whose columns are
 * the ones `#Fields` names — taken from each file's header, never from fixed positions, since
 * Exchange 2010, 2013 and 2016+ write different field lists. A file may hold several header
 * blocks (a log appended after a restart, or files concatenated), each restating the fields.
 * Values are quoted only when needed, with `""` for a quote inside (FORMATS.md 3, writer behavior).
 */

export type ExchangeLogType = 'smtp-receive' | 'smtp-send' | 'message-tracking' | 'other';

export interface LogHeader {
  software: string | null;
  version: string | null;
  /** `#Log-type` as written (`SMTP Receive Protocol Log`); real files spell it `#Log-type`, the docs `#Log-Type`. */
  logType: string | null;
  type: ExchangeLogType;
  date: string | null;
  fields: string[];
  /** Line of the `#Fields` line. */
  line: number;
}

export function logTypeOf(logType: string | null): ExchangeLogType {
  const t = (logType ?? '').trim().toLowerCase();
  if (t === 'smtp receive protocol log') return 'smtp-receive';
  if (t === 'smtp send protocol log') return 'smtp-send';
  if (t === 'message tracking log') return 'message-tracking';
  return 'other';
}

/**
 * What the header of a file's first bytes says, for detection by content. The first lines are
 * looked at, not only the first: a log whose first line is broken (a stray row) is still a log.
 */
export function headerOfText(text: string): { software: string | null; logType: string | null } {
  let software: string | null = null;
  let logType: string | null = null;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let n = 0; n < 16 && start < text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (!line.startsWith('#')) continue;
    const h = headerLine(line);
    if (h?.key === 'software') software = h.value;
    else if (h?.key === 'log-type') logType = h.value;
  }
  return { software, logType };
}

function headerLine(line: string): { key: string; value: string } | null {
  const colon = line.indexOf(':');
  if (colon < 0) return null;
  return { key: line.slice(1, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() };
}

/** Malformed lines: the first few kept verbatim with their line number, the rest counted. */
export class MalformedLines {
  static readonly KEPT = 100;
  count = 0;
  readonly kept: { line: number; reason: string; text: string }[] = [];

  add(line: number, reason: string, text: string): void {
    this.count++;
    if (this.kept.length < MalformedLines.KEPT) this.kept.push({ line, reason, text: text.length > 300 ? `${text.slice(0, 300)}…` : text });
  }
}

export interface LogRowHandler {
  /** A `#Fields` line closed a header block: rows that follow have these columns. */
  header(header: LogHeader): void;
  /** One well-formed row: `values[i]` is the column `header.fields[i]`. The array is reused: copy what you keep. */
  row(values: string[], line: number): void;
  /**
   * Optional fast path for a well-formed row without quotes (most rows): column `i` is
   * `text.slice(starts[i], starts[i + 1] - 1)`, so a handler slices only the columns it uses.
   * `starts` is reused. When absent, such rows go to `row` like the others.
   */
  unquotedRow?(text: string, starts: Int32Array, line: number): void;
  /**
   * Optional fast path for a well-formed row with quoted values: column `i` is
   * `fieldValue(text, fields, i)`, so a handler slices (and unescapes) only the columns it uses.
   * `fields` is reused. When absent, such rows go to `row` like the others.
   */
  quotedRow?(text: string, fields: FieldRanges, line: number): void;
}

/**
 * The values of one CSV line as ranges of the text it was read from: value `i` is
 * `text.slice(starts[i], ends[i])` (quotes excluded), with `""` read as `"` where `escaped[i]` is 1.
 */
export interface FieldRanges {
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  escaped: Uint8Array;
}

export function fieldRanges(capacity = 64): FieldRanges {
  return { count: 0, starts: new Int32Array(capacity), ends: new Int32Array(capacity), escaped: new Uint8Array(capacity) };
}

/** Value `i` of a line split by splitCsvRanges, '' for a column the file lacks (`i` < 0). */
export function fieldValue(text: string, fields: FieldRanges, i: number): string {
  if (i < 0) return '';
  const v = text.slice(fields.starts[i]!, fields.ends[i]!);
  return fields.escaped[i] === 1 ? v.replaceAll('""', '"') : v;
}

export interface LogReadResult extends LineReadResult {
  rows: number;
  headers: LogHeader[];
  malformed: MalformedLines;
}

/** Streams one log file into the handler, checking every row against its block's `#Fields`. */
export async function readExchangeLog(source: ByteSource | string, handler: LogRowHandler, progress?: ReadProgress): Promise<LogReadResult> {
  const malformed = new MalformedLines();
  const headers: LogHeader[] = [];
  let rows = 0;
  let pending: Omit<LogHeader, 'fields' | 'line' | 'type'> = { software: null, version: null, logType: null, date: null };
  let columns = 0;
  const values: string[] = [];
  let starts = new Int32Array(64);
  const fields = fieldRanges();
  const unquoted = handler.unquotedRow?.bind(handler);
  const quoted = handler.quotedRow?.bind(handler);
  // Position of the next `"` in the current text at or after the line being read: found once and
  // reused while lines stay before it, so the search is linear over a chunk, not per line.
  let quoteText = '';
  let nextQuote = -1;
  const lines = await readLogLines(
    source,
    (text, from, to, number, complete) => {
      if (to === from) return;
      if (text.charCodeAt(from) === 35 /* # */) {
        const h = headerLine(text.slice(from, to));
        if (!h) return;
        if (h.key === 'software') pending = { software: h.value, version: null, logType: null, date: null };
        else if (h.key === 'version') pending.version = h.value;
        else if (h.key === 'log-type') pending.logType = h.value;
        else if (h.key === 'date') pending.date = h.value;
        else if (h.key === 'fields') {
          const header: LogHeader = { ...pending, type: logTypeOf(pending.logType), fields: h.value.split(',').map((f) => f.trim().toLowerCase()), line: number };
          headers.push(header);
          columns = header.fields.length;
          if (starts.length < columns + 1) starts = new Int32Array(columns + 1);
          handler.header(header);
        }
        return;
      }
      if (columns === 0) {
        malformed.add(number, 'data line before any #Fields header', text.slice(from, to));
        return;
      }
      if (unquoted) {
        if (text !== quoteText || (nextQuote >= 0 && nextQuote < from)) {
          quoteText = text;
          nextQuote = text.indexOf('"', from);
        }
        if (nextQuote < 0 || nextQuote >= to) {
          // Column starts only; a row with more or fewer commas than #Fields allows is malformed.
          let n = 0;
          let start = from;
          let comma = text.indexOf(',', from);
          while (comma >= 0 && comma < to && n < columns) {
            starts[n++] = start;
            start = comma + 1;
            comma = text.indexOf(',', start);
          }
          starts[n++] = start;
          // `comma` is the first comma after the last value's start: one before the line end is one too many.
          if (n === columns && (comma < 0 || comma >= to)) {
            starts[n] = to + 1;
            rows++;
            unquoted(text, starts, number);
            return;
          }
        }
      }
      // Values cut as ranges of the chunk: no per-value string unless the handler asks for it.
      const problem = splitCsvRanges(text, from, to, fields);
      if (problem !== null || fields.count !== columns) {
        const reason = problem ?? `${fields.count} values where #Fields (line ${headers[headers.length - 1]!.line}) names ${columns}`;
        malformed.add(number, complete ? reason : `truncated last line (no line end): ${reason}`, text.slice(from, to));
        return;
      }
      rows++;
      if (quoted) {
        quoted(text, fields, number);
        return;
      }
      for (let i = 0; i < columns; i++) values[i] = fieldValue(text, fields, i);
      values.length = columns;
      handler.row(values, number);
    },
    progress,
  );
  return { ...lines, rows, headers, malformed };
}

/**
 * Splits one CSV line into `out` (cleared first). Returns null, or why the line is broken
 * (splitCsvRanges, which the reader itself uses, says what is accepted).
 */
export function splitCsvLine(line: string, out: string[]): string | null {
  const problem = splitCsvRanges(line, 0, line.length, lineFields);
  out.length = 0;
  for (let i = 0; i < lineFields.count; i++) out.push(fieldValue(line, lineFields, i));
  return problem;
}

const lineFields = fieldRanges();

/**
 * Cuts the CSV line `text[from, to)` into value ranges (`fields`, reused). Returns null, or why the
 * line is broken. What it accepts is what Exchange writes (FORMATS.md 2 and 3) and what the
 * project's CSV tokenizer (ingest/trace/csv-tokenizer.ts) accepts on one line: unquoted values;
 * values in `"…"`, which may hold commas and `""` for a quote. Refused, with the column: a quote
 * that never closes on the line, text after a closing quote, and a quote inside an unquoted value
 * (the tokenizer keeps that one as text — an Excel habit — but Exchange always quotes such a value,
 * so here it marks a damaged line). A log row never spans lines: unlike the tokenizer, a quote
 * left open does not swallow the rows after it.
 *
 * Why this splitter and not the tokenizer: rows are found with indexOf on the decoded chunk (most
 * have no quote at all and never come here), and values with indexOf too, which V8 runs far faster
 * than a loop over every character; the tokenizer reads every character. Measured on the 1 GB
 * benchmark logs (bench/protocol-log.mjs), splitting alone and reading three values per row, CPU
 * time: this path ~950 MB/s, the tokenizer ~385 MB/s — with the tokenizer the splitting alone would
 * take half the time budget of a 200 MB/s reader, and the reader would fall to ~155 MB/s.
 */
export function splitCsvRanges(text: string, from: number, to: number, fields: FieldRanges): string | null {
  let count = 0;
  let i = from;
  // The next `"` at or after i (to when none on the line): found once, moved on as values pass it.
  let nextQuote = text.indexOf('"', from);
  if (nextQuote < 0 || nextQuote > to) nextQuote = to;
  for (;;) {
    if (count === fields.starts.length) growFields(fields);
    if (i < to && text.charCodeAt(i) === 34) {
      // Quoted value: runs to a quote not doubled; `""` is one quote.
      let escaped = 0;
      let q = i + 1;
      for (;;) {
        q = text.indexOf('"', q);
        if (q < 0 || q >= to) {
          fields.count = count;
          return `unterminated quoted value (column ${count + 1})`;
        }
        if (q + 1 < to && text.charCodeAt(q + 1) === 34) {
          escaped = 1;
          q += 2;
          continue;
        }
        break;
      }
      fields.starts[count] = i + 1;
      fields.ends[count] = q;
      fields.escaped[count++] = escaped;
      i = q + 1;
      if (i === to) {
        fields.count = count;
        return null;
      }
      if (text.charCodeAt(i) !== 44) {
        fields.count = count;
        return `text after a closing quote (column ${count})`;
      }
      i++;
      if (nextQuote < i) {
        nextQuote = text.indexOf('"', i);
        if (nextQuote < 0 || nextQuote > to) nextQuote = to;
      }
    } else {
      let comma = text.indexOf(',', i);
      if (comma >= to) comma = -1;
      const end = comma < 0 ? to : comma;
      if (nextQuote < end) {
        fields.count = count;
        return `quote inside an unquoted value (column ${count + 1})`;
      }
      fields.starts[count] = i;
      fields.ends[count] = end;
      fields.escaped[count++] = 0;
      if (comma < 0) {
        fields.count = count;
        return null;
      }
      i = comma + 1;
    }
    if (i === to) {
      if (count === fields.starts.length) growFields(fields);
      fields.starts[count] = i;
      fields.ends[count] = i;
      fields.escaped[count++] = 0;
      fields.count = count;
      return null;
    }
  }
}

function growFields(fields: FieldRanges): void {
  fields.starts = doubled(fields.starts);
  fields.ends = doubled(fields.ends);
  fields.escaped = doubled(fields.escaped);
}
