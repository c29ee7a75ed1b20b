import { parse } from 'csv-parse/sync';
import type { PsReadResult, PsRecord, PsValue } from './ps-record.js';

/**
 * `Export-Csv` output of Get-* cmdlets (FORMATS.md 4.4). Windows PowerShell 5.1 starts with a
 * `#TYPE <type name>` line unless `-NoTypeInformation`; PowerShell 7 leaves it out. Every value
 * is text. Export-Csv writes a collection as its type name (`System.String[]`,
 * ``Microsoft.Exchange.Data.MultiValuedProperty`1[…]``) — the values are gone, so such a column
 * is named in `lost` rather than read as data.
 */

/** Header fields that only Exchange objects carry: a CSV whose header has one of them is an export. */
const HEADER_MARKERS = new Set([
  'Identity',
  'DistinguishedName',
  'OrganizationId',
  'OrganizationalUnitRoot',
  'Thumbprint',
  'PSComputerName',
  'ExchangeVersion',
  'AdminDisplayVersion',
  'SenderIPAddresses',
  'RecipientDomains',
  'AddressSpaces',
  'RemoteIPRanges',
  'JournalEmailAddress',
  'DomainType',
  'OnPremisesSmartHost',
  'CertificateDomains',
]);

export function detectCsvExport(sample: string): boolean {
  const lines = sample.replace(/^\uFEFF/, '').split(/\r?\n/, 3);
  let header = lines[0] ?? '';
  if (/^#TYPE /.test(header)) return true;
  if (header.startsWith('#')) header = lines[1] ?? '';
  const fields = header.split(',').map((f) => f.trim().replace(/^"|"$/g, ''));
  return fields.length >= 2 && fields.every((f) => /^[A-Za-z][A-Za-z0-9_]*$/.test(f)) && fields.some((f) => HEADER_MARKERS.has(f));
}

/** How Export-Csv spells a collection it could not write. */
export const FLATTENED_COLLECTION =
  /^(?:System\.[\w.]+\[\]|System\.Collections\.[\w.`[\]]+|(?:Deserialized\.)?Microsoft\.Exchange\.Data\.MultiValuedProperty`1\[.*\]|System\.Collections\.Generic\.\w+`\d+\[.*\])$/s;

export function readCsvExport(text: string, file: string): PsReadResult {
  const body = text.replace(/^\uFEFF/, '');
  const result: PsReadResult = { records: [], skipped: 0, diagnostics: [] };
  let typeNames: string[] = [];
  let lineOffset = 0;
  let csv = body;
  const first = /^#TYPE ([^\r\n]*)\r?\n?/.exec(body);
  if (first) {
    typeNames = [first[1]?.trim() ?? ''].filter((t) => t !== '');
    csv = body.slice(first[0].length);
    lineOffset = 1;
  }
  let rows: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    rows = parse(csv, {
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        result.skipped++;
        const line = (err as { lines?: number } | undefined)?.lines;
        result.diagnostics.push({
          severity: 'error',
          location: line === undefined ? file : `${file}:${line + lineOffset}`,
          message: `CSV row not readable: ${err?.message ?? 'malformed'}; skipped`,
        });
        return undefined;
      },
    }) as unknown as { record: string[]; info: { lines: number }; raw: string }[];
  } catch (e) {
    result.diagnostics.push({ severity: 'error', location: file, message: `not a readable CSV file: ${(e as Error).message}` });
    return result;
  }
  const [head, ...data] = rows;
  if (!head) return result;
  const columns = head.record.map((c) => c.trim());
  for (const row of data) {
    // `info.lines` is the line the row ends on; a quoted value may span lines.
    const endLine = row.info.lines + lineOffset;
    const spanned = (row.raw.replace(/\r?\n$/, '').match(/\n/g) ?? []).length;
    const provenance = { file, line: endLine - spanned };
    if (row.record.length !== columns.length) {
      result.diagnostics.push({
        severity: 'warning',
        location: `${file}:${provenance.line}`,
        message: `row has ${row.record.length} fields, the header ${columns.length}; fields are matched by position`,
      });
    }
    const properties: Record<string, PsValue> = {};
    const lost: string[] = [];
    columns.forEach((name, i) => {
      const value = row.record[i];
      // Export-Csv writes $null and an empty string alike.
      if (value === undefined || value === '') properties[name] = null;
      else if (FLATTENED_COLLECTION.test(value.trim())) lost.push(name);
      else properties[name] = value;
    });
    const record: PsRecord = { properties, typeNames, shape: 'csv', provenance };
    if (lost.length > 0) record.lost = lost;
    result.records.push(record);
  }
  return result;
}
