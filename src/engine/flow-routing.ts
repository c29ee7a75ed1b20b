import { tenantInstance, tenantMxHost } from '../model/exchange-online-instance.js';
import type { FlowSpec, Organization, OutboundConnector, Tenant } from '../model/case.js';
import { isOnMicrosoftDomain } from '../model/domains.js';
import type { Place } from './flow-types.js';
import { listedHomes, sidesWithoutMailbox } from './recipient-directory.js';
import { findPlaceByName, type SimulationContext } from './simulation-context.js';

/** Where a recipient's mailbox lives, or `outside` when no tenant or organization of the case holds it. */
export type Home = { kind: 'tenant'; tenant: Tenant } | { kind: 'organization'; org: Organization } | { kind: 'outside' };

export function homeName(h: Home): string {
  return h.kind === 'tenant' ? h.tenant.Name : h.kind === 'organization' ? h.org.Name : '(outside the case)';
}

/**
 * The recipient's home: the flow's `Destination` when given (CONTRACT: hybrid recipients), else
 * where the case's recipient lists place the mailbox (M11), else the organization that is
 * authoritative for the domain (mailboxes stay on premises until moved), else the tenant that
 * accepts it, else outside.
 */
export function resolveHome(ctx: SimulationContext, spec: FlowSpec, domain: string, assumptions: string[]): Home {
  if (spec.Destination) {
    const p = findPlaceByName(ctx, spec.Destination);
    if (p?.kind === 'tenant') return { kind: 'tenant', tenant: p.tenant };
    if (p?.kind === 'organization') return { kind: 'organization', org: p.org };
    assumptions.push(`Destination "${spec.Destination}" names no tenant or organization of the case; the recipient is placed by its domain`);
  }
  // M11: a recipient that exists nowhere has no home; the domain's configuration routes it.
  if (spec.RecipientExists === false) return { kind: 'outside' };
  let orgs = ctx.organizationsByDomain.get(domain) ?? [];
  let tenants = ctx.index.tenantsAccepting(domain);
  // M11: with recipient lists in the case, the mailbox is where the address is listed; a side
  // whose list lacks it (or shows a mail user / remote mailbox) is not its home.
  const listed = listedHomes(ctx, spec);
  if (listed.length > 0) {
    const inOrgs = orgs.filter((o) => listed.includes(o));
    const inTenants = tenants.filter((t) => listed.includes(t));
    if (inOrgs.length + inTenants.length === 0) {
      const first = listed[0]!;
      return ctx.case.tenants.includes(first as Tenant) ? { kind: 'tenant', tenant: first as Tenant } : { kind: 'organization', org: first as Organization };
    }
    if (inOrgs.length + inTenants.length === 1) return inTenants[0] ? { kind: 'tenant', tenant: inTenants[0] } : { kind: 'organization', org: inOrgs[0]! };
    orgs = inOrgs;
    tenants = inTenants;
  } else {
    const without = sidesWithoutMailbox(ctx, spec);
    if (without.size > 0) {
      orgs = orgs.filter((o) => !without.has(o));
      tenants = tenants.filter((t) => !without.has(t));
      if (orgs.length + tenants.length === 0) return { kind: 'outside' };
    }
  }
  const authoritative = orgs.find((o) => o.AcceptedDomains.some((d) => d.DomainName === domain && d.DomainType === 'Authoritative'));
  if (authoritative && !isOnMicrosoftDomain(domain)) {
    if (tenants.length > 0) assumptions.push(`assumed: the mailbox of ${spec.To} is on premises in ${authoritative.Name} (its domain is also a domain of ${tenants[0]!.Name}; set Destination to say otherwise)`);
    return { kind: 'organization', org: authoritative };
  }
  if (tenants[0]) return { kind: 'tenant', tenant: tenants[0] };
  if (orgs[0]) return { kind: 'organization', org: orgs[0] };
  return { kind: 'outside' };
}

/** The flow's starting place: `Origin` when given, else the one tenant or organization that accepts the sender's domain. */
export function resolveOrigin(ctx: SimulationContext, spec: FlowSpec, domain: string, assumptions: string[]): Place | { kind: 'internet' } {
  if (spec.Origin) {
    const p = findPlaceByName(ctx, spec.Origin);
    if (p) return p;
    assumptions.push(`Origin "${spec.Origin}" names no tenant or organization of the case; the sender is placed by its domain`);
  }
  const orgs = ctx.organizationsByDomain.get(domain) ?? [];
  const tenants = ctx.index.tenantsAccepting(domain);
  if (orgs[0]) {
    if (tenants.length > 0 || orgs.length > 1) assumptions.push(`assumed: ${spec.From} sends from on premises in ${orgs[0].Name} (set Origin to say otherwise)`);
    return { kind: 'organization', org: orgs[0] };
  }
  if (tenants[0]) return { kind: 'tenant', tenant: tenants[0] };
  return { kind: 'internet' };
}

/**
 * MX hosts for a domain: the case's `dns`, else implied — onmicrosoft.com domains are Exchange
 * Online's own; a domain only a tenant of the case accepts is assumed to point at Exchange Online;
 * a domain only an organization accepts, at that organization's servers.
 */
export function mxHosts(ctx: SimulationContext, domain: string, assumptions: string[]): string[] {
  const given = ctx.dns.MX[domain];
  if (given && given.length > 0) return given;
  if (isOnMicrosoftDomain(domain)) {
    const label = domain.split('.')[0]!;
    return [`${label}.mail.protection.outlook.com`];
  }
  const tenant = ctx.index.tenantsAccepting(domain)[0];
  if (tenant) {
    // M13: the MX host of the tenant's own instance (GCC High/DoD and 21Vianet have their own).
    const instance = tenantInstance(tenant);
    assumptions.push(`assumed: ${domain} has no MX in the case; taken to point at Exchange Online${instance === 'Worldwide' ? '' : ` (${instance})`}`);
    return [tenantMxHost(domain, instance)];
  }
  const org = ctx.organizationsByDomain.get(domain)?.[0];
  const server = org?.Servers.find((s) => s.Role !== 'Edge') ?? org?.Servers[0];
  if (org && server) {
    assumptions.push(`assumed: ${domain} has no MX in the case; taken to point at ${org.Name}'s server ${server.Fqdn ?? server.Name}`);
    return [server.Fqdn ?? server.Name];
  }
  return [];
}

function coversDomain(pattern: string, domain: string): 'exact' | 'wildcard' | null {
  const p = pattern.toLowerCase();
  if (p === domain) return 'exact';
  if (p === '*') return 'wildcard';
  if (p.startsWith('*.') && domain.endsWith(p.slice(1))) return 'wildcard';
  return null;
}

/**
 * Exchange Online's outbound connector choice (EXO-SEMANTICS M6, documented): exact recipient
 * domain, then AllAcceptedDomains (for the tenant's own domains), then a wildcard; connectors
 * scoped to transport rules are used only by a rule, disabled ones never.
 */
export function chooseOutboundConnector(tenant: Tenant, domain: string, recipientAccepted: boolean, skip: (c: OutboundConnector) => boolean): OutboundConnector | null {
  const usable = tenant.OutboundConnectors.filter((c) => c.Enabled && !c.IsTransportRuleScoped && !skip(c));
  const exact = usable.find((c) => c.RecipientDomains.some((d) => coversDomain(d, domain) === 'exact'));
  if (exact) return exact;
  if (recipientAccepted) {
    const all = usable.find((c) => c.AllAcceptedDomains);
    if (all) return all;
  }
  let best: OutboundConnector | null = null;
  let bestLen = -1;
  for (const c of usable) {
    for (const d of c.RecipientDomains) {
      if (coversDomain(d, domain) === 'wildcard' && d.length > bestLen) {
        best = c;
        bestLen = d.length;
      }
    }
  }
  return best;
}

/** The tenant's coexistence domain `<name>.mail.onmicrosoft.com`, which hybrid routes cloud recipients by. */
export function coexistenceDomain(tenant: Tenant): string | null {
  return tenant.AcceptedDomains.find((d) => d.DomainName.endsWith('.mail.onmicrosoft.com'))?.DomainName ?? null;
}

/** Exchange 2010 servers report AdminDisplayVersion 14.x (EXO-SEMANTICS M7). */
export function exchangeMajorVersion(version: string | null): number | null {
  if (!version) return null;
  const m = /(\d+)\.\d+/.exec(version);
  return m ? Number(m[1]) : null;
}

/** 'all' when every versioned transport server is 14.x, 'none' when none is, 'unknown' without versions. */
export function isExchange2010(org: Organization): 'yes' | 'no' | 'unknown' {
  const versions = org.Servers.map((s) => exchangeMajorVersion(s.AdminDisplayVersion)).filter((v): v is number => v !== null);
  if (versions.length === 0) return 'unknown';
  return versions.some((v) => v === 14) ? 'yes' : 'no';
}
