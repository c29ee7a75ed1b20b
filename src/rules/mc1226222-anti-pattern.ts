import { certificateProblem } from '../engine/certificate-usability.js';
import type { IndexedConnector } from '../engine/connector-index.js';
import { parseIp } from '../engine/ip-address.js';
import type { InboundConnector, Tenant } from '../model/case.js';
import type { Certificate } from '../model/certificate.js';
import { certificateLabel } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import type { Evidence, Finding, FindingSubject, FixStep, Severity } from './finding.js';
import { dedupeSubjects } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EMS, EXO, manualStep } from './support/fix-commands.js';
import { flowName, flowSubject } from './support/flow-subject.js';
import { sendsToExchangeOnline, type Presenter } from './support/presenters.js';

/**
 * RULES.md `mc1226222-anti-pattern`, EXO-SEMANTICS M17 [MC1226222]. Microsoft "may perform
 * internal changes, such as tenant moves, without notice"; such a connector "that works today may
 * unexpectedly stop working". Raised for:
 * (1) an Enabled OnPremises connector matched at M3 step 1 by a certificate whose name is not an
 *     accepted domain of the tenant, nor immediately under one — error when a simulated flow is
 *     attributed through it, else warning (a name under a *higher* accepted domain is
 *     `relay-cert-domain-not-immediate-parent`'s case);
 * (2) the same IP on OnPremises connectors of several tenants — that error is
 *     `connector-identity-matches-several-tenants`' finding and is not repeated here; every other
 *     IP-scoped OnPremises connector gets an info: sharing with tenants outside the case cannot be
 *     checked, certificate scoping is preferred;
 * (3) one send connector or certificate used towards several tenants (error); a certificate that
 *     matches OnPremises connectors of several tenants is again left to
 *     `connector-identity-matches-several-tenants`.
 */

const QUOTE = 'MC1226222: Microsoft "may perform internal changes, such as tenant moves, without notice", and such a connector "that works today may unexpectedly stop working".';
const REFERENCES = ['https://mwpro.co.uk/blog/2026/02/04/updated-prevent-fix-guidance-for-on-premises-connectors-configuration-mc1226222'];
const SEVERAL_TENANTS_RULE = 'connector-identity-matches-several-tenants';

function finding(rule: Rule, severity: Severity, message: string, subjects: FindingSubject[], evidence: Evidence[], fix: FixStep[]): Finding {
  return { rule: rule.id, severity, title: rule.title, message: `${message} ${QUOTE}`, subjects: dedupeSubjects(subjects), evidence, fix, references: REFERENCES };
}

/** (1) Certificate names that match a connector although its tenant accepts neither the name nor its immediate parent, nor anything above. */
function certificateDomainNotAccepted(rule: Rule, ctx: RuleContext): Finding[] {
  const index = ctx.simulation.context.index;
  const found = new Map<InboundConnector, { entry: IndexedConnector; names: Set<string>; presentedBy: Set<string> }>();
  const consider = (cert: Certificate | null, who: string): void => {
    if (!cert || certificateProblem(cert, ctx.at)) return;
    for (const h of index.matchCertificate(cert.names)) {
      const e = h.entry;
      if (!e.activeOnPrem || index.acceptedDomainCovering(e.tenant, h.match.certName) !== null) continue;
      let m = found.get(e.connector);
      if (!m) found.set(e.connector, (m = { entry: e, names: new Set(), presentedBy: new Set() }));
      m.names.add(h.match.certName);
      m.presentedBy.add(who);
    }
  };
  for (const p of ctx.presenters) consider(p.certificate, p.label);
  for (const f of ctx.simulation.flows) for (const h of f.hops) if (h.eop) consider(h.eop.connection.certificate, h.from);
  return [...found.values()].map(({ entry: e, names, presentedBy }) => {
    const depending = ctx.simulation.flows.filter((f) => f.outcome === 'delivered' && f.hops.some((h) => h.eop?.result.connector === e.connector && h.eop.result.matchedBy === 'certificate'));
    const list = [...names].join(', ');
    return finding(
      rule,
      depending.length > 0 ? 'error' : 'warning',
      `Certificate name ${list} matches OnPremises connector "${e.connector.Name}" of ${e.tenant.Name}, but it is not an accepted domain of ${e.tenant.Name} (nor under one). Exchange Online attributes the mail today ` +
        (depending.length > 0 ? `— ${depending.map(flowName).join(', ')} depend${depending.length === 1 ? 's' : ''} on it —` : '(no simulated flow depends on it)') +
        ' but Microsoft names this configuration as one to fix.',
      [{ type: 'InboundConnector', name: e.connector.Name, tenant: e.tenant.Name }, ...depending.map(flowSubject)],
      [
        { source: formatSource(e.connector.provenance), text: `"${e.connector.Name}": TlsSenderCertificateName ${e.connector.TlsSenderCertificateName}` },
        { source: 'simulation', text: `${list} presented by ${[...presentedBy].join(', ')}; accepted domains of ${e.tenant.Name}: ${e.tenant.AcceptedDomains.map((d) => d.DomainName).join(', ')}` },
      ],
      [
        manualStep('certificate authority', `Present a publicly trusted certificate whose name is an accepted domain of ${e.tenant.Name}, or sits immediately under one, on the on-premises send connector to ${e.tenant.Name}.`),
        { text: `Then set TlsSenderCertificateName of "${e.connector.Name}" to that name (Exchange Online PowerShell connected to ${e.tenant.Name}); or add the certificate's domain as a domain of ${e.tenant.Name} if the organization owns it, and run the Hybrid Configuration Wizard again.`, where: EXO },
      ],
    );
  });
}

/** (2) Every IP-scoped OnPremises connector whose addresses no other tenant of the case also uses. */
function ipScopedConnectors(rule: Rule, ctx: RuleContext): Finding[] {
  const index = ctx.simulation.context.index;
  const out: Finding[] = [];
  for (const tenant of ctx.case.tenants) {
    for (const e of index.ipScopedOnPremConnectors(tenant)) {
      const sharedInCase = e.ranges.some((r) => {
        const probe = parseIp(r.text.split(/[/-]/)[0]!);
        return probe !== null && index.matchIp(probe).some((o) => o.activeOnPrem && o.tenant !== tenant);
      });
      if (sharedInCase) continue; // connector-identity-matches-several-tenants reports it as an error.
      const ips = e.ranges.map((r) => r.text).join(', ');
      out.push(
        finding(
          rule,
          'info',
          `OnPremises connector "${e.connector.Name}" of ${tenant.Name} is scoped by IP (${ips}). Other tenants' use of this IP cannot be seen from this case; prefer certificate scoping. ` +
            `If another tenant's OnPremises connector names the same address, Exchange Online's attribution between them is arbitrary (${SEVERAL_TENANTS_RULE}).`,
          [{ type: 'InboundConnector', name: e.connector.Name, tenant: tenant.Name }],
          [{ source: formatSource(e.connector.provenance), text: `"${e.connector.Name}": SenderIPAddresses ${e.connector.SenderIPAddresses.join(', ')}` }],
          [
            manualStep('certificate authority', `Present a publicly trusted certificate whose name is an accepted domain of ${tenant.Name} (or sits immediately under one) on the on-premises send connector to ${tenant.Name}.`),
            { text: `Then scope "${e.connector.Name}" by that certificate (TlsSenderCertificateName, Exchange Online PowerShell connected to ${tenant.Name}) and remove its SenderIPAddresses once mail is attributed by the certificate.`, where: EXO },
          ],
        ),
      );
    }
  }
  return out;
}

/** The tenants a presenter's route delivers to: tenants accepting the domains of its address spaces (`*` names none). */
function targetTenants(ctx: RuleContext, p: Presenter): Tenant[] {
  const index = ctx.simulation.context.index;
  const out = new Set<Tenant>();
  for (const a of p.addressSpaces) {
    if (a.Domain === '*') continue;
    for (const t of index.tenantsAccepting(a.Domain.startsWith('*.') ? a.Domain.slice(2) : a.Domain)) out.add(t);
  }
  return [...out];
}

/** (3) One send connector, or one certificate, carrying mail to several tenants. */
function usedTowardsSeveralTenants(rule: Rule, ctx: RuleContext): Finding[] {
  const index = ctx.simulation.context.index;
  const byConnector = new Map<string, { presenters: Presenter[]; tenants: Set<Tenant> }>();
  const byCertificate = new Map<Certificate, { presenters: Presenter[]; tenants: Set<Tenant> }>();
  for (const p of ctx.presenters) {
    if (!sendsToExchangeOnline(p)) continue;
    const tenants = targetTenants(ctx, p);
    if (tenants.length === 0) continue;
    const key = p.connector && p.organization ? `send\u0000${p.organization.Name}\u0000${p.connector.Name}` : `route\u0000${p.gateway?.Name}\u0000${p.route?.Name}`;
    for (const [map, k] of [[byConnector, key], [byCertificate, p.certificate]] as const) {
      if (k === null) continue;
      const m = map as Map<unknown, { presenters: Presenter[]; tenants: Set<Tenant> }>;
      let g = m.get(k);
      if (!g) m.set(k, (g = { presenters: [], tenants: new Set() }));
      g.presenters.push(p);
      for (const t of tenants) g.tenants.add(t);
    }
  }
  const out: Finding[] = [];
  const perTenantFix = (what: string): FixStep[] => [
    manualStep('certificate authority', `Obtain one publicly trusted certificate per tenant, each named in an accepted domain of its tenant.`),
    { text: `Replace ${what} by one send connector per tenant, each with its own address space and its own certificate (Fqdn or TlsCertificateName), and point each tenant's OnPremises connector (TlsSenderCertificateName) at its own certificate name.`, where: EMS },
  ];
  for (const g of byConnector.values()) {
    if (g.tenants.size < 2) continue;
    const p = g.presenters[0]!;
    const what = p.connector ? `send connector "${p.connector.Name}" (${p.organization?.Name})` : `gateway route "${p.route?.Name}" (${p.gateway?.Name})`;
    const subject: FindingSubject = p.connector && p.organization ? { type: 'SendConnector', name: p.connector.Name, organization: p.organization.Name } : { type: 'GatewayRoute', name: p.route?.Name ?? p.label, ...(p.gateway ? { gateway: p.gateway.Name } : {}) };
    out.push(
      finding(rule, 'error', `${what} delivers to several tenants (${[...g.tenants].map((t) => t.Name).join(', ')}): one on-premises organization feeding several tenants needs a unique client certificate and send connector per tenant.`, [subject], [{ source: formatSource(p.provenance), text: `${what}: address spaces ${p.addressSpaces.map((a) => a.Domain).join(', ')}, smart hosts ${p.smartHosts.join(', ')}` }], perTenantFix(what)),
    );
  }
  for (const [cert, g] of byCertificate) {
    if (g.tenants.size < 2) continue;
    const matchedTenants = new Set(index.matchCertificate(cert.names).filter((h) => h.entry.activeOnPrem).map((h) => h.entry.tenant));
    if (matchedTenants.size >= 2) continue; // connector-identity-matches-several-tenants reports it as an error.
    const routes = [...new Set(g.presenters.map((p) => p.label))];
    if (new Set(g.presenters.map((p) => p.connector ?? p.route)).size < 2) continue; // one route: reported above as a send connector
    out.push(
      finding(
        rule,
        'error',
        `Certificate ${certificateLabel(cert)} (${cert.Thumbprint}) is presented towards several tenants (${[...g.tenants].map((t) => t.Name).join(', ')}) by ${routes.join('; ')}: one on-premises organization feeding several tenants needs a unique client certificate per tenant.`,
        [{ type: 'Certificate', name: certificateLabel(cert) }],
        [{ source: formatSource(cert.provenance), text: `${cert.Subject} (${cert.Thumbprint})` }, ...g.presenters.map((p) => ({ source: formatSource(p.provenance), text: `${p.label} presents it` }))],
        perTenantFix(`the routes that share ${certificateLabel(cert)}`),
      ),
    );
  }
  return out;
}

export const rule: Rule = {
  id: 'mc1226222-anti-pattern',
  title: 'An on-premises connector setup Microsoft asks to change (MC1226222)',
  severity: 'warning',
  description: 'Connectors scoped by a certificate outside the accepted domains, by a shared IP, or one connector or certificate for several tenants work today but may stop working when Microsoft moves tenants.',
  run(ctx: RuleContext): Finding[] {
    return [...certificateDomainNotAccepted(this, ctx), ...ipScopedConnectors(this, ctx), ...usedTowardsSeveralTenants(this, ctx)];
  },
};
