import type { X509Certificate } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { emptyCase, type Case } from '../model/case.js';
import type { InputReport } from '../model/diagnostics.js';
import { fileSource } from './byte-source.js';
import type { CertificateFileRead } from './certificate/read-certificate.js';
import { hasCertificateName } from './certificate/certificate-names.js';
import { sortByPosition } from './diagnostic-order.js';
import { EvidenceCollector } from './evidence/evidence-collector.js';
import type { EvidenceReadOptions } from './evidence/evidence-reader.js';
import { isExportFormat } from './powershell/export-formats.js';
import type { ExportCollector } from './powershell/load-exports.js';
import { detectInputChunks } from './registry/detect-inputs.js';
import type { InputFile } from './registry/input-file.js';
import { KINDS_TRIED } from './describe-unknown.js';
import { addDiagnostics, LIMITS, quoteForDiagnostic } from './limits.js';
import { decodeText } from './text-decoding.js';
import { checkCaseReferences } from './topology/check-references.js';
import type { TopologyReadResult } from './topology/read-topology.js';
import { listInputFiles, notWalkedSummary } from './walk-inputs.js';
import { withZipInputs } from './zip/zip-inputs.js';

export interface LoadedCase {
  case: Case;
  /**
   * Why the case cannot be diagnosed (CONTRACT exit status 2), naming each file and reason: a
   * path that does not exist, a topology file that does not parse or breaks the schema, or no
   * readable file at all. Null when the case is usable; problems with single inputs are then
   * diagnostics in `case.inputs`.
   */
  fatal: string | null;
}

/**
 * Builds one case from files and folders: every file's kind is detected from its content,
 * topology files and certificate files are read, and everything is merged (merge-case.ts). A
 * certificate file named by a topology's `{ File: path }` is read once, for that topology.
 * Never throws.
 */
export async function loadCase(paths: string[], options: EvidenceReadOptions = {}): Promise<LoadedCase> {
  try {
    return await withZipInputs(paths.length > 0 ? paths : ['.'], (expanded) => load(expanded, options));
  } catch (e) {
    return { case: emptyCase(), fatal: `could not read the case: ${(e as Error).message}` };
  }
}

async function load(paths: string[], options: EvidenceReadOptions): Promise<LoadedCase> {
  const c = emptyCase();
  const fatal: string[] = [];
  const listing = await listInputFiles(paths);
  for (const m of listing.missing) fatal.push(`${m.path}: ${m.reason}`);
  const notWalked = notWalkedSummary(listing.notWalked);
  // One report for every file a walk left out by name, not one per file (a checkout has thousands).
  if (notWalked !== null) {
    c.inputs.push({ file: paths.join(', '), kind: NOT_WALKED_KIND, records: 0, skipped: 0, diagnostics: [{ severity: 'warning', location: paths.join(', '), message: notWalked }] });
  }

  // One pass to detect every file's format (registry/formats.ts: the most confident detector wins,
  // and the file is read once, by that format's reader). Exports are read on the spot (they depend on nothing
  // else) and their bytes let go — a provider's exports run to hundreds of MB; the few topology,
  // certificate and endpoints files are kept for the passes below; evidence is streamed later.
  // With a second CPU, the reading and detecting run on a worker thread (registry/detect-inputs.ts).
  let exportFiles: ExportCollector | null = null;
  const inputs: InputFile[] = [];
  // Topologies are read first (here, as they are detected): they say which certificate files they have already read.
  const topologies = new Map<string, TopologyReadResult>();
  const referenced = new Set<string>();
  // The readers are awaited once, at the first export, not once per file of tens of thousands.
  let readers: ConfigurationReaders | null = null;
  for await (const chunk of detectInputChunks(listing.files)) {
    for (const input of chunk) {
      if (input.kind === 'topology' && input.bytes !== null) {
        // Read as it arrives, like exports: a provider's thousands of topology files (tens of MB)
        // are never all held as bytes at once. Merged below, in the order of the inputs.
        readers ??= await configurationReaders();
        const result = readers.readTopology(decodeText(input.bytes), input.file, dirname(input.file));
        input.bytes = null;
        topologies.set(input.file, result);
        for (const f of result.certificateFiles) referenced.add(f.resolvedPath);
        inputs.push(input);
        continue;
      }
      if (isExportFormat(input.kind) && input.bytes !== null) {
        readers ??= await configurationReaders();
        const read = readers.readExportFile(input.text ?? decodeText(input.bytes), input.file, input.kind);
        // Let the file's text and bytes go now, not with the rest of its chunk.
        input.text = null;
        input.bytes = null;
        (exportFiles ??= new readers.ExportCollector()).add(read);
        continue;
      }
      inputs.push(input);
    }
  }
  // Configuration's readers (the YAML and certificate parsers, the export mapping) are loaded for a
  // case that holds any: one of evidence alone, a message trace say, does without them.
  const configuration = exportFiles !== null || inputs.some((i) => i.evidence === null) ? await configurationReaders() : null;

  const x509: X509Certificate[] = [];
  const merger = configuration === null ? null : new configuration.CaseMerger(c);
  const reportedCertificateFiles = new Set<string>();
  const endpoints = configuration === null ? null : new configuration.EndpointsCollector();
  let readable = 0;
  let emptyExports = 0;
  const evidenceFiles: InputFile[] = [];
  for (const input of inputs) {
    if (input.evidence !== null) {
      evidenceFiles.push(input);
      continue;
    }
    if (input.readError !== null) {
      c.inputs.push(errorReport(input.file, 'unknown', `${input.file}: cannot be read: ${input.readError}`));
      continue;
    }
    const topology = topologies.get(input.file);
    if (topology) {
      // A certificate file named by two topologies is reported once.
      const fragment = topology.case;
      fragment.inputs = fragment.inputs.filter((r, i) => i === 0 || !reportedCertificateFiles.has(resolve(r.file)));
      for (const f of topology.certificateFiles) {
        reportedCertificateFiles.add(f.resolvedPath);
        x509.push(...f.x509);
      }
      merger!.add(fragment);
      if (topology.fatal) fatal.push(topology.fatal);
      else readable++;
      continue;
    }
    if (referenced.has(resolve(input.file))) continue;
    if (input.kind === 'empty-export' && !hasCertificateName(input.file)) {
      // The cmdlet returned nothing: no objects of that kind, which is no problem with the file.
      c.inputs.push({ file: input.file, kind: 'empty-export', records: 0, skipped: 0, diagnostics: [] });
      emptyExports++;
      continue;
    }
    if (input.kind === 'endpoints' || input.kind === 'endpoints-version') {
      c.inputs.push(endpoints!.add(input.kind, decodeText(input.bytes ?? Buffer.alloc(0)), input.file));
      continue;
    }
    if (input.kind === 'certificate' || hasCertificateName(input.file)) {
      const read: CertificateFileRead = configuration!.readCertificateBytes(input.bytes ?? Buffer.alloc(0), input.file);
      input.bytes = null;
      merger!.addCertificates(read.certificates);
      c.inputs.push(read.report);
      x509.push(...read.x509);
      if (read.certificates.length > 0) readable++;
      continue;
    }
    c.inputs.push({
      file: input.file,
      kind: 'unknown',
      records: 0,
      skipped: 0,
      diagnostics: [
        {
          severity: 'warning',
          location: input.file,
          message: `not a recognised input: ${input.looksLike ?? 'unreadable'}. Tried as ${KINDS_TRIED}; ignored`,
        },
      ],
    });
  }

  if (exportFiles !== null) readable += exportFiles.finish(topologies.values(), merger!);
  readable += await readEvidence(evidenceFiles, c, options);
  // Without configuration there is nothing to merge: the case keeps its empty lists as they are.
  merger?.finish();
  endpoints?.finish(c);
  if (configuration !== null) rejudgeCertificateChains(c, x509, configuration.judgeChainTrust);
  checkCaseReferences(c);
  for (const report of c.inputs) sortByPosition(report.diagnostics);

  if (readable === 0 && fatal.length === 0) {
    fatal.push(
      listing.files.length === 0
        ? `no files found in ${paths.join(', ')}${notWalked !== null ? ` (${notWalked})` : ''}`
        : emptyExports > 0 && c.inputs.every((r) => r.kind === 'empty-export' || r.kind === NOT_WALKED_KIND)
          ? `nothing to diagnose in ${paths.join(', ')}: ${emptyExports} empty export(s) — the cmdlets returned no objects`
          : [`no file in ${paths.join(', ')} could be read:`, ...c.inputs.flatMap((r) => r.diagnostics.map((d) => `  ${d.location}: ${d.message}`))].join('\n'),
    );
  }
  boundDiagnostics(c);
  return { case: c, fatal: fatal.length > 0 ? fatal.join('\n') : null };
}

/** The kind of the one report that counts what a folder walk left out by name (walk-inputs.ts). */
export const NOT_WALKED_KIND = 'not-read';

/**
 * Evidence files are streamed one after another (they can be several GB each: reading them in
 * parallel would only multiply memory) into one collector, and the case keeps the aggregate.
 */
async function readEvidence(files: InputFile[], c: Case, options: EvidenceReadOptions): Promise<number> {
  if (files.length === 0) return 0;
  const collector = new EvidenceCollector();
  let readable = 0;
  for (const input of files) {
    const reader = input.evidence!;
    try {
      const report = await reader.read(fileSource(input.file), collector, options);
      c.inputs.push(report);
      if (report.records > 0 || !report.diagnostics.some((d) => d.severity === 'error')) readable++;
    } catch (e) {
      // A reader must not throw; if one does, the file is reported and the case goes on.
      c.inputs.push(errorReport(input.file, reader.kind, `${input.file}: could not be read as ${reader.kind}: ${(e as Error).message}`));
    }
  }
  c.evidence = collector.finish();
  return readable;
}

function errorReport(file: string, kind: string, message: string): InputReport {
  return { file, kind, records: 0, skipped: 0, diagnostics: [{ severity: 'error', location: file, message }] };
}

/** Chains may run through certificates of any file of the case (an intermediate saved on its own). */
function rejudgeCertificateChains(c: Case, pool: X509Certificate[], judgeChainTrust: ConfigurationReaders['judgeChainTrust']): void {
  const byThumbprint = new Map(pool.map((x) => [x.fingerprint.replace(/:/g, '').toUpperCase(), x]));
  for (const cert of c.certificates) {
    if (cert.File === null) continue;
    const x = byThumbprint.get(cert.Thumbprint);
    if (x) cert.trust = judgeChainTrust(x, pool);
  }
}

/**
 * The last safety net of LIMITS: a reader that quoted too much of its input in one message, or
 * kept too many, is cut here (each reader cuts at the source too, where memory is saved).
 */
function boundDiagnostics(c: Case): void {
  const longest = 2000;
  for (const input of c.inputs) {
    if (input.diagnostics.length > LIMITS.diagnosticsPerFile + 1) {
      const kept = input.diagnostics.splice(0);
      addDiagnostics(input.diagnostics, kept, input.file);
    }
    for (const d of input.diagnostics) if (d.message.length > longest) d.message = quoteForDiagnostic(d.message, longest);
  }
}

/** The readers of configuration files, loaded once, when the case holds any (see load). */
async function loadConfigurationReaders() {
  const [chainTrust, certificates, endpoints, merge, exports, exportReader, topology] = await Promise.all([
    import('./certificate/chain-trust.js'),
    import('./certificate/read-certificate.js'),
    import('./endpoints/collect-endpoints.js'),
    import('./merge-case.js'),
    import('./powershell/load-exports.js'),
    import('./powershell/read-export.js'),
    import('./topology/read-topology.js'),
  ]);
  return {
    judgeChainTrust: chainTrust.judgeChainTrust,
    readCertificateBytes: certificates.readCertificateBytes,
    EndpointsCollector: endpoints.EndpointsCollector,
    CaseMerger: merge.CaseMerger,
    ExportCollector: exports.ExportCollector,
    readExportFile: exportReader.readExportFile,
    readTopology: topology.readTopology,
  };
}

type ConfigurationReaders = Awaited<ReturnType<typeof loadConfigurationReaders>>;
let configurationReadersLoaded: Promise<ConfigurationReaders> | null = null;

function configurationReaders(): Promise<ConfigurationReaders> {
  return (configurationReadersLoaded ??= loadConfigurationReaders());
}
