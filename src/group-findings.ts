import { dedupeSubjects, SEVERITY_ORDER, type Evidence, type Finding, type FindingSubject } from './rules/finding.js';
import { RULES } from './rules/index.js';
import { replyEventKey } from './rules/support/evidence-events.js';

/**
 * One root cause, one finding (issue "Advice you can trust", item 2). A missing client certificate
 * shows in the configuration (`cert-connector-no-client-certificate`), in a capture
 * (`capture-no-client-certificate`) and in the logs (`tenant-attribution-rejected`, 5.7.64): three
 * findings about one send connector, one fault, one fix. They become one finding.
 *
 * The grouping key is the finding's **cause object**: the first subject of a configuration object
 * type (send / receive / inbound / outbound connector, certificate, gateway route, or a host when
 * the case does not hold the connector), by type, name (case-insensitive) and the tenant,
 * organization or gateway it belongs to (a subject without that scope matches any scope).
 *
 * - An evidence finding that only reports what happened (SYMPTOM_RULES) joins the configuration or
 *   simulation finding — error or warning — that names its cause object among its subjects; the
 *   most severe one leads, then the one whose own cause object it is, then catalog order.
 * - Symptom findings with the same cause object and no configuration finding to join are grouped
 *   among themselves; the one nearest the cause (SYMPTOM_RULES order) leads.
 * - Configuration findings are never merged with each other: each names a different setting.
 *
 * The grouped finding keeps the lead's rule, title, fix list (and fix candidates) and message; the
 * members' messages follow on their own lines, their evidence is added (the same line, or the same
 * Exchange Online answer read from two files, once), subjects and references are united, severity
 * is the most severe of the group, and `related` lists the members' rule ids: a finding matches a
 * rule id when `rule` or `related` holds it.
 */

/** Evidence rules that report an outcome or an observation, never a setting: best lead first. */
export const SYMPTOM_RULES: readonly string[] = [
  'trace-onprem-send-tls-error',
  'capture-no-client-certificate',
  'tenant-attribution-rejected',
  'trace-foreign-mail-via-onprem-connector',
  'message-not-internal',
  'trace-message-expired',
  'trace-ip-throttled',
];

const CAUSE_TYPES = new Set(['SendConnector', 'ReceiveConnector', 'InboundConnector', 'OutboundConnector', 'Certificate', 'GatewayRoute', 'Host']);

interface CauseObject {
  kind: string;
  scope: string;
}

function causeOf(s: FindingSubject): CauseObject | null {
  if (!CAUSE_TYPES.has(s.type)) return null;
  return { kind: `${s.type}|${s.name.toLowerCase()}`, scope: (s.organization ?? s.tenant ?? s.gateway ?? '').toLowerCase() };
}

function sameCause(a: CauseObject, b: CauseObject): boolean {
  return a.kind === b.kind && (a.scope === b.scope || a.scope === '' || b.scope === '');
}

/** The finding's own cause object: its first subject of a configuration object type. */
export function primaryCause(f: Finding): CauseObject | null {
  for (const s of f.subjects) {
    const c = causeOf(s);
    if (c) return c;
  }
  return null;
}

function names(f: Finding, cause: CauseObject): boolean {
  return f.subjects.some((s) => {
    const c = causeOf(s);
    return c !== null && sameCause(c, cause);
  });
}

const SYMPTOMS = new Set(SYMPTOM_RULES);
const catalogOrder = (rule: string): number => {
  const i = RULES.findIndex((r) => r.id === rule);
  return i < 0 ? RULES.length : i;
};
const symptomOrder = (rule: string): number => SYMPTOM_RULES.indexOf(rule);

interface Group {
  lead: Finding;
  members: Finding[];
}

/** Findings in the order given (most severe first); returns the grouped list, most severe first. */
export function groupFindings(findings: readonly Finding[]): Finding[] {
  const groups: Group[] = [];
  const open = (f: Finding): void => {
    groups.push({ lead: f, members: [] });
  };
  // Causes first, so every symptom finds the finding it joins whatever the input order.
  const causes = findings.filter((f) => !SYMPTOMS.has(f.rule));
  const symptoms = findings.filter((f) => SYMPTOMS.has(f.rule)).sort((a, b) => symptomOrder(a.rule) - symptomOrder(b.rule));
  for (const f of causes) open(f);
  for (const f of symptoms) {
    const cause = primaryCause(f);
    const target = cause ? bestLead(groups, cause) : null;
    if (target) target.members.push(f);
    else open(f);
  }
  const merged = groups.map(mergeGroup);
  // Stable: the input order, re-sorted only where a group became more severe than its lead.
  return merged.map((f, i) => ({ f, i })).sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i).map((x) => x.f);
}

function sameCauseOf(f: Finding, cause: CauseObject): boolean {
  const own = primaryCause(f);
  return own !== null && sameCause(own, cause);
}

function bestLead(groups: readonly Group[], cause: CauseObject): Group | null {
  let best: Group | null = null;
  let bestRank: number[] = [];
  for (const g of groups) {
    const f = g.lead;
    const isCause = !SYMPTOMS.has(f.rule);
    if (isCause ? f.severity === 'info' || !names(f, cause) : !sameCauseOf(f, cause)) continue;
    const rank = [isCause ? 0 : 1, SEVERITY_ORDER[f.severity], sameCauseOf(f, cause) ? 0 : 1, isCause ? catalogOrder(f.rule) : symptomOrder(f.rule)];
    if (best === null || lessThan(rank, bestRank)) {
      best = g;
      bestRank = rank;
    }
  }
  return best;
}

function lessThan(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

function mergeGroup({ lead, members }: Group): Finding {
  if (members.length === 0) return lead;
  const all = [lead, ...members];
  const severity = all.reduce((s, f) => (SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[s] ? f.severity : s), lead.severity);
  const related = [...new Set(all.flatMap((f) => [f.rule, ...(f.related ?? [])]))].filter((r) => r !== lead.rule);
  const messages = members.filter((m) => m.message !== lead.message).map((m) => `Also seen (${m.rule}): ${m.message}`);
  return {
    ...lead,
    severity,
    message: [lead.message, ...new Set(messages)].join('\n'),
    subjects: dedupeSubjects(all.flatMap((f) => f.subjects)),
    evidence: mergeEvidence(all.flatMap((f) => f.evidence)),
    references: [...new Set(all.flatMap((f) => f.references))],
    related,
  };
}

/**
 * Evidence lines of a group: the same line once; a line quoting an Exchange Online answer already
 * quoted by an earlier line (the same refusal read from a send log and a tracking log) is folded
 * into it as "also in <source>".
 */
export function mergeEvidence(lines: readonly Evidence[]): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  const byEvent = new Map<string, { line: Evidence; also: string[] }>();
  const alsoOf = new Map<Evidence, string[]>();
  for (const e of lines) {
    const exact = `${e.source}\u0000${e.text}`;
    if (seen.has(exact)) continue;
    seen.add(exact);
    const event = replyEventKey(e.text);
    const first = event ? byEvent.get(event) : undefined;
    if (first) {
      if (first.line.source !== e.source && !first.also.includes(e.source)) first.also.push(e.source);
      continue;
    }
    const line = { ...e };
    out.push(line);
    if (event) {
      const also: string[] = [];
      byEvent.set(event, { line, also });
      alsoOf.set(line, also);
    }
  }
  for (const [line, also] of alsoOf) if (also.length > 0) line.text = `${line.text} (the same answer is also in ${also.join(', ')})`;
  return out;
}

/** How a script finds a rule's finding after grouping: the finding's own rule, or one grouped into it. */
export function matchesRule(f: Pick<Finding, 'rule' | 'related'>, ruleId: string): boolean {
  return f.rule === ruleId || (f.related ?? []).includes(ruleId);
}
