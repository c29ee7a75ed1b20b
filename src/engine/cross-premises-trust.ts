import type { InboundConnector, Organization, SendConnector, Tenant } from '../model/case.js';
import { isCoexistenceDomain, isOnMicrosoftDomain } from '../model/domains.js';
import { wasGiven } from '../model/given-properties.js';
import type { AuthAs, Hop } from './flow-types.js';
import type { SimulationContext } from './simulation-context.js';

/**
 * Cross-premises trust (EXO-SEMANTICS M10): the AuthAs Exchange Online stamps on a hop that
 * enters it, from CloudServicesMailEnabled on the send and inbound connectors,
 * TreatMessagesAsInternal, and gateway hops in between.
 */
export function authAsAtExchangeOnline(hop: Hop, previousHops: readonly Hop[], ctx: SimulationContext): AuthAs {
  return trustAtExchangeOnline(hop, previousHops, ctx).authAs;
}

/** Why a hop into Exchange Online is or is not Internal; `restsOnDefault` when a deciding value is not in the case. */
export interface TrustVerdict {
  authAs: AuthAs;
  /** The settings that make it Anonymous on a hybrid hop (empty when Internal or not hybrid). */
  causes: TrustCause[];
  /** The hop is between a tenant and its own on-premises Exchange (attributed through an OnPremises connector, or sent by a hybrid partner). */
  hybrid: boolean;
  assumptions: string[];
}

export type TrustCause =
  | { kind: 'send-connector'; org: Organization; connector: SendConnector; given: boolean }
  | { kind: 'inbound-connector'; tenant: Tenant; connector: InboundConnector; given: boolean }
  | { kind: 'gateway'; gateway: string }
  | { kind: 'not-attributed'; tenant: Tenant };

/** Exports write booleans as `True`/`False` text; TreatMessagesAsInternal lives in `extra`. */
export function extraFlag(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^\s*\$?true\s*$/i.test(value));
}

/**
 * M10 [model, composed]: Internal iff attributed Originating (outbound/relay) through an
 * OnPremises connector with CloudServicesMailEnabled, the last sender was Exchange with
 * CloudServicesMailEnabled on its send connector, and no gateway sat between that organization
 * and Exchange Online; or the connector has TreatMessagesAsInternal and the P1 domain is accepted.
 */
export function trustAtExchangeOnline(hop: Hop, previousHops: readonly Hop[], ctx: SimulationContext): TrustVerdict {
  const verdict: TrustVerdict = { authAs: null, causes: [], hybrid: false, assumptions: [] };
  const r = hop.eop?.result;
  if (!r || r.outcome === 'rejected') return verdict;
  verdict.authAs = 'Anonymous';
  const sender = hop.sender;
  const connector = r.connector;
  const originating = (r.direction === 'outbound' || r.direction === 'relay') && connector?.ConnectorType === 'OnPremises' && r.tenant !== null;
  if (!originating) {
    // The tenant's own on-premises Exchange sent mail for its recipients, and no OnPremises connector matched.
    if (sender.type === 'send-connector' && r.tenant && r.recipientInTenant && sharesDomains(sender.org, r.tenant, ctx)) {
      verdict.hybrid = true;
      verdict.causes.push({ kind: 'not-attributed', tenant: r.tenant });
    }
    return verdict;
  }
  const tenant = r.tenant!;
  // Hybrid: the tenant's own on-premises Exchange sent it, directly or through a gateway.
  const exchange = sender.type === 'send-connector' ? hop : previousSendConnector(hop, previousHops);
  // Cross-premises mail is mail for the tenant's recipients; a relay to the internet through it is not (seed 004).
  verdict.hybrid = r.recipientInTenant && exchange !== null && exchange.sender.type === 'send-connector' && sharesDomains(exchange.sender.org, tenant, ctx);
  if (extraFlag(connector.extra.TreatMessagesAsInternal) && ctx.index.acceptedDomain(tenant, hop.eop!.connection.mailFromDomain)) {
    verdict.authAs = 'Internal';
    return verdict;
  }
  if (!connector.CloudServicesMailEnabled) verdict.causes.push({ kind: 'inbound-connector', tenant, connector, given: wasGiven(connector, 'CloudServicesMailEnabled') });
  if (sender.type === 'send-connector') {
    if (!sender.connector.CloudServicesMailEnabled) verdict.causes.push({ kind: 'send-connector', org: sender.org, connector: sender.connector, given: wasGiven(sender.connector, 'CloudServicesMailEnabled') });
    const gateway = gatewayBetween(hop, previousHops);
    if (gateway) verdict.causes.push({ kind: 'gateway', gateway });
  } else if (sender.type === 'gateway-route') {
    verdict.causes.push({ kind: 'gateway', gateway: sender.gateway.Name });
  } else {
    return verdict;
  }
  for (const c of verdict.causes) {
    if ((c.kind === 'send-connector' || c.kind === 'inbound-connector') && !c.given) {
      verdict.assumptions.push(`assumed: CloudServicesMailEnabled of ${c.kind === 'send-connector' ? `send connector "${c.connector.Name}" (${c.org.Name})` : `inbound connector "${c.connector.Name}" (${c.tenant.Name})`} is $false, Exchange's default; the case does not give it (add it from ${c.kind === 'send-connector' ? 'Get-SendConnector' : 'Get-InboundConnector'})`);
    }
  }
  if (verdict.causes.length === 0) verdict.authAs = 'Internal';
  return verdict;
}

/** What a hop into Exchange Online adds to its flow: assumptions for unknown values, the anomaly when trust is missing. */
export function crossPremisesNotes(hop: Hop, previousHops: readonly Hop[], ctx: SimulationContext): { assumptions: string[]; anomalies: string[] } {
  const anomaly = crossPremisesAnomaly(hop, previousHops, ctx);
  return { assumptions: trustAtExchangeOnline(hop, previousHops, ctx).assumptions, anomalies: anomaly ? [anomaly] : [] };
}

/**
 * The flow anomaly for a hybrid hop that routes but arrives Anonymous (seed 004: "just because
 * mail routes doesn't mean hybrid mail flow is working"); null when the verdict rests only on
 * values the case does not hold (those are assumptions, not anomalies).
 */
export function crossPremisesAnomaly(hop: Hop, previousHops: readonly Hop[], ctx: SimulationContext): string | null {
  const v = trustAtExchangeOnline(hop, previousHops, ctx);
  if (v.authAs !== 'Anonymous' || !v.hybrid || v.causes.length === 0) return null;
  const known = v.causes.filter((c) => !((c.kind === 'send-connector' || c.kind === 'inbound-connector') && !c.given));
  if (known.length === 0) return null;
  return `${hop.from} → ${hop.to} arrives Anonymous: cross-premises trust is not established (${known.map(causeText).join('; ')})`;
}

export function causeText(c: TrustCause): string {
  switch (c.kind) {
    case 'send-connector':
      return `send connector "${c.connector.Name}" has CloudServicesMailEnabled $false`;
    case 'inbound-connector':
      return `inbound connector "${c.connector.Name}" of ${c.tenant.Name} has CloudServicesMailEnabled $false`;
    case 'gateway':
      return `the non-Exchange gateway ${c.gateway} sits between on-premises Exchange and Exchange Online`;
    case 'not-attributed':
      return `no OnPremises connector of ${c.tenant.Name} matched, so the message counts as internet mail`;
  }
}

function sharesDomains(org: Organization, tenant: Tenant, ctx: SimulationContext): boolean {
  return org.AcceptedDomains.some((d) => (!isOnMicrosoftDomain(d.DomainName) || isCoexistenceDomain(d.DomainName)) && ctx.index.acceptedDomain(tenant, d.DomainName) !== null);
}

/** Hops of this message since it last left Exchange Online, before `hop`. */
function sinceLastTenant(hop: Hop, previousHops: readonly Hop[]): Hop[] {
  const end = previousHops.indexOf(hop);
  const before = end >= 0 ? previousHops.slice(0, end) : [...previousHops];
  let start = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    if (before[i]!.sender.type === 'exchange-online') {
      start = i + 1;
      break;
    }
  }
  return before.slice(start);
}

/** M10 [TR]: a gateway hop after the same organization already sent the message (org → gateway → org → EXO). */
function gatewayBetween(hop: Hop, previousHops: readonly Hop[]): string | null {
  if (hop.sender.type !== 'send-connector') return null;
  const org = hop.sender.org;
  const path = sinceLastTenant(hop, previousHops);
  const first = path.findIndex((h) => h.sender.type === 'send-connector' && h.sender.org === org);
  if (first < 0) return null;
  for (const h of path.slice(first + 1)) if (h.sender.type === 'gateway-route') return h.sender.gateway.Name;
  return null;
}

/** The Exchange send connector that handed the message to the gateway now sending it to Exchange Online, if any. */
function previousSendConnector(hop: Hop, previousHops: readonly Hop[]): Hop | null {
  const path = sinceLastTenant(hop, previousHops);
  for (let i = path.length - 1; i >= 0; i--) if (path[i]!.sender.type === 'send-connector') return path[i]!;
  return null;
}
