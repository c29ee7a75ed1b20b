import type { Case, FlowSpec, Organization, Tenant } from '../model/case.js';
import { isExchangeOnlineHost, isOnMicrosoftDomain } from '../model/domains.js';

/**
 * Without `flows` in the case, a representative set (issue: from every organization and tenant
 * to each other one, to an outside Exchange Online tenant, and to an outside non-Exchange-Online
 * domain). Outside domains come from the case's DNS when it has one of each kind; otherwise a
 * reserved example domain is used with a synthesized MX, and the note says so.
 */

export const OUTSIDE_EXO_DOMAIN = 'outside-tenant.example';
export const OUTSIDE_INTERNET_DOMAIN = 'internet.example';
/** Above this many tenants and organizations, pairwise flows are limited to hybrid partners. */
export const PAIRWISE_LIMIT = 40;

export interface GeneratedFlows {
  flows: FlowSpec[];
  extraMx: Record<string, string[]>;
  notes: string[];
}

/** The domain generated flows use for a tenant or organization: an accepted domain, else `fallback` (null: none). */
export function primaryDomain(domains: readonly { DomainName: string; DomainType: string }[], fallback: string | null): string | null {
  return (domains.find((d) => d.DomainType === 'Authoritative' && !isOnMicrosoftDomain(d.DomainName)) ?? domains.find((d) => !isOnMicrosoftDomain(d.DomainName)) ?? domains[0])?.DomainName ?? fallback;
}

/** `domain` null: no address can be built for the party, so no flow is generated from or to it. */
type Party = { name: string; domain: string | null; domains: Set<string> };

/** A host name of two labels or more; an organization's display name ("First Organization") is none. */
const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function tenantParty(t: Tenant): Party {
  // A tenant's Name is its initial domain (CONTRACT: `contoso.onmicrosoft.com`), an accepted domain of every tenant.
  const name = t.Name.toLowerCase();
  return { name: t.Name, domain: primaryDomain(t.AcceptedDomains, DOMAIN_NAME.test(name) ? name : null), domains: new Set(t.AcceptedDomains.map((d) => d.DomainName)) };
}

/**
 * An on-premises organization's Name is the Exchange organization's display name, never a mail
 * domain. Without its accepted domains (only Get-ExchangeServer exported, say) no address can be
 * built: CONTRACT.md "Extensions (v1.1)" — a value the case does not hold is unknown, and no error
 * may rest on it alone — so no flow is generated and a note names the export that supplies it.
 */
function organizationParty(o: Organization): Party {
  return { name: o.Name, domain: primaryDomain(o.AcceptedDomains, null), domains: new Set(o.AcceptedDomains.map((d) => d.DomainName)) };
}

function noDomainNote(o: Organization): string {
  return `Organization "${o.Name}": the case holds none of its accepted domains (its name is not a mail domain), so no flow was generated from or to it. Add Get-AcceptedDomain | Export-Clixml accepted-domains.xml (Exchange Management Shell) to the case, or give flows: in a topology file.`;
}

export function generateFlows(c: Case): GeneratedFlows {
  const notes: string[] = [];
  const extraMx: Record<string, string[]> = {};
  const accepted = new Set<string>();
  for (const t of c.tenants) for (const d of t.AcceptedDomains) accepted.add(d.DomainName);
  for (const o of c.organizations) for (const d of o.AcceptedDomains) accepted.add(d.DomainName);
  const tenantDomains = new Set<string>();
  for (const t of c.tenants) for (const d of t.AcceptedDomains) tenantDomains.add(d.DomainName);

  let outsideExo: string | null = null;
  let outsideInternet: string | null = null;
  for (const [domain, hosts] of Object.entries(c.dns.MX).sort(([a], [b]) => a.localeCompare(b))) {
    if (accepted.has(domain) || hosts.length === 0) continue;
    if (hosts.some(isExchangeOnlineHost)) outsideExo ??= domain;
    else outsideInternet ??= domain;
  }
  if (!outsideExo) {
    outsideExo = OUTSIDE_EXO_DOMAIN;
    extraMx[outsideExo] = ['outside-tenant-example.mail.protection.outlook.com'];
    notes.push(`No outside Exchange Online domain in the case's DNS: generated flows use ${outsideExo} with MX ${extraMx[outsideExo]![0]}.`);
  }
  if (!outsideInternet) {
    outsideInternet = OUTSIDE_INTERNET_DOMAIN;
    extraMx[outsideInternet] = ['mx.internet.example'];
    notes.push(`No outside non-Exchange-Online domain in the case's DNS: generated flows use ${outsideInternet} with MX mx.internet.example.`);
  }

  const organizations = c.organizations.map(organizationParty);
  c.organizations.forEach((o, i) => {
    if (organizations[i]!.domain === null) notes.push(noDomainNote(o));
  });
  const parties = [...organizations, ...c.tenants.map(tenantParty)];
  const pairwise = parties.length <= PAIRWISE_LIMIT;
  if (!pairwise) notes.push(`${parties.length} tenants and organizations: flows between every pair were not generated (limit ${PAIRWISE_LIMIT}); each has flows to its hybrid partner and to the outside. Give flows: to choose others.`);
  const flows: FlowSpec[] = [];
  const provenance = { file: '(generated)' };
  for (const a of parties) {
    if (a.domain === null) continue;
    for (const b of parties) {
      if (a === b || b.domain === null) continue;
      const hybridPartners = [...a.domains].some((d) => !isOnMicrosoftDomain(d) && b.domains.has(d));
      if (!pairwise && !hybridPartners) continue;
      flows.push({ From: `alice@${a.domain}`, To: `bob@${b.domain}`, Origin: a.name, Destination: b.name, Expect: null, provenance });
    }
    flows.push({ From: `alice@${a.domain}`, To: `carol@${outsideExo}`, Origin: a.name, Destination: null, Expect: null, provenance });
    flows.push({ From: `alice@${a.domain}`, To: `dave@${outsideInternet}`, Origin: a.name, Destination: null, Expect: null, provenance });
  }
  return { flows, extraMx, notes };
}
