import { certificateLabel } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import { tlsSettingsMode } from '../engine/exo-to-onprem-validation.js';
import type { Finding, FixCandidate } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { candidate, EXO } from './support/fix-commands.js';
import { groupBy } from './support/evidence.js';
import { landedConnector, onPremisesTargets, receiveConnectorSubject } from './support/exo-to-onprem-flows.js';
import { nameToPresent, presentValidCertificateCandidates, targetFailureFinding } from './support/exo-to-onprem-fixes.js';
import { withStatusEvidence } from './support/exo-to-onprem-evidence.js';

/**
 * RULES.md v2 `exo-to-onprem-tls-validation-fails` (EXO-SEMANTICS M8.5/M8.6): the outbound
 * connector validates the certificate the on-premises receive connector presents
 * (CertificateValidation / DomainValidation), and it is self-signed, untrusted, expired, or does
 * not carry TlsDomain — for at least one smart host; Exchange Online defers with 4.7.320 / 4.4.317.
 */
export const rule: Rule = {
  id: 'exo-to-onprem-tls-validation-fails',
  title: "Exchange Online rejects the certificate an on-premises server presents",
  severity: 'error',
  description: 'The hybrid outbound connector validates the on-premises certificate and it fails (SubjectMismatch, UntrustedRoot, expired): mail to on-premises is deferred, then returned after 24 hours.',
  run(ctx: RuleContext): Finding[] {
    const failing = onPremisesTargets(ctx).filter((t) => t.ev.problem === 'validation');
    const findings: Finding[] = [];
    for (const items of groupBy(failing, (t) => `${t.connector?.Name ?? ''}|${t.ev.host}|${t.ev.response}`).values()) {
      const t = items[0]!;
      const rc = landedConnector(t.ev);
      const server = t.ev.server;
      const cert = t.ev.offer?.certificate ?? null;
      if (!rc || !server || !cert || !t.ev.tls) continue;
      const mode = tlsSettingsMode(t.connector);
      const name = nameToPresent(t);
      const what =
        t.ev.tls.validation === 'SubjectMismatch'
          ? `presents ${cert.Subject}, which does not carry ${name}`
          : t.ev.tls.validation === 'UntrustedRoot'
            ? `presents ${cert.Subject}, which ${cert.IsSelfSigned === true ? 'is self-signed' : `does not chain to a trusted root (${cert.trust.reason})`}`
            : `presents ${cert.Subject}, which expired on ${cert.NotAfter}`;
      const candidates: FixCandidate[] = presentValidCertificateCandidates(ctx.simulation.context, t.ev.org!, rc, server, name, ctx.at, `So Exchange Online can validate ${t.ev.host}`);
      if (t.connector && cert.trust.publiclyTrusted && cert.IsSelfSigned !== true && t.ev.tls.validation === 'SubjectMismatch') {
        const certName = cert.names.find((n) => !n.startsWith('*.'));
        if (certName && mode === 'DomainValidation') {
          candidates.push(
            candidate({
              text: `Or, if ${certName} is the name meant, validate it instead of ${name}: set TlsDomain of "${t.connector.Name}" (Exchange Online PowerShell connected to ${t.tenant.Name}).`,
              command: `Set-OutboundConnector -Identity ${psIdentity(t.connector.Name)} -TlsDomain ${certName}`,
              where: EXO,
            }),
          );
        }
      }
      findings.push(
        targetFailureFinding(this, items, {
          cause: [receiveConnectorSubject(rc, t.ev.org)],
          message: `"${t.connector?.Name ?? 'delivery by MX'}" (${t.tenant.Name}, TlsSettings ${mode}) sends to ${t.ev.host}, where Exchange Online lands on "${rc.Name}" on ${server.Name}, which ${what}: ${t.ev.response}.`,
          candidates,
          evidence: [
            { source: formatSource(rc.provenance), text: `"${rc.Name}" on ${server.Name}: ${t.ev.offer?.explanation ?? ''}` },
            { source: 'simulation', text: `${t.ev.host}: certificate ${certificateLabel(cert)} (${cert.Thumbprint}) → ${t.ev.tls.validation}; ${t.ev.response}` },
          ],
          references: [
            'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/set-up-connectors-to-route-mail',
            'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate',
          ],
        }),
      );
    }
    // Evidence (NDR-CATALOG): the rule's statuses confirm these findings, or stand on their own.
    return withStatusEvidence(this, ctx, findings, 'Exchange Online could not validate the certificate the on-premises server presented (TlsSettings CertificateValidation/DomainValidation).');
  },
};
