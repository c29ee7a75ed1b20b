import { detectCsvDelimiter, headerFields } from '../csv-delimiter.js';
import { addDiagnostic } from '../limits.js';
import { CsvTokenizer } from '../trace/csv-tokenizer.js';
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
  const fields = headerFields(header);
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
  // The project's one CSV tokenizer (linear; a stray quote costs one diagnostic of bounded size,
  // not a copy of the field read so far), with the separator `-UseCulture` chose.
  const firstLineEnd = csv.indexOf('\n');
  const delimiter = detectCsvDelimiter(firstLineEnd < 0 ? csv : csv.slice(0, firstLineEnd));
  let columns: string[] | null = null;
  const tokenizer = new CsvTokenizer(
    {
      row: (t, line) => {
        if (columns === null) {
          columns = [];
          for (let i = 0; i < t.count; i++) columns.push(t.field(i).trim());
          return;
        }
        const provenance = { file, line: line + lineOffset };
        if (t.count !== columns.length) {
          addDiagnostic(result.diagnostics, { severity: 'warning', location: `${file}:${provenance.line}`, message: `row has ${t.count} fields, the header ${columns.length}; fields are matched by position` }, file);
        }
        const properties: Record<string, PsValue> = {};
        const lost: string[] = [];
        for (let i = 0; i < columns.length; i++) {
          const name = columns[i]!;
          // Export-Csv writes $null and an empty string alike.
          if (t.isEmpty(i)) {
            properties[name] = null;
            continue;
          }
          const value = t.field(i);
          if (FLATTENED_COLLECTION.test(value.trim())) lost.push(name);
          else properties[name] = value;
        }
        const record: PsRecord = { properties, typeNames, shape: 'csv', provenance };
        if (lost.length > 0) record.lost = lost;
        result.records.push(record);
      },
      malformed: (line, reason) => {
        result.skipped++;
        addDiagnostic(result.diagnostics, { severity: 'error', location: `${file}:${line + lineOffset}`, message: `CSV row not readable: ${reason}; skipped` }, file);
      },
    },
    delimiter,
  );
  tokenizer.push(csv);
  tokenizer.end();
  return result;
}
