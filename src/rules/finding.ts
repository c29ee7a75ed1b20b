/** A finding as the JSON contract describes it (CONTRACT.md, findings[]). */
export type Severity = 'error' | 'warning' | 'info';

export interface FindingSubject {
  type: string;
  name: string;
  tenant?: string;
  organization?: string;
  /** For gateway objects (an addition to the contract's subject fields). */
  gateway?: string;
}

export interface Evidence {
  source: string;
  text: string;
}

/** Where an admin carries out a fix step (CONTRACT v1.1 additive field `where`). */
export type FixLocation =
  | 'Exchange Management Shell'
  | 'Exchange Online PowerShell'
  | 'Edge Transport server (then Start-EdgeSynchronization on a Mailbox server)'
  | 'DNS'
  | 'firewall'
  | 'certificate authority'
  | 'gateway administration'
  | 'Exchange admin center';

export interface FixStep {
  text: string;
  command?: string;
  /** Where to run or do it; absent on steps that only explain or check. */
  where?: FixLocation;
}

/**
 * The proof attached to a fix: `verified` when the simulator applied its commands to a copy of the
 * case, the finding went away and no flow or finding got worse; `not-verified` says why not.
 */
export interface FixVerification {
  status: 'verified' | 'not-verified';
  text: string;
}

/** One way to fix a finding: an ordered sequence of steps, as a rule offers it before verification. */
export interface FixCandidate {
  steps: FixStep[];
}

/** Another fix that survived verification, after the chosen one. */
export interface FixAlternative {
  fix: FixStep[];
  verification: FixVerification;
}

export interface Finding {
  rule: string;
  severity: Severity;
  title: string;
  message: string;
  subjects: FindingSubject[];
  evidence: Evidence[];
  /** The chosen fix: after verification, the best candidate's steps. */
  fix: FixStep[];
  references: string[];
  /** Additive: how the chosen fix was proven (see fix-verification.ts). */
  fixVerification?: FixVerification;
  /** Additive: other candidates that survived verification, best first. */
  alternatives?: FixAlternative[];
  /**
   * Candidate fixes a rule offers, best guess first; verification ranks them, keeps the survivors
   * in `fix` and `alternatives`, and removes this field. Absent: `fix` is the only candidate.
   */
  candidates?: FixCandidate[];
  /**
   * Additive: rule ids of the findings grouped into this one because they share its cause
   * (src/group-findings.ts). A finding matches a rule id when `rule` or `related` holds it.
   */
  related?: string[];
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** PowerShell single-quoted literal, as an admin would paste it. */
export function psQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Identity argument for a cmdlet: quoted only when needed. */
export function psIdentity(value: string): string {
  return /^[A-Za-z0-9_.@-]+$/.test(value) ? value : psQuote(value);
}

export function dedupeSubjects(subjects: FindingSubject[]): FindingSubject[] {
  const seen = new Set<string>();
  return subjects.filter((s) => {
    const k = JSON.stringify(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
