import type { Organization, OutboundConnector, ReceiveConnector, Tenant } from '../../model/case.js';
import { normalizeHost } from '../../model/domains.js';
import { evaluateTarget, type TargetEvaluation } from '../../engine/exo-to-onprem-target.js';
import type { FlowResult, Hop } from '../../engine/flow-types.js';
import type { SimulationContext } from '../../engine/simulation-context.js';
import type { FindingSubject } from '../finding.js';
import { psIdentity } from '../finding.js';
import type { RuleContext } from '../rule.js';
import { flowSubject } from './flow-subject.js';

/**
 * The Exchange Online → on-premises deliveries of a simulation, target by target (EXO-SEMANTICS
 * M8): the rules on that hop re-run the engine's pure target evaluation to name the receive
 * connector, certificate and setting behind each outcome.
 */

export interface OnPremisesTarget {
  flow: FlowResult;
  hop: Hop;
  tenant: Tenant;
  connector: OutboundConnector | null;
  ev: TargetEvaluation;
  /** Other targets of the same hop accept the message (the failure is intermittent). */
  othersSucceed: boolean;
}

const cache = new WeakMap<SimulationContext, Map<string, TargetEvaluation>>();

function evaluate(ctx: SimulationContext, tenant: Tenant, connector: OutboundConnector | null, host: string, org: Organization): TargetEvaluation {
  let m = cache.get(ctx);
  if (!m) cache.set(ctx, (m = new Map()));
  const key = `${tenant.Name}|${connector?.Name ?? ''}|${host}|${org.Name}`;
  let ev = m.get(key);
  if (!ev) m.set(key, (ev = evaluateTarget(ctx, connector, host, org)));
  return ev;
}

function orgOf(ctx: SimulationContext, host: string): Organization | null {
  const h = normalizeHost(host);
  const p = ctx.hosts.get(h) ?? (ctx.dns.A[h] ?? []).map((ip) => ctx.addresses.get(ip)).find((x) => x !== undefined) ?? ctx.addresses.get(h);
  return p?.kind === 'organization' ? p.org : null;
}

export function onPremisesTargets(ctx: RuleContext): OnPremisesTarget[] {
  const sim = ctx.simulation.context;
  const out: OnPremisesTarget[] = [];
  for (const flow of ctx.simulation.flows) {
    for (const hop of flow.hops) {
      if (hop.sender.type !== 'exchange-online') continue;
      const org = orgOf(sim, hop.to);
      if (!org) continue;
      const { tenant, connector } = hop.sender;
      const hosts = flow.targets && flow.targets.some((t) => normalizeHost(t.host) === hop.to) ? flow.targets.map((t) => t.host) : [hop.to];
      const evs = hosts.map((h) => evaluate(sim, tenant, connector, h, org));
      const succeeding = evs.filter((e) => e.problem === null).length;
      for (const ev of evs) out.push({ flow, hop, tenant, connector, ev, othersSucceed: succeeding > (ev.problem === null ? 1 : 0) });
    }
  }
  return out;
}

export function landedConnector(ev: TargetEvaluation): ReceiveConnector | null {
  return ev.landing?.kind === 'connector' ? ev.landing.connector : null;
}

/** `EX02\Default Frontend EX02`, as Set-ReceiveConnector takes it (quoted when needed). */
export function receiveConnectorIdentity(rc: ReceiveConnector, serverName: string | null | undefined): string {
  return psIdentity(`${rc.Server ?? serverName ?? ''}${rc.Server || serverName ? '\\' : ''}${rc.Name}`);
}

export function receiveConnectorSubject(rc: ReceiveConnector, org: Organization | null): FindingSubject {
  return org ? { type: 'ReceiveConnector', name: rc.Name, organization: org.Name } : { type: 'ReceiveConnector', name: rc.Name };
}

export function outboundConnectorSubject(t: OnPremisesTarget): FindingSubject[] {
  return t.connector ? [{ type: 'OutboundConnector', name: t.connector.Name, tenant: t.tenant.Name }] : [];
}

/** The items' flow subjects, in order (callers pass them through dedupeSubjects). */
export function flowSubjects(items: readonly OnPremisesTarget[]): FindingSubject[] {
  return items.map((it) => flowSubject(it.flow));
}

/** "intermittent" wording when other targets accept the message (M8.1). */
export function intermittence(items: readonly OnPremisesTarget[]): string {
  return items.every((i) => i.othersSucceed)
    ? 'Exchange Online delivers through the other targets, so the failure is intermittent: messages handed to this target are deferred and retried (delays; an NDR after 24 hours when the other targets are unavailable).'
    : 'No other target accepts the message, so it stays queued in Exchange Online for 24 hours and then returns to the sender with 550 4.4.7 QUEUE.Expired.';
}
