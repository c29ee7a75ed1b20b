import type { DocReferenceKey } from './rule-docs-data-refs.js';

/**
 * The sections of docs/how-it-decides.md a rule page points to. The headings there are
 * "## <key>. <title>"; the rule reference links to them by their Markdown anchor, and a test
 * checks that every heading exists, so a renamed section cannot leave dead links behind.
 */
export const MODEL_SECTIONS = {
  Outcomes: 'What a simulated message can end as',
  M1: 'Where a connection lands',
  M2: 'What a sender presents',
  M3: 'How Exchange Online attributes a connection',
  M4: 'Relay through a tenant',
  M5: 'Messages that come back: loops and silent drops',
  M6: 'Inside a tenant',
  M7: 'On-premises Exchange specifics',
  M8: 'Exchange Online to on-premises: TLS and landing',
  M9: 'On-premises to Exchange Online: TLS',
  M10: 'Cross-premises trust and AuthAs',
  M11: 'Recipient directory and DBEB',
  M12: 'Tenant-level policies',
  M13: 'Endpoints and cloud instances',
  M14: 'Centralized mail transport',
  M15: 'Partner connectors',
  M16: 'Enhanced Filtering for Connectors',
  M17: 'MC1226222 anti-patterns',
  Evidence: 'How evidence is read',
} as const;

export type ModelSection = keyof typeof MODEL_SECTIONS;

/**
 * What a rule page says beyond the rule's own id, title, severity and description: written once
 * per rule id, in admins' words.
 */
export interface RuleDocEntry {
  /** The sections of the model the rule rests on. */
  model: ModelSection[];
  /** How the rule fires, by source; at least one is set. */
  whenItFires: {
    configuration?: string;
    simulation?: string;
    evidence?: string;
  };
  /** The inputs (exports, simulated flows, evidence files) the finding quotes. */
  evidence: string[];
  /** What the finding's fix steps do and where each is run, in order. */
  fix: string[];
  references: DocReferenceKey[];
}
