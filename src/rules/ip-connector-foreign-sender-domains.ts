import { formatSource } from '../model/provenance.js';
import { domainOf } from '../model/domains.js';
import { parseIp } from '../engine/ip-address.js';
import type { FlowResult } from '../engine/flow-types.js';
import type { InboundConnector } from '../model/case.js';
import { isExchangeOnlineDomain } from '../engine/simulation-context.js';
import type { Finding } from './finding.js';
import type { FixCandidate, FixStep } from './finding.js';
import type { Tenant } from '../model/case.js';
import { usableCertificatesFor } from './support/fix-certificates.js';
import { manualStep, setInboundCertificateNameStep, tlsCertificateNameStep } from './support/fix-commands.js';
import type { Rule, RuleContext } from './rule.js';
import { flowName } from './support/flow-subject.js';
import { failingFlowSubjects } from './support/fix-flow-subjects.js';

/**
 * S2: an IP-scoped OnPremises connector only relays mail whose MAIL FROM domain is an accepted
 * domain (EXO-SEMANTICS M3 step 2, M4; Microsoft staff: with an IP connector, any sender only when
 * the recipient is accepted). Mail from other domains (NDRs, forwarding, hosted customers) needs a
 * certificate-scoped connector whose certificate is under an accepted domain.
 */
export const rule: Rule = {
  id: 'ip-connector-foreign-sender-domains',
  title: 'An IP-scoped OnPremises connector is expected to relay mail from domains the tenant does not accept',
  severity: 'warning',
  description: 'Relay of foreign sender domains through an IP-scoped connector is rejected with 5.7.64; it needs certificate scoping.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const index = ctx.simulation.context.index;
    // One pass over the simulated hops, connectors found through the index (not a scan per connector).
    const flowsByConnector = new Map<InboundConnector, FlowResult[]>();
    for (const f of ctx.simulation.flows) {
      for (const h of f.hops) {
        const ip = h.eop && h.presented.ip ? parseIp(h.presented.ip) : null;
        if (!h.eop || !ip) continue;
        const { mailFromDomain, rcptToDomain } = h.eop.connection;
        // Relay only: a recipient in any Exchange Online tenant (in the case or outside it) is plain inbound mail there (M3 step 3).
        if (index.tenantsAccepting(rcptToDomain).length > 0 || isExchangeOnlineDomain(ctx.simulation.context, rcptToDomain)) continue;
        for (const e of index.matchIp(ip)) {
          const c = e.connector;
          if (!c.Enabled || c.ConnectorType !== 'OnPremises' || c.TlsSenderCertificateName) continue;
          if (index.acceptedDomain(e.tenant, mailFromDomain)) continue;
          const list = flowsByConnector.get(c) ?? [];
          if (!list.includes(f)) list.push(f);
          flowsByConnector.set(c, list);
        }
      }
    }
    for (const tenant of ctx.case.tenants) {
      for (const c of tenant.InboundConnectors) {
        const flows = flowsByConnector.get(c) ?? [];
        if (flows.length === 0) continue;
        const domains = [...new Set(flows.map((f) => domainOf(f.from)))];
        const candidates = certificateScopingCandidates(ctx, tenant, c, flows);
        findings.push({
          rule: this.id,
          severity: this.severity,
          title: this.title,
          message: `"${c.Name}" in ${tenant.Name} is scoped by IP (${c.SenderIPAddresses.join(', ')}), and mail from ${domains.join(', ')} — not accepted domains of ${tenant.Name} — is sent from those addresses to be relayed. Exchange Online relays it only when the certificate or the sender domain belongs to the tenant, so it is rejected with 550 5.7.64.`,
          subjects: [{ type: 'InboundConnector', name: c.Name, tenant: tenant.Name }, ...failingFlowSubjects(flows, () => true)],
          evidence: [{ source: formatSource(c.provenance), text: `"${c.Name}": SenderIPAddresses ${c.SenderIPAddresses.join(', ')}` }, ...flows.slice(0, 10).map((f) => ({ source: 'simulation', text: `${flowName(f)} (${f.outcome}${f.response ? `: ${f.response}` : ''})` }))],
          fix: candidates[0]!.steps,
          candidates,
          references: ['https://techcommunity.microsoft.com/t5/exchange-team-blog/updated-requirements-for-smtp-relay-through-exchange-online/ba-p/3851357'],
        });
      }
    }
    return findings;
  },
};

/**
 * M4: relay of foreign sender domains needs the certificate route. Offered only with an installed
 * certificate Exchange Online accepts whose name is under an accepted domain of the tenant; the
 * sending connector is pointed at it first when it presents another one.
 */
function certificateScopingCandidates(ctx: RuleContext, tenant: Tenant, c: InboundConnector, flows: FlowResult[]): FixCandidate[] {
  const out: FixCandidate[] = [];
  const sim = ctx.simulation.context;
  const senders = new Set<string>();
  for (const f of flows) {
    for (const h of f.hops) {
      const s = h.sender;
      if (!h.eop || s.type !== 'send-connector' || senders.has(s.connector.Name) || senders.size >= 2) continue;
      senders.add(s.connector.Name);
      for (const cert of usableCertificatesFor(sim, s.org, s.connector, ctx.at, null)) {
        const name = cert.names.find((n) => !n.startsWith('*') && sim.index.acceptedDomainCovering(tenant, n));
        if (!name) continue;
        const steps: FixStep[] = [];
        if (h.presented.thumbprint !== cert.Thumbprint) steps.push({ ...tlsCertificateNameStep(s.connector.Name, cert.Issuer, cert.Subject, 'Send'), text: `Make send connector "${s.connector.Name}" (${s.org.Name}) present ${cert.Subject} (${cert.Thumbprint}), named by issuer and subject.` });
        steps.push(setInboundCertificateNameStep(c.Name, name, 'Scope the connector by that certificate name', tenant.Name));
        out.push({ steps });
        break;
      }
    }
  }
  out.push({
    steps: [
      manualStep('certificate authority', `Obtain a publicly trusted certificate whose name is under an accepted domain of ${tenant.Name} (${tenant.AcceptedDomains.map((d) => d.DomainName).filter((d) => !d.endsWith('.onmicrosoft.com')).join(', ')}).`),
      manualStep('Exchange Management Shell', 'Install it on the sending servers, enable it for SMTP and name it on the send connector (Set-SendConnector -TlsCertificateName with its <I>issuer<S>subject).'),
      setInboundCertificateNameStep(c.Name, '<that certificate name>', 'Then scope the connector by it', tenant.Name),
    ],
  });
  return out;
}
