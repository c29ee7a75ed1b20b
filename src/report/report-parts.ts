import type { Diagnosis } from '../diagnose.js';
import { inputProblemCounts } from '../model/input-completeness.js';
import type { FlowResult, Hop } from '../engine/flow-types.js';
import type { Finding, FindingSubject, FixStep } from '../rules/finding.js';

/** Pieces the text and Markdown reports share, so both say the same thing in the same order. */

export function subjectLabel(x: FindingSubject): string {
  const owner = x.tenant ?? x.organization ?? x.gateway;
  return `${x.type} "${x.name}"${owner ? ` (${owner})` : ''}`;
}

/** The object a finding is about, for its one-line summary: its first subject that is not a flow, else its first. */
export function mainSubject(f: Finding): FindingSubject | null {
  return f.subjects.find((x) => x.type !== 'Flow') ?? f.subjects[0] ?? null;
}

export function ruleLabel(f: Finding): string {
  return f.related && f.related.length > 0 ? `${f.rule}; also ${f.related.join(', ')}` : f.rule;
}

export interface Verdict {
  errors: number;
  warnings: number;
  info: number;
  /** Files that could not be read or were read in part. */
  incompleteInputs: number;
  /** Errors and warnings reported about the inputs. */
  inputErrors: number;
  inputWarnings: number;
  at: string;
}

export function verdictOf(d: Diagnosis): Verdict {
  const count = (sev: string) => d.findings.filter((f) => f.severity === sev).length;
  const problems = d.inputProblems ?? inputProblemCounts(d.case.inputs);
  return {
    errors: count('error'),
    warnings: count('warning'),
    info: count('info'),
    incompleteInputs: d.incomplete?.files.length ?? 0,
    inputErrors: problems.errors,
    inputWarnings: problems.warnings,
    at: d.at.toISOString(),
  };
}

/** `ERRORS: 2 error(s), 1 warning(s), 0 info; 1 input incomplete, 3 input warning(s); judged at …`. */
export function verdictText(v: Verdict): string {
  const head = v.errors > 0 ? 'ERRORS' : v.warnings > 0 ? 'WARNINGS' : v.incompleteInputs > 0 ? 'NO FINDINGS in what could be read' : 'NO FINDINGS';
  const inputs = [
    v.incompleteInputs > 0 ? `${v.incompleteInputs} input(s) INCOMPLETE` : 'every input read whole',
    ...(v.inputErrors > 0 ? [`${v.inputErrors} input error(s)`] : []),
    ...(v.inputWarnings > 0 ? [`${v.inputWarnings} input warning(s)`] : []),
  ];
  return `${head}: ${v.errors} error(s), ${v.warnings} warning(s), ${v.info} info; ${inputs.join(', ')}; judged at ${v.at}.`;
}

const FAILING = ['deferred', 'rejected', 'looped', 'dropped'];

/** `6 flow(s) simulated: 4 delivered, 1 deferred, 1 rejected; 2 with anomalies.` */
export function flowCountsText(flows: readonly FlowResult[]): string {
  const by = new Map<string, number>();
  for (const f of flows) by.set(f.outcome, (by.get(f.outcome) ?? 0) + 1);
  const order = ['delivered', ...FAILING].filter((o) => by.has(o));
  const anomalous = flows.filter((f) => f.anomalies.length > 0).length;
  const parts = order.map((o) => `${by.get(o)} ${o}`);
  return `${flows.length} flow(s) simulated${parts.length ? `: ${parts.join(', ')}` : ''}${anomalous ? `; ${anomalous} with anomalies` : ''}.`;
}

export function isFailing(f: FlowResult): boolean {
  return FAILING.includes(f.outcome);
}

/** Flows that fail or show anomalies, failing ones first: they are what the admin hears about. */
export function flaggedFlows(flows: readonly FlowResult[]): FlowResult[] {
  return flows.filter((f) => f.anomalies.length > 0 || f.outcome !== 'delivered').sort((a, b) => Number(isFailing(b)) - Number(isFailing(a)));
}

/** The flow's heading: endpoints, kind, origin. */
export function flowTitle(f: FlowResult): string {
  const journal = f.kind === 'journal-report' ? `journal report${f.parent ? ` of ${f.parent.from} → ${f.parent.to}` : ''}, ` : '';
  return `${f.from} → ${f.to}  (${journal}from ${f.origin}${f.destination ? ` to ${f.destination}` : ''})`;
}

/** Outcome with its answers: a deferral names what the sender finally writes and when (CONTRACT v1.1). */
export function outcomeText(f: FlowResult): string {
  const response = f.response ? ` — ${f.response}` : '';
  if (f.outcome !== 'deferred') return `${f.outcome}${response}`;
  const then = f.finalResponse ? `; retried for ${f.expiresAfter ?? 'the queue lifetime'}, then NDR ${f.finalResponse}` : f.expiresAfter ? `; retried for ${f.expiresAfter}` : '';
  return `deferred${response}${then}`;
}

/** What one hop presented, how TLS went and where it landed, and how the receiver took it (M8–M10). */
export function hopDetails(h: Hop): string[] {
  const parts: string[] = [`cert ${h.presented.certificate ?? 'none'}`, `ip ${h.presented.ip ?? 'unknown'}`];
  if (h.tls) {
    const certs = [h.tls.serverCertificate ? `server cert ${h.tls.serverCertificate}` : null, h.tls.clientCertificate ? `client cert ${h.tls.clientCertificate}` : null].filter(Boolean);
    const tls = h.tls.offered ? `TLS ${h.tls.validation}` : `no STARTTLS offered (${h.tls.validation})`;
    parts.push(`${tls}${certs.length ? ` (${certs.join(', ')})` : ''}`);
    if (h.tls.landedOn) parts.push(`landed on receive connector "${h.tls.landedOn}"`);
  }
  if (h.authAs) parts.push(`AuthAs ${h.authAs}`);
  const lines = [parts.join('; ')];
  const a = h.attribution;
  if (a.direction !== 'none' || a.tenant) {
    const step = a.step ? `, by ${a.step}` : '';
    lines.push(`⇒ ${a.tenant ?? 'no tenant'}${a.connector ? ` via "${a.connector}"` : ', no connector'} (${a.direction}${step})`);
  }
  return lines;
}

export function targetText(t: { host: string; outcome: string; response: string | null }): string {
  return `${t.host}: ${t.outcome}${t.response ? ` — ${t.response}` : ''}`;
}

/** Where a step is carried out, when the rule says so. */
export function whereText(step: FixStep): string {
  return step.where ? ` [${step.where}]` : '';
}
