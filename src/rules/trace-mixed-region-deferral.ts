import type { Finding, FixStep } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { sendConnectorNamed } from './support/evidence.js';
import { EMS } from './support/fix-commands.js';
import { statusesForRule } from './support/status-evidence.js';
import { groupStatuses, hasMarker, partiesOf, routeKey, statusesShow, statusEvidence, statusSubjects, type StatusGroup } from './support/status-findings.js';

/**
 * RULES.md v2 `trace-mixed-region-deferral`, NDR-CATALOG "452 4.5.3 … ATTR38" (3P [BENTO]): one
 * SMTP transaction carried recipients that Exchange Online attributes to different regions; it
 * defers some of them and the sending server retries those in a new transaction. Benign when the
 * retries succeed; persistent deferrals point at smart hosts that override MX routing.
 */

const ID = 'trace-mixed-region-deferral';

function regionFinding(rule: Rule, ctx: RuleContext, groups: StatusGroup[]): Finding {
  const o = groups[0]!.sample;
  const sc = sendConnectorNamed(ctx.case, o.connector);
  const fix: FixStep[] = sc
    ? [{ text: `If the deferrals persist, check where send connector "${sc.connector.Name}" (${sc.org.Name}) delivers: a smart host that overrides MX routing sends recipients of several regions in one transaction.`, command: `Get-SendConnector -Identity ${psIdentity(sc.connector.Name)} | Format-List Name,AddressSpaces,SmartHosts,DNSRoutingEnabled`, where: EMS }]
    : [{ text: 'If the deferrals persist, check the smart hosts of the sending connector or device: one that overrides MX routing sends recipients of several regions in one transaction.', command: 'Get-SendConnector | Format-List Name,AddressSpaces,SmartHosts,DNSRoutingEnabled', where: EMS }];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message:
      `${statusesShow(groups)} "452 4.5.3 … ATTR38"${partiesOf(o) ? ` (${partiesOf(o)})` : ''}: Exchange Online deferred some recipients of a transaction because they belong to different regions; the sending server retries them in a new transaction. ` +
      'Nothing to do when the retries are delivered; persistent deferrals point at a smart host that overrides MX routing (third-party report, not documented by Microsoft).',
    subjects: statusSubjects(groups, 'SendConnector'),
    evidence: statusEvidence(groups),
    fix,
    references: ['https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online'],
  };
}

export const rule: Rule = {
  id: ID,
  title: 'Recipients in different regions deferred in one transaction (4.5.3 ATTR38)',
  severity: 'info',
  description: "Exchange Online defers the recipients of other regions in a transaction with 452 4.5.3 ATTR38; the sender retries them separately.",
  run(ctx: RuleContext): Finding[] {
    // 4.5.3 without ATTR38 is Exchange Online's "Too many recipients" (NDR-CATALOG): not this rule.
    const groups = statusesForRule(ctx.case, ID).filter((g) => hasMarker(g.sample.status, 'ATTR38'));
    return groupStatuses(groups, routeKey).map((gs) => regionFinding(this, ctx, gs));
  },
};
