import { trustAtExchangeOnline } from '../../engine/cross-premises-trust.js';
import type { FlowResult, Hop, Place } from '../../engine/flow-types.js';
import { exchangeMajorVersion } from '../../engine/flow-routing.js';
import { serverByName } from '../../engine/send-routing.js';
import type { SimulationContext } from '../../engine/simulation-context.js';
import { wasGiven } from '../../model/given-properties.js';
import type { InboundConnector, Organization, OutboundConnector, ReceiveConnector, SendConnector, Tenant } from '../../model/case.js';
import { normalizeHost } from '../../model/domains.js';
import { grantsTlsDomainCapability } from '../../model/receive-connector-settings.js';

/**
 * The configuration that keeps a hybrid hop from arriving Internal (EXO-SEMANTICS M10): a
 * CloudServicesMailEnabled $false on one of the three connectors, or a landing receive connector
 * without the cross-premises capability. `given` is false when the value is Exchange's default
 * because the case does not hold it (unknown, not false).
 */
export type TrustBreaker =
  | { kind: 'send-connector'; org: Organization; connector: SendConnector; given: boolean }
  | { kind: 'inbound-connector'; tenant: Tenant; connector: InboundConnector; given: boolean }
  | { kind: 'outbound-connector'; tenant: Tenant; connector: OutboundConnector; given: boolean }
  | { kind: 'receive-connector'; org: Organization; connector: ReceiveConnector; capability: string; given: boolean };

/** The Exchange Online domain the capability is granted for (TlsDomainCapabilities). */
export const CLOUD_TLS_DOMAIN = 'mail.protection.outlook.com';

export function trustBreakers(f: FlowResult, index: number, sim: SimulationContext): TrustBreaker[] {
  const hop = f.hops[index]!;
  if (hop.eop && hop.sender.type === 'send-connector') {
    const v = trustAtExchangeOnline(hop, f.hops, sim);
    if (v.authAs !== 'Anonymous' || !v.hybrid) return [];
    const out: TrustBreaker[] = [];
    for (const c of v.causes) if (c.kind === 'send-connector' || c.kind === 'inbound-connector') out.push(c);
    return out;
  }
  if (hop.sender.type === 'exchange-online' && hop.authAs === 'Anonymous') return towardsOnPremises(f, index, sim);
  return [];
}

function towardsOnPremises(f: FlowResult, index: number, sim: SimulationContext): TrustBreaker[] {
  const hop = f.hops[index]!;
  if (hop.sender.type !== 'exchange-online') return [];
  const { tenant, connector } = hop.sender;
  if (connector?.ConnectorType !== 'OnPremises' || !originatedIn(f, index, tenant)) return [];
  const place = placeOf(hop.to, sim);
  if (place?.kind !== 'organization') return [];
  const org = place.org;
  if (!connector.CloudServicesMailEnabled) return [{ kind: 'outbound-connector', tenant, connector, given: wasGiven(connector, 'CloudServicesMailEnabled') }];
  const landed = hop.tls?.landedOn ?? null;
  if (!landed) return [];
  const rc = org.ReceiveConnectors.find((r) => r.Name === landed || `${r.Server ?? ''}\\${r.Name}` === landed);
  if (!rc) return [];
  const server = rc.Server ? serverByName(org, rc.Server) : undefined;
  const capability = exchangeMajorVersion(server?.AdminDisplayVersion ?? null) === 14 ? 'AcceptOorgProtocol' : 'AcceptCloudServicesMail';
  if (grantsTlsDomainCapability(rc, CLOUD_TLS_DOMAIN, capability) !== false) return [];
  return [{ kind: 'receive-connector', org, connector: rc, capability, given: rc.extra.TlsDomainCapabilities !== undefined }];
}

/** M10: mail of the tenant (not internet mail relayed through it) is what cross-premises trust carries. */
function originatedIn(f: FlowResult, index: number, tenant: Tenant): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const r = (f.hops[i] as Hop).eop?.result;
    if (r?.tenant === tenant) return r.direction !== 'inbound';
  }
  return f.origin === tenant.Name;
}

/** The case's place a host name stands for: by name, else by the addresses DNS gives it (as the walk finds it). */
function placeOf(host: string, sim: SimulationContext): Place | null {
  const h = normalizeHost(host);
  const named = sim.hosts.get(h);
  if (named) return named;
  for (const ip of sim.dns.A[h] ?? []) {
    const p = sim.addresses.get(ip);
    if (p) return p;
  }
  return sim.addresses.get(h) ?? null;
}
