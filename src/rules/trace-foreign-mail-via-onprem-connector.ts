import type { InboundConnector, Tenant } from '../model/case.js';
import type { Observed, TraceObservation } from '../model/evidence.js';
import type { Evidence, Finding, FixStep } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { describeSpan, evidenceOf, groupBy, groupEvidence, senderDomain, spanOf, tenantOfTraceRow } from './support/evidence.js';
import { isOwnOnPremisesSide, organizationOfHost } from './support/own-onprem-side.js';

/**
 * S1 (seeds 000/001): the extended message trace's RECEIVE row carries
 * `S:InboundConnectorData=Name=…;ConnectorType=OnPremises;TenantId=…`. Mail received through a
 * tenant's OnPremises connector from senders outside its accepted domains was attributed to the
 * tenant as its own on-premises mail (EXO-SEMANTICS M3/M4): it was journaled and relayed there.
 * The trace answers the write-up's open question — since when, how many, and whose mail.
 */

interface ConnectorGroup {
  /**
   * Who sent the rows: hosts of the tenant's own on-premises side (RULES.md v2: info), other hosts
   * (the S1 fault: error), or not known — the rows name no client address or host (a trace without
   * those columns, or rows grouped without them past the evidence collector's bound): the fault is
   * not proven then, and the finding says what is missing.
   */
  side: 'own' | 'foreign' | 'unknown';
  tenantId: string;
  connectorName: string;
  tenant: Tenant;
  connector: InboundConnector | null;
  foreign: Observed<TraceObservation>[];
}

export const rule: Rule = {
  id: 'trace-foreign-mail-via-onprem-connector',
  title: "Message trace shows other senders' mail received through a tenant's OnPremises connector",
  severity: 'error',
  description: "Mail of domains the tenant does not own arrived as the tenant's own on-premises mail: it was processed (journaled, relayed) in the wrong tenant.",
  run(ctx: RuleContext): Finding[] {
    const groups = new Map<string, ConnectorGroup>();
    const index = ctx.simulation.context.index;
    for (const g of evidenceOf(ctx.case).traces) {
      const o = g.sample;
      if (!o.inboundConnector || o.inboundConnector.type?.toLowerCase() !== 'onpremises') continue;
      // Bounces and journal reports carry an empty or system sender: only real sender domains count.
      const domain = senderDomain(o.sender);
      if (!domain) continue;
      // Accepted domains decide what is foreign: without the tenant in the case there is nothing to compare with.
      const tenant = tenantOfTraceRow(ctx.case, o);
      if (!tenant || index.acceptedDomain(tenant, domain)) continue;
      // RULES.md v2: the tenant's own on-premises side relaying forwarded mail, application domains
      // or NDRs through its connector is supported (EXO-SEMANTICS M4) — reported as info.
      const org = organizationOfHost(ctx.case, o.clientIp, o.clientHostname);
      const side = org !== null && isOwnOnPremisesSide(org, tenant, index) ? 'own' : !o.clientIp && !o.clientHostname ? 'unknown' : 'foreign';
      const key = `${tenant.Name}\u0000${o.inboundConnector.name.toLowerCase()}\u0000${side}`;
      let cg = groups.get(key);
      if (!cg) {
        const name = o.inboundConnector.name.toLowerCase();
        cg = {
          side,
          tenantId: o.inboundConnector.tenantId ?? o.tenantId ?? tenant.TenantId ?? '',
          connectorName: o.inboundConnector.name,
          tenant,
          connector: tenant.InboundConnectors.find((c) => c.Name.toLowerCase() === name) ?? null,
          foreign: [],
        };
        groups.set(key, cg);
      }
      cg.foreign.push(g);
    }
    // Rows that name no host join the error where other rows through the same connector prove it
    // takes other senders' mail: all of them were processed in the tenant. Alone, they are not proof.
    for (const [key, cg] of groups) {
      if (cg.side !== 'unknown') continue;
      const proven = groups.get(key.slice(0, key.lastIndexOf('\u0000') + 1) + 'foreign');
      if (proven) {
        proven.foreign.push(...cg.foreign);
        groups.delete(key);
      }
    }
    return [...groups.values()].map((cg) => foreignMailFinding(this, cg));
  },
};

function foreignMailFinding(rule: Rule, cg: ConnectorGroup): Finding {
  if (cg.side === 'own') return ownSideFinding(rule, cg);
  if (cg.side === 'unknown') return unknownSideFinding(rule, cg);
  const span = spanOf(cg.foreign);
  const domains = [...groupBy(cg.foreign, (g) => senderDomain(g.sample.sender)!)]
    .map(([domain, groups]) => ({ domain, ...spanOf(groups) }))
    .sort((a, b) => b.count - a.count || a.domain.localeCompare(b.domain));
  const tenantName = cg.tenant.Name;
  const evidence: Evidence[] = domains.map((d) => ({ source: 'message trace', text: `${d.domain}: ${describeSpan(d.count, d.first, d.last, 'message')}` }));
  for (const g of cg.foreign.slice(0, 5)) {
    const o = g.sample;
    evidence.push(...groupEvidence(g, `${o.sender} → ${o.recipient}: received through "${cg.connectorName}" (OnPremises) of tenant ${cg.tenantId}${o.clientIp ? ` from ${o.clientIp}` : ''}${o.clientHostname ? ` (${o.clientHostname})` : ''}`).slice(0, 1));
  }
  const fix: FixStep[] = [
    {
      text: `Find which host presents a certificate or address that "${cg.connectorName}" accepts (the trace's client address and host name above); diagnose the case with the connector and send-connector exports to get the exact cause (inbound-cert-name-overmatch).`,
    },
  ];
  const current = cg.connector?.TlsSenderCertificateName;
  fix.push({
    text: `Narrow "${cg.connectorName}" to the one certificate name only your own hybrid route presents${current ? ` (it is ${current} now)` : ''}: Set-InboundConnector -Identity ${psIdentity(cg.connectorName)} -TlsSenderCertificateName followed by that name.`,
    where: 'Exchange Online PowerShell',
  });
  fix.push({ text: `Tell the owners of ${domains.map((d) => d.domain).join(', ')} that their mail passed through ${tenantName} (journal, transport rules) during that time.` });
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `Message trace: ${describeSpan(span.count, span.first, span.last, 'message')} from ${domains.length} domain${domains.length === 1 ? '' : 's'} that ${tenantName} does not accept (${domains.map((d) => `${d.domain} ${d.count}`).join(', ')}) came in through its OnPremises connector "${cg.connectorName}". Exchange Online treated them as the tenant's own on-premises mail: they were processed in ${tenantName} (journaling, transport rules) and relayed on.`,
    subjects: [{ type: 'InboundConnector', name: cg.connectorName, tenant: tenantName }],
    evidence,
    fix,
    references: [
      'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/set-up-connectors-to-route-mail',
      'https://learn.microsoft.com/exchange/monitoring/trace-an-email-message/run-a-message-trace-and-view-results',
    ],
  };
}

/** The tenant's own on-premises servers relayed non-accepted senders: supported (M4), info only. */
function ownSideFinding(rule: Rule, cg: ConnectorGroup): Finding {
  const { span, domains, evidence } = rowsSummary(cg, (o) => ` from ${o.clientIp ?? o.clientHostname ?? 'an on-premises server'}`);
  return {
    rule: rule.id,
    severity: 'info',
    title: rule.title,
    message: `Message trace: ${describeSpan(span.count, span.first, span.last, 'message')} from domains ${cg.tenant.Name} does not accept (${domains.join(', ')}) came in through its OnPremises connector "${cg.connectorName}" from its own on-premises servers. Relaying forwarded mail, application domains and non-delivery reports through the tenant's own certificate connector is supported; large volumes from domains that are not accepted can still draw 5.7.750.`,
    subjects: [{ type: 'InboundConnector', name: cg.connectorName, tenant: cg.tenant.Name }],
    evidence,
    fix: [{ text: 'Nothing to change if these senders are expected (forwarding, applications, NDRs); otherwise find the application or rule on premises that sends them.' }],
    references: ['https://techcommunity.microsoft.com/t5/exchange-team-blog/updated-requirements-for-smtp-relay-through-exchange-online/ba-p/3851357'],
  };
}

/**
 * Rows that name no sending host: the tenant's own servers relaying (supported, M4) and another
 * sender's host matching the connector (S1) look the same without it, so no error is raised on them.
 */
function unknownSideFinding(rule: Rule, cg: ConnectorGroup): Finding {
  const { span, domains, evidence } = rowsSummary(cg, () => '; the trace names no client address or host');
  return {
    rule: rule.id,
    severity: 'warning',
    title: rule.title,
    message: `Message trace: ${describeSpan(span.count, span.first, span.last, 'message')} from domains ${cg.tenant.Name} does not accept (${domains.join(', ')}) came in through its OnPremises connector "${cg.connectorName}", but the trace does not say which host sent them. From the tenant's own on-premises servers this is supported relaying; from any other host it is mail processed in the wrong tenant.`,
    subjects: [{ type: 'InboundConnector', name: cg.connectorName, tenant: cg.tenant.Name }],
    evidence,
    fix: [
      {
        text: 'Supply the sending hosts: a trace that carries the client address (the extended report of Start-HistoricalSearch -ReportType MessageTraceDetail has client_ip), or a shorter time window so that every route is kept with its address; then diagnose the case again.',
        where: 'Exchange Online PowerShell',
      },
    ],
    references: ['https://learn.microsoft.com/exchange/monitoring/trace-an-email-message/run-a-message-trace-and-view-results'],
  };
}

/** The span of a group's rows, `domain count` per sender domain, and the first rows as evidence (`where` ends each row's text: who sent it). */
function rowsSummary(cg: ConnectorGroup, where: (o: TraceObservation) => string): { span: ReturnType<typeof spanOf>; domains: string[]; evidence: Evidence[] } {
  const span = spanOf(cg.foreign);
  const domains = [...groupBy(cg.foreign, (g) => senderDomain(g.sample.sender)!)].map(([domain, groups]) => `${domain} ${spanOf(groups).count}`);
  const evidence: Evidence[] = [];
  for (const g of cg.foreign.slice(0, 5)) {
    const o = g.sample;
    evidence.push(...groupEvidence(g, `${o.sender} → ${o.recipient}: received through "${cg.connectorName}" (OnPremises)${where(o)}`).slice(0, 1));
  }
  return { span, domains, evidence };
}
