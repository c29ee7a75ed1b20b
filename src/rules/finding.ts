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

export interface FixStep {
  text: string;
  command?: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  title: string;
  message: string;
  subjects: FindingSubject[];
  evidence: Evidence[];
  fix: FixStep[];
  references: string[];
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
