import type { X509Certificate } from 'node:crypto';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { emptyCase, type Case } from '../../model/case.js';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import { judgeChainTrust } from '../certificate/chain-trust.js';
import { readCertificateFile } from '../certificate/read-certificate.js';
import { sortByPosition } from '../diagnostic-order.js';
import { mergeCertificates } from '../merge-case.js';
import { NormalizeContext, type ReferencedCertificateFile } from './normalize-context.js';
import { normalizeCertificates } from './normalize-certificates.js';
import { normalizeDns, normalizeFlows } from './normalize-dns-flows.js';
import { normalizeGateways } from './normalize-gateway.js';
import { normalizeOrganizations } from './normalize-organization.js';
import { normalizeTenants } from './normalize-tenant.js';
import { isRecord } from './normalize-values.js';
import { readSources, type SourceMapping } from '../powershell/topology-sources.js';
import { showValue, validateTopology } from './schema-errors.js';
import { provenanceAt, parsePositioned } from './yaml-positions.js';
import { addDiagnostics } from '../limits.js';

export interface TopologyReadResult {
  /** This file's objects, and in `inputs` its report followed by the reports of the certificate files it named. */
  case: Case;
  /** The topology file's own report (also `case.inputs[0]`). */
  report: InputReport;
  /**
   * Why the file cannot be used at all (a syntax error, not a mapping, schema errors), listing
   * every error with file:line:column; null when it can. CONTRACT: such a file makes the run exit 2.
   */
  fatal: string | null;
  /** Certificate files named by `{ File: path }`, each read once, for the caller to avoid reading them again. */
  certificateFiles: ReferencedCertificateFile[];
  /** The `sources:` mapping (export file or folder → tenant, organization or server), paths made absolute. */
  sources: SourceMapping[];
}

const SECTIONS = ['kind', 'version', 'tenants', 'organizations', 'gateways', 'certificates', 'dns', 'flows', 'sources'];

/**
 * Reads one topology file (YAML or JSON). Pure apart from reading the certificate files its
 * `certificates` section names, relative to `baseDir` (the topology file's folder). `file` is the
 * name used in locations. Never throws.
 *
 * `records` counts every object the file describes, at any depth: each tenant, organization,
 * gateway, certificate entry and flow, each object nested in them (accepted domains, connectors,
 * journal rules, servers, remote domains, gateway nodes and routes) and each DNS MX or A entry.
 * `skipped` counts those left out of the case: a schema error in the object itself (which also
 * skips what is nested in it), a repeated name, or an unreadable certificate file.
 */
export function readTopology(text: string, file: string, baseDir: string): TopologyReadResult {
  const report: InputReport = { file, kind: 'topology', records: 0, skipped: 0, diagnostics: [] };
  const fragment = emptyCase();
  fragment.inputs.push(report);
  const result: TopologyReadResult = { case: fragment, report, fatal: null, certificateFiles: [], sources: [] };
  try {
    readInto(text, file, baseDir, result);
  } catch (e) {
    const message = `${file}: could not be read: ${(e as Error).message}`;
    report.diagnostics.push({ severity: 'error', location: file, message });
    result.fatal = message;
  }
  return result;
}

function readInto(text: string, file: string, baseDir: string, result: TopologyReadResult): void {
  const { report, case: fragment } = result;
  const pd = parsePositioned(text, file);
  addDiagnostics(report.diagnostics, [...pd.errors, ...pd.warnings], file);
  if (pd.errors.length > 0) {
    result.fatal = listing(`${file}: the topology file does not parse`, pd.errors);
    return;
  }
  const root = pd.value;
  if (!isRecord(root)) {
    const d: Diagnostic = {
      severity: 'error',
      location: `${file}:1:1`,
      message: `expected a mapping with kind: mailflow-topology at the top level, got ${showValue(root)}`,
    };
    report.diagnostics.push(d);
    result.fatal = listing(`${file}: not a topology file`, [d]);
    return;
  }

  const problems = validateTopology(root);
  const schemaErrors: Diagnostic[] = problems.map((p) => {
    const at = provenanceAt(pd, p.path);
    return { severity: 'error', location: `${at.file}:${at.line}:${at.column}`, message: p.message };
  });

  const certificateFiles = new Map<string, ReferencedCertificateFile>();
  const ctx = new NormalizeContext(
    pd,
    problems.map((p) => p.path),
    baseDir,
    (given) => {
      // A path written on Windows (certs\leaf.pem) still names the file elsewhere.
      const portable = sep === '/' ? given.replace(/\\/g, '/') : given;
      const display = isAbsolute(portable) ? portable : join(baseDir, portable);
      const resolvedPath = resolve(display);
      let read = certificateFiles.get(resolvedPath);
      if (!read) {
        read = { ...readCertificateFile(display), resolvedPath };
        certificateFiles.set(resolvedPath, read);
      }
      return read;
    },
  );
  if (root.version === undefined) ctx.warn([], 'no version: given; reading it as version 1');
  for (const key of Object.keys(root)) {
    if (!SECTIONS.includes(key)) {
      ctx.warn([key], `"${key}" is not a section of a topology file (${SECTIONS.slice(2).join(', ')}); ignored`);
    }
  }

  fragment.tenants = normalizeTenants(ctx, root);
  fragment.organizations = normalizeOrganizations(ctx, root);
  fragment.gateways = normalizeGateways(ctx, root);
  const certs = normalizeCertificates(ctx, root);
  fragment.dns = normalizeDns(ctx, root);
  fragment.flows = normalizeFlows(ctx, root);
  result.sources = readSources(root.sources, baseDir);

  // Chains may run through certificates of another named file (a separate intermediate file).
  const files = [...certificateFiles.values()].filter((f) => f.error === null);
  const pool: X509Certificate[] = files.flatMap((f) => f.x509);
  for (const f of files) {
    f.certificates.forEach((cert, i) => {
      const x509 = f.x509[i];
      if (x509) cert.trust = judgeChainTrust(x509, pool);
    });
  }
  fragment.certificates = mergeCertificates(certs.certificates);
  result.certificateFiles = files;
  fragment.inputs.push(...files.map((f) => f.report));

  sortByPosition(schemaErrors);
  report.records = ctx.records;
  report.skipped = ctx.skipped;
  addDiagnostics(report.diagnostics, schemaErrors, file);
  addDiagnostics(report.diagnostics, ctx.diagnostics, file);
  sortByPosition(report.diagnostics);
  if (schemaErrors.length > 0) {
    result.fatal = listing(`${file}: ${schemaErrors.length} error${schemaErrors.length === 1 ? '' : 's'} in the topology file`, schemaErrors);
  }
}

function listing(title: string, diagnostics: Diagnostic[]): string {
  return [title, ...diagnostics.map((d) => `  ${d.location}: ${d.message}`)].join('\n');
}
