import { certificateLabel } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import type { Gateway, InboundConnector, Organization, Tenant } from '../model/case.js';
import { matchCertificateName } from '../engine/cert-name-match.js';
import { certificateProblem } from '../engine/certificate-usability.js';
import { ipInRanges, parseIp } from '../engine/ip-address.js';
import { dedupeSubjects, psIdentity, type Evidence, type Finding, type FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { flowName } from './support/flow-subject.js';
import { flowsThrough } from './support/flows-by-connector.js';
import { gatewayClients, isHybridPartner } from './support/hybrid.js';
import { isInternetRoute, PresentersByConnector, type Presenter } from './support/presenters.js';
import { unusableForMatching } from './support/fix-certificates.js';
import { manualStep, setInboundCertificateNameStep } from './support/fix-commands.js';
import { failingFlowSubjects } from './support/fix-flow-subjects.js';

/**
 * S3 (seed 003): the identity that matches the tenant's OnPremises connector is also presented on
 * the route that carries the tenant's own mail to the internet. Mail to other Exchange Online
 * tenants then comes back attributed to the sending tenant and is discarded (EXO-SEMANTICS M5).
 */

/** Whether the tenant's own users' internet mail takes this route. */
function carriesTenantMail(ctx: RuleContext, p: Presenter, tenant: Tenant): boolean {
  if (p.organization) return isHybridPartner(p.organization, tenant);
  if (p.gateway) {
    const clients = gatewayClients(ctx.case, ctx.simulation.context, p.gateway);
    return clients.tenants.includes(tenant) || clients.organizations.some((o) => isHybridPartner(o, tenant));
  }
  return false;
}

export const rule: Rule = {
  id: 'shared-identity-tenant-and-internet-route',
  title: "The tenant's connector identity is also presented on its internet route",
  severity: 'error',
  description: 'Mail from the tenant to other Exchange Online tenants is attributed back to the sending tenant and silently lost.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const index = ctx.simulation.context.index;
    // Candidates through the index: connectors an internet route's certificate or IP matches.
    const candidates = new PresentersByConnector();
    for (const p of ctx.presenters) {
      if (!isInternetRoute(p)) continue;
      const entries = [...(p.certificate && !certificateProblem(p.certificate, ctx.at) ? index.matchCertificate(p.certificate.names).map((h) => h.entry) : []), ...(p.ip && parseIp(p.ip) ? index.matchIp(parseIp(p.ip)!) : [])];
      for (const e of entries) if (e.connector.Enabled && e.connector.ConnectorType === 'OnPremises' && carriesTenantMail(ctx, p, e.tenant)) candidates.add(e.connector, p);
    }
    for (const tenant of ctx.case.tenants) {
      for (const connector of tenant.InboundConnectors) {
        if (!candidates.has(connector)) continue;
        const evidence: Evidence[] = [];
        const routes: Presenter[] = [];
        let selfSigned = false;
        for (const p of candidates.get(connector)!) {
          if (!isInternetRoute(p) || !carriesTenantMail(ctx, p, tenant)) continue;
          let identity: string | null = null;
          if (connector.TlsSenderCertificateName && p.certificate && !certificateProblem(p.certificate, ctx.at) && matchCertificateName(connector.TlsSenderCertificateName, p.certificate.names)) {
            identity = `certificate ${certificateLabel(p.certificate)} (matches TlsSenderCertificateName ${connector.TlsSenderCertificateName})`;
          } else if (p.ip && connector.SenderIPAddresses.length > 0 && ipInRanges(p.ip, connector.SenderIPAddresses)) {
            identity = `source IP ${p.ip} (in SenderIPAddresses ${connector.SenderIPAddresses.join(', ')})`;
            if (p.certificate?.IsSelfSigned) selfSigned = true;
          }
          if (!identity) continue;
          routes.push(p);
          evidence.push({ source: formatSource(p.provenance), text: `${p.label} delivers by MX and presents ${identity}` });
        }
        if (routes.length === 0) continue;
        const lost = flowsThrough(ctx, connector).filter((f) => f.outcome === 'dropped');
        for (const f of lost.slice(0, 10)) evidence.push({ source: 'simulation', text: `${flowName(f)}: dropped after coming back to ${tenant.Name} via "${connector.Name}"` });
        const byCert = connector.TlsSenderCertificateName !== null && evidence.some((e) => e.text.includes('certificate'));
        const fix: FixStep[] = byCert
          ? [
              manualStep(routes.some((r) => r.gateway) ? 'gateway administration' : 'Exchange Management Shell', `Give the internet route (${routes.map((r) => r.label).join('; ')}) its own publicly trusted certificate whose names do not match ${connector.TlsSenderCertificateName}; keep the matching certificate on the route to ${tenant.Name} only. The inbound connector can stay as it is.`),
            ]
          : ipScopingFix(ctx, tenant, connector, routes);
        if (selfSigned) fix.push({ text: 'The routes present a self-signed certificate: certificate scoping needs a publicly trusted certificate (a self-signed one never matches).' });
        findings.push({
          rule: this.id,
          severity: this.severity,
          title: this.title,
          message: `The identity that makes Exchange Online attribute mail to ${tenant.Name} through "${connector.Name}" is also presented on the internet route of ${tenant.Name}'s own mail. Messages from ${tenant.Name} to recipients in other Exchange Online tenants come back attributed to ${tenant.Name} and are discarded without a non-delivery report; the sending gateway logs success.`,
          subjects: dedupeSubjects([
            { type: 'InboundConnector', name: connector.Name, tenant: tenant.Name },
            ...routes.map((r) => (r.route ? { type: 'GatewayRoute', name: r.route.Name, gateway: r.gateway!.Name } : { type: 'SendConnector', name: r.connector!.Name, organization: r.organization!.Name })),
            // The mail it loses is explained here, not again by flow-fails.
            ...failingFlowSubjects(lost, () => true),
          ]),
          evidence,
          fix,
          references: ['https://granikos.eu/email-delivery-fails-for-other-office-365-tenant/', 'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/set-up-connectors-to-route-mail'],
        });
      }
    }
    return findings;
  },
};

/**
 * IP-scoped connector: move it to certificate scoping with a certificate the estate already
 * presents on the route to the tenant only — publicly trusted and valid (M3), and not matched by
 * anything the internet routes present; else say what to obtain, without a command to guess.
 */
/**
 * The routes that may carry the tenant's mail: those of its hybrid partner organizations (found
 * through the tenant's accepted domains) and of every gateway. A provider's estate has tens of
 * thousands of routes; looking at all of them for each finding would be quadratic.
 */
function presentersOfPartners(ctx: RuleContext, tenant: Tenant): Presenter[] {
  let byPlace = presentersByPlace.get(ctx.presenters);
  if (!byPlace) {
    byPlace = new Map();
    for (const p of ctx.presenters) {
      const place = p.organization ?? p.gateway;
      if (!place) continue;
      const list = byPlace.get(place);
      if (list) list.push(p);
      else byPlace.set(place, [p]);
    }
    presentersByPlace.set(ctx.presenters, byPlace);
  }
  const out: Presenter[] = [];
  const orgs = new Set<Organization>();
  for (const d of tenant.AcceptedDomains) for (const o of ctx.simulation.context.organizationsByDomain.get(d.DomainName) ?? []) orgs.add(o);
  for (const o of orgs) out.push(...(byPlace.get(o) ?? []));
  for (const g of ctx.case.gateways) out.push(...(byPlace.get(g) ?? []));
  return out;
}

const presentersByPlace = new WeakMap<readonly Presenter[], Map<Organization | Gateway, Presenter[]>>();

function ipScopingFix(ctx: RuleContext, tenant: Tenant, connector: InboundConnector, routes: Presenter[]): FixStep[] {
  const internetNames = routes.flatMap((r) => r.certificate?.names ?? []);
  for (const p of presentersOfPartners(ctx, tenant)) {
    if (isInternetRoute(p) || !p.certificate || unusableForMatching(p.certificate, ctx.at) !== null || !carriesTenantMail(ctx, p, tenant)) continue;
    const name = p.certificate.names.find((n) => !n.startsWith('*') && ctx.simulation.context.index.acceptedDomainCovering(tenant, n) && !matchCertificateName(n, internetNames));
    if (!name) continue;
    return [setInboundCertificateNameStep(connector.Name, name, `Scope "${connector.Name}" by the certificate only ${p.label} presents`, tenant.Name), {
      text: `Then remove the shared address ${routes[0]!.ip} from the connector.`,
      command: `Set-InboundConnector -Identity ${psIdentity(connector.Name)} -SenderIPAddresses $null`,
      where: 'Exchange Online PowerShell',
    }];
  }
  return [
    manualStep(routes.some((r) => r.gateway) ? 'gateway administration' : 'firewall', `Send the internet route from a different source IP than ${routes[0]!.ip}, or present a publicly trusted certificate only on the route to ${tenant.Name}.`),
    setInboundCertificateNameStep(connector.Name, '<the name of that dedicated certificate>', `For certificate scoping, name the dedicated certificate on "${connector.Name}" and then remove the shared IP (Set-InboundConnector -SenderIPAddresses $null)`, tenant.Name),
  ];
}
