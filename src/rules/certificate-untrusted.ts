import { certificateLabel } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { certificatesInUse } from './support/certificates-in-use.js';
import { replaceCertificateCandidates } from './support/fix-certificates.js';
import { failingFlowSubjects, presentsCertificate } from './support/fix-flow-subjects.js';

/**
 * S2/S3: a certificate used to match a certificate-scoped connector is self-signed or not from a
 * publicly trusted CA. Exchange Online requires a CA-issued certificate; an untrusted one or an
 * incomplete chain gives 550 5.7.64 (EXO-SEMANTICS M3).
 */
export const rule: Rule = {
  id: 'certificate-untrusted',
  title: 'A certificate meant to match a certificate-scoped connector is not publicly trusted',
  severity: 'error',
  description: 'Self-signed or privately issued certificates never match a certificate-scoped connector in Exchange Online.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const index = ctx.simulation.context.index;
    for (const [cert, users] of certificatesInUse(ctx)) {
      if (cert.trust.publiclyTrusted) continue;
      const hits = index.matchCertificate(cert.names).filter((h) => h.entry.connector.Enabled && h.entry.connector.ConnectorType === 'OnPremises');
      if (hits.length === 0) continue;
      const candidates = replaceCertificateCandidates(ctx, cert, users, `Replace it with a certificate for ${cert.names.join(', ')} from a public CA, with its full chain installed`);
      findings.push({
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `Certificate ${certificateLabel(cert)} is not publicly trusted (${cert.trust.reason}). Its name matches ${hits.map((h) => `"${h.entry.connector.Name}" of ${h.entry.tenant.Name}`).join(', ')}, but Exchange Online does not accept it, so the connector does not match ${users.map((u) => u.label).join('; ')}.`,
        subjects: [
          { type: 'Certificate', name: certificateLabel(cert) },
          ...hits.map((h) => ({ type: 'InboundConnector', name: h.entry.connector.Name, tenant: h.entry.tenant.Name })),
          ...failingFlowSubjects(ctx.simulation.flows, (f) => presentsCertificate(f, cert.Thumbprint)),
        ],
        evidence: [{ source: formatSource(cert.provenance), text: `${cert.Subject}, issued by ${cert.Issuer}: ${cert.trust.reason}` }, ...users.map((u) => ({ source: formatSource(u.provenance), text: `${u.label} presents it` }))],
        fix: candidates[0]!.steps,
        candidates,
        references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/tenantattribution-ndr', 'https://learn.microsoft.com/exchange/certificate-requirements'],
      });
    }
    return findings;
  },
};
