import { formatSource } from '../model/provenance.js';
import { relayPermission } from '../engine/exo-to-onprem.js';
import { RELAY_DENIED, RELAY_DENIED_2010 } from '../engine/exo-to-onprem-validation.js';
import type { Finding, FixCandidate } from './finding.js';
import { dedupeSubjects, psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { candidate, EMS } from './support/fix-commands.js';
import { groupBy } from './support/evidence.js';
import { flowSubjects, landedConnector, onPremisesTargets, outboundConnectorSubject, receiveConnectorIdentity, receiveConnectorSubject } from './support/exo-to-onprem-flows.js';
import { capabilityFor, CLOUD_CAPABILITY_DOMAIN } from './support/exo-to-onprem-fixes.js';
import { withStatusEvidence } from './support/exo-to-onprem-evidence.js';

const RELAY_TEXTS = new Set([RELAY_DENIED, RELAY_DENIED_2010]);

/**
 * RULES.md v2 `cmt-inbound-relay-denied` (EXO-SEMANTICS M14, [TR]): with centralized mail
 * transport, cloud mailboxes' internet mail goes through on-premises, and the receive connector
 * Exchange Online lands on must let it relay — a TLS session granted AcceptCloudServicesMail
 * (2013+), or Exchange 2010's EOP-scoped connector with the relay permission. Otherwise
 * `550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain` / `550 5.7.1 Unable to relay`.
 */
export const rule: Rule = {
  id: 'cmt-inbound-relay-denied',
  title: 'On-premises refuses to relay mail of cloud mailboxes (centralized mail transport)',
  severity: 'error',
  description: 'RouteAllMessagesViaOnPremises sends cloud mailboxes\' internet mail through on-premises, and the receive connector Exchange Online lands on does not let it relay: the mail is rejected.',
  run(ctx: RuleContext): Finding[] {
    const denied = onPremisesTargets(ctx).filter(
      (t) =>
        t.connector?.RouteAllMessagesViaOnPremises === true &&
        t.ev.problem === null &&
        landedConnector(t.ev) !== null &&
        (RELAY_TEXTS.has(t.flow.response ?? '') || (t.flow.targets ?? []).some((x) => RELAY_TEXTS.has(x.response ?? ''))) &&
        !relayPermission(t.ev).allowed,
    );
    const findings: Finding[] = [];
    for (const items of groupBy(denied, (t) => `${t.ev.org!.Name}|${t.ev.server?.Name}|${landedConnector(t.ev)!.Name}`).values()) {
      const t = items[0]!;
      const rc = landedConnector(t.ev)!;
      const server = t.ev.server!;
      const verdict = relayPermission(t.ev);
      const cap = capabilityFor(server);
      const candidates: FixCandidate[] = [
        candidate({
          text: `Grant Exchange Online's TLS sessions on "${rc.Name}" (${server.Name}) the ${cap} capability, as the Hybrid Configuration Wizard does, so mail of cloud mailboxes may be relayed to the internet.`,
          command: `Set-ReceiveConnector -Identity ${receiveConnectorIdentity(rc, server.Name)} -TlsDomainCapabilities @{Add=${psQuote(`${CLOUD_CAPABILITY_DOMAIN}:${cap}`)}}`,
          where: EMS,
        }),
      ];
      findings.push({
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message:
          `"${t.connector!.Name}" (${t.tenant.Name}) has RouteAllMessagesViaOnPremises $true, so mail of cloud mailboxes to the internet goes through ${server.Name}, where it lands on "${rc.Name}". ${verdict.explanation} ` +
          `${server.Name} answers ${verdict.response} at RCPT TO, and Exchange Online returns the message to the sender.`,
        subjects: dedupeSubjects([receiveConnectorSubject(rc, t.ev.org), ...outboundConnectorSubject(t), ...flowSubjects(items)]),
        evidence: [{ source: formatSource(rc.provenance), text: `"${rc.Name}": TlsDomainCapabilities ${JSON.stringify(rc.extra.TlsDomainCapabilities ?? [])}, AuthMechanism ${rc.AuthMechanism ?? '(default)'}` }],
        fix: candidates[0]!.steps,
        candidates,
        references: ['https://learn.microsoft.com/exchange/transport-routing'],
      });
    }
    // Evidence (NDR-CATALOG): the rule's statuses confirm these findings, or stand on their own.
    return withStatusEvidence(this, ctx, findings, 'the on-premises receive connector Exchange Online lands on refused to relay mail of cloud mailboxes.', (g) => !/Blocked by Customer Allow list/i.test(g.sample.status.text));
  },
};
