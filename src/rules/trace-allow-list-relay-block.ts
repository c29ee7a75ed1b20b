import type { Finding, FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EXO } from './support/fix-commands.js';
import { bracketedIp, inboundConnectorsCovering } from './support/status-case-lookups.js';
import { statusesForRule } from './support/status-evidence.js';
import { groupStatuses, statusesShow, statusEvidence, statusSubjects, type StatusGroup } from './support/status-findings.js';
import type { StatusObservation } from '../model/evidence.js';

/**
 * RULES.md v2 `trace-allow-list-relay-block`, NDR-CATALOG [S28]: `550 5.7.1 Unable to Relay:
 * Blocked by Customer Allow list` — the sending IP is on an inbound connector *and* in the
 * connection filter's IP Allow List, and on a block list; Exchange Online refuses to relay for it.
 * The fix is to take the address out of the IP Allow List (the connector already identifies it).
 */

const ID = 'trace-allow-list-relay-block';

/** The sending address: the one the source names, else one written in the reply. */
function sendingIp(o: StatusObservation): string | null {
  return o.clientIp ?? bracketedIp(o.status.text);
}

function blockFinding(rule: Rule, ctx: RuleContext, groups: StatusGroup[]): Finding {
  const ip = sendingIp(groups[0]!.sample);
  const connectors = ip ? inboundConnectorsCovering(ctx.case, ip) : [];
  const onConnector = connectors.length > 0 ? ` ${ip} is in SenderIPAddresses of ${connectors.map((x) => `"${x.connector.Name}" (${x.tenant.Name})`).join(', ')}.` : '';
  const fix: FixStep[] = ip
    ? [
        { text: `See whether ${ip} is in the connection filter's IP Allow List (Exchange Online PowerShell).`, command: 'Get-HostedConnectionFilterPolicy | Format-List Name,IPAllowList', where: EXO },
        { text: `Remove ${ip} from the IP Allow List; the inbound connector already identifies the relay, and an allow-listed address that is also on a block list is refused for relay: Set-HostedConnectionFilterPolicy -Identity Default -IPAllowList @{Remove='${ip}'} (Exchange Online PowerShell).`, where: EXO },
      ]
    : [
        { text: "Find the sending server's public address (the NDR's generating host, the queue's source) and look for it in the connection filter's IP Allow List.", command: 'Get-HostedConnectionFilterPolicy | Format-List Name,IPAllowList', where: EXO },
        { text: 'Remove that address from the IP Allow List with Set-HostedConnectionFilterPolicy -Identity Default -IPAllowList @{Remove=…}, keeping it on the inbound connector.' },
      ];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message:
      `${statusesShow(groups)} "550 5.7.1 Unable to Relay: Blocked by Customer Allow list"${ip ? ` for mail from ${ip}` : ''}: the sending address is on an inbound connector and in the connection filter's IP Allow List, and it is on a block list, so Exchange Online refuses to relay its mail.${onConnector}`,
    subjects: ip ? [{ type: 'Host', name: ip }] : statusSubjects(groups, null),
    evidence: statusEvidence(groups),
    fix,
    references: ['https://learn.microsoft.com/defender-office-365/connection-filter-policies-configure'],
  };
}

export const rule: Rule = {
  id: ID,
  title: 'Relay refused: the sending IP is on the connection filter allow list (Blocked by Customer Allow list)',
  severity: 'error',
  description: "Exchange Online refuses to relay for an address that is on a connector, in the connection filter's IP Allow List and on a block list.",
  run(ctx: RuleContext): Finding[] {
    const groups = statusesForRule(ctx.case, ID).filter((g) => /Blocked by Customer Allow list/i.test(g.sample.status.text));
    return groupStatuses(groups, (o) => sendingIp(o) ?? 'unknown').map((gs) => blockFinding(this, ctx, gs));
  },
};
