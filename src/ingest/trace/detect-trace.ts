import { detectCsvDelimiter, headerFields, type CsvDelimiter } from '../csv-delimiter.js';
import { detectFormattedText } from '../powershell/read-format-list.js';
import { decodeSample } from './trace-encoding.js';
import { traceLayout, type TraceLayout } from './trace-columns.js';

export interface TraceShape {
  /**
   * `format-list`: `Get-MessageTrace | Format-List` (or `Import-Csv <report> | Format-List`) text,
   * made for the screen and not read (FORMATS.md 4.3b): the reader says which command to run instead.
   */
  syntax: 'csv' | 'json' | 'format-list';
  /** CSV only: `,`, or `;` for `Export-Csv -UseCulture` in cultures with a decimal comma, or a tab. */
  delimiter: CsvDelimiter;
  layout: TraceLayout;
}

/** The shape of a message trace from the start of its text (header row or first object's names), null when it is none. */
export function traceShape(text: string): TraceShape | null {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    let names = firstObjectNames(t.slice(0, 256 * 1024));
    // Windows PowerShell 5.1 may wrap the array: {"value":[…],"Count":n} (FORMATS.md 4.3).
    if (names.includes('value') && names.includes('Count')) names = firstObjectNames(t.slice(t.indexOf('"value"') + 7, 256 * 1024));
    const layout = names.length > 0 ? traceLayout(names) : null;
    return layout ? { syntax: 'json', delimiter: ',', layout } : null;
  }
  const lines = t.split(/\r?\n/, 3);
  const header = lines[0]?.startsWith('#') ? lines[1] ?? '' : lines[0] ?? '';
  const delimiter = detectCsvDelimiter(header);
  const layout = traceLayout(headerFields(header, delimiter));
  if (layout) return { syntax: 'csv', delimiter, layout };
  // Format-List text of trace objects: its first line is `Name   : value` (no CSV header has ` :`).
  if (!FORMAT_LIST_START.test(lines[0] ?? '')) return null;
  const formatted = detectFormattedText(t);
  const listed = formatted?.style === 'Format-List' ? traceLayout(formatted.propertyNames) : null;
  return listed ? { syntax: 'format-list', delimiter: ',', layout: listed } : null;
}

/** The first line of Format-List output (read-format-list.ts's shape): a name, padding, then ` :`. */
const FORMAT_LIST_START = /^[A-Za-z][A-Za-z0-9_]* +:(?: |$)/;

/** Detection for the case loader: the first bytes (any encoding) are a message trace. */
export function detectTrace(sample: Uint8Array): boolean {
  const text = decodeSample(sample);
  return text !== null && traceShape(text) !== null;
}

/**
 * Property names of the first object, at its top level only. Every file of a case is asked
 * whether it is a trace, and a provider's exports are JSON whose first object is a connector with
 * dozens of nested values: strings are skipped with one search each, not a character at a time.
 */
function firstObjectNames(text: string): string[] {
  const start = text.indexOf('{');
  if (start < 0) return [];
  const names: string[] = [];
  let depth = 0;
  const n = text.length;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = text.indexOf('"', i + 1);
      // A quote preceded by an odd number of backslashes is escaped: look further.
      while (j > 0 && escaped(text, j)) j = text.indexOf('"', j + 1);
      if (j < 0) break;
      if (depth === 1) {
        let k = j + 1;
        while (k < n && k < j + 8 && isBlank(text.charCodeAt(k))) k++;
        if (text.charCodeAt(k) === COLON) names.push(text.slice(i + 1, j));
      }
      i = j;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) break;
    }
  }
  return names;
}

const QUOTE = 0x22;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Whether the quote at `at` is escaped by the backslashes right before it. */
function escaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 1;
}
