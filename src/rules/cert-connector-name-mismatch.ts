import { certificateLabel } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import { matchCertificateName } from '../engine/cert-name-match.js';
import type { Finding, FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { attributionNeeded, certificateScopedConnectors } from './support/attribution-need.js';
import { flowName } from './support/flow-subject.js';
import { psIdentity } from './finding.js';

/**
 * S2: on a route that must be attributed through a certificate-scoped connector (hybrid or
 * relay), the presented certificate's names do not match TlsSenderCertificateName. Routes meant
 * to reach other tenants as ordinary internet mail are exempt (EXO-SEMANTICS M3).
 */
export const rule: Rule = {
  id: 'cert-connector-name-mismatch',
  title: "The presented certificate's names do not match the certificate-scoped connector",
  severity: 'error',
  description: 'The connector never matches this route: relay is rejected with 5.7.64 and hybrid mail arrives anonymous.',
  run(ctx: RuleContext): Finding[] {
    const seen = new Map<string, Finding>();
    const sim = ctx.simulation.context;
    for (const f of ctx.simulation.flows) {
      for (const hop of f.hops) {
        const cert = hop.eop?.connection.certificate;
        if (!hop.eop || !cert) continue;
        const need = attributionNeeded(hop, sim);
        if (!need) continue;
        const scoped = certificateScopedConnectors(need.tenant);
        if (scoped.length === 0) continue;
        if (scoped.some((c) => matchCertificateName(c.TlsSenderCertificateName!, cert.names))) continue;
        const key = `${need.tenant.Name}|${hop.from}|${cert.Thumbprint}`;
        const existing = seen.get(key);
        if (existing) {
          existing.evidence.push({ source: 'simulation', text: `${flowName(f)} (${f.outcome})` });
          continue;
        }
        const c = scoped[0]!;
        const certName = cert.commonName?.toLowerCase() ?? cert.names[0] ?? '';
        const underAccepted = cert.names.some((n) => sim.index.acceptedDomainCovering(need.tenant, n));
        const fix: FixStep[] = [];
        if (underAccepted) {
          fix.push({ text: `Either name the certificate this route presents on the connector.`, command: `Set-InboundConnector -Identity ${psIdentity(c.Name)} -TlsSenderCertificateName ${certName}` });
        }
        fix.push({ text: `${underAccepted ? 'Or' : 'Have'} ${hop.from} present a certificate for ${c.TlsSenderCertificateName}` + (hop.sender.type === 'send-connector' ? ` (Set-SendConnector -Fqdn or -TlsCertificateName on "${hop.sender.connector.Name}").` : '.') });
        if (!underAccepted) fix.push({ text: `The certificate's names (${cert.names.join(', ')}) are not under an accepted domain of ${need.tenant.Name}; relay also needs that (M4).` });
        seen.set(key, {
          rule: this.id,
          severity: this.severity,
          title: this.title,
          message: `${hop.from} presents ${certificateLabel(cert)} (names ${cert.names.join(', ')}) on its ${need.route} route to ${need.tenant.Name}, but "${c.Name}" expects ${c.TlsSenderCertificateName}. ${hop.eop.result.outcome === 'rejected' ? `Exchange Online rejects it: ${hop.eop.result.response}.` : hop.eop.result.connector ? `It is carried by "${hop.eop.result.connector.Name}" instead.` : 'It arrives as anonymous mail.'}`,
          subjects: [{ type: 'InboundConnector', name: c.Name, tenant: need.tenant.Name }, { type: 'Certificate', name: certificateLabel(cert) }],
          evidence: [
            { source: formatSource(c.provenance), text: `"${c.Name}": TlsSenderCertificateName ${c.TlsSenderCertificateName}` },
            { source: formatSource(cert.provenance), text: `${cert.Subject} (${cert.Thumbprint}): ${cert.names.join(', ')}` },
            { source: 'simulation', text: `${flowName(f)} (${f.outcome})` },
          ],
          fix,
          references: ['https://learn.microsoft.com/powershell/module/exchangepowershell/set-inboundconnector'],
        });
      }
    }
    return [...seen.values()];
  },
};
