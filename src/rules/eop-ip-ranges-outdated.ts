import { EXCHANGE_ONLINE_SMTP_RANGES } from '../data/exchange-online-ip-ranges.js';
import { parseIpRange, type IpRange } from '../engine/ip-address.js';
import type { Case } from '../model/case.js';
import { formatSource } from '../model/provenance.js';
import type { Evidence, Finding } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EMS } from './support/fix-commands.js';

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

/**
 * The ranges to hold: those of an endpoints web service copy in the case (fresher, and the
 * admin's own), else the shipped list. `label` says which, with its date or version.
 */
function currentList(c: Case): { ranges: string[]; label: string; evidence: Evidence | null } {
  const fromCase = c.exchangeOnlineIpRanges;
  if (!fromCase) {
    const shipped = EXCHANGE_ONLINE_SMTP_RANGES;
    return { ranges: [...shipped.ranges], label: `shipped list taken ${shipped.takenOn}, ${shipped.endpointsVersion}`, evidence: null };
  }
  const version = fromCase.version === null ? 'version unknown' : `${fromCase.instance ?? 'instance unknown'} version ${fromCase.version}`;
  const sets = fromCase.endpointSetIds.join(', ');
  return {
    ranges: fromCase.ranges,
    label: `endpoints list ${fromCase.provenance.file}, ${version}, endpoint set ID ${sets}`,
    evidence: { source: formatSource(fromCase.provenance), text: `endpoint set ID ${sets} (Exchange, TCP 25): ${fromCase.ranges.join(', ')}` },
  };
}

export const rule: Rule = {
  id: 'eop-ip-ranges-outdated',
  title: "A connector scoped to Exchange Online's IP addresses lacks current ranges",
  severity: 'warning',
  description: "Connections from Exchange Online's missing ranges land on another receive connector; hybrid mail arrives anonymous or is refused.",
  run(ctx: RuleContext): Finding[] {
    const list = currentList(ctx.case);
    const current = list.ranges.map((r) => parseIpRange(r)).filter((r): r is IpRange => r !== null);
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
          message: `Receive connector "${rc.Name}" (${org.Name}) accepts Exchange Online's addresses but lacks ${missing.map((m) => m.text).join(', ')} (${list.label}). Connections from those ranges land on another receive connector, so hybrid mail arrives as anonymous or is refused.`,
          subjects: [{ type: 'ReceiveConnector', name: rc.Name, organization: org.Name }],
          evidence: [
            { source: formatSource(rc.provenance), text: `"${rc.Name}": RemoteIPRanges ${rc.RemoteIPRanges.join(', ')}` },
            ...(list.evidence ? [list.evidence] : []),
          ],
          fix: [
            { text: `Add the missing ranges to "${rc.Name}" (${org.Name}).`, command: `Set-ReceiveConnector -Identity ${psIdentity(rc.Server ? `${rc.Server}\\${rc.Name}` : rc.Name)} -RemoteIPRanges @{Add=${missing.map((m) => `'${m.text}'`).join(',')}}`, where: EMS },
            { text: `Allow the same ranges to TCP 25 in the firewall rules in front of ${org.Name} (${missing.map((m) => m.text).join(', ')}).`, where: 'firewall' },
            { text: 'Follow changes through the Microsoft 365 endpoints web service (ID 10, TCP 25).' },
          ],
          references: ['https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges'],
        });
      }
    }
    return findings;
  },
};
