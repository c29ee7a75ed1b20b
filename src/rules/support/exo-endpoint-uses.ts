import { authenticatesToSmartHost, endpointKind } from '../../engine/exo-endpoints.js';
import type { Hop } from '../../engine/flow-types.js';
import type { SimulationContext } from '../../engine/simulation-context.js';
import type { AddressSpace, Case, Gateway, GatewayRoute, Organization, SendConnector, Tenant } from '../../model/case.js';
import { exchangeOnlineEndpointOf, isCoexistenceDomain, isOnMicrosoftDomain, normalizeHost } from '../../model/domains.js';
import { tenantInstance, tenantMxHost } from '../../model/exchange-online-instance.js';
import { formatSource } from '../../model/provenance.js';

/**
 * Every place the configuration names a host that Exchange Online answers with ATTR35 or 5.7.57
 * (EXO-SEMANTICS M13): send connector smart hosts, gateway route smart hosts and MX records.
 */

export type EndpointProblem = 'legacy' | 'eop-address' | 'submission' | 'wrong-instance';

export type EndpointUser =
  | { kind: 'send-connector'; org: Organization; connector: SendConnector }
  | { kind: 'gateway-route'; gateway: Gateway; route: GatewayRoute }
  | { kind: 'mx'; domain: string };

export interface EndpointUse {
  user: EndpointUser;
  host: string;
  problem: EndpointProblem;
  /** The tenants the route is meant for (for the fix and the wrong-instance text). */
  tenants: Tenant[];
  source: string;
}

export function endpointUses(c: Case, ctx: SimulationContext): EndpointUse[] {
  const uses: EndpointUse[] = [];
  for (const org of c.organizations) {
    for (const sc of org.SendConnectors) {
      if (!sc.Enabled || sc.DNSRoutingEnabled) continue;
      const tenants = tenantsFor(sc.AddressSpaces, ctx, org);
      for (const host of sc.SmartHosts) {
        const problem = problemOf(host, tenants, ctx, authenticatesToSmartHost(sc));
        if (problem) uses.push({ user: { kind: 'send-connector', org, connector: sc }, host: normalizeHost(host), problem, tenants, source: formatSource(sc.provenance) });
      }
    }
  }
  for (const gateway of c.gateways) {
    for (const route of gateway.Routes) {
      if (route.DNSRoutingEnabled) continue;
      const tenants = tenantsFor(route.AddressSpaces, ctx, null);
      for (const host of route.SmartHosts) {
        const problem = problemOf(host, tenants, ctx, false);
        if (problem) uses.push({ user: { kind: 'gateway-route', gateway, route }, host: normalizeHost(host), problem, tenants, source: formatSource(route.provenance) });
      }
    }
  }
  for (const [domain, hosts] of Object.entries(c.dns.MX)) {
    const tenants = [...ctx.index.tenantsAccepting(domain)];
    for (const host of hosts) {
      const problem = problemOf(host, tenants, ctx, false);
      if (problem) uses.push({ user: { kind: 'mx', domain }, host: normalizeHost(host), problem, tenants, source: `dns MX ${domain}` });
    }
  }
  return uses;
}

function problemOf(host: string, tenants: readonly Tenant[], ctx: SimulationContext, authenticated: boolean): EndpointProblem | null {
  const kind = endpointKind(host, ctx);
  switch (kind.kind) {
    case 'legacy':
    case 'eop-address':
      return kind.kind;
    case 'submission':
      return authenticated ? null : 'submission';
    case 'eop':
      return tenants.length > 0 && !tenants.some((t) => kind.instances.includes(tenantInstance(t))) ? 'wrong-instance' : null;
    default:
      return null;
  }
}

/** Tenants accepting the address-space domains; for a send connector without one, those sharing its organization's domains. */
function tenantsFor(spaces: readonly AddressSpace[], ctx: SimulationContext, org: Organization | null): Tenant[] {
  const out: Tenant[] = [];
  const add = (d: string): void => {
    for (const t of ctx.index.tenantsAccepting(d)) if (!out.includes(t)) out.push(t);
  };
  for (const a of spaces) if (!a.Domain.startsWith('*')) add(a.Domain);
  if (out.length === 0 && org) {
    for (const d of org.AcceptedDomains) if (!isOnMicrosoftDomain(d.DomainName) || isCoexistenceDomain(d.DomainName)) add(d.DomainName);
  }
  return out;
}

/** The MX host a tenant's mail should go to: its published EOP MX in its instance, else the host its first custom domain gets. */
export function tenantMxTarget(t: Tenant, ctx: SimulationContext): string {
  const instance = tenantInstance(t);
  const custom = t.AcceptedDomains.map((d) => d.DomainName).filter((d) => !isOnMicrosoftDomain(d));
  for (const d of custom) {
    for (const h of ctx.dns.MX[d] ?? []) {
      const e = exchangeOnlineEndpointOf(h);
      if (e.kind === 'eop' && e.instances.includes(instance)) return normalizeHost(h);
    }
  }
  if (custom[0]) return tenantMxHost(custom[0], instance);
  return `${t.Name.split('.')[0]}.mail.protection.outlook.com`;
}

/** Whether a hop is this use: the same smart host from the same connector or route; for MX, any other sender to the host. */
export function hopUses(h: Hop, use: EndpointUse): boolean {
  if (normalizeHost(h.to) !== use.host) return false;
  const u = use.user;
  const s = h.sender;
  if (u.kind === 'send-connector') return s.type === 'send-connector' && s.connector === u.connector;
  if (u.kind === 'gateway-route') return s.type === 'gateway-route' && s.route === u.route;
  return !((s.type === 'send-connector' && !s.connector.DNSRoutingEnabled) || (s.type === 'gateway-route' && !s.route.DNSRoutingEnabled && s.route.SmartHosts.length > 0));
}
