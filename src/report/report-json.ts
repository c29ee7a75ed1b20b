import type { AuthAs, FlowResult, HopTls, TargetResult } from '../engine/flow-types.js';
import type { Diagnosis } from '../diagnose.js';
import type { InputReport } from '../model/diagnostics.js';
import type { Finding } from '../rules/finding.js';
import { evidenceSummary, type EvidenceSummary } from './evidence-summary.js';
import { verdictOf, type Verdict } from './report-parts.js';

/** The JSON report, exactly the contract's shape (CONTRACT.md "Output: JSON") plus additive fields. */
export interface JsonHop {
  from: string;
  to: string;
  presented: { certificate: string | null; ip: string | null; thumbprint: string | null; ehlo: string | null };
  attribution: { tenant: string | null; connector: string | null; direction: string; reason: string; step: string | null };
  /** CONTRACT v1.1: the AuthAs the receiving Exchange system stamps; null when not Exchange. */
  authAs: AuthAs;
  /** CONTRACT v1.1: TLS on the hop, with the receive connector it landed on; null where not modelled. */
  tls: HopTls | null;
  decisions: string[];
}

export interface JsonFlow {
  from: string;
  to: string;
  origin: string;
  destination: string | null;
  kind: string;
  generated: boolean;
  outcome: string;
  response: string | null;
  /** Deferred flows (CONTRACT v1.1). */
  finalResponse?: string;
  expiresAfter?: string;
  targets?: TargetResult[];
  tenants: string[];
  hops: JsonHop[];
  anomalies: string[];
  assumptions: string[];
  conclusion: string;
  journalOf?: { from: string; to: string };
}

export interface JsonReport {
  schema: 'mailflow-doctor/report@1';
  at: string;
  inputs: InputReport[];
  findings: Finding[];
  flows: JsonFlow[];
  notes: string[];
  /** Present when the case held traces, logs, captures or headers. */
  evidence?: EvidenceSummary;
  /** Inputs that could not be read or were read in part (null: every input read whole); the exit status is then non-zero. */
  incomplete: { files: { file: string; kind: string; reason: string }[]; nothingUsable: boolean; message: string } | null;
  /** Additive: the verdict the text report opens with, counted (findings are grouped by cause, see `related`). */
  summary: JsonSummary;
}

/** The verdict's counts (as the text report's first line) and the flows by outcome. */
export type JsonSummary = Omit<Verdict, 'at'> & {
  /** Simulated flows by outcome (`delivered`, `deferred`, `rejected`, `looped`, `dropped`). */
  flows: Record<string, number>;
};

function summaryOf(d: Diagnosis): JsonSummary {
  const { at: _at, ...counts } = verdictOf(d);
  const flows: Record<string, number> = {};
  for (const f of d.simulation.flows) flows[f.outcome] = (flows[f.outcome] ?? 0) + 1;
  return { ...counts, flows };
}

export function flowToJson(f: FlowResult): JsonFlow {
  return {
    from: f.from,
    to: f.to,
    origin: f.origin,
    destination: f.destination,
    kind: f.kind,
    generated: f.generated,
    outcome: f.outcome,
    response: f.response,
    ...(f.finalResponse ? { finalResponse: f.finalResponse } : {}),
    ...(f.expiresAfter ? { expiresAfter: f.expiresAfter } : {}),
    ...(f.targets ? { targets: f.targets } : {}),
    tenants: f.tenants,
    hops: f.hops.map((h) => ({
      from: h.from,
      to: h.to,
      presented: { certificate: h.presented.certificate, ip: h.presented.ip, thumbprint: h.presented.thumbprint, ehlo: h.presented.ehlo },
      attribution: { ...h.attribution },
      authAs: h.authAs,
      tls: h.tls,
      decisions: h.decisions,
    })),
    anomalies: f.anomalies,
    assumptions: f.assumptions,
    conclusion: f.conclusion,
    ...(f.parent ? { journalOf: { from: f.parent.from, to: f.parent.to } } : {}),
  };
}

export function buildJsonReport(d: Diagnosis, flows: JsonFlow[] = d.simulation.flows.map(flowToJson)): JsonReport {
  const evidence = evidenceSummary(d.case);
  return {
    schema: 'mailflow-doctor/report@1',
    at: d.at.toISOString(),
    inputs: d.case.inputs,
    findings: d.findings,
    flows,
    notes: d.simulation.notes,
    ...(evidence ? { evidence } : {}),
    incomplete: d.incomplete ?? null,
    summary: summaryOf(d),
  };
}

export function renderJson(d: Diagnosis): string {
  return JSON.stringify(buildJsonReport(d), null, 2) + '\n';
}

/** The top-level arrays that grow with the estate: written one element at a time. */
const LARGE_ARRAYS = new Set(['inputs', 'findings', 'flows']);

export interface JsonPiecesOptions {
  /**
   * The caller hands the diagnosis over (the CLI, which has already taken the exit status from it):
   * each finding and flow is let go from `d` once written. JSON.stringify flattens every string it
   * writes in place, so a finding or flow still held after its turn keeps a flat copy of each of
   * its texts to the end of the run (an estate's report: tens of MB); let go, the copies die young.
   */
  release?: boolean;
}

/**
 * The same text as renderJson, in pieces: a service provider's report (10,000 tenants: ~80 MB)
 * is never held as one string, nor every flow's JSON object at once.
 */
export function* renderJsonPieces(d: Diagnosis, options: JsonPiecesOptions = {}): Generator<string> {
  const report = buildJsonReport(d, []);
  // The rules' own findings share their texts with `findings`: let go too, or they keep the copies.
  if (options.release) d.ruleFindings = undefined;
  const entries = Object.entries(report).filter(([, v]) => v !== undefined);
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i]!;
    const items: readonly unknown[] | null = key === 'flows' ? d.simulation.flows : LARGE_ARRAYS.has(key) && Array.isArray(value) ? value : null;
    if (items && items.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let j = 0; j < items.length; j++) {
        const item = key === 'flows' ? flowToJson(items[j] as FlowResult) : items[j];
        if (options.release && key !== 'inputs') (items as unknown[])[j] = null;
        // JSON strings never hold a raw line break, so indenting after every \n is exact.
        yield `    ${JSON.stringify(item, null, 2).replace(/\n/g, '\n    ')}${j < items.length - 1 ? ',' : ''}\n`;
      }
      yield '  ]';
    } else {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(key === 'flows' ? [] : value, null, 2).replace(/\n/g, '\n  ')}`;
    }
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield '}\n';
}
