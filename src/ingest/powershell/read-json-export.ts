import type { Diagnostic } from '../../model/diagnostics.js';
import type { PsObjectValue, PsReadResult, PsRecord, PsValue } from './ps-record.js';
import { indentedArrayItems } from './indented-items.js';
import { ForwardPositions, LineIndex, jsonErrorOffset, topLevelStarts } from './text-positions.js';
import { readTruncatedJson } from './truncated-json.js';

/**
 * `ConvertTo-Json` output of Get-* cmdlets (FORMATS.md 4.3), from Windows PowerShell 5.1 or
 * PowerShell 7. What differs between them is undone here so the mappers see one shape:
 * - 5.1 writes dates as `"\/Date(ms)\/"`, or as `{"value":"\/Date(ms)\/","DateTime":"…"}` when the
 *   date carries extended members; both become ISO 8601 text. 7 writes ISO 8601 already.
 * - 5.1 wraps some arrays as `{"value":[…],"Count":n}`; the wrapper is removed.
 * - N objects are an array, one object is the object itself.
 */

/** Property names that only PowerShell objects of Exchange carry: a JSON text with one of them is an export. */
const EXPORT_MARKERS =
  /"(?:Identity|DistinguishedName|OrganizationId|OrganizationalUnitRoot|Thumbprint|PSComputerName|ObjectClass|WhenChangedUTC|ExchangeVersion|AdminDisplayVersion|SenderIPAddresses|RecipientDomains|AddressSpaces|RemoteIPRanges|JournalEmailAddress|DomainType|OnPremisesSmartHost|CertificateDomains|ConnectorId|ServerFQDN)"\s*:/;

export function detectJsonExport(sample: string): boolean {
  const t = sample.replace(/^\uFEFF/, '').trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  return EXPORT_MARKERS.test(t.slice(0, 64 * 1024));
}

const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

export function readJsonExport(text: string, file: string): PsReadResult {
  const body = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  let cut: Diagnostic | null = null;
  // ConvertTo-Json's layout gives the items and where they start at once (indented-items.ts);
  // any other text is parsed whole and its items found by the character scan.
  const indented = indentedArrayItems(body);
  try {
    parsed = indented === null ? JSON.parse(body) : indented.items;
  } catch (e) {
    const message = (e as Error).message;
    const truncated = readTruncatedJson(body);
    if (truncated === null) {
      const offset = jsonErrorOffset(message, body);
      const at = offset === null ? file : location(file, new LineIndex(body).position(offset));
      return { records: [], skipped: 0, diagnostics: [{ severity: 'error', location: at, message: `not valid JSON: ${message}` }] };
    }
    parsed = truncated.items;
    const kept = truncated.items.length;
    cut = {
      severity: 'error',
      location: location(file, new LineIndex(body).position(truncated.cutAt)),
      message: `the export is cut short: the text ends ${truncated.cutAt >= body.length ? 'before the closing ]' : 'inside an object'} (a copy or download that stopped, or a full disk); ${kept === 0 ? 'nothing in it is used' : `the ${kept} whole object(s) before the cut are read, whatever came after is lost`}. Export it again`,
    };
  }
  const shape = hasMsDate(body) ? 'json-ps51' : 'json-ps7';
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const starts = indented?.starts ?? topLevelStarts(body);
  const lines = new ForwardPositions(body);
  const result: PsReadResult = { records: [], skipped: 0, diagnostics: cut ? [cut] : [] };
  items.forEach((item, i) => {
    const pos = lines.position(starts[i] ?? 0);
    const provenance = { file, line: pos.line, column: pos.column };
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      result.skipped++;
      result.diagnostics.push({ severity: 'error', location: location(file, pos), message: `expected an object (a Get-* result), got ${JSON.stringify(item)?.slice(0, 60)}; skipped` });
      return;
    }
    const record: PsRecord = { properties: cleanObject(item as Record<string, unknown>), typeNames: [], shape, provenance };
    result.records.push(record);
  });
  return result;
}

/**
 * Whether the text holds a 5.1 date, `/Date(` then a digit or `-` and a digit (the regular
 * expression `\\?\/Date\(-?\d+` tried at every offset of a 100 MB export costs more than the
 * native search for its fixed part).
 */
function hasMsDate(body: string): boolean {
  for (let at = body.indexOf('/Date('); at >= 0; at = body.indexOf('/Date(', at + 1)) {
    let j = at + 6;
    if (body.charCodeAt(j) === 0x2d /* - */) j++;
    const c = body.charCodeAt(j);
    if (c >= 0x30 && c <= 0x39) return true;
  }
  return false;
}

function location(file: string, pos: { line: number; column: number }): string {
  return `${file}:${pos.line}:${pos.column}`;
}

/** In place: JSON.parse made the object, nothing else holds it, and copying every export object twice shows in load time. */
function cleanObject(o: Record<string, unknown>): PsObjectValue {
  for (const k in o) {
    const v = o[k];
    // Plain values other than 5.1 date strings stay as they are.
    if (typeof v === 'string' ? v.charCodeAt(0) === 47 /* / */ : typeof v === 'object' && v !== null) o[k] = cleanValue(v);
    else if (v === undefined) o[k] = null;
  }
  return o as PsObjectValue;
}

/** Undoes Windows PowerShell 5.1's date and array wrappers, at any depth. */
export function cleanValue(v: unknown): PsValue {
  if (typeof v === 'string') {
    const m = MS_DATE.exec(v);
    if (m?.[1] === undefined) return v;
    // A damaged export can hold a count of milliseconds beyond what a Date holds (±8.64e15):
    // the text is kept as written rather than losing the file to "Invalid time value".
    const ms = Number(m[1]);
    return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : v;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (v === undefined) return null;
  // In place, like cleanObject: the array is JSON.parse's, and most (ObjectClass, address lists) hold plain strings.
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (typeof item === 'string' ? item.charCodeAt(0) === 47 /* / */ : typeof item === 'object' || item === undefined) v[i] = cleanValue(item);
    }
    return v as PsValue[];
  }
  const o = v as Record<string, unknown>;
  if ('value' in o) {
    const keys = Object.keys(o);
    // `{"value":[…],"Count":n}` (PSObject-wrapped array) and `{"value":"\/Date(…)\/","DisplayHint":2,"DateTime":"…"}`.
    if (keys.every((k) => k === 'value' || k === 'Count') && Array.isArray(o.value)) return cleanValue(o.value);
    if (typeof o.value === 'string' && MS_DATE.test(o.value) && keys.every((k) => ['value', 'DisplayHint', 'DateTime'].includes(k))) return cleanValue(o.value);
  }
  return cleanObject(o);
}
