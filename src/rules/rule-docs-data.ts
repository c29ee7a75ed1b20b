import { ATTRIBUTION_RULE_DOCS } from './rule-docs-data-attribution.js';
import { EVIDENCE_RULE_DOCS } from './rule-docs-data-evidence.js';
import { HYBRID_RULE_DOCS } from './rule-docs-data-hybrid.js';
import { POLICY_RULE_DOCS } from './rule-docs-data-policies.js';
import type { RuleDocEntry } from './rule-docs-data-types.js';

export type { RuleDocEntry, ModelSection } from './rule-docs-data-types.js';
export { MODEL_SECTIONS } from './rule-docs-data-types.js';
export { DOC_REFERENCES, type DocReference, type DocReferenceKey } from './rule-docs-data-refs.js';

/** The parts of the rule reference, by theme; an id belongs to exactly one (checked by the docs test). */
export const RULE_DOC_PARTS: readonly Record<string, RuleDocEntry>[] = [ATTRIBUTION_RULE_DOCS, HYBRID_RULE_DOCS, POLICY_RULE_DOCS, EVIDENCE_RULE_DOCS];

/** One entry per rule id of the catalog (RULES.md v2), whether or not the rule is registered yet. */
export const RULE_DOCS: Readonly<Record<string, RuleDocEntry>> = Object.assign({}, ...RULE_DOC_PARTS);
