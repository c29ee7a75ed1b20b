import { domainOf } from '../model/domains.js';
import type { StatusObservation } from '../model/evidence.js';
import type { Finding, FixStep } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EMS, EXO } from './support/fix-commands.js';
import { acceptedDomainHolders } from './support/status-case-lookups.js';
import { statusesForRule } from './support/status-evidence.js';
import { enhancedCodeOf, groupStatuses, statusesShow, statusEvidence, statusLines, type StatusGroup } from './support/status-findings.js';

/**
 * RULES.md v2 `trace-recipient-not-found`, NDR-CATALOG "Recipients" (EXO-SEMANTICS M11):
 * `550 5.1.10 RESOLVER.ADR.RecipientNotFound` is Exchange Online's answer after it accepted a
 * message for an address no recipient of the tenant carries; `550 5.1.1 RESOLVER.ADR.RecipNotFound`
 * is Exchange Server's. For an address in an accepted domain that exists on the other side, the
 * object is not synchronized or lacks the address among its proxy addresses — information for
 * the admin, not a connector fault.
 */

const ID = 'trace-recipient-not-found';

/** Which side answered: 5.1.10 is Exchange Online's, 5.1.1 Exchange Server's (NDR-CATALOG). */
function answeredByExchangeOnline(o: StatusObservation): boolean {
  return enhancedCodeOf(o.status) === '5.1.10' || /RecipientNotFound/i.test(o.status.text);
}

function recipientFinding(rule: Rule, ctx: RuleContext, groups: StatusGroup[]): Finding | null {
  const recipients = [...new Set(groups.map((g) => g.sample.recipient!.toLowerCase()))];
  const domain = domainOf(recipients[0]!);
  const { holders, known } = acceptedDomainHolders(ctx.case, recipients[0]!);
  // Only addresses in an accepted domain concern the hybrid directory; unknown (no domains in the case) is said so.
  if (known && holders.length === 0) return null;
  const exo = answeredByExchangeOnline(groups[0]!.sample);
  const here = exo ? 'Exchange Online' : 'the on-premises organization';
  const other = exo ? 'on premises' : 'in Exchange Online';
  const first = recipients[0]!;
  const fix: FixStep[] = [
    { text: `Look the address up where the message was refused (${here}): nothing found means no object carries it.`, command: `Get-Recipient -Identity ${psIdentity(first)} | Format-List Name,RecipientTypeDetails,PrimarySmtpAddress,EmailAddresses`, where: exo ? EXO : EMS },
    { text: `Look it up ${other}; when it exists there, synchronize the object (Entra Connect) or add the address to its proxy addresses, and check licences and forwarding rules that point at it.`, command: `Get-Recipient -Identity ${psIdentity(first)} | Format-List Name,RecipientTypeDetails,PrimarySmtpAddress,EmailAddresses`, where: exo ? EMS : EXO },
  ];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message:
      `${statusesShow(groups)} ${statusLines(groups).map((l) => `"${l}"`).join(', ')} for ${recipients.slice(0, 5).join(', ')}${recipients.length > 5 ? ` and ${recipients.length - 5} more` : ''}. ` +
      (known ? `${domain} is an accepted domain (${holders.join(', ')}), ` : `The case holds no accepted domains, so whether ${domain} is one could not be checked (export Get-AcceptedDomain to tell); `) +
      `and ${here} has no recipient with that address. When the address exists ${other}, the object was not synchronized or the address is missing from its proxy addresses (M11).`,
    subjects: recipients.slice(0, 10).map((r) => ({ type: 'Recipient', name: r })),
    evidence: statusEvidence(groups),
    fix,
    references: ['https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-1-10-in-exchange-online'],
  };
}

export const rule: Rule = {
  id: ID,
  title: 'The recipient address was not found',
  severity: 'info',
  description: 'Exchange Online (5.1.10) or Exchange Server (5.1.1) found no recipient for an address in an accepted domain: a synchronization or proxy-address problem when the address exists on the other side.',
  run(ctx: RuleContext): Finding[] {
    const groups = statusesForRule(ctx.case, ID).filter((g) => g.sample.recipient !== null && g.sample.recipient.includes('@'));
    const byDomain = groupStatuses(groups, (o) => `${answeredByExchangeOnline(o)}|${domainOf(o.recipient!)}`);
    return byDomain.map((gs) => recipientFinding(this, ctx, gs)).filter((f): f is Finding => f !== null);
  },
};
