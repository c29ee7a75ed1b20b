import type { ReadProgress } from '../evidence/evidence-reader.js';
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
}

export interface LogReadResult extends LineReadResult {
  rows: number;
  headers: LogHeader[];
  malformed: MalformedLines;
}

/** Streams one log file into the handler, checking every row against its block's `#Fields`. */
export async function readExchangeLog(file: string, handler: LogRowHandler, progress?: ReadProgress): Promise<LogReadResult> {
  const malformed = new MalformedLines();
  const headers: LogHeader[] = [];
  let rows = 0;
  let pending: Omit<LogHeader, 'fields' | 'line' | 'type'> = { software: null, version: null, logType: null, date: null };
  let columns = 0;
  const values: string[] = [];
  let starts = new Int32Array(64);
  const unquoted = handler.unquotedRow?.bind(handler);
  // Position of the next `"` in the current text at or after the line being read: found once and
  // reused while lines stay before it, so the search is linear over a chunk, not per line.
  let quoteText = '';
  let nextQuote = -1;
  const lines = await readLogLines(
    file,
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
          for (let comma = text.indexOf(',', from); comma >= 0 && comma < to && n < columns; comma = text.indexOf(',', start)) {
            starts[n++] = start;
            start = comma + 1;
          }
          starts[n++] = start;
          const extra = text.indexOf(',', start);
          if (n === columns && (extra < 0 || extra >= to)) {
            starts[n] = to + 1;
            rows++;
            unquoted(text, starts, number);
            return;
          }
        }
      }
      const line = text.slice(from, to);
      const problem = splitCsvLine(line, values);
      if (problem !== null || values.length !== columns) {
        const reason = problem ?? `${values.length} values where #Fields (line ${headers[headers.length - 1]!.line}) names ${columns}`;
        malformed.add(number, complete ? reason : `truncated last line (no line end): ${reason}`, line);
        return;
      }
      rows++;
      handler.row(values, number);
    },
    progress,
  );
  return { ...lines, rows, headers, malformed };
}

/**
 * Splits one CSV line into `out` (cleared first). Returns null, or why the line is broken. The
 * common unquoted line is cut with indexOf; quoted values go through the character loop.
 */
export function splitCsvLine(line: string, out: string[]): string | null {
  if (line.indexOf('"') < 0) {
    let n = 0;
    let start = 0;
    for (let comma = line.indexOf(','); comma >= 0; comma = line.indexOf(',', start)) {
      out[n++] = line.slice(start, comma);
      start = comma + 1;
    }
    out[n++] = line.slice(start);
    out.length = n;
    return null;
  }
  out.length = 0;
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34) {
      // Quoted value: runs to a quote not doubled; `""` is one quote.
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q < 0) return `unterminated quoted value (column ${out.length + 1})`;
        if (line.charCodeAt(q + 1) === 34) {
          value += line.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        value += line.slice(from, q);
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === n) return null;
      if (line.charCodeAt(i) !== 44) return `text after a closing quote (column ${out.length})`;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      const value = line.slice(i, end);
      if (value.indexOf('"') >= 0) return `quote inside an unquoted value (column ${out.length + 1})`;
      out.push(value);
      if (comma < 0) return null;
      i = comma + 1;
    }
    if (i === n) {
      out.push('');
      return null;
    }
  }
}
