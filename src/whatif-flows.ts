import type { AuthAs, FlowResult, Hop } from './engine/flow-types.js';
import type { Finding } from './rules/finding.js';
import { flowName } from './rules/support/flow-subject.js';

/**
 * What-if tells the truth (issue "Advice you can trust", item 3): how one flow fares after a
 * change, judged by what mail loses, not by whether its text differs.
 *
 * - broken: delivered before and `deferred`, `rejected`, `looped` or `dropped` after (CONTRACT
 *   v1.1: a deferral ends in an NDR); a hop that arrived `Internal` arrives `Anonymous`, `External`
 *   or `Partner` (cross-premises trust lost, EXO-SEMANTICS M10); a hop a tenant attributed through
 *   one of its connectors is attributed by that tenant through none (M3: it becomes internet mail);
 *   or an error finding the change adds names the flow.
 * - resolved: a journal report that existed only because of a fault — its message passed through
 *   the journaling tenant over a connector a finding the change resolves names (S1: the provider
 *   journals its customers' mail) — is no longer produced.
 * - fixed: failing before and delivered after; or delivered both times and no longer carried over
 *   a connector a resolved finding names, or named by a resolved finding.
 * - changed: different in any other way (another route, another failure, a journal report that is
 *   gone because its message no longer passes that tenant with no fault behind it).
 * - unchanged.
 */
export type FlowVerdict = 'broken' | 'fixed' | 'resolved' | 'changed' | 'unchanged';

export interface FlowChange {
  from: string;
  to: string;
  before: FlowResult;
  after: FlowResult | null;
  /** Broken by the change (verdict `broken`). */
  regressed: boolean;
  /** Anything differs (verdict other than `unchanged`). */
  changed: boolean;
  verdict: FlowVerdict;
  /** Why, in plain words: what got worse or better. */
  reasons: string[];
  /** Flows identical to this one in what a reader sees (journal reports of several messages), listed once. */
  sameAs: FlowResult[];
}

const FAILING = new Set(['deferred', 'rejected', 'looped', 'dropped']);
const LESS_THAN_INTERNAL = new Set<AuthAs>(['Anonymous', 'External', 'Partner']);

export function flowKey(f: FlowResult): string {
  // Iterative: a journal report's parent chain is short, but never recurse on data.
  const parts: string[] = [];
  for (let x: FlowResult | null = f; x !== null; x = x.parent) parts.push(`${x.kind}|${x.from}|${x.to}|${x.origin}|${x.destination ?? ''}`);
  return parts.reverse().join('>');
}

/** What a reader compares: outcome, answer, tenants and every hop's attribution, trust and TLS. */
export function flowSummary(f: FlowResult): string {
  const hops = f.hops.map((h) => `${h.from}>${h.to}:${h.attribution.tenant}:${h.attribution.connector}:${h.authAs}:${h.tls?.validation ?? ''}:${h.tls?.landedOn ?? ''}`);
  return `${f.outcome}|${f.response ?? ''}|${f.tenants.join(',')}|${hops.join(';')}`;
}

interface FindingDiff {
  findingsAdded: readonly Finding[];
  findingsResolved: readonly Finding[];
}

interface Context {
  afterByKey: Map<string, FlowResult>;
  /** Flow names (`from → to`) an added error finding lists among its subjects, with that finding. */
  addedErrorFlows: Map<string, Finding>;
  resolvedFlows: Map<string, Finding>;
  /** `tenant|connector` (lower case) a resolved finding names, with that finding. */
  resolvedConnectors: Map<string, Finding>;
}

function flowSubjects(findings: readonly Finding[], keep: (f: Finding) => boolean): Map<string, Finding> {
  const out = new Map<string, Finding>();
  for (const f of findings) if (keep(f)) for (const s of f.subjects) if (s.type === 'Flow' && !out.has(s.name)) out.set(s.name, f);
  return out;
}

const connectorKey = (tenant: string | null, connector: string | null): string => `${tenant ?? ''}|${connector ?? ''}`.toLowerCase();

export function compareFlows(before: readonly FlowResult[], after: readonly FlowResult[], diff: FindingDiff): { flows: FlowChange[]; flowsAdded: FlowResult[] } {
  const resolvedConnectors = new Map<string, Finding>();
  // Advice (info: "prefer certificate scoping", MC1226222) going away is not a fault fixed: a
  // change that disables the connector it advises on must still show as breaking what it carried.
  const faultsResolved = diff.findingsResolved.filter((f) => f.severity !== 'info');
  for (const f of faultsResolved) {
    for (const s of f.subjects) if (s.type === 'InboundConnector' && !resolvedConnectors.has(connectorKey(s.tenant ?? null, s.name))) resolvedConnectors.set(connectorKey(s.tenant ?? null, s.name), f);
  }
  const ctx: Context = {
    afterByKey: new Map(after.map((f) => [flowKey(f), f])),
    addedErrorFlows: flowSubjects(diff.findingsAdded, (f) => f.severity === 'error'),
    resolvedFlows: flowSubjects(faultsResolved, () => true),
    resolvedConnectors,
  };
  const flows: FlowChange[] = [];
  const shown = new Map<string, FlowChange>();
  const seenKeys = new Set<string>();
  for (const b of before) {
    const key = flowKey(b);
    if (seenKeys.has(key)) continue;
    seenKeys.add(key);
    const a = ctx.afterByKey.get(key) ?? null;
    const { verdict, reasons } = judge(b, a, ctx);
    // Identical in what a reader sees: listed once (two journal reports of two messages, same fate).
    const look = `${b.kind}|${b.from}|${b.to}|${b.origin}|${b.destination ?? ''}|${flowSummary(b)}|${a ? flowSummary(a) : '-'}|${verdict}|${reasons.join(';')}`;
    const twin = b.kind === 'journal-report' ? shown.get(look) : undefined;
    if (twin) {
      twin.sameAs.push(b);
      continue;
    }
    const change: FlowChange = { from: b.from, to: b.to, before: b, after: a, regressed: verdict === 'broken', changed: verdict !== 'unchanged', verdict, reasons, sameAs: [] };
    shown.set(look, change);
    flows.push(change);
  }
  blameAddedErrors(flows, ctx);
  const flowsAdded = after.filter((f) => !seenKeys.has(flowKey(f)));
  return { flows, flowsAdded };
}

/**
 * An error finding the change adds that names a flow says that flow fails: the flow counts as
 * broken even where the simulator's outcome did not change. Findings name flows by `from → to`
 * only; when a flow of that name already broke visibly, the finding is about that one.
 */
function blameAddedErrors(flows: FlowChange[], ctx: Context): void {
  for (const [name, finding] of ctx.addedErrorFlows) {
    const namesakes = flows.filter((f) => f.before.kind === 'message' && flowName(f.before) === name);
    if (namesakes.some((f) => f.regressed)) continue;
    for (const f of namesakes) {
      if (f.before.outcome !== 'delivered') continue;
      f.verdict = 'broken';
      f.regressed = true;
      f.changed = true;
      f.reasons = [`the change adds ${finding.rule}: ${finding.title}`, ...f.reasons];
    }
  }
}

function judge(b: FlowResult, a: FlowResult | null, ctx: Context): { verdict: FlowVerdict; reasons: string[] } {
  if (a === null) {
    if (b.kind === 'journal-report') return journalReportGone(b, ctx);
    return b.outcome === 'delivered' ? { verdict: 'broken', reasons: ['no longer simulated after the change'] } : { verdict: 'changed', reasons: ['no longer simulated after the change'] };
  }
  const broken: string[] = [];
  if (b.outcome === 'delivered' && FAILING.has(a.outcome)) broken.push(`delivered → ${a.outcome}${a.response ? ` (${a.response})` : ''}`);
  if (b.outcome === 'delivered' && a.outcome === 'delivered') broken.push(...hopsGotWorse(b, a, ctx));
  if (broken.length > 0) return { verdict: 'broken', reasons: broken };
  if (FAILING.has(b.outcome) && a.outcome === 'delivered') return { verdict: 'fixed', reasons: [`${b.outcome} → delivered`] };
  if (flowSummary(a) === flowSummary(b)) return { verdict: 'unchanged', reasons: [] };
  if (b.outcome === 'delivered' && a.outcome === 'delivered') {
    const better = faultLeft(b, a, ctx);
    if (better.length > 0) return { verdict: 'fixed', reasons: better };
  }
  return { verdict: 'changed', reasons: b.outcome === a.outcome ? ['another route or attribution'] : [`${b.outcome} → ${a.outcome}${a.response ? ` (${a.response})` : ''}`] };
}

/** The hop of `after` that corresponds to `hb`: the same systems, else the entry into the same tenant the same way. */
function counterpart(hb: Hop, after: FlowResult): Hop | null {
  const same = after.hops.find((h) => h.from === hb.from && h.to === hb.to);
  if (same) return same;
  if (hb.attribution.tenant === null) return null;
  return after.hops.find((h) => h.attribution.tenant === hb.attribution.tenant && h.attribution.direction === hb.attribution.direction) ?? null;
}

/**
 * Trust lost (M10) or a connector lost (M3) on a hop of a flow delivered both times. Losing a
 * connector a resolved finding names is the fault going away (S1: the provider's connector no
 * longer takes its customers' mail), not a loss.
 */
function hopsGotWorse(b: FlowResult, a: FlowResult, ctx: Context): string[] {
  const out: string[] = [];
  for (const hb of b.hops) {
    const ha = counterpart(hb, a);
    if (!ha) continue;
    if (hb.authAs === 'Internal' && LESS_THAN_INTERNAL.has(ha.authAs)) out.push(`${ha.from} → ${ha.to} arrives AuthAs ${ha.authAs} instead of Internal (cross-premises trust lost, M10)`);
    const lost = hb.attribution.connector !== null && ha.attribution.connector === null;
    if (lost && !ctx.resolvedConnectors.has(connectorKey(hb.attribution.tenant, hb.attribution.connector))) {
      out.push(`${ha.from} → ${ha.to} is no longer attributed to ${hb.attribution.tenant} by its connector "${hb.attribution.connector}": Exchange Online takes it as internet mail${ha.attribution.tenant ? ` for ${ha.attribution.tenant}` : ''} (M3)`);
    }
  }
  return [...new Set(out)];
}

/** Hops `b` took over a connector a resolved finding names and `a` no longer takes; or the flow itself was named. */
function faultLeft(b: FlowResult, a: FlowResult, ctx: Context): string[] {
  const out: string[] = [];
  const named = ctx.resolvedFlows.get(flowName(b));
  if (named && !ctx.addedErrorFlows.has(flowName(b))) out.push(`no longer reported (${named.rule} resolved)`);
  for (const hb of b.hops) {
    const f = ctx.resolvedConnectors.get(connectorKey(hb.attribution.tenant, hb.attribution.connector));
    if (!f || hb.attribution.connector === null) continue;
    if (a.hops.some((ha) => connectorKey(ha.attribution.tenant, ha.attribution.connector) === connectorKey(hb.attribution.tenant, hb.attribution.connector))) continue;
    out.push(`no longer attributed to ${hb.attribution.tenant} through "${hb.attribution.connector}" (${f.rule} resolved)`);
  }
  return [...new Set(out)];
}

/** A journal report no longer produced: resolved when a fault put its message through the journaling tenant. */
function journalReportGone(b: FlowResult, ctx: Context): { verdict: FlowVerdict; reasons: string[] } {
  const parent = b.parent;
  const tenant = b.origin;
  const pa = parent ? ctx.afterByKey.get(flowKey(parent)) ?? null : null;
  if (!parent || !pa) return { verdict: 'changed', reasons: ['no longer produced'] };
  if (pa.outcome !== 'delivered') return { verdict: 'changed', reasons: [`its message is now ${pa.outcome}`] };
  if (pa.tenants.includes(tenant)) return { verdict: 'changed', reasons: [`its message still passes ${tenant}, but ${tenant} no longer journals it`] };
  const via = parent.hops.find((h) => h.attribution.tenant === tenant && h.attribution.connector !== null && ctx.resolvedConnectors.has(connectorKey(tenant, h.attribution.connector)));
  const fault = via ? ctx.resolvedConnectors.get(connectorKey(tenant, via.attribution.connector))! : ctx.resolvedFlows.get(flowName(parent));
  if (fault) {
    const how = via ? ` through "${via.attribution.connector}"` : '';
    return { verdict: 'resolved', reasons: [`existed only because its message passed through ${tenant}${how} (${fault.rule}); the message no longer does`] };
  }
  return { verdict: 'changed', reasons: [`its message no longer passes through ${tenant}, so ${tenant} no longer journals it`] };
}
