import { certificateLabel } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { certificatesInUse } from './support/certificates-in-use.js';
import { replaceCertificateCandidates } from './support/fix-certificates.js';
import { candidate, certificateWhere, manualStep } from './support/fix-commands.js';
import { failingFlowSubjects } from './support/fix-flow-subjects.js';
import { CREDENTIALS_FAILURE } from '../engine/onprem-to-exo.js';

/**
 * Seed 001: a certificate chosen for TLS without a private key (or one the service cannot read)
 * cannot be used: the server falls back to no certificate or fails the handshake.
 */
export const rule: Rule = {
  id: 'certificate-no-private-key',
  title: 'A certificate chosen for TLS has no usable private key',
  severity: 'error',
  description: 'Without its private key a certificate cannot authenticate a TLS session; the route presents nothing.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const [cert, users] of certificatesInUse(ctx)) {
      if (cert.HasPrivateKey !== false) continue;
      const where = users.some((u) => u.gateway) ? 'gateway administration' : certificateWhere(users[0]?.organization, users.flatMap((u) => (u.server ? [u.server.Name] : [])));
      const candidates = [
        ...replaceCertificateCandidates(ctx, cert, users, null),
        candidate(
          manualStep(where, `Import the certificate again with its private key, from its PFX file (Import-ExchangeCertificate -FileData with the file's bytes and -Password), on ${users.map((u) => u.server?.Name ?? u.node?.Name ?? u.label).join(', ')}.`),
          { text: 'For a gateway running under a service or virtual account, grant that account read access to the private key (certificate store → Manage Private Keys).' },
        ),
      ];
      findings.push({
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `Certificate ${certificateLabel(cert)} (${cert.Thumbprint}) is chosen for TLS by ${users.map((u) => u.label).join('; ')}, but HasPrivateKey is false: the TLS session cannot use it.`,
        // The flows whose send fails on it (M2, KB4051498: queued with 451 4.4.0 … 421 4.4.1).
        subjects: [{ type: 'Certificate', name: certificateLabel(cert) }, ...failingFlowSubjects(ctx.simulation.flows, (f) => f.response === CREDENTIALS_FAILURE && f.hops[f.hops.length - 1]?.presented.thumbprint === cert.Thumbprint)],
        evidence: [{ source: formatSource(cert.provenance), text: `${cert.Subject}: HasPrivateKey False` }, ...users.map((u) => ({ source: formatSource(u.provenance), text: `${u.label} selects it` }))],
        fix: candidates[0]!.steps,
        candidates,
        references: ['https://learn.microsoft.com/powershell/module/exchangepowershell/import-exchangecertificate'],
      });
    }
    return findings;
  },
};
