import type { InputReport } from '../../model/diagnostics.js';
import { readSourceHead, toByteSource, type ByteSource } from '../byte-source.js';
import type { StatusObservation } from '../../model/evidence.js';
import { observeStatuses } from '../ndr/status-observations.js';
import type { PsReadResult, PsRecord, PsValue } from '../powershell/ps-record.js';
import { csvDate } from '../powershell/ps-values.js';
import { detectExportFormat } from '../powershell/read-export.js';
import { readClixml } from '../powershell/read-clixml.js';
import { readCsvExport } from '../powershell/read-csv-export.js';
import { readJsonExport } from '../powershell/read-json-export.js';
import { decodeText, looksLikeText } from '../text-decoding.js';
import { parseTraceReason } from '../trace/trace-statuses.js';

/**
 * Exchange Server queue exports as evidence (NDR-CATALOG `QUEUE`: `Get-Queue | fl LastError`):
 * `Get-Queue` (Identity, DeliveryType, NextHopDomain, NextHopConnector, Status, LastError, …) and
 * `Get-Message` (Identity, FromAddress, Status, Queue, LastError, Recipients, …) written by
 * Export-Csv, ConvertTo-Json or Export-Clixml. The shapes are parsed by the project's PowerShell
 * export readers; here each object's `LastError` becomes status observations.
 */

export const QUEUE_KIND = 'queue';

/** Queue exports are small (one object per queue or message); a larger file is read up to this much. */
const MAX_BYTES = 256 * 1024 * 1024;

/** Properties only queue and queued-message objects carry, beside `LastError`. */
const QUEUE_PROPERTIES = /\b(?:NextHopDomain|NextHopConnector|DeliveryType|NextHopCategory|FromAddress|MessageSourceName|ExpirationTime)\b/;

const LAST_ERROR_UTF8 = Buffer.from('LastError', 'latin1');
const LAST_ERROR_UTF16 = Buffer.from('LastError', 'utf16le');

/**
 * Whether the sample is a PowerShell export of Get-Queue or Get-Message objects. Every
 * configuration export of a case is asked too, so the bytes are searched for `LastError` before
 * anything is decoded.
 */
export function detectQueueExport(sample: Uint8Array): boolean {
  const head = Buffer.from(sample.buffer, sample.byteOffset, Math.min(sample.byteLength, 64 * 1024));
  if (head.indexOf(LAST_ERROR_UTF8) < 0 && head.indexOf(LAST_ERROR_UTF16) < 0) return false;
  const text = decodeText(head);
  if (!looksLikeText(text) || !/\bLastError\b/.test(text) || !QUEUE_PROPERTIES.test(text)) return false;
  const format = detectExportFormat(text);
  return format === 'powershell-csv' || format === 'powershell-json' || format === 'powershell-clixml';
}

/** A property as text, whatever shape the export gave it (enum objects, lists, wrapped values). */
function textOf(v: PsValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? null : t;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const parts = v.map(textOf).filter((x): x is string => x !== null);
    return parts.length === 0 ? null : parts.join('; ');
  }
  return textOf(v.Address ?? v.Value ?? v.value ?? v.Name ?? v.ToString);
}

function property(r: PsRecord, name: string): PsValue | undefined {
  if (name in r.properties) return r.properties[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(r.properties)) if (k.toLowerCase() === lower) return r.properties[k];
  return undefined;
}

/** A date in any of the shapes the readers leave (ISO from JSON and CLIXML, the culture's text from CSV). */
function dateOf(v: PsValue | undefined): string | null {
  const t = textOf(csvDate(v ?? null));
  if (t === null) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** `EX01\contoso.mail.onmicrosoft.com`: a Get-Message `Queue` that names the next-hop domain. */
function nextHopOfQueue(queue: string | null): string | null {
  if (queue === null) return null;
  const slash = queue.lastIndexOf('\\');
  const hop = slash < 0 ? null : queue.slice(slash + 1);
  return hop !== null && hop.includes('.') ? hop : null;
}

/** Recipients of a Get-Message object: addresses as text, or RecipientInfo objects with `Address`. */
function firstRecipient(v: PsValue | undefined): string | null {
  if (Array.isArray(v)) return v.length === 1 ? textOf(v[0]) : null;
  const t = textOf(v);
  return t !== null && /^[^\s;]+@[^\s;]+$/.test(t) ? t : null;
}

/**
 * The status observations of one queue or message object (none when LastError is empty).
 * Exchange 2013 and later write LastError as `[{LRT=<last retry>};{LED=<last error>};{FQDN=<host>};
 * {IP=<address>}]`: the status is read from LED, the host and address from FQDN and IP.
 */
export function queueStatuses(r: PsRecord): StatusObservation[] {
  const out: StatusObservation[] = [];
  const lastError = textOf(property(r, 'LastError'));
  if (lastError === null) return out;
  const reason = parseTraceReason(lastError);
  const isMessage = property(r, 'FromAddress') !== undefined || property(r, 'Queue') !== undefined;
  const queue = textOf(property(r, 'Queue'));
  observeStatuses(
    reason?.led ?? lastError,
    {
      origin: 'queue',
      at: dateOf(reason?.lrt ?? null) ?? dateOf(property(r, 'LastRetryTime')) ?? dateOf(property(r, 'DateReceived')) ?? dateOf(property(r, 'FirstRetryTime')),
      sender: isMessage ? textOf(property(r, 'FromAddress')) : null,
      recipient: isMessage ? firstRecipient(property(r, 'Recipients')) : null,
      connector: textOf(property(r, 'NextHopConnector')),
      remoteHost: reason?.fqdn ?? textOf(property(r, 'NextHopDomain')) ?? nextHopOfQueue(queue),
      remoteIp: reason?.ip ?? null,
      clientIp: null,
      tenantId: null,
      source: r.provenance,
    },
    (o) => out.push(o),
  );
  return out;
}

/** Reads one queue export, handing each status on; never throws. */
export async function readQueueExport(input: ByteSource | string, onStatus: (o: StatusObservation) => void): Promise<InputReport> {
  const source = toByteSource(input);
  const file = source.name;
  const report: InputReport = { file, kind: QUEUE_KIND, records: 0, skipped: 0, diagnostics: [] };
  let bytes: Buffer;
  try {
    const head = await readSourceHead(source, MAX_BYTES);
    bytes = head.bytes;
    if (head.size > MAX_BYTES) report.diagnostics.push({ severity: 'warning', location: file, message: `${file}: only the first ${MAX_BYTES / (1024 * 1024)} MiB of the queue export were read` });
  } catch (e) {
    report.diagnostics.push({ severity: 'error', location: file, message: `${file}: cannot be read: ${(e as Error).message}` });
    return report;
  }
  const text = decodeText(bytes);
  const format = detectExportFormat(text);
  let read: PsReadResult;
  try {
    read =
      format === 'powershell-json'
        ? readJsonExport(text, file)
        : format === 'powershell-csv'
          ? readCsvExport(text, file)
          : format === 'powershell-clixml'
            ? readClixml(text, file)
            : { records: [], skipped: 0, diagnostics: [{ severity: 'error', location: file, message: `${file}: not a Get-Queue or Get-Message export (Export-Csv, ConvertTo-Json or Export-Clixml)` }] };
  } catch (e) {
    read = { records: [], skipped: 0, diagnostics: [{ severity: 'error', location: file, message: `${file}: could not be read: ${(e as Error).message}` }] };
  }
  report.records = read.records.length + read.skipped;
  report.skipped = read.skipped;
  report.diagnostics.push(...read.diagnostics);
  // A queue without LastError is a healthy queue: nothing to report about it.
  for (const r of read.records) for (const o of queueStatuses(r)) onStatus(o);
  return report;
}
