import type { AuthAs, FlowResult, HopTls, TargetResult } from '../engine/flow-types.js';
import type { Diagnosis } from '../diagnose.js';
import type { InputReport } from '../model/diagnostics.js';
import type { Finding } from '../rules/finding.js';
import { evidenceSummary, type EvidenceSummary } from './evidence-summary.js';

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

export function buildJsonReport(d: Diagnosis): JsonReport {
  const evidence = evidenceSummary(d.case);
  return {
    schema: 'mailflow-doctor/report@1',
    at: d.at.toISOString(),
    inputs: d.case.inputs,
    findings: d.findings,
    flows: d.simulation.flows.map(flowToJson),
    notes: d.simulation.notes,
    ...(evidence ? { evidence } : {}),
  };
}

export function renderJson(d: Diagnosis): string {
  return JSON.stringify(buildJsonReport(d), null, 2) + '\n';
}
