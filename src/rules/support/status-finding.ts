import type { Observed, StatusObservation } from '../../model/evidence.js';
import type { Evidence, Finding, FindingSubject } from '../finding.js';
import { describeSpan, groupEvidence, spanOf } from './evidence.js';

/**
 * Evidence statuses (NDR-CATALOG, recognised by the evidence readers) as finding evidence: one
 * line per group, with where it was read and who it was for.
 */
export function statusEvidence(groups: readonly Observed<StatusObservation>[], limit = 5): Evidence[] {
  const out: Evidence[] = [];
  for (const g of groups.slice(0, limit)) {
    const s = g.sample;
    const who = s.sender || s.recipient ? ` (${s.sender ?? '?'} → ${s.recipient ?? '?'})` : '';
    const where = s.remoteHost ? ` from ${s.remoteHost}` : '';
    out.push(...groupEvidence(g, `${s.origin}: "${s.status.text}"${where}${who}${g.count > 1 ? ` ×${g.count}` : ''}`).slice(0, 1));
  }
  return out;
}

/** `3 messages between … and …`, counting every observation of the groups. */
export function statusSpan(groups: readonly Observed<StatusObservation>[], noun = 'message'): string {
  const { count, first, last } = spanOf(groups);
  return describeSpan(count, first, last, noun);
}

/** Recipients (or senders) the statuses name, as subjects; a fallback subject when none. */
export function statusSubjects(groups: readonly Observed<StatusObservation>[], fallback: string): FindingSubject[] {
  const recipients = [...new Set(groups.map((g) => g.sample.recipient).filter((r): r is string => !!r))];
  return recipients.length > 0 ? recipients.slice(0, 10).map((r) => ({ type: 'Recipient', name: r })) : [{ type: 'Evidence', name: fallback }];
}

/** Adds the evidence of statuses to a finding built from the simulation (the same cause seen twice). */
export function withStatusEvidence(f: Finding, groups: readonly Observed<StatusObservation>[]): Finding {
  if (groups.length === 0) return f;
  return { ...f, message: `${f.message} The evidence shows it too: ${statusSpan(groups)}.`, evidence: [...f.evidence, ...statusEvidence(groups)] };
}
