import { emptyCase, type Case } from '../../model/case.js';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import { formatLocation } from '../../model/provenance.js';
import { EXPORT_KINDS, exportCommand, recognizeByNames, recognizeKind, type ExportKind } from './export-kinds.js';
import { mapRecords, type PlacedRecord } from './map-records.js';
import { organizationOfObject, place, tenantOfObject, type Placement, type PlacementHints } from './placement.js';
import type { PsReadResult, PsValue } from './ps-record.js';
import { convertLiveValues } from './ps-values.js';
import { FLATTENED_COLLECTION, detectCsvExport, readCsvExport } from './read-csv-export.js';
import { detectClixml, readClixml } from './read-clixml.js';
import { detectFormattedText } from './read-format-list.js';
import { detectJsonExport, readJsonExport } from './read-json-export.js';
import { addDiagnostics } from '../limits.js';

/**
 * A PowerShell export file from text to case fragment, in two steps so that placement can use
 * what every export of the case says: `readExportFile` reads and recognises the objects,
 * `mapExportFile` places them (placement.ts) and turns them into model objects (map-records.ts).
 */

export type ExportFormat = 'powershell-json' | 'powershell-csv' | 'powershell-clixml' | 'powershell-formatted';

/** By content; Format-List text last, as it is the loosest shape. */
export function detectExportFormat(sample: string): ExportFormat | null {
  if (detectClixml(sample)) return 'powershell-clixml';
  if (detectJsonExport(sample)) return 'powershell-json';
  if (detectCsvExport(sample)) return 'powershell-csv';
  if (detectFormattedText(sample)) return 'powershell-formatted';
  return null;
}

interface RecognizedRecord {
  record: PsReadResult['records'][number];
  kind: ExportKind;
  properties: Record<string, PsValue>;
}

/** EXPORT_KINDS[kind].used as sets, for the per-object tests. */
const USED_PROPERTIES = Object.fromEntries(Object.entries(EXPORT_KINDS).map(([k, info]) => [k, new Set(info.used)])) as unknown as Record<ExportKind, ReadonlySet<string>>;

export interface ExportFileRead {
  file: string;
  format: ExportFormat;
  recognized: RecognizedRecord[];
  report: InputReport;
}

export function readExportFile(text: string, file: string, format: ExportFormat): ExportFileRead {
  const report: InputReport = { file, kind: format, records: 0, skipped: 0, diagnostics: [] };
  const read: ExportFileRead = { file, format, recognized: [], report };
  if (format === 'powershell-formatted') {
    report.diagnostics.push(formattedTextDiagnostic(text, file));
    return read;
  }
  const result = format === 'powershell-json' ? readJsonExport(text, file) : format === 'powershell-csv' ? readCsvExport(text, file) : readClixml(text, file);
  report.records = result.records.length + result.skipped;
  report.skipped = result.skipped;
  addDiagnostics(report.diagnostics, result.diagnostics, file);
  const lost = new Map<string, { kind: ExportKind; property: string; first: string; count: number }>();
  const unknown = new Map<string, { first: string; count: number }>();
  for (const record of result.records) {
    const kind = recognizeKind(record);
    if (!kind) {
      report.skipped++;
      // Grouped by what the objects are: an export of another cmdlet holds hundreds of alike objects.
      const names = Object.keys(record.properties);
      const what = record.typeNames[0] ?? `properties ${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}`;
      const entry = unknown.get(what);
      if (entry) entry.count++;
      else if (unknown.size < MAX_UNKNOWN_GROUPS) unknown.set(what, { first: formatLocation(record.provenance), count: 1 });
      continue;
    }
    const properties = convertLiveValues(record.properties, kind);
    const used = USED_PROPERTIES[kind];
    // Only the few properties the mappers use can be lost; the objects have dozens of others.
    // Nothing is built for an object that lost nothing (nearly all of them).
    let found: Set<string> | null = null;
    // The list, not the set: a plain loop over an array beats a set's iterator a million times over.
    for (const k of EXPORT_KINDS[kind].used) {
      const v = Object.hasOwn(properties, k) ? properties[k] : undefined;
      // ConvertTo-Json past its -Depth writes a nested list as its type name or as `@{…}` text.
      if (typeof v === 'string' && (FLATTENED_COLLECTION.test(v) || /^@\{.*\}$/s.test(v))) (found ??= new Set()).add(k);
    }
    let lostHere: readonly string[] = record.lost ?? [];
    // Deleted in the object's own order, as they were found before.
    if (found !== null) {
      const all = [...lostHere];
      for (const k in properties) {
        if (!found.has(k)) continue;
        all.push(k);
        delete properties[k];
      }
      lostHere = all;
    }
    for (const property of lostHere) {
      if (!used.has(property)) continue;
      const key = `${kind}\u0000${property}`;
      const entry = lost.get(key);
      if (entry) entry.count++;
      else lost.set(key, { kind, property, first: formatLocation(record.provenance), count: 1 });
    }
    read.recognized.push({ record, kind, properties });
  }
  unknownObjects(report, file, unknown, read.recognized.length === 0);
  for (const l of lost.values()) {
    report.diagnostics.push({
      severity: 'warning',
      location: l.first,
      message: `${l.property} of ${l.count} ${EXPORT_KINDS[l.kind].cmdlet} object${l.count === 1 ? '' : 's'} was written as a type name, not its values (${format === 'powershell-csv' ? 'Export-Csv cannot write lists' : 'ConvertTo-Json -Depth too small'}); the case goes on without it unless the topology file gives it. Export with: ${exportCommand(l.kind)}`,
    });
  }
  return read;
}

/** Kinds of unknown objects described per file; further kinds are only counted in `skipped`. */
const MAX_UNKNOWN_GROUPS = 20;

/**
 * Objects of no kind the tool reads. A file holding nothing else is an export of another cmdlet:
 * one warning for the file says what it holds and what is read instead. Unknown objects among
 * known ones are each kind once, as errors: an export that mixes cmdlets' output is not as written.
 */
function unknownObjects(report: InputReport, file: string, unknown: ReadonlyMap<string, { first: string; count: number }>, nothingKnown: boolean): void {
  const expected = `mailflow-doctor reads the output of ${Object.values(EXPORT_KINDS).map((k) => k.cmdlet).join(', ')}`;
  if (nothingKnown && unknown.size > 0) {
    const held = [...unknown].map(([what, g]) => `${g.count} ${what}`).join('; ');
    report.diagnostics.push({ severity: 'warning', location: file, message: `${file}: an export of objects of no kind mailflow-doctor reads (${held}); ${expected}; the file is ignored` });
    return;
  }
  for (const [what, g] of unknown) {
    report.diagnostics.push({ severity: 'error', location: g.first, message: `${g.count === 1 ? 'an object' : `${g.count} objects`} of no known kind (${what}); expected the output of one of ${Object.values(EXPORT_KINDS).map((k) => k.cmdlet).join(', ')}; skipped` });
  }
}

/** Tenant and organization names the objects of these files state themselves, for placing the objects that do not. */
export function statedNames(reads: readonly ExportFileRead[]): { tenants: string[]; organizations: string[] } {
  const tenants = new Set<string>();
  const organizations = new Set<string>();
  for (const r of reads) {
    for (const { properties, kind } of r.recognized) {
      if (EXPORT_KINDS[kind].side === 'server') continue;
      const t = tenantOfObject(properties);
      const o = t ? null : organizationOfObject(properties);
      if (t) tenants.add(t);
      if (o) organizations.add(o);
    }
  }
  return { tenants: [...tenants], organizations: [...organizations] };
}

export interface MappedExport {
  fragment: Case;
  /** True when at least one object of the file went into the case. */
  usable: boolean;
}

/**
 * Places and maps the objects `readExportFile` recognised; completes `read.report`. `placements`:
 * what `place` gave for each object with these hints, when the caller has asked already.
 */
export function mapExportFile(read: ExportFileRead, hints: PlacementHints, placements?: readonly (Placement | null)[]): MappedExport {
  const { report } = read;
  const placed: PlacedRecord[] = [];
  for (let i = 0; i < read.recognized.length; i++) {
    const r = read.recognized[i]!;
    const placement = placements ? placements[i]! : place(r.kind, r.properties, read.file, hints);
    const info = EXPORT_KINDS[r.kind];
    if (placement) {
      // Spelled out, not spread: a provider's exports hold hundreds of thousands of objects.
      placed.push({ record: r.record, kind: r.kind, properties: r.properties, placement });
      continue;
    }
    const name = typeof r.properties.Name === 'string' ? ` "${r.properties.Name}"` : '';
    if (info.side === 'server') {
      const thumb = typeof r.properties.Thumbprint === 'string' ? r.properties.Thumbprint : '';
      report.diagnostics.push({
        severity: 'warning',
        location: formatLocation(r.record.provenance),
        message: `certificate ${thumb}: no server is known for it (no Identity "<server FQDN>\\<thumbprint>", no PSComputerName, no server in the topology lists it, no sources: entry or folder names a server); it is used without a server`,
      });
      placed.push({ ...r, placement: { server: null, how: 'unplaced' } });
      continue;
    }
    const where = info.side === 'tenant' ? 'tenant' : info.side === 'organization' ? 'organization' : 'tenant or organization';
    const said = info.side === 'organization' ? 'no DistinguishedName naming the organization' : 'no OrganizationalUnitRoot / OrganizationId';
    // Without its owner an object is meaningless for mail flow; servers and settings only add detail.
    const needed = !['TransportService', 'ExchangeServer', 'OrganizationConfig', 'HybridConfiguration'].includes(r.kind);
    report.skipped++;
    report.diagnostics.push({
      severity: needed ? 'error' : 'warning',
      location: formatLocation(r.record.provenance),
      message: `${info.cmdlet} object${name}: cannot tell which ${where} it belongs to (${said}, and no sources: entry of the topology file or folder name names one); ${needed ? 'skipped' : 'ignored'}. Add to the topology file: sources: { "${read.file}": <${where} name> }`,
    });
  }
  if (placed.length === 0) return { fragment: emptyCase(), usable: false };
  const mapped = mapRecords(placed, read.file);
  report.skipped += mapped.skipped;
  addDiagnostics(report.diagnostics, mapped.diagnostics, read.file);
  return { fragment: mapped.fragment, usable: true };
}

function formattedTextDiagnostic(text: string, file: string): Diagnostic {
  const shape = detectFormattedText(text);
  const kind = shape ? recognizeByNames(new Set(shape.propertyNames)) : null;
  const command = kind ? exportCommand(kind) : 'Get-<Cmdlet> | ConvertTo-Json -Depth 6 | Out-File -Encoding utf8 <name>.json';
  return {
    severity: 'error',
    location: `${file}:1`,
    message: `${shape?.style ?? 'Format-List'} output: text formatted for the screen, which cuts long values with "..." and shortens lists, so it cannot be read as configuration; nothing in it is used. Export instead with: ${command}`,
  };
}
