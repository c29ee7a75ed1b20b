import { EXCHANGE_ONLINE_SMTP_RANGES } from '../data/exchange-online-ip-ranges.js';
import { parseIpRange, type IpRange } from '../engine/ip-address.js';
import { formatSource } from '../model/provenance.js';
import type { Finding } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';

/**
 * S4.6: a receive connector locked to Exchange Online's addresses must hold every current SMTP
 * range (endpoints web service ID 10, EXO-SEMANTICS M7); otherwise connections from the missing
 * ranges land on the default receive connector and hybrid mail arrives anonymous.
 */
function overlaps(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

function covers(list: IpRange[], r: IpRange): boolean {
  return list.some((x) => x.family === r.family && x.start <= r.start && x.end >= r.end);
}

export const rule: Rule = {
  id: 'eop-ip-ranges-outdated',
  title: "A connector scoped to Exchange Online's IP addresses lacks current ranges",
  severity: 'warning',
  description: "Connections from Exchange Online's missing ranges land on another receive connector; hybrid mail arrives anonymous or is refused.",
  run(ctx: RuleContext): Finding[] {
    const current = EXCHANGE_ONLINE_SMTP_RANGES.ranges.map((r) => parseIpRange(r)!);
    const findings: Finding[] = [];
    for (const org of ctx.case.organizations) {
      for (const rc of org.ReceiveConnectors) {
        if (!rc.Enabled || rc.RemoteIPRanges.length === 0) continue;
        const ranges = rc.RemoteIPRanges.map((r) => parseIpRange(r)).filter((r): r is IpRange => r !== null);
        // Only connectors meant for Exchange Online: some of their ranges fall in Microsoft's.
        if (!ranges.some((r) => current.some((c) => overlaps(r, c)))) continue;
        const missing = current.filter((c) => !covers(ranges, c));
        if (missing.length === 0) continue;
        findings.push({
          rule: this.id,
          severity: this.severity,
          title: this.title,
          message: `Receive connector "${rc.Name}" (${org.Name}) accepts Exchange Online's addresses but lacks ${missing.map((m) => m.text).join(', ')} (list of ${EXCHANGE_ONLINE_SMTP_RANGES.takenOn}). Connections from those ranges land on another receive connector, so hybrid mail arrives as anonymous or is refused.`,
          subjects: [{ type: 'ReceiveConnector', name: rc.Name, organization: org.Name }],
          evidence: [{ source: formatSource(rc.provenance), text: `"${rc.Name}": RemoteIPRanges ${rc.RemoteIPRanges.join(', ')}` }],
          fix: [
            { text: 'Add the missing ranges (and apply the same list to firewall rules for TCP 25).', command: `Set-ReceiveConnector -Identity ${psIdentity(rc.Server ? `${rc.Server}\\${rc.Name}` : rc.Name)} -RemoteIPRanges @{Add=${missing.map((m) => `'${m.text}'`).join(',')}}` },
            { text: 'Follow changes through the Microsoft 365 endpoints web service (ID 10, TCP 25).' },
          ],
          references: ['https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges'],
        });
      }
    }
    return findings;
  },
};
