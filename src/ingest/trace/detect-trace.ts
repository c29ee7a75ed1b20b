import { detectCsvDelimiter, headerFields, type CsvDelimiter } from '../csv-delimiter.js';
import { decodeSample } from './trace-encoding.js';
import { traceLayout, type TraceLayout } from './trace-columns.js';

export interface TraceShape {
  syntax: 'csv' | 'json';
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
  return layout ? { syntax: 'csv', delimiter, layout } : null;
}

/** Detection for the case loader: the first bytes (any encoding) are a message trace. */
export function detectTrace(sample: Uint8Array): boolean {
  const text = decodeSample(sample);
  return text !== null && traceShape(text) !== null;
}

/** Property names of the first object, at its top level only. */
function firstObjectNames(text: string): string[] {
  const start = text.indexOf('{');
  if (start < 0) return [];
  const names: string[] = [];
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && /^\s*:/.test(text.slice(j + 1, j + 8))) names.push(text.slice(i + 1, j));
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) break;
    }
  }
  return names;
}
