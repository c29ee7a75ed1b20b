import type { Observed, StatusObservation } from '../../model/evidence.js';
import type { Finding, FindingSubject } from '../finding.js';
import { describeSpan, spanOf } from './evidence.js';
import { confirmWithStatuses, statusEvidence } from './status-findings.js';

/**
 * Evidence statuses for the tenant-policy rules (M12): the shared status helpers
 * (status-findings.ts) with the two phrasings these rules use.
 */
export { statusEvidence };

/** `3 messages between … and …`, counting every observation of the groups. */
export function statusSpan(groups: readonly Observed<StatusObservation>[], noun = 'message'): string {
  const { count, first, last } = spanOf(groups);
  return describeSpan(count, first, last, noun);
}

/** Recipients the statuses name, as subjects; a fallback subject when none. */
export function statusSubjects(groups: readonly Observed<StatusObservation>[], fallback: string): FindingSubject[] {
  const recipients = [...new Set(groups.map((g) => g.sample.recipient).filter((r): r is string => !!r))];
  return recipients.length > 0 ? recipients.slice(0, 10).map((r) => ({ type: 'Recipient', name: r })) : [{ type: 'Evidence', name: fallback }];
}

/** The simulation's finding with the statuses that show the same cause (one root cause, confirmed by evidence). */
export function withStatusEvidence(f: Finding, groups: readonly Observed<StatusObservation>[]): Finding {
  const copy: Finding = { ...f, evidence: [...f.evidence] };
  confirmWithStatuses(copy, groups);
  return copy;
}
