import type { Case, Gateway, Organization, Tenant } from '../../model/case.js';
import { isOnMicrosoftDomain, normalizeHost } from '../../model/domains.js';
import type { SimulationContext } from '../../engine/simulation-context.js';

/**
 * Which on-premises organization is a tenant's hybrid partner: it shares a (non-onmicrosoft)
 * accepted domain with the tenant or accepts the tenant's coexistence domain.
 */
export function isHybridPartner(org: Organization, tenant: Tenant): boolean {
  const tenantDomains = domainsOf(tenant);
  return org.AcceptedDomains.some((d) => tenantDomains.has(d.DomainName) && (!isOnMicrosoftDomain(d.DomainName) || d.DomainName.endsWith('.mail.onmicrosoft.com')));
}

/** A tenant's accepted domains as a set, built once per tenant object (rules ask for every pair of tenant and route). */
const tenantDomainSets = new WeakMap<Tenant, { count: number; set: Set<string> }>();
function domainsOf(tenant: Tenant): Set<string> {
  const cached = tenantDomainSets.get(tenant);
  if (cached && cached.count === tenant.AcceptedDomains.length) return cached.set;
  const set = new Set(tenant.AcceptedDomains.map((d) => d.DomainName));
  tenantDomainSets.set(tenant, { count: tenant.AcceptedDomains.length, set });
  return set;
}


function gatewayHostsAndIps(gateway: Gateway): Set<string> {
  const s = new Set<string>();
  for (const n of gateway.Nodes) {
    s.add(normalizeHost(n.Name));
    for (const ip of n.IPAddresses) s.add(ip);
  }
  return s;
}

function pointsAt(ctx: SimulationContext, host: string, targets: Set<string>): boolean {
  const h = normalizeHost(host);
  if (targets.has(h)) return true;
  return (ctx.dns.A[h] ?? []).some((ip) => targets.has(ip));
}

const clientsCache = new WeakMap<SimulationContext, Map<Gateway, { organizations: Organization[]; tenants: Tenant[] }>>();

/** The organizations and tenants that hand mail to a gateway (smart host of a send or outbound connector). Cached per simulation. */
export function gatewayClients(c: Case, ctx: SimulationContext, gateway: Gateway): { organizations: Organization[]; tenants: Tenant[] } {
  let cache = clientsCache.get(ctx);
  if (!cache) clientsCache.set(ctx, (cache = new Map()));
  const hit = cache.get(gateway);
  if (hit) return hit;
  const result = computeGatewayClients(c, ctx, gateway);
  cache.set(gateway, result);
  return result;
}

function computeGatewayClients(c: Case, ctx: SimulationContext, gateway: Gateway): { organizations: Organization[]; tenants: Tenant[] } {
  const targets = gatewayHostsAndIps(gateway);
  const organizations = c.organizations.filter((o) => o.SendConnectors.some((sc) => sc.Enabled && !sc.DNSRoutingEnabled && sc.SmartHosts.some((h) => pointsAt(ctx, h, targets))));
  const tenants = c.tenants.filter((t) => t.OutboundConnectors.some((oc) => oc.Enabled && oc.SmartHosts.some((h) => pointsAt(ctx, h, targets))));
  return { organizations, tenants };
}

/** Domains whose mail a gateway carries for others: its non-`*` route address spaces. */
export function gatewayRouteDomains(gateway: Gateway): string[] {
  const out: string[] = [];
  for (const r of gateway.Routes) for (const a of r.AddressSpaces) if (a.Domain !== '*') out.push(a.Domain);
  return out;
}

/** Tenants that are an organization's hybrid partners, found through the connector index (no scan over all tenants). */
export function hybridTenantsOf(org: Organization, ctx: SimulationContext): Tenant[] {
  const out: Tenant[] = [];
  for (const d of org.AcceptedDomains) {
    if (isOnMicrosoftDomain(d.DomainName) && !d.DomainName.endsWith('.mail.onmicrosoft.com')) continue;
    for (const t of ctx.index.tenantsAccepting(d.DomainName)) if (!out.includes(t)) out.push(t);
  }
  return out;
}
