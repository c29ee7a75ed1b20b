import type { Hop } from '../../engine/flow-types.js';
import type { Case, Organization, Tenant } from '../../model/case.js';
import type { ConnectorIndex } from '../../engine/connector-index.js';
import { coexistenceDomain } from '../../engine/flow-routing.js';

/**
 * RULES.md v2 (`relay-through-foreign-tenant`, `trace-foreign-mail-via-onprem-connector`): a
 * tenant's own on-premises side is an organization that shares an accepted domain with the
 * tenant, or whose hybrid send connector targets the tenant's coexistence domain. Its relays of
 * forwarded mail, application domains and NDRs through the tenant's certificate connector are
 * supported (EXO-SEMANTICS M4, [S13b], [700]).
 */
export function isOwnOnPremisesSide(org: Organization, tenant: Tenant, index: ConnectorIndex): boolean {
  for (const d of org.AcceptedDomains) if (index.acceptedDomain(tenant, d.DomainName)) return true;
  const coex = coexistenceDomain(tenant);
  if (!coex) return false;
  return org.SendConnectors.some((sc) => sc.Enabled && sc.AddressSpaces.some((a) => a.Domain.toLowerCase() === coex));
}

/**
 * The on-premises organization that handed the message on towards the hop at `at`: the sender of
 * that hop, else of the closest earlier hop sent by an Exchange send connector (a gateway in
 * between passes the organization's mail on). Null when no organization sent it (internet, a
 * gateway's own route, another tenant).
 */
export function sendingOrganization(hops: readonly Hop[], at: number): Organization | null {
  for (let i = at; i >= 0; i--) {
    const s = hops[i]!.sender;
    if (s.type === 'send-connector') return s.org;
    if (s.type !== 'gateway-route') return null;
  }
  return null;
}

/** The case's organization one of whose servers has this address or host name. */
export function organizationOfHost(c: Case, ip: string | null, hostname: string | null): Organization | null {
  const host = hostname?.toLowerCase().replace(/\.$/, '') ?? null;
  for (const org of c.organizations) {
    for (const s of org.Servers) {
      if (ip && s.IPAddresses.includes(ip)) return org;
      if (host && (s.Fqdn?.toLowerCase() === host || s.Name.toLowerCase() === host)) return org;
    }
  }
  return null;
}
