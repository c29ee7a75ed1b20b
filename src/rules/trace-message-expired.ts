import { ndrEntry } from '../model/ndr-catalog.js';
import { recogniseStatuses } from '../model/ndr-recognise.js';
import type { NdrEntry, RecognisedStatus } from '../model/ndr.js';
import type { StatusObservation } from '../model/evidence.js';
import type { Finding, FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { catalogFixSteps } from './support/exo-to-onprem-evidence.js';
import { EMS, EXO } from './support/fix-commands.js';
import { statusesForRule } from './support/status-evidence.js';
import { groupStatuses, partiesOf, routeKey, statusesShow, statusEvidence, statusLine, statusSubjects, type StatusGroup } from './support/status-findings.js';

/**
 * RULES.md v2 `trace-message-expired`, NDR-CATALOG "Message expiry" [447][STS]: `550 4.4.7
 * QUEUE.Expired; message expired` (Exchange Online after 24 hours, Exchange Server after
 * MessageExpirationTimeout, 2 days by default) and `5.4.300 Message expired` are the NDR of a
 * deferral, not a cause: the cause is the last deferral (the trace's `LED=`, the queue's
 * LastError). The finding quotes it, explains it from the same catalog, and names the
 * configuration rule that checks that cause.
 */

const ID = 'trace-message-expired';

interface Cause {
  status: RecognisedStatus;
  entry: NdrEntry;
}

/** The last deferral, recognised in the catalog: its first status that the catalog explains. */
function causeOf(o: StatusObservation): Cause | null {
  if (!o.lastError) return null;
  for (const status of recogniseStatuses(o.lastError)) {
    const entry = ndrEntry(status.entryId);
    if (entry && !entry.rules.includes(ID)) return { status, entry };
  }
  return null;
}

function expiredFinding(rule: Rule, groups: StatusGroup[]): Finding {
  const o = groups[0]!.sample;
  const cause = causeOf(o);
  const causeRules = cause ? cause.entry.rules.filter((r) => r !== ID) : [];
  const causeText = o.lastError
    ? ` The last deferral was "${o.lastError}"${cause ? `: ${cause.entry.meaning}${causeRules.length > 0 ? ` The check for this cause is ${causeRules.join(' / ')}.` : ''}` : ' (a text the catalog does not explain).'}`
    : ' The evidence does not quote the last deferral: read LED= in the message trace details (Exchange Online), or LastError of the queue on premises.';
  const fix: FixStep[] = cause
    ? catalogFixSteps(cause.entry)
    : [
        { text: 'Read the last deferral of an expired message in the message trace details (the LED= value) and look it up with mailflow-doctor explain.', where: EXO },
        { text: 'On premises, the queue keeps the last error while the message waits.', command: 'Get-Queue | Format-List Identity,NextHopDomain,Status,MessageCount,LastError', where: EMS },
      ];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `${statusesShow(groups)} "${statusLine(o.status)}"${partiesOf(o) ? ` (${partiesOf(o)})` : ''}: the sender retried until the message expired (24 hours in Exchange Online; MessageExpirationTimeout, 2 days by default, on Exchange Server) and returned it.${causeText}`,
    subjects: statusSubjects(groups, o.origin === 'message-trace' ? 'OutboundConnector' : 'SendConnector'),
    evidence: statusEvidence(groups),
    fix,
    references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/fix-error-code-4-4-7'],
  };
}

export const rule: Rule = {
  id: ID,
  title: 'Messages expired in a queue (4.4.7 QUEUE.Expired / 5.4.300)',
  severity: 'error',
  description: 'A message was deferred until it expired and was returned; the cause is the last deferral, which the finding quotes.',
  run(ctx: RuleContext): Finding[] {
    const groups = statusesForRule(ctx.case, ID);
    return groupStatuses(groups, (o) => `${causeOf(o)?.entry.id ?? o.lastError ?? ''}|${routeKey(o)}`).map((gs) => expiredFinding(this, gs));
  },
};
