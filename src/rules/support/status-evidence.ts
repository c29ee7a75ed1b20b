import type { Case } from '../../model/case.js';
import type { Observed, StatusObservation } from '../../model/evidence.js';

/**
 * The recognised statuses (NDR-CATALOG) in a case's evidence that the catalog names as evidence
 * for `ruleId` (RULES.md v2, "Evidence: NDR code families the readers must recognise").
 */
export function statusesForRule(c: Case, ruleId: string): Observed<StatusObservation>[] {
  const statuses = c.evidence?.statuses;
  if (!statuses || statuses.length === 0) return [];
  return statuses.filter((g) => g.sample.rules.includes(ruleId));
}
