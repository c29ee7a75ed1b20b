import type { FlowResult } from '../../engine/flow-types.js';
import { domainOf, normalizeHost } from '../../model/domains.js';
import type { Observed, StatusObservation, StatusOrigin } from '../../model/evidence.js';
import type { RecognisedStatus } from '../../model/ndr.js';
import { formatSource, type Provenance } from '../../model/provenance.js';
import type { Evidence, Finding, FindingSubject } from '../finding.js';
import type { RuleContext } from '../rule.js';
import { describeSpan, spanOf } from './evidence.js';
import { flowName } from './flow-subject.js';

/**
 * Findings from recognised statuses (NDR-CATALOG; RULES.md v2 "Evidence: NDR code families"):
 * one way to say what a status is, where it was read (file:line, count, first/last time) and who
 * it concerns, and one way to attach it to the configuration finding of the same rule when both
 * concern the same connector or route — configuration and evidence then tell one root cause.
 */

export type StatusGroup = Observed<StatusObservation>;

/** `450 4.7.320 Certificate validation failed [Message=SubjectMismatch]`, as read (the code is not repeated when the text starts with it). */
export function statusLine(s: RecognisedStatus): string {
  const text = s.text.trim();
  const codes = [s.basicCode !== null ? String(s.basicCode) : null, s.enhancedCode].filter((c): c is string => c !== null && !text.includes(c));
  return [...codes, text].join(' ').trim();
}

const ORIGIN_NOUN: Record<StatusOrigin, string> = {
  'message-trace': 'trace row',
  'tracking-log': 'tracking log entry',
  'protocol-log': 'protocol log entry',
  capture: 'captured reply',
  headers: 'message header',
  ndr: 'NDR',
  queue: 'queue entry',
};

const ORIGIN_WHERE: Record<StatusOrigin, string> = {
  'message-trace': 'message trace',
  'tracking-log': 'message tracking log',
  'protocol-log': 'protocol log',
  capture: 'capture',
  headers: 'message headers',
  ndr: 'NDR',
  queue: 'queue',
};

function plural(n: number, noun: string): string {
  if (n === 1) return `1 ${noun}`;
  return `${n} ${noun.endsWith('entry') ? `${noun.slice(0, -1)}ies` : `${noun}s`}`;
}

/** Who and what the observation concerns: `alice@contoso.com → bob@contoso.com, connector "X", host mail2.contoso.com (203.0.113.11)`. */
export function partiesOf(o: StatusObservation, withConnector = true): string {
  const parts: string[] = [];
  if (o.sender || o.recipient) parts.push(`${o.sender ?? '?'} → ${o.recipient ?? '?'}`);
  if (o.connector && withConnector) parts.push(`connector "${o.connector}"`);
  if (o.remoteHost || o.remoteIp) parts.push(`host ${o.remoteHost ?? o.remoteIp}${o.remoteHost && o.remoteIp ? ` (${o.remoteIp})` : ''}`);
  if (o.clientIp) parts.push(`from ${o.clientIp}`);
  return parts.join(', ');
}

/** One evidence line per group (its first source), saying what was read and how often. */
export function statusEvidence(groups: readonly StatusGroup[], max = 5): Evidence[] {
  return groups.slice(0, max).map((g) => {
    const o = g.sample;
    const parties = partiesOf(o);
    const span = describeSpan(g.count, g.first, g.last, ORIGIN_NOUN[o.origin]);
    const last = o.lastError ? `; last deferral: "${o.lastError}"` : '';
    return { source: formatSource(g.sources[0] ?? o.source), text: `${ORIGIN_WHERE[o.origin]}: ${parties ? `${parties}: ` : ''}"${statusLine(o.status)}" (${span})${last}` };
  });
}

/** `3 trace rows and 1 NDR between … and …` — how much evidence, of which kinds, over which time. */
export function statusCountText(groups: readonly StatusGroup[]): string {
  const byOrigin = new Map<StatusOrigin, number>();
  for (const g of groups) byOrigin.set(g.sample.origin, (byOrigin.get(g.sample.origin) ?? 0) + g.count);
  const kinds = [...byOrigin.entries()].map(([o, n]) => plural(n, ORIGIN_NOUN[o]));
  const what = kinds.length <= 1 ? (kinds[0] ?? '0 observations') : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`;
  const { first, last } = spanOf(groups);
  if (first === null) return what;
  return first === last ? `${what} at ${first}` : `${what} between ${first} and ${last}`;
}

/** `1 NDR … shows` / `3 trace rows … show`: the count text with its verb. */
export function statusesShow(groups: readonly StatusGroup[]): string {
  const total = groups.reduce((n, g) => n + g.count, 0);
  return `${statusCountText(groups)} ${total === 1 ? 'shows' : 'show'}`;
}

/** The distinct status lines of the groups, at most three. */
export function statusLines(groups: readonly StatusGroup[]): string[] {
  return [...new Set(groups.map((g) => statusLine(g.sample.status)))].slice(0, 3);
}

/**
 * Attaches evidence to a configuration finding of the same root cause: the status lines join its
 * evidence, and its message says it is confirmed by them.
 */
export function confirmWithStatuses(f: Finding, groups: readonly StatusGroup[]): void {
  if (groups.length === 0) return;
  f.evidence.push(...statusEvidence(groups));
  f.message = `${f.message} Confirmed by ${statusCountText(groups)} showing ${statusLines(groups).map((l) => `"${l}"`).join(', ')}.`;
}

const CONNECTOR_TYPES = new Set(['OutboundConnector', 'SendConnector', 'InboundConnector', 'ReceiveConnector', 'GatewayRoute']);

/** The simulated flows a finding lists among its subjects. */
export function flowsOfFinding(ctx: RuleContext, f: Finding): FlowResult[] {
  const names = new Set(f.subjects.filter((s) => s.type === 'Flow').map((s) => s.name));
  return names.size === 0 ? [] : ctx.simulation.flows.filter((x) => names.has(flowName(x)));
}

function sameDomain(address: string | null, other: string): boolean {
  return address !== null && address.includes('@') && domainOf(address) === domainOf(other);
}

/** The flow carries the observation's message: its recipient's (and sender's, when known) domain, or a hop to the host it names. */
export function flowMatchesStatus(flow: FlowResult, o: StatusObservation): boolean {
  const host = o.remoteHost ? normalizeHost(o.remoteHost) : null;
  if (host && (flow.hops.some((h) => normalizeHost(h.to) === host) || (flow.targets ?? []).some((t) => normalizeHost(t.host) === host))) return true;
  if (o.recipient && sameDomain(o.recipient, flow.to)) return o.sender === null || !o.sender.includes('@') || sameDomain(o.sender, flow.from);
  return false;
}

/**
 * The observation concerns the same connector or route as the finding: a connector the evidence
 * names among the finding's subjects; else (when the finding names no other connector) a flow of
 * the finding that carries the same message or reaches the host the evidence names.
 */
export function statusMatchesFinding(ctx: RuleContext, f: Finding, o: StatusObservation): boolean {
  const connectors = f.subjects.filter((s) => CONNECTOR_TYPES.has(s.type)).map((s) => s.name.toLowerCase());
  if (o.connector) {
    if (connectors.includes(o.connector.trim().toLowerCase())) return true;
    // The finding names only other connectors of the kind the evidence names: not the same route.
    if (connectors.length > 0 && f.subjects.some((s) => s.type === 'OutboundConnector' || s.type === 'SendConnector')) return false;
  }
  return flowsOfFinding(ctx, f).some((flow) => flowMatchesStatus(flow, o));
}

/**
 * Attaches each status group to the first configuration finding it matches and returns the groups
 * no finding took (they make the rule's evidence-only findings).
 */
export function attachToFindings(ctx: RuleContext, findings: readonly Finding[], groups: readonly StatusGroup[]): StatusGroup[] {
  const taken = new Map<Finding, StatusGroup[]>();
  const rest: StatusGroup[] = [];
  for (const g of groups) {
    const f = findings.find((x) => statusMatchesFinding(ctx, x, g.sample));
    if (f) taken.set(f, [...(taken.get(f) ?? []), g]);
    else rest.push(g);
  }
  for (const [f, gs] of taken) confirmWithStatuses(f, gs);
  return rest;
}

function sourceKey(p: Provenance): string {
  return `${p.file}\u0000${p.line ?? ''}`;
}

/**
 * Statuses not already counted through another evidence shape: a reader gives a trace or tracking
 * log row both as a row (with its reply) and as statuses — the same line; a protocol log or
 * capture gives a session (its replies) and statuses from its reply lines — the same file. Each
 * event is counted once.
 */
export function notCountedYet(groups: readonly StatusGroup[], counted: readonly { sources: Provenance[] }[]): StatusGroup[] {
  if (counted.length === 0) return [...groups];
  const lines = new Set(counted.flatMap((g) => g.sources.map(sourceKey)));
  const files = new Set(counted.flatMap((g) => g.sources.map((p) => p.file)));
  return groups.filter((g) => {
    const bySession = g.sample.origin === 'protocol-log' || g.sample.origin === 'capture';
    return !g.sources.some((p) => lines.has(sourceKey(p)) || (bySession && files.has(p.file)));
  });
}

/** The subjects an evidence-only finding names: the connector, else the remote host, else the recipients. */
export function statusSubjects(groups: readonly StatusGroup[], connectorType: string | null): FindingSubject[] {
  const o = groups[0]!.sample;
  if (o.connector && connectorType) return [{ type: connectorType, name: o.connector }];
  if (o.remoteHost || o.remoteIp) return [{ type: 'Host', name: (o.remoteHost ?? o.remoteIp)! }];
  const recipients = [...new Set(groups.map((g) => g.sample.recipient).filter((r): r is string => !!r))].slice(0, 10);
  if (recipients.length > 0) return recipients.map((r) => ({ type: 'Recipient', name: r }));
  if (o.clientIp) return [{ type: 'Host', name: o.clientIp }];
  return [{ type: 'Evidence', name: formatSource(o.source) }];
}

/** Groups statuses by a key, in first-seen order. */
export function groupStatuses(groups: readonly StatusGroup[], keyOf: (o: StatusObservation) => string): StatusGroup[][] {
  const m = new Map<string, StatusGroup[]>();
  for (const g of groups) {
    const k = keyOf(g.sample);
    m.set(k, [...(m.get(k) ?? []), g]);
  }
  return [...m.values()];
}

/** The default grouping of evidence-only findings: one per connector, else per remote host, else per sending address. */
export function routeKey(o: StatusObservation): string {
  if (o.connector) return `c:${o.connector.toLowerCase()}`;
  if (o.remoteHost) return `h:${normalizeHost(o.remoteHost)}`;
  if (o.remoteIp) return `h:${o.remoteIp}`;
  if (o.clientIp) return `ip:${o.clientIp}`;
  return 'none';
}

/** The enhanced code of a status, from the recognised code or the start of its text. */
export function enhancedCodeOf(s: RecognisedStatus): string | null {
  if (s.enhancedCode) return s.enhancedCode;
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(s.text)?.[1] ?? null;
}

/** A deferral or rejection (4xx/5xx), not a success or an informational line. */
export function isFailureStatus(s: RecognisedStatus): boolean {
  if (s.basicCode !== null) return s.basicCode >= 400;
  const e = enhancedCodeOf(s);
  return e !== null && (e.startsWith('4.') || e.startsWith('5.'));
}

/** The status carries a marker (`ATTR36`, `SubjectMismatch`), recognised or written in its text. */
export function hasMarker(s: RecognisedStatus, marker: string): boolean {
  const m = marker.toLowerCase();
  return s.markers.some((x) => x.toLowerCase() === m) || s.text.toLowerCase().includes(m);
}
