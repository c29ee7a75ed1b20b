import type { PartnerConnectorEntry } from '../engine/partner-connector-decision.js';
import type { InboundConnector, Tenant } from '../model/case.js';
import { isOnMicrosoftDomain } from '../model/domains.js';
import { formatSource } from '../model/provenance.js';
import type { Finding, FixStep } from './finding.js';
import { psIdentity, psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EXO } from './support/fix-commands.js';

/**
 * RULES.md v2 `partner-connector-scope-risk` (EXO-SEMANTICS M15): Partner connector settings that
 * reach further, or do less, than they seem to —
 * - a restricting connector without AssociatedAcceptedDomains also covers `*.onmicrosoft.com` and
 *   the coexistence domain, so mail addressed there directly bounces [I2642];
 * - IP addresses and a certificate in one Partner connector [PG900];
 * - an "allow by sender domain" connector overridden by a restricting one [PG900];
 * - TrustedOrganizations with other scoping, which is then not used [NIC].
 */

const ID = 'partner-connector-scope-risk';
const NIC = 'https://learn.microsoft.com/powershell/module/exchangepowershell/new-inboundconnector';

function describeSenders(p: PartnerConnectorEntry): string {
  return p.senderDomains.includes('*') ? 'every sender domain (SenderDomains *)' : `SenderDomains ${p.senderDomains.join(', ')}`;
}

function settings(c: InboundConnector, p: PartnerConnectorEntry): string {
  return `SenderDomains ${c.SenderDomains.join(', ') || '(none)'}, SenderIPAddresses ${c.SenderIPAddresses.join(', ') || '(none)'}, TlsSenderCertificateName ${c.TlsSenderCertificateName ?? '(none)'}, RestrictDomainsToIPAddresses ${c.RestrictDomainsToIPAddresses}, RestrictDomainsToCertificate ${c.RestrictDomainsToCertificate}, AssociatedAcceptedDomains ${p.associatedDomains.join(', ') || '(none)'}, TrustedOrganizations ${p.trustedOrganizations.join(', ') || '(none)'}`;
}

/** Whether two SenderDomains lists can both cover one sender domain. */
function sendersOverlap(a: readonly string[], b: readonly string[]): boolean {
  const covers = (pattern: string, d: string): boolean => pattern === '*' || pattern === d || (pattern.startsWith('*.') && (d.endsWith(pattern.slice(1)) || d === pattern));
  return a.some((x) => b.some((y) => covers(x, y) || covers(y, x)));
}

/** Whether two recipient scopes (AssociatedAcceptedDomains, empty = all) share a domain. */
function recipientsOverlap(a: readonly string[], b: readonly string[]): boolean {
  return a.length === 0 || b.length === 0 || a.some((d) => b.includes(d));
}

function finding(rule: Rule, t: Tenant, p: PartnerConnectorEntry, message: string, fix: FixStep[], also: InboundConnector[] = []): Finding {
  const c = p.connector;
  return {
    rule: ID,
    severity: rule.severity,
    title: rule.title,
    message,
    subjects: [c, ...also].map((x) => ({ type: 'InboundConnector', name: x.Name, tenant: t.Name })),
    evidence: [{ source: formatSource(c.provenance), text: `"${c.Name}" (Partner, ${t.Name}): ${settings(c, p)}` }],
    fix,
    references: [NIC],
  };
}

function unscoped(rule: Rule, t: Tenant, p: PartnerConnectorEntry): Finding {
  const c = p.connector;
  const service = t.AcceptedDomains.map((d) => d.DomainName).filter(isOnMicrosoftDomain);
  const custom = t.AcceptedDomains.map((d) => d.DomainName).filter((d) => !isOnMicrosoftDomain(d));
  const fix: FixStep[] =
    custom.length > 0
      ? [{ text: `Limit "${c.Name}" to the tenant's own domains, so mail addressed to its onmicrosoft.com domains is not locked down.`, command: `Set-InboundConnector -Identity ${psIdentity(c.Name)} -AssociatedAcceptedDomains ${custom.join(',')}`, where: EXO }]
      : [{ text: `Limit "${c.Name}" with -AssociatedAcceptedDomains to the domains it is meant to protect (the case lists no accepted domain of ${t.Name} outside onmicrosoft.com).`, where: EXO }];
  return finding(
    rule,
    t,
    p,
    `Partner connector "${c.Name}" of ${t.Name} restricts ${describeSenders(p)} to its ${c.RestrictDomainsToIPAddresses ? 'IP addresses' : 'certificate'} and has no AssociatedAcceptedDomains, so it covers every recipient domain of the tenant — also ${service.length > 0 ? service.join(', ') : '*.onmicrosoft.com and the coexistence domain'}. Mail sent directly to those domains from anywhere else bounces with 5.7.51, including hybrid mail that is not attributed Originating (M15, I2642).`,
    fix,
  );
}

function ipsAndCertificate(rule: Rule, t: Tenant, p: PartnerConnectorEntry): Finding {
  const c = p.connector;
  const certName = `${c.Name} (certificate)`;
  const restrict = c.RestrictDomainsToCertificate ? ' -RestrictDomainsToCertificate $true' : '';
  const domains = p.senderDomains.map((d) => (d === '*' ? psQuote('*') : d)).join(',') || psQuote('*');
  return finding(
    rule,
    t,
    p,
    `Partner connector "${c.Name}" of ${t.Name} names both IP addresses (${c.SenderIPAddresses.join(', ')}) and a certificate (${c.TlsSenderCertificateName}). Exchange Online pulls a Partner connector up by IP or by certificate, and Microsoft advises against putting both in one connector (PG900): keep them in separate connectors (M15).`,
    [
      { text: `Create a separate Partner connector for the certificate ${c.TlsSenderCertificateName}.`, command: `New-InboundConnector -Name ${psIdentity(certName)} -ConnectorType Partner -SenderDomains ${domains} -TlsSenderCertificateName ${c.TlsSenderCertificateName}${restrict} -RequireTls $${c.RequireTls}`, where: EXO },
      { text: `Keep only the IP addresses on "${c.Name}".`, command: `Set-InboundConnector -Identity ${psIdentity(c.Name)} -TlsSenderCertificateName $null -RestrictDomainsToCertificate $false`, where: EXO },
    ],
  );
}

function overridden(rule: Rule, t: Tenant, allow: PartnerConnectorEntry, by: PartnerConnectorEntry): Finding {
  const c = allow.connector;
  // Once restricting, the connector needs its own recipient scope too (I2642): the lock-down's, else the tenant's own domains.
  const scope = allow.associatedDomains.length > 0 ? [] : by.associatedDomains.length > 0 ? by.associatedDomains : t.AcceptedDomains.map((d) => d.DomainName).filter((d) => !isOnMicrosoftDomain(d));
  const scoped = scope.length > 0 ? ` -AssociatedAcceptedDomains ${scope.join(',')}` : '';
  const fix: FixStep[] =
    c.SenderIPAddresses.length > 0
      ? [{ text: `Make "${c.Name}" a restricting connector for its own senders, so their mail from ${c.SenderIPAddresses.join(', ')} meets a restriction.`, command: `Set-InboundConnector -Identity ${psIdentity(c.Name)} -RestrictDomainsToIPAddresses $true${scoped}`, where: EXO }]
      : c.TlsSenderCertificateName
        ? [{ text: `Make "${c.Name}" a restricting connector for its own senders, so their mail with the certificate ${c.TlsSenderCertificateName} meets a restriction.`, command: `Set-InboundConnector -Identity ${psIdentity(c.Name)} -RestrictDomainsToCertificate $true${scoped}`, where: EXO }]
        : [{ text: `Give "${c.Name}" the partner's sending IP addresses or certificate name and restrict it to them, or exempt the partner's domains from "${by.connector.Name}".`, where: EXO }];
  return finding(
    rule,
    t,
    allow,
    `Partner connector "${c.Name}" of ${t.Name} allows ${describeSenders(allow)} by sender domain, but the restricting connector "${by.connector.Name}" covers the same senders and takes precedence (PG900): their mail is admitted only from ${by.connector.RestrictDomainsToIPAddresses ? `the IP addresses ${by.connector.SenderIPAddresses.join(', ') || '(none)'}` : `the certificate ${by.connector.TlsSenderCertificateName ?? '(none)'}`} (M15).`,
    fix,
    [by.connector],
  );
}

function trustedWithScoping(rule: Rule, t: Tenant, p: PartnerConnectorEntry): Finding | null {
  const c = p.connector;
  const other = [
    c.SenderIPAddresses.length > 0 ? 'SenderIPAddresses' : null,
    c.TlsSenderCertificateName ? 'TlsSenderCertificateName' : null,
    c.RestrictDomainsToIPAddresses ? 'RestrictDomainsToIPAddresses' : null,
    c.RestrictDomainsToCertificate ? 'RestrictDomainsToCertificate' : null,
    p.associatedDomains.length > 0 ? 'AssociatedAcceptedDomains' : null,
  ].filter((x): x is string => x !== null);
  if (other.length === 0) return null;
  return finding(
    rule,
    t,
    p,
    `Partner connector "${c.Name}" of ${t.Name} lists TrustedOrganizations (${p.trustedOrganizations.join(', ')}) and also ${other.join(', ')}. With TrustedOrganizations no other parameter is used (NIC), so that scoping has no effect; put it in a separate Partner connector (M15).`,
    [{ text: `Move ${other.join(', ')} of "${c.Name}" to a separate Partner connector, and keep only TrustedOrganizations on this one.`, where: EXO }],
  );
}

export const rule: Rule = {
  id: ID,
  title: 'A Partner connector reaches further or does less than it seems',
  severity: 'warning',
  description:
    'Partner connectors without AssociatedAcceptedDomains also lock down the onmicrosoft.com domains; IPs and a certificate in one connector, allow connectors overridden by restricting ones, and TrustedOrganizations mixed with other scoping do not work as written.',
  run(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    const index = ctx.simulation.context.index;
    for (const t of ctx.case.tenants) {
      const partners = index.partnerConnectors(t);
      if (partners.length === 0) continue;
      for (const p of partners) {
        const c = p.connector;
        if (p.trustedOrganizations.length > 0) {
          const f = trustedWithScoping(this, t, p);
          if (f) out.push(f);
          continue;
        }
        if (p.restricting && p.associatedDomains.length === 0) out.push(unscoped(this, t, p));
        if (c.SenderIPAddresses.length > 0 && c.TlsSenderCertificateName) out.push(ipsAndCertificate(this, t, p));
        if (!p.restricting) {
          const by = partners.find((r) => r.restricting && r.trustedOrganizations.length === 0 && sendersOverlap(r.senderDomains, p.senderDomains) && recipientsOverlap(r.associatedDomains, p.associatedDomains));
          if (by) out.push(overridden(this, t, p, by));
        }
      }
    }
    return out;
  },
};
