import { ndrEntry } from '../../model/ndr-catalog.js';
import type { NdrEntry } from '../../model/ndr.js';
import type { Finding, FixLocation, FixStep } from '../finding.js';
import { psIdentity } from '../finding.js';
import type { Rule, RuleContext } from '../rule.js';
import { EMS, EXO } from './fix-commands.js';
import { outboundConnectorNamed } from './status-case-lookups.js';
import { statusesForRule } from './status-evidence.js';
import { attachToFindings, groupStatuses, partiesOf, routeKey, statusesShow, statusEvidence, statusLines, statusSubjects, type StatusGroup } from './status-findings.js';

/**
 * Evidence for the Exchange Online → on-premises rules (NDR-CATALOG "Exchange Online → on premises
 * (outbound connector delivery)"): the trace's Defer rows of the rule's codes join the
 * configuration finding of the same outbound connector or route; the others become findings of
 * their own that say what the status means and what to look at.
 */

const LOCATIONS: Record<string, FixLocation> = {
  'Exchange Online PowerShell': 'Exchange Online PowerShell',
  'Exchange Management Shell': 'Exchange Management Shell',
  DNS: 'DNS',
  'network / firewall': 'firewall',
};

/** A catalog entry's fix steps as text (their `<…>` parts are the admin's to fill in, so never a command). */
export function catalogFixSteps(entry: NdrEntry | undefined, max = 3): FixStep[] {
  if (!entry) return [];
  return entry.fixes.slice(0, max).map((f) => {
    const where = LOCATIONS[f.where];
    return where ? { text: f.step, where } : { text: `${f.step} (${f.where})` };
  });
}

function evidenceFinding(rule: Rule, ctx: RuleContext, groups: StatusGroup[], what: string): Finding {
  const o = groups[0]!.sample;
  const entry = ndrEntry(o.status.entryId);
  const found = outboundConnectorNamed(ctx.case, o.connector);
  const via = found ? `outbound connector "${found.connector.Name}" (${found.tenant.Name})` : o.connector ? `outbound connector "${o.connector}"` : 'an outbound connector';
  const look: FixStep[] = [
    {
      text: found ? `Check where "${found.connector.Name}" delivers and how it validates TLS.` : 'Check where the outbound connectors deliver and how they validate TLS.',
      command: `${found ? `Get-OutboundConnector -Identity ${psIdentity(found.connector.Name)}` : 'Get-OutboundConnector'} | Format-List Name,Enabled,SmartHosts,UseMXRecord,TlsSettings,TlsDomain,RecipientDomains,RouteAllMessagesViaOnPremises`,
      where: EXO,
    },
    { text: `On the on-premises server${o.remoteHost ? ` ${o.remoteHost}` : ''} Exchange Online connects to, check the receive connector it lands on.`, command: 'Get-ReceiveConnector | Format-List Identity,Bindings,RemoteIPRanges,AuthMechanism,PermissionGroups,TlsCertificateName,Fqdn,TlsDomainCapabilities', where: EMS },
  ];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message:
      `${statusesShow(groups)} ${statusLines(groups).map((l) => `"${l}"`).join(', ')} on Exchange Online's delivery through ${via}${partiesOf(o, false) ? ` (${partiesOf(o, false)})` : ''}: ${entry?.meaning ?? what} ` +
      `Exchange Online retries for 24 hours, then returns the message with 550 4.4.7 QUEUE.Expired. ` +
      (found ? 'The configuration in the case does not show this cause, so the estate differs from the export or the cause lies outside it (DNS, firewall, the server itself).' : 'The case does not hold that connector, so the cause could not be checked against the configuration.'),
    subjects: found ? [{ type: 'OutboundConnector', name: found.connector.Name, tenant: found.tenant.Name }] : statusSubjects(groups, 'OutboundConnector'),
    evidence: statusEvidence(groups),
    fix: [...look, ...catalogFixSteps(entry)],
    references: ['https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/set-up-connectors-to-route-mail'],
  };
}

/**
 * The rule's statuses: attached to its configuration findings where they concern the same
 * connector or route, the rest as evidence findings (one per connector or host). `keep` narrows
 * the statuses the catalog ties to the rule.
 */
export function withStatusEvidence(rule: Rule, ctx: RuleContext, findings: Finding[], what: string, keep: (g: StatusGroup) => boolean = () => true): Finding[] {
  const groups = statusesForRule(ctx.case, rule.id).filter(keep);
  if (groups.length === 0) return findings;
  const rest = attachToFindings(ctx, findings, groups);
  return [...findings, ...groupStatuses(rest, routeKey).map((gs) => evidenceFinding(rule, ctx, gs, what))];
}
