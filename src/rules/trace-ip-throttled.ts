import type { StatusObservation } from '../model/evidence.js';
import type { Finding, FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EXO } from './support/fix-commands.js';
import { inboundConnectorsCovering, systemAt } from './support/status-case-lookups.js';
import { statusesForRule } from './support/status-evidence.js';
import { enhancedCodeOf, groupStatuses, routeKey, statusesShow, statusEvidence, statusLines, statusSubjects, type StatusGroup } from './support/status-findings.js';

/**
 * RULES.md v2 `trace-ip-throttled`, NDR-CATALOG "451 4.7.500-699 (ASxxx) Access denied, please try
 * again later" [451AS] and 4.7.850-899 (the IP-level variant): Exchange Online graylists an address
 * whose volume changed. For a relay or gateway that should hand its mail to the tenant, the fix is
 * the inbound connector that identifies it (EXO-SEMANTICS M12).
 */

const ID = 'trace-ip-throttled';

/** 4.7.500–699 and 4.7.850–899, the families RULES.md names. */
function isThrottleCode(o: StatusObservation): boolean {
  const m = /^4\.7\.(\d{3})$/.exec(enhancedCodeOf(o.status) ?? '');
  if (!m) return false;
  const n = Number(m[1]);
  return (n >= 500 && n <= 699) || (n >= 850 && n <= 899);
}

function throttleFinding(rule: Rule, ctx: RuleContext, groups: StatusGroup[]): Finding {
  const ip = groups[0]!.sample.clientIp;
  const system = ip ? systemAt(ctx.case, ip) : null;
  const covering = ip ? inboundConnectorsCovering(ctx.case, ip) : [];
  const who = ip ? `${ip}${system ? ` (${system})` : ''}` : 'the sending server';
  const connectorText =
    covering.length > 0
      ? ` ${ip} is covered by ${covering.map((x) => `"${x.connector.Name}" (${x.tenant.Name})`).join(', ')}, so a connector exists: the throttling follows a change in volume and clears as the volume stays steady.`
      : ip && ctx.case.tenants.length > 0
        ? ` No inbound connector of the case covers ${ip}: a relay or gateway without one is treated as an anonymous internet sender and throttled when its volume changes — a connector is missing for it.`
        : ' If this is a relay or gateway handing mail to the tenant, it needs an inbound connector that identifies it (certificate or IP).';
  const fix: FixStep[] = [
    { text: `List the tenant's inbound connectors and check that one identifies ${who} by certificate (preferred) or IP address.`, command: 'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,TlsSenderCertificateName,SenderIPAddresses', where: EXO },
  ];
  if (covering.length === 0) fix.push({ text: `Create an inbound connector for ${who} (New-InboundConnector -ConnectorType OnPremises with TlsSenderCertificateName set to the name of the certificate it presents, or with SenderIPAddresses${ip ? ` ${ip}` : ''}), as the NDR reference advises.`, where: EXO });
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `${statusesShow(groups)} ${statusLines(groups).map((l) => `"${l}"`).join(', ')} for mail from ${who}: Exchange Online throttles (graylists) the address.${connectorText}`,
    subjects: ip ? [{ type: 'Host', name: ip }] : statusSubjects(groups, 'SendConnector'),
    evidence: statusEvidence(groups),
    fix,
    references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/fix-error-code-451-4-7-500-699-asxxx'],
  };
}

export const rule: Rule = {
  id: ID,
  title: 'Exchange Online throttles a sending address (451 4.7.500-699 / 4.7.850-899)',
  severity: 'warning',
  description: 'Exchange Online graylists an address whose volume changed; a relay or gateway without an inbound connector is throttled like an internet sender.',
  run(ctx: RuleContext): Finding[] {
    const groups = statusesForRule(ctx.case, ID).filter((g) => isThrottleCode(g.sample));
    return groupStatuses(groups, (o) => (o.clientIp ? `ip:${o.clientIp}` : routeKey(o))).map((gs) => throttleFinding(this, ctx, gs));
  },
};
