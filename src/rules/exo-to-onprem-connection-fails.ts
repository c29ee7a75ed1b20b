import type { ReceiveConnector } from '../model/case.js';
import { formatSource } from '../model/provenance.js';
import { EXCHANGE_ONLINE_SMTP_RANGES } from '../data/exchange-online-ip-ranges.js';
import { EXCHANGE_ONLINE_SOURCE_IP } from '../engine/exchange-online-identity.js';
import { effectiveBindings, receiveConnectorsOf } from '../engine/receive-connector-landing.js';
import type { Finding, FindingSubject, FixCandidate } from './finding.js';
import { psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { candidate, EMS, manualStep } from './support/fix-commands.js';
import { groupBy } from './support/evidence.js';
import { onPremisesTargets, receiveConnectorIdentity, receiveConnectorSubject, type OnPremisesTarget } from './support/exo-to-onprem-flows.js';
import { targetFailureFinding } from './support/exo-to-onprem-fixes.js';
import { withStatusEvidence } from './support/exo-to-onprem-evidence.js';

/**
 * RULES.md v2 `exo-to-onprem-connection-fails` (EXO-SEMANTICS M8.1–M8.3, [MFI]): a smart host of
 * the outbound connector does not resolve (450 4.4.312), or no receive connector on the target
 * server accepts Exchange Online's source addresses (450 4.4.317).
 */
export const rule: Rule = {
  id: 'exo-to-onprem-connection-fails',
  title: 'Exchange Online cannot connect to an on-premises smart host',
  severity: 'error',
  description: 'A smart host of the hybrid outbound connector does not resolve, or no receive connector on it accepts Exchange Online: mail to on-premises is deferred, then returned after 24 hours.',
  run(ctx: RuleContext): Finding[] {
    const failing = onPremisesTargets(ctx).filter((t) => t.ev.problem === 'dns' || t.ev.problem === 'no-connector');
    const findings: Finding[] = [];
    for (const items of groupBy(failing, (t) => `${t.connector?.Name ?? ''}|${t.ev.host}|${t.ev.problem}`).values()) {
      const t = items[0]!;
      findings.push(t.ev.problem === 'dns' ? dnsFinding(this, t, items) : noConnectorFinding(this, t, items));
    }
    // Evidence (NDR-CATALOG): the rule's statuses confirm these findings, or stand on their own.
    return withStatusEvidence(this, ctx, findings, 'Exchange Online could not connect to the on-premises smart host.');
  },
};

/** Targets of one smart host failing the same way. */
function base(r: Rule, items: OnPremisesTarget[], cause: FindingSubject[], message: string, candidates: FixCandidate[], evidence: Finding['evidence']): Finding {
  return targetFailureFinding(r, items, {
    cause,
    message,
    candidates,
    evidence,
    references: ['https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-450-44312-dns-query-failed'],
  });
}

function dnsFinding(r: Rule, t: OnPremisesTarget, items: OnPremisesTarget[]): Finding {
  return base(
    r,
    items,
    [],
    `"${t.connector?.Name ?? 'delivery by MX'}" (${t.tenant.Name}) sends to ${t.ev.host}, which is no server of the case and has no A record in the case's DNS: ${t.ev.response}.`,
    [candidate(manualStep('DNS', `Publish an A record for ${t.ev.host} pointing at the public address of the on-premises server Exchange Online should reach, or correct the smart host name on "${t.connector?.Name ?? 'the outbound connector'}".`))],
    [{ source: t.connector ? formatSource(t.connector.provenance) : 'simulation', text: `SmartHosts ${t.connector?.SmartHosts.join(', ') ?? t.ev.host}` }],
  );
}

/** The connector to open to Exchange Online: the server's Default Frontend, else its first port-25 connector. */
function portConnector(all: ReceiveConnector[]): ReceiveConnector | null {
  const on25 = all.filter((rc) => effectiveBindings(rc).bindings.some((b) => b.port === 25));
  return on25.find((rc) => /^default frontend/i.test(rc.Name)) ?? on25[0] ?? null;
}

function noConnectorFinding(r: Rule, t: OnPremisesTarget, items: OnPremisesTarget[]): Finding {
  const server = t.ev.server!;
  const org = t.ev.org!;
  const rc = portConnector(receiveConnectorsOf(org, server));
  const candidates: FixCandidate[] = [];
  if (rc && !rc.Enabled) {
    candidates.push(candidate({ text: `Enable "${rc.Name}" on ${server.Name}, the connector that listens on port 25.`, command: `Set-ReceiveConnector -Identity ${receiveConnectorIdentity(rc, server.Name)} -Enabled $true`, where: EMS }));
  } else if (rc) {
    const add = EXCHANGE_ONLINE_SMTP_RANGES.ranges.map(psQuote).join(',');
    candidates.push(
      candidate({
        text: `Let Exchange Online's addresses (Microsoft 365 endpoints, ID 10) connect to "${rc.Name}" on ${server.Name}.`,
        command: `Set-ReceiveConnector -Identity ${receiveConnectorIdentity(rc, server.Name)} -RemoteIPRanges @{Add=${add}}`,
        where: EMS,
      }),
    );
  }
  return base(
    r,
    items,
    rc ? [receiveConnectorSubject(rc, org)] : [{ type: 'ExchangeServer', name: server.Name, organization: org.Name }],
    `"${t.connector?.Name ?? 'delivery by MX'}" (${t.tenant.Name}) sends to ${t.ev.host} (${server.Name}), where no enabled receive connector on port 25 accepts Exchange Online's address ${EXCHANGE_ONLINE_SOURCE_IP}: ${t.ev.response}.`,
    candidates,
    [{ source: 'simulation', text: t.ev.landing?.explanation ?? '' }],
  );
}
