import { certificateProblem } from '../engine/certificate-usability.js';
import { parseIp } from '../engine/ip-address.js';
import { chooseByAddressSpace } from '../engine/send-routing.js';
import type { InboundConnector, Tenant } from '../model/case.js';
import { isExchangeOnlineHost, isOnMicrosoftDomain } from '../model/domains.js';
import type { HeaderMessageObservation } from '../model/evidence.js';
import { formatSource } from '../model/provenance.js';
import type { Evidence, Finding, FindingSubject, FixCandidate, FixStep } from './finding.js';
import { dedupeSubjects, psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EF_REFERENCE, enhancedFilteringOf, enhancedFilteringOn } from './support/enhanced-filtering.js';
import { evidenceOf, tenantById } from './support/evidence.js';
import { EXO } from './support/fix-commands.js';
import { sendsToExchangeOnline, type Presenter } from './support/presenters.js';

/**
 * RULES.md `enhanced-filtering-missing` (EXO-SEMANTICS M16, [EF]): when mail reaches Exchange
 * Online through a gateway first, Exchange Online takes the gateway as the source unless Enhanced
 * Filtering for Connectors skips it: SPF is evaluated against the gateway's address, compauth
 * fails, mail may be marked as spoofed. **[model]** "EF needed" = an accepted domain's MX is not
 * Exchange Online and a gateway route delivers that domain's mail to Exchange Online over an
 * inbound connector with EFSkipLastIP $false (or absent) and an empty EFSkipIPs. Evidence: Exchange
 * Online's Authentication-Results evaluated SPF against the gateway hop's address, compauth=fail,
 * and no X-MS-Exchange-SkipListedInternetSender.
 */

interface Exposure {
  tenant: Tenant;
  connector: InboundConnector;
  domains: Map<string, string[]>;
  routes: Presenter[];
  evidence: Evidence[];
}

/** The tenant's Enabled inbound connectors the presenter's certificate (if valid) or address matches (M3). */
function connectorsMatched(ctx: RuleContext, tenant: Tenant, p: Presenter): InboundConnector[] {
  const index = ctx.simulation.context.index;
  const out = new Set<InboundConnector>();
  if (p.certificate && certificateProblem(p.certificate, ctx.at) === null) {
    for (const h of index.matchCertificate(p.certificate.names)) if (h.entry.tenant === tenant && h.entry.connector.Enabled) out.add(h.entry.connector);
  }
  const ip = p.ip ? parseIp(p.ip) : null;
  if (ip) for (const e of index.matchIp(ip)) if (e.tenant === tenant && e.connector.Enabled) out.add(e.connector);
  return [...out];
}

function fromConfiguration(ctx: RuleContext): Map<InboundConnector, Exposure> {
  const found = new Map<InboundConnector, Exposure>();
  const gatewayRoutes = ctx.presenters.filter((p) => p.kind === 'gateway-route' && sendsToExchangeOnline(p));
  if (gatewayRoutes.length === 0) return found;
  for (const tenant of ctx.case.tenants) {
    for (const ad of tenant.AcceptedDomains) {
      const d = ad.DomainName;
      const mx = ctx.case.dns.MX[d];
      if (isOnMicrosoftDomain(d) || !mx || mx.length === 0 || mx.some(isExchangeOnlineHost)) continue;
      for (const p of gatewayRoutes) {
        // The route the gateway picks for this domain must be the one that goes to Exchange Online.
        if (chooseByAddressSpace(p.gateway!.Routes, (r) => r.AddressSpaces, d)?.item !== p.route) continue;
        for (const connector of connectorsMatched(ctx, tenant, p)) {
          if (enhancedFilteringOn(enhancedFilteringOf(connector))) continue;
          let e = found.get(connector);
          if (!e) found.set(connector, (e = { tenant, connector, domains: new Map(), routes: [], evidence: [] }));
          e.domains.set(d, mx);
          if (!e.routes.includes(p)) e.routes.push(p);
        }
      }
    }
  }
  return found;
}

/** The gateway addresses a skip list would name: the nodes behind the routes, as the case has them. */
function gatewayAddresses(routes: readonly Presenter[]): string[] {
  return [...new Set(routes.flatMap((p) => p.node?.IPAddresses ?? []))].filter((ip) => parseIp(ip)?.family === 4);
}

function fixCandidates(tenant: Tenant, connector: InboundConnector, addresses: readonly string[]): FixCandidate[] {
  const id = psIdentity(connector.Name);
  const scl: FixStep = { text: `Then remove or disable the mail flow rules in ${tenant.Name} that set SCL -1 for mail from the gateway: with Enhanced Filtering on, Exchange Online filters that mail itself ([EF]).` };
  const out: FixCandidate[] = [
    {
      steps: [
        { text: `Turn on Enhanced Filtering on "${connector.Name}" (Exchange Online PowerShell connected to ${tenant.Name}), skipping the last hop — the gateway that hands mail to Exchange Online — so SPF, DMARC and spoof checks see the original sender.`, command: `Set-InboundConnector -Identity ${id} -EFSkipLastIP $true`, where: EXO },
        scl,
      ],
    },
  ];
  if (addresses.length > 0) {
    out.push({
      steps: [
        { text: `Or skip the gateway's own addresses on "${connector.Name}" (Exchange Online PowerShell connected to ${tenant.Name}); use this when more than one of your systems sits in front of Exchange Online.`, command: `Set-InboundConnector -Identity ${id} -EFSkipIPs ${addresses.join(',')}`, where: EXO },
        scl,
      ],
    });
  }
  return out;
}

function configurationFinding(rule: Rule, e: Exposure): Finding {
  const ef = enhancedFilteringOf(e.connector);
  const domains = [...e.domains.keys()];
  const routes = e.routes.map((p) => `route "${p.route?.Name}" of gateway ${p.gateway?.Name}`);
  const candidates = fixCandidates(e.tenant, e.connector, gatewayAddresses(e.routes));
  const subjects: FindingSubject[] = [
    { type: 'InboundConnector', name: e.connector.Name, tenant: e.tenant.Name },
    ...e.routes.map((p) => ({ type: 'GatewayRoute', name: p.route?.Name ?? p.label, ...(p.gateway ? { gateway: p.gateway.Name } : {}) })),
  ];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message:
      `The MX of ${domains.join(', ')} is not Exchange Online: ${[...new Set(routes)].join(' and ')} deliver${routes.length === 1 ? 's' : ''} that mail to ${e.tenant.Name} over "${e.connector.Name}", which has Enhanced Filtering off ` +
      `(EFSkipLastIP ${ef.skipLastIp ? '$true' : '$false'}, EFSkipIPs empty${ef.given ? '' : ' — neither is in the case, so Exchange Online\'s defaults are assumed; export Get-InboundConnector to confirm'}). ` +
      'Exchange Online then takes the gateway as the sender: SPF is evaluated against the gateway\'s address, composite authentication (compauth) fails, and legitimate mail may be marked as spoofed or quarantined.',
    subjects: dedupeSubjects(subjects),
    evidence: [
      { source: formatSource(e.connector.provenance), text: `"${e.connector.Name}": EFSkipLastIP ${String(e.connector.extra.EFSkipLastIP ?? '(not given)')}, EFSkipIPs ${JSON.stringify(e.connector.extra.EFSkipIPs ?? [])}` },
      ...[...e.domains].map(([d, mx]) => ({ source: 'dns', text: `MX ${d}: ${mx.join(', ')}` })),
      ...e.routes.map((p) => ({ source: formatSource(p.provenance), text: `${p.label} delivers to ${p.smartHosts.join(', ')}` })),
      ...e.evidence,
    ],
    fix: candidates[0]!.steps,
    candidates,
    references: [EF_REFERENCE],
  };
}

const SPF_FAILED = new Set(['fail', 'softfail']);

/** The hop that handed the message to Exchange Online, when SPF was judged against its sender and an earlier hop exists. */
function gatewayHopJudged(m: HeaderMessageObservation): { ip: string; gateway: string } | null {
  if (m.skipListedInternetSender || !m.spfSenderIp) return null;
  if (m.compauth !== 'fail' && !SPF_FAILED.has(m.spfResult ?? '')) return null;
  const k = m.hops.findIndex((h) => h.kind === 'exchange-online');
  if (k < 1) return null;
  const into = m.hops[k]!;
  if (!into.ip || into.ip.toLowerCase() !== m.spfSenderIp.toLowerCase()) return null;
  return { ip: m.spfSenderIp, gateway: m.hops[k - 1]!.by ?? into.from ?? m.spfSenderIp };
}

function messageEvidence(m: HeaderMessageObservation, gateway: string): Evidence {
  return {
    source: formatSource(m.source),
    text: `Authentication-Results: spf=${m.spfResult ?? '(none)'} (sender IP is ${m.spfSenderIp}), compauth=${m.compauth ?? '(none)'}; ${m.spfSenderIp} is ${gateway}, the hop before Exchange Online; no X-MS-Exchange-SkipListedInternetSender`,
  };
}

function fromEvidence(rule: Rule, ctx: RuleContext, configured: Map<InboundConnector, Exposure>): Finding[] {
  const byIp = new Map<string, { gateway: string; messages: HeaderMessageObservation[] }>();
  for (const m of evidenceOf(ctx.case).messages) {
    const judged = gatewayHopJudged(m);
    if (!judged) continue;
    const g = byIp.get(judged.ip);
    if (g) g.messages.push(m);
    else byIp.set(judged.ip, { gateway: judged.gateway, messages: [m] });
  }
  const index = ctx.simulation.context.index;
  const findings: Finding[] = [];
  for (const [ip, { gateway, messages }] of byIp) {
    const parsed = parseIp(ip);
    const tenants = new Set(messages.map((m) => tenantById(ctx.case, m.crossTenantId ?? m.attributedTenantId ?? null)).filter((t) => t !== null));
    const entries = (parsed ? index.matchIp(parsed) : []).filter((e) => e.connector.Enabled && (tenants.size === 0 || tenants.has(e.tenant)));
    const evidence = messages.slice(0, 5).map((m) => messageEvidence(m, gateway));
    // The configuration finding about the same connector, or about a route leaving the node with this address.
    const known =
      entries.map((e) => configured.get(e.connector)).find((x) => x !== undefined) ??
      [...configured.values()].find((x) => x.routes.some((p) => p.node?.IPAddresses.includes(ip)));
    if (known) {
      known.evidence.push(...evidence);
      continue;
    }
    const entry = entries.find((e) => !enhancedFilteringOn(enhancedFilteringOf(e.connector))) ?? null;
    if (entries.length > 0 && entry === null) continue; // The connector in the case has EF on: the headers predate it.
    const candidates: FixCandidate[] = entry
      ? fixCandidates(entry.tenant, entry.connector, parsed?.family === 4 ? [ip] : [])
      : [{ steps: [{ text: `Find the inbound connector Exchange Online uses for mail from ${gateway} (${ip}) and turn on Enhanced Filtering on it: Set-InboundConnector with -EFSkipLastIP $true, or -EFSkipIPs ${ip} ([EF]).`, where: EXO }] }];
    findings.push({
      rule: rule.id,
      severity: rule.severity,
      title: rule.title,
      message:
        `${messages.length} message${messages.length === 1 ? '' : 's'} show${messages.length === 1 ? 's' : ''} Exchange Online evaluating SPF against ${ip}, the address of ${gateway} that handed ${messages.length === 1 ? 'it' : 'them'} on, with compauth=${messages[0]!.compauth ?? '(none)'} and no X-MS-Exchange-SkipListedInternetSender: ` +
        `Enhanced Filtering for Connectors is off${entry ? ` on "${entry.connector.Name}" (${entry.tenant.Name})` : ''}, so Exchange Online judges the gateway instead of the original sender.`,
      subjects: entry ? [{ type: 'InboundConnector', name: entry.connector.Name, tenant: entry.tenant.Name }] : [{ type: 'Host', name: ip }],
      evidence,
      fix: candidates[0]!.steps,
      candidates,
      references: [EF_REFERENCE],
    });
  }
  return findings;
}

export const rule: Rule = {
  id: 'enhanced-filtering-missing',
  title: 'Mail reaches Exchange Online through a gateway without Enhanced Filtering',
  severity: 'warning',
  description: 'Without Enhanced Filtering for Connectors, Exchange Online takes the gateway in front of it as the sender: SPF and spoof checks fail for legitimate internet mail.',
  run(ctx: RuleContext): Finding[] {
    const configured = fromConfiguration(ctx);
    const evidenceFindings = fromEvidence(this, ctx, configured);
    return [...[...configured.values()].map((e) => configurationFinding(this, e)), ...evidenceFindings];
  },
};
