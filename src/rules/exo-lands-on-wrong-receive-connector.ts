import type { ReceiveConnector } from '../model/case.js';
import { formatSource } from '../model/provenance.js';
import { grantsTlsDomainCapability } from '../model/receive-connector-settings.js';
import { EXCHANGE_ONLINE_SOURCE_IP } from '../engine/exchange-online-identity.js';
import { parseIp, parseIpRange, rangeContains } from '../engine/ip-address.js';
import { receiveConnectorsOf } from '../engine/receive-connector-landing.js';
import type { Finding, FixCandidate } from './finding.js';
import { dedupeSubjects, psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { candidate, EMS } from './support/fix-commands.js';
import { groupBy } from './support/evidence.js';
import { flowSubjects, landedConnector, onPremisesTargets, outboundConnectorSubject, receiveConnectorIdentity, receiveConnectorSubject } from './support/exo-to-onprem-flows.js';
import { CLOUD_CAPABILITY_DOMAIN } from './support/exo-to-onprem-fixes.js';

/**
 * RULES.md v2 `exo-lands-on-wrong-receive-connector` (EXO-SEMANTICS M8.3, M10, [SRC]): Exchange
 * Online's addresses land (most specific RemoteIPRanges, Bindings) on a receive connector other
 * than the one the Hybrid Configuration Wizard configured for it — typically a relay connector
 * whose ranges cover Exchange Online's — so the hybrid certificate and trust settings are not used.
 */

/** The wizard's mark on a connector: it grants mail.protection.outlook.com the cross-premises capability (M10). */
function configuredForExchangeOnline(rc: ReceiveConnector): boolean {
  return grantsTlsDomainCapability(rc, CLOUD_CAPABILITY_DOMAIN, 'AcceptCloudServicesMail') === true || grantsTlsDomainCapability(rc, CLOUD_CAPABILITY_DOMAIN, 'AcceptOorgProtocol') === true;
}

const ALL_ADDRESSES = new Set(['0.0.0.0-255.255.255.255', '0.0.0.0/0']);

/** The connector's ranges that hold Exchange Online's source address. */
function eopRanges(rc: ReceiveConnector): string[] {
  const ip = parseIp(EXCHANGE_ONLINE_SOURCE_IP)!;
  return rc.RemoteIPRanges.filter((t) => {
    const r = parseIpRange(t);
    return r !== null && rangeContains(r, ip);
  });
}

export const rule: Rule = {
  id: 'exo-lands-on-wrong-receive-connector',
  title: 'Exchange Online lands on a receive connector not configured for it',
  severity: 'warning',
  description: "Exchange Online's addresses match a more specific receive connector than the one the Hybrid Configuration Wizard configured, so hybrid TLS and trust settings do not apply.",
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const targets = onPremisesTargets(ctx).filter((t) => {
      const rc = landedConnector(t.ev);
      return rc !== null && t.ev.server !== null && !configuredForExchangeOnline(rc);
    });
    for (const items of groupBy(targets, (t) => `${t.ev.org!.Name}|${t.ev.server!.Name}|${landedConnector(t.ev)!.Name}`).values()) {
      const t = items[0]!;
      const rc = landedConnector(t.ev)!;
      const server = t.ev.server!;
      const intended = receiveConnectorsOf(t.ev.org!, server).find((c) => c !== rc && c.Enabled && configuredForExchangeOnline(c));
      if (!intended) continue;
      const candidates: FixCandidate[] = [];
      const covering = eopRanges(rc).filter((r) => !ALL_ADDRESSES.has(r.replace(/\s+/g, '')));
      if (covering.length > 0) {
        candidates.push(
          candidate({
            text: `Take Exchange Online's addresses out of "${rc.Name}" on ${server.Name}, so its connections land on "${intended.Name}" (check first that no system of yours sends from ${covering.join(', ')}).`,
            command: `Set-ReceiveConnector -Identity ${receiveConnectorIdentity(rc, server.Name)} -RemoteIPRanges @{Remove=${covering.map(psQuote).join(',')}}`,
            where: EMS,
          }),
        );
      }
      findings.push({
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message:
          `Exchange Online's connections to ${t.ev.host} land on "${rc.Name}" on ${server.Name} (its RemoteIPRanges hold ${EXCHANGE_ONLINE_SOURCE_IP} most specifically), not on "${intended.Name}", which the Hybrid Configuration Wizard configured ` +
          `(TlsDomainCapabilities ${CLOUD_CAPABILITY_DOMAIN}${intended.TlsCertificateName ? ', TlsCertificateName' : ''}). Mail from Exchange Online gets "${rc.Name}"'s certificate and permissions: it arrives as anonymous, and relay for cloud mailboxes may be refused.`,
        subjects: dedupeSubjects([receiveConnectorSubject(rc, t.ev.org), receiveConnectorSubject(intended, t.ev.org), ...outboundConnectorSubject(t), ...flowSubjects(items)]),
        evidence: [
          { source: formatSource(rc.provenance), text: `"${rc.Name}": RemoteIPRanges ${rc.RemoteIPRanges.join(', ')}` },
          { source: formatSource(intended.provenance), text: `"${intended.Name}": configured for Exchange Online` },
        ],
        fix: candidates[0]?.steps ?? [{ text: `Narrow the RemoteIPRanges of "${rc.Name}" so that Exchange Online's addresses (Microsoft 365 endpoints, ID 10) land on "${intended.Name}".`, where: EMS }],
        ...(candidates.length > 0 ? { candidates } : {}),
        references: ['https://learn.microsoft.com/exchange/mail-flow/connectors/receive-connectors'],
      });
    }
    return findings;
  },
};
