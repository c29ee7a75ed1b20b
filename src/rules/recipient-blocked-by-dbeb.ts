import { DBEB_RESPONSE } from '../engine/recipient-directory.js';
import type { FlowResult } from '../engine/flow-types.js';
import { chooseOutboundConnector } from '../engine/flow-routing.js';
import type { Organization, Tenant } from '../model/case.js';
import { domainOf, isExchangeOnlineHost } from '../model/domains.js';
import { formatSource } from '../model/provenance.js';
import { DBEB_RECOGNISES_DDG_MEPF_FROM, LATE_DBEB_TYPES, recipientDirectory, type Recipient } from '../model/recipients.js';
import { dedupeSubjects, psIdentity, type Evidence, type Finding, type FindingSubject, type FixCandidate, type FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EXO, candidate } from './support/fix-commands.js';
import { flowName, flowSubject } from './support/flow-subject.js';
import { statusesForRule } from './support/status-evidence.js';

/**
 * EXO-SEMANTICS M11, NDR-CATALOG "Recipients" [DBEB][DBEB25]: Directory-Based Edge Blocking
 * refuses, at RCPT TO, Incoming mail for an address the tenant's directory lacks in a domain that
 * is Authoritative there (`550 5.4.1 Recipient address rejected: Access denied`). In hybrid it
 * bites objects that live on premises only: users outside the sync scope, a new proxy address not
 * yet synchronised, dynamic distribution groups (never synchronised) and mail-enabled public
 * folders without the MEPF sync. Three sides: simulated flows, the configuration (MX at EOP,
 * Authoritative, on-premises-only objects in the case), and 5.4.1 in the evidence.
 */

const REFERENCES = [
  'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-directory-based-edge-blocking',
  'https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
];

/** Listed in findings; the rest are counted. */
const SHOWN = 10;

export const rule: Rule = {
  id: 'recipient-blocked-by-dbeb',
  title: 'Directory-Based Edge Blocking rejects a recipient the tenant does not know',
  severity: 'error',
  description: 'Exchange Online rejects mail for addresses missing from the tenant directory in an Authoritative domain with 550 5.4.1, before any filtering; objects that live only on premises are unreachable from the internet.',
  run(ctx: RuleContext): Finding[] {
    const findings = simulationFindings(this, ctx);
    findings.push(...configurationFindings(this, ctx));
    addEvidence(this, ctx, findings);
    return findings;
  },
};

interface Group {
  tenant: Tenant;
  domain: string;
  flows: FlowResult[];
}

/** The tenant a DBEB-rejected flow was refused by: the last hop's attribution. */
function refusingTenant(f: FlowResult): Tenant | null {
  for (let i = f.hops.length - 1; i >= 0; i--) {
    const t = f.hops[i]!.eop?.result.tenant;
    if (t) return t;
  }
  return null;
}

function domainSubject(tenant: Tenant, domain: string): FindingSubject {
  return { type: 'AcceptedDomain', name: domain, tenant: tenant.Name };
}

function simulationFindings(r: Rule, ctx: RuleContext): Finding[] {
  const groups = new Map<string, Group>();
  for (const f of ctx.simulation.flows) {
    if (f.outcome !== 'rejected' || f.response !== DBEB_RESPONSE) continue;
    const tenant = refusingTenant(f);
    if (!tenant) continue;
    const domain = f.hops[f.hops.length - 1]!.eop?.connection.rcptToDomain ?? domainOf(f.to);
    const key = `${tenant.Name}\u0000${domain}`;
    const g = groups.get(key);
    if (g) g.flows.push(f);
    else groups.set(key, { tenant, domain, flows: [f] });
  }
  return [...groups.values()].map((g) => simulationFinding(r, ctx, g));
}

function simulationFinding(r: Rule, ctx: RuleContext, g: Group): Finding {
  const directory = recipientDirectory(ctx.case);
  const addresses = [...new Set(g.flows.map((f) => f.to))];
  const onPremises: { address: string; org: Organization; recipient: Recipient }[] = [];
  for (const a of addresses) {
    const e = directory.lookup(a).find((x) => ctx.case.organizations.includes(x.owner as Organization));
    if (e) onPremises.push({ address: a, org: e.owner as Organization, recipient: e.recipient });
  }
  const nowhere = g.flows.filter((f) => f.spec.RecipientExists === false).map((f) => f.to);
  const late = addresses.filter((a) => directory.presence(g.tenant, a).state === 'here');
  const why = [
    `${g.domain} is Authoritative in ${g.tenant.Name}, so Exchange Online accepts mail for it only to addresses in the tenant's directory; ${list(addresses)} ${addresses.length === 1 ? 'is' : 'are'} refused at RCPT TO with ${DBEB_RESPONSE}, before any filtering (Directory-Based Edge Blocking, M11).`,
  ];
  if (onPremises.length > 0) {
    why.push(`${list(onPremises.map((o) => `${o.address} (${o.recipient.RecipientTypeDetails ?? 'recipient'} in ${o.org.Name})`))} exist${onPremises.length === 1 ? 's' : ''} on premises only: the object is not synchronised to the tenant.`);
  }
  if (late.length > 0) why.push(`${list(late)}: a dynamic distribution group or mail-enabled public folder, which DBEB did not recognise before June 2025 [DBEB25].`);
  if (nowhere.length > 0) why.push(`The flow${nowhere.length === 1 ? '' : 's'} to ${list(nowhere)} say${nowhere.length === 1 ? 's' : ''} the recipient exists nowhere (RecipientExists: false): the rejection is expected unless the address should exist.`);
  const candidates = fixCandidates(ctx, g, onPremises);
  return {
    rule: r.id,
    severity: r.severity,
    title: r.title,
    message: why.join(' '),
    subjects: dedupeSubjects([domainSubject(g.tenant, g.domain), ...g.flows.map(flowSubject)]),
    evidence: g.flows.slice(0, SHOWN).map((f) => ({ source: 'simulation', text: `${flowName(f)}: ${f.outcome} ${f.response ?? ''}`.trim() })),
    fix: candidates[0]!.steps,
    candidates,
    references: REFERENCES,
  };
}

function fixCandidates(ctx: RuleContext, g: Group, onPremises: { address: string; org: Organization; recipient: Recipient }[]): FixCandidate[] {
  const check: FixStep = { text: `Confirm in Exchange Online that the recipient is missing and the domain is Authoritative.`, command: `Get-AcceptedDomain -Identity ${psIdentity(g.domain)}`, where: EXO };
  const out: FixCandidate[] = [];
  const synced = onPremises.map((o) => o.address);
  const sync: FixStep[] = [check];
  if (synced.length > 0) {
    sync.push({
      text: `Synchronise ${list(synced)} to Exchange Online: include the object's OU in the Entra Connect sync scope (a new proxy address reaches the tenant with the next sync); a mail-enabled public folder needs the Exchange Mail Public Folders sync option; a dynamic distribution group is never synchronised, so create a mail contact or mail user for its address in the tenant.`,
    });
  } else {
    sync.push({ text: `Create the recipient in ${g.tenant.Name} or add ${list([...new Set(g.flows.map((f) => f.to))])} as a proxy address of the object that should receive it (on premises when the object is synchronised; the next sync carries it).` });
  }
  out.push(candidate(...sync));
  // InternalRelay when the domain's recipients live elsewhere too: an organization of the case
  // accepts it, or an outbound connector of the tenant routes it (M11: DBEB off, routed onward).
  const shared = ctx.case.organizations.some((o) => o.AcceptedDomains.some((d) => d.DomainName === g.domain)) || chooseOutboundConnector(g.tenant, g.domain, true, () => false) !== null;
  if (shared) {
    out.push(
      candidate({
        text: `When ${g.domain} is shared with a system whose recipients the tenant does not list (or the objects cannot be synchronised), turn Directory-Based Edge Blocking off for it: as InternalRelay, Exchange Online accepts unknown addresses and routes them on (outbound connector for the domain, else MX). Unknown addresses then reach that system, which must reject them itself.`,
        command: `Set-AcceptedDomain -Identity ${psIdentity(g.domain)} -DomainType InternalRelay`,
        where: EXO,
      }),
    );
  }
  return out;
}

/**
 * From configuration (warning): MX at Exchange Online, the domain Authoritative in the tenant, and
 * the case shows on-premises objects the tenant will not know — absent from its list, or (without
 * a tenant list) dynamic distribution groups and mail-enabled public folders, which are not
 * synchronised by default. Addresses a simulation finding already names are left out.
 */
function configurationFindings(r: Rule, ctx: RuleContext): Finding[] {
  const directory = recipientDirectory(ctx.case);
  if (!directory.hasAnyData) return [];
  const covered = new Set(ctx.simulation.flows.filter((f) => f.outcome === 'rejected' && f.response === DBEB_RESPONSE).map((f) => f.to));
  const out: Finding[] = [];
  for (const tenant of ctx.case.tenants) {
    for (const ad of tenant.AcceptedDomains) {
      if (ad.DomainType !== 'Authoritative') continue;
      const mx = ctx.case.dns.MX[ad.DomainName];
      if (!mx || !mx.some(isExchangeOnlineHost)) continue;
      const unknown: { address: string; why: string; provenance: string }[] = [];
      for (const org of ctx.case.organizations) {
        if (!org.Recipients || !org.AcceptedDomains.some((d) => d.DomainName === ad.DomainName)) continue;
        for (const rcp of org.Recipients) {
          const address = rcp.PrimarySmtpAddress;
          if (domainOf(address) !== ad.DomainName || covered.has(address)) continue;
          const why = onPremisesOnly(ctx, tenant, rcp);
          if (why) unknown.push({ address, why: `${why} (${org.Name})`, provenance: formatSource(rcp.provenance) });
        }
      }
      if (unknown.length === 0) continue;
      const shown = unknown.slice(0, SHOWN);
      const more = unknown.length > SHOWN ? ` and ${unknown.length - SHOWN} more` : '';
      out.push({
        rule: r.id,
        severity: 'warning',
        title: r.title,
        message: `The MX of ${ad.DomainName} points to Exchange Online and the domain is Authoritative in ${tenant.Name}, so Directory-Based Edge Blocking rejects internet mail for any address the tenant does not know (550 5.4.1, M11). On premises, ${shown.map((u) => `${u.address}: ${u.why}`).join('; ')}${more}.`,
        subjects: [domainSubject(tenant, ad.DomainName)],
        evidence: shown.map((u) => ({ source: u.provenance, text: `${u.address}: ${u.why}` })),
        fix: [
          { text: `Check each address in Exchange Online; a recipient that is not found is rejected from the internet.`, command: `Get-Recipient -Identity ${psIdentity(shown[0]!.address)}`, where: EXO },
          { text: `Synchronise the objects (Entra Connect sync scope; the Exchange Mail Public Folders option for public folders); for a dynamic distribution group, create a mail contact or mail user for its address in the tenant.` },
        ],
        references: REFERENCES,
      });
    }
  }
  return out;
}

/** Why an on-premises object is unknown to the tenant's DBEB, or null when it is known (or cannot be told). */
function onPremisesOnly(ctx: RuleContext, tenant: Tenant, rcp: Recipient): string | null {
  const type = rcp.RecipientTypeDetails;
  if (type !== null && /^Remote/i.test(type)) return null; // a cloud mailbox seen from on premises
  const directory = recipientDirectory(ctx.case);
  const presence = directory.presence(tenant, ...rcp.EmailAddresses);
  if (presence.state === 'missing') return `${type ?? 'a recipient'} not in the tenant's directory (not synchronised)`;
  const late = type !== null && LATE_DBEB_TYPES.test(type) && ctx.at < DBEB_RECOGNISES_DDG_MEPF_FROM;
  if (presence.state === 'unknown' && type !== null && LATE_DBEB_TYPES.test(type)) {
    return `a ${type}, which Entra Connect ${/Dynamic/i.test(type) ? 'never synchronises' : 'synchronises only with the Exchange Mail Public Folders option'} (the case lists no recipients for ${tenant.Name} to check)`;
  }
  if (late && presence.state !== 'unknown') return `a ${type}, which DBEB did not recognise before June 2025`;
  return null;
}

/** Evidence: 5.4.1 `Recipient address rejected` (RULES.md NDR table) on the same recipient domain, else a finding of its own. */
function addEvidence(r: Rule, ctx: RuleContext, findings: Finding[]): void {
  const byDomain = new Map<string, Finding>();
  for (const s of statusesForRule(ctx.case, r.id)) {
    const recipient = s.sample.recipient?.toLowerCase() ?? null;
    const domain = recipient ? domainOf(recipient) : null;
    const ev: Evidence = { source: formatSource(s.sources[0] ?? s.sample.source), text: `${s.sample.status.text}${recipient ? ` (to ${recipient})` : ''}${s.count > 1 ? ` ×${s.count}` : ''}` };
    const match = findings.find((f) => f.subjects.some((x) => x.type === 'AcceptedDomain' && domain !== null && x.name === domain)) ?? (domain === null && findings.length === 1 ? findings[0] : undefined);
    if (match) {
      if (match.evidence.length < SHOWN) match.evidence.push(ev);
      continue;
    }
    const key = domain ?? '';
    const existing = byDomain.get(key);
    if (existing) {
      if (existing.evidence.length < SHOWN) existing.evidence.push(ev);
      continue;
    }
    const tenant = domain ? ctx.case.tenants.find((t) => t.AcceptedDomains.some((d) => d.DomainName === domain)) : undefined;
    const subject: FindingSubject = tenant && domain ? domainSubject(tenant, domain) : { type: 'Recipient', name: recipient ?? ev.source };
    const finding: Finding = {
      rule: r.id,
      severity: r.severity,
      title: r.title,
      message: `The evidence shows Exchange Online refusing ${recipient ?? 'a recipient'} with 550 5.4.1 Recipient address rejected: Access denied: Directory-Based Edge Blocking found no such recipient in the tenant's directory${domain ? ` for ${domain}` : ''}, which is Authoritative there (M11). On premises the object usually exists but is not synchronised (outside the sync scope, a new proxy address, a dynamic distribution group, a mail-enabled public folder).`,
      subjects: [subject],
      evidence: [ev],
      fix: [
        ...(recipient ? [{ text: `Check whether Exchange Online knows the recipient (nothing found: it is not synchronised).`, command: `Get-Recipient -Identity ${psIdentity(recipient)}`, where: EXO } satisfies FixStep] : []),
        ...(domain ? [{ text: `Check the domain type; Authoritative turns DBEB on.`, command: `Get-AcceptedDomain -Identity ${psIdentity(domain)}`, where: EXO } satisfies FixStep] : []),
        { text: `Synchronise the object to the tenant (Entra Connect sync scope; the Exchange Mail Public Folders option for public folders; a mail contact for a dynamic distribution group). For a domain shared with a system the tenant cannot know, make it InternalRelay in Exchange Online with an outbound connector for it.` },
      ],
      references: REFERENCES,
    };
    byDomain.set(key, finding);
    findings.push(finding);
  }
}

function list(items: readonly string[]): string {
  if (items.length <= SHOWN) return items.join(', ');
  return `${items.slice(0, SHOWN).join(', ')} and ${items.length - SHOWN} more`;
}
