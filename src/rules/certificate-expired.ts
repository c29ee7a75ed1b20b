import { certificateLabel, certificateTimeStatus } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { certificatesInUse } from './support/certificates-in-use.js';
import { replaceCertificateCandidates } from './support/fix-certificates.js';
import { failingFlowSubjects, presentsCertificate } from './support/fix-flow-subjects.js';

/**
 * S2: a certificate in use is past NotAfter (or before NotBefore) at the evaluation time. An
 * expired certificate is still presented when TlsCertificateName names it (M2) and Exchange
 * Online refuses it for attribution (M3): 550 5.7.64 on relay.
 */
export const rule: Rule = {
  id: 'certificate-expired',
  title: 'A certificate in use has expired or is not yet valid',
  severity: 'error',
  description: 'Exchange Online does not accept an expired certificate for connector matching; partners may refuse TLS.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const [cert, users] of certificatesInUse(ctx)) {
      const status = certificateTimeStatus(cert, ctx.at);
      if (status !== 'expired' && status !== 'not-yet-valid') continue;
      const candidates = replaceCertificateCandidates(ctx, cert, users, `Renew the certificate for ${cert.names.join(', ')}`);
      const when = status === 'expired' ? `expired on ${cert.NotAfter}` : `is not valid before ${cert.NotBefore}`;
      findings.push({
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `Certificate ${certificateLabel(cert)} (${cert.Thumbprint}) ${when} (evaluated at ${ctx.at.toISOString()}), yet ${users.map((u) => u.label).join('; ')} present${users.length === 1 ? 's' : ''} it. Exchange Online will not match it to a certificate-scoped connector.`,
        subjects: [{ type: 'Certificate', name: certificateLabel(cert) }, ...failingFlowSubjects(ctx.simulation.flows, (f) => presentsCertificate(f, cert.Thumbprint))],
        evidence: [{ source: formatSource(cert.provenance), text: `${cert.Subject}; NotBefore ${cert.NotBefore}; NotAfter ${cert.NotAfter}` }, ...users.map((u) => ({ source: formatSource(u.provenance), text: `${u.label} presents it` }))],
        fix: candidates[0]!.steps,
        candidates,
        references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/tenantattribution-ndr'],
      });
    }
    return findings;
  },
};
