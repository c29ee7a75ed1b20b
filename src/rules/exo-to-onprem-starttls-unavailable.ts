import { formatSource } from '../model/provenance.js';
import { tlsSettingsMode } from '../engine/exo-to-onprem-validation.js';
import type { Finding, FixCandidate } from './finding.js';
import { psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { candidate, EMS } from './support/fix-commands.js';
import { groupBy } from './support/evidence.js';
import { landedConnector, onPremisesTargets, receiveConnectorIdentity, receiveConnectorSubject } from './support/exo-to-onprem-flows.js';
import { nameToPresent, presentValidCertificateCandidates, targetFailureFinding } from './support/exo-to-onprem-fixes.js';
import { withStatusEvidence } from './support/exo-to-onprem-evidence.js';

/**
 * RULES.md v2 `exo-to-onprem-starttls-unavailable` (EXO-SEMANTICS M8.4/M8.6, [KB2989382]): the
 * outbound connector requires TLS and the receive connector Exchange Online lands on offers no
 * STARTTLS — AuthMechanism without Tls, a TlsCertificateName naming a missing certificate, or no
 * eligible certificate: `450 4.4.317 … [Message=451 5.7.3 STARTTLS is required to send mail]`.
 */
export const rule: Rule = {
  id: 'exo-to-onprem-starttls-unavailable',
  title: 'The on-premises receive connector offers no STARTTLS to Exchange Online',
  severity: 'error',
  description: 'The hybrid outbound connector requires TLS, and the receive connector it lands on does not offer STARTTLS: mail to on-premises is deferred, then returned after 24 hours.',
  run(ctx: RuleContext): Finding[] {
    const failing = onPremisesTargets(ctx).filter((t) => t.ev.problem === 'starttls');
    const findings: Finding[] = [];
    for (const items of groupBy(failing, (t) => `${t.connector?.Name ?? ''}|${t.ev.host}`).values()) {
      const t = items[0]!;
      const rc = landedConnector(t.ev);
      const server = t.ev.server;
      const offer = t.ev.offer;
      if (!rc || !server || !offer) continue;
      const candidates: FixCandidate[] = [];
      if (offer.noStarttls === 'no-tls-auth') {
        const mechanisms = [...(rc.AuthMechanism ?? '').split(/[\s,]+/).filter((m) => m !== '' && m.toLowerCase() !== 'none'), 'Tls'];
        candidates.push(
          candidate({
            text: `Offer STARTTLS on "${rc.Name}" (${server.Name}): add Tls to its AuthMechanism.`,
            command: `Set-ReceiveConnector -Identity ${receiveConnectorIdentity(rc, server.Name)} -AuthMechanism ${psQuote(mechanisms.join(', '))}`,
            where: EMS,
          }),
        );
      }
      candidates.push(...presentValidCertificateCandidates(ctx.simulation.context, t.ev.org!, rc, server, nameToPresent(t), ctx.at, `So "${rc.Name}" offers STARTTLS with a certificate Exchange Online accepts`));
      findings.push(
        targetFailureFinding(this, items, {
          cause: [receiveConnectorSubject(rc, t.ev.org)],
          message: `"${t.connector?.Name ?? 'delivery by MX'}" (${t.tenant.Name}, TlsSettings ${tlsSettingsMode(t.connector)}) requires TLS towards ${t.ev.host}, but "${rc.Name}" on ${server.Name} offers no STARTTLS: ${offer.explanation} Exchange Online defers with ${t.ev.response}.`,
          candidates,
          evidence: [{ source: formatSource(rc.provenance), text: `"${rc.Name}" on ${server.Name}: AuthMechanism ${rc.AuthMechanism ?? '(default)'}, TlsCertificateName ${rc.TlsCertificateName ?? '$null'}, Fqdn ${rc.Fqdn ?? '$null'}` }],
          references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate'],
        }),
      );
    }
    // Evidence (NDR-CATALOG): the rule's statuses confirm these findings, or stand on their own.
    return withStatusEvidence(this, ctx, findings, 'the outbound connector requires TLS and the on-premises receive connector offered no STARTTLS.');
  },
};
