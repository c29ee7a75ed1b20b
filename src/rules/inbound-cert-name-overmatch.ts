import { certificateLabel } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import { matchCertificateName } from '../engine/cert-name-match.js';
import { certificateProblem } from '../engine/certificate-usability.js';
import type { Evidence, Finding, FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { manualStep, presentCertificateStep, setInboundCertificateNameStep } from './support/fix-commands.js';
import { failingFlowSubjects } from './support/fix-flow-subjects.js';
import { gatewayClients, gatewayRouteDomains, isHybridPartner } from './support/hybrid.js';
import { PresentersByConnector, sendsToExchangeOnline, type Presenter } from './support/presenters.js';
import type { InboundConnector, Tenant } from '../model/case.js';
import type { Hop } from '../engine/flow-types.js';
import { flowsThrough } from './support/flows-by-connector.js';

/**
 * S1 (seeds 000/001): an OnPremises connector's certificate name also matches a host that sends
 * mail the tenant does not own, so Exchange Online attributes that mail to the tenant, relays and
 * journals it there (EXO-SEMANTICS M3, M4; Microsoft staff call the wildcard match "unintended").
 */

/** Whether the presenter carries mail of senders other than the tenant and its own organization. */
function carriesForeignMail(ctx: RuleContext, p: Presenter, tenant: Tenant): string | null {
  if (p.organization) {
    return isHybridPartner(p.organization, tenant) ? null : `it belongs to ${p.organization.Name}, another organization`;
  }
  if (p.gateway) {
    const clients = gatewayClients(ctx.case, ctx.simulation.context, p.gateway);
    // Other organizations, and other tenants whose outbound connectors smart-host to the gateway, send through it too.
    const foreign = [...clients.organizations.filter((o) => !isHybridPartner(o, tenant)).map((o) => o.Name), ...clients.tenants.filter((t) => t !== tenant).map((t) => t.Name)];
    if (foreign.length > 0) return `gateway ${p.gateway.Name} also sends for ${foreign.join(', ')}`;
    const own = new Set(tenant.AcceptedDomains.map((d) => d.DomainName));
    const foreignDomains = gatewayRouteDomains(p.gateway).filter((d) => !own.has(d) && !ctx.case.organizations.some((o) => isHybridPartner(o, tenant) && o.AcceptedDomains.some((a) => a.DomainName === d)));
    if (foreignDomains.length > 0) return `gateway ${p.gateway.Name} also carries mail for ${foreignDomains.join(', ')}`;
  }
  return null;
}

function legitimateHybridName(ctx: RuleContext, tenant: Tenant, connector: InboundConnector): { name: string; presenter: Presenter } | null {
  for (const p of ctx.presenters) {
    if (!p.certificate || !sendsToExchangeOnline(p)) continue;
    if (carriesForeignMail(ctx, p, tenant)) continue;
    const m = matchCertificateName(connector.TlsSenderCertificateName!, p.certificate.names);
    if (m && !p.certificate.names[0]?.startsWith('*')) return { name: p.certificate.commonName?.toLowerCase() ?? m.certName, presenter: p };
  }
  return null;
}

export const rule: Rule = {
  id: 'inbound-cert-name-overmatch',
  title: "An OnPremises connector's certificate name matches hosts that send other organizations' mail",
  severity: 'error',
  description: 'A wildcard or shared TlsSenderCertificateName lets Exchange Online attribute mail of other senders to the tenant, which then relays and journals it.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    // Candidates through the index: connectors that some presented certificate matches on behalf
    // of a host that carries other senders' mail. Only those are examined in detail below.
    const candidates = new PresentersByConnector();
    for (const p of ctx.presenters) {
      if (!p.certificate || certificateProblem(p.certificate, ctx.at)) continue;
      for (const h of ctx.simulation.context.index.matchCertificate(p.certificate.names)) {
        const c = h.entry.connector;
        if (c.Enabled && c.ConnectorType === 'OnPremises' && carriesForeignMail(ctx, p, h.entry.tenant)) candidates.add(c, p);
      }
    }
    for (const tenant of ctx.case.tenants) {
      for (const connector of tenant.InboundConnectors) {
        if (!candidates.has(connector) || !connector.TlsSenderCertificateName) continue;
        const evidence: Evidence[] = [{ source: formatSource(connector.provenance), text: `"${connector.Name}" in ${tenant.Name}: TlsSenderCertificateName ${connector.TlsSenderCertificateName}` }];
        const offenders: Presenter[] = [];
        const byCertificate = new Map<string, { cert: string; routes: string[]; why: string; source: string }>();
        for (const p of candidates.get(connector)!) {
          if (!p.certificate || certificateProblem(p.certificate, ctx.at)) continue;
          if (!matchCertificateName(connector.TlsSenderCertificateName, p.certificate.names)) continue;
          const why = carriesForeignMail(ctx, p, tenant);
          if (!why) continue;
          offenders.push(p);
          const label = p.route ? `${p.gateway!.Name} route "${p.route.Name}" from ${p.node!.Name}` : p.label;
          const g = byCertificate.get(p.certificate.Thumbprint);
          if (g) g.routes.push(label);
          else byCertificate.set(p.certificate.Thumbprint, { cert: certificateLabel(p.certificate), routes: [label], why, source: formatSource(p.certificate.provenance) });
        }
        if (offenders.length === 0) continue;
        for (const g of byCertificate.values()) {
          evidence.push({ source: g.source, text: `certificate ${g.cert} matches ${connector.TlsSenderCertificateName} and is presented by ${g.routes.join('; ')}; ${g.why}` });
        }
        const isOffender = (h: Hop): boolean =>
          offenders.some((o) => (h.sender.type === 'gateway-route' && h.sender.route === o.route && h.sender.node === o.node) || (h.sender.type === 'send-connector' && h.sender.connector === o.connector && h.sender.server === o.server));
        const affected = flowsThrough(ctx, connector).filter((f) => f.hops.some((h) => h.eop?.result.connector === connector && h.eop.result.matchedBy === 'certificate' && isOffender(h)));
        for (const f of affected.slice(0, 10)) evidence.push({ source: 'simulation', text: `${f.from} → ${f.to}: attributed to ${tenant.Name} via "${connector.Name}" (${f.outcome})` });
        const legit = legitimateHybridName(ctx, tenant, connector);
        const fix: FixStep[] = [];
        if (legit) {
          if (legit.presenter.connector && legit.presenter.connector.Fqdn?.toLowerCase() !== legit.name) {
            fix.push(presentCertificateStep(legit.presenter, legit.name, 'First make the hybrid route present its dedicated certificate by name'));
          }
          fix.push(setInboundCertificateNameStep(connector.Name, legit.name, 'Then narrow the connector to that one certificate name', tenant.Name));
        } else {
          fix.push(manualStep('certificate authority', `Give the route that should reach ${tenant.Name} a dedicated certificate whose name no other sending host presents, and present it on that route only.`));
          fix.push(setInboundCertificateNameStep(connector.Name, '<that dedicated certificate name>', 'Then set the connector to that exact name', tenant.Name));
        }
        fix.push({ text: 'Principle: a dedicated TLS certificate for each route into Exchange Online; never a wildcard value on an OnPremises connector.' });
        findings.push({
          rule: this.id,
          severity: this.severity,
          title: this.title,
          message: `"${connector.Name}" in ${tenant.Name} accepts certificate name ${connector.TlsSenderCertificateName}, which also matches ${[...byCertificate.values()].map((g) => g.cert).join(', ')}, presented by hosts that send other senders' mail. Mail those hosts send to recipients in Exchange Online is attributed to ${tenant.Name} as its own on-premises mail: it is processed there (journal and transport rules, message trace) and relayed on.`,
          // The misrouted and failing flows it explains are its subjects, so flow-fails does not report them again.
          subjects: [{ type: 'InboundConnector', name: connector.Name, tenant: tenant.Name }, ...failingFlowSubjects(affected, () => true)],
          evidence,
          fix,
          references: [
            'https://learn.microsoft.com/powershell/module/exchangepowershell/set-inboundconnector',
            'https://techcommunity.microsoft.com/t5/exchange-team-blog/updated-requirements-for-smtp-relay-through-exchange-online/ba-p/3851357',
          ],
        });
      }
    }
    return findings;
  },
};
