import { basename } from 'node:path';
import type { Case } from './case.js';
import type { InputReport } from './diagnostics.js';

/**
 * Whether the case was read whole (issue "no false green"): a verdict computed from part of the
 * inputs must not look like a clean bill of health. A file counts as incomplete when it
 * - could not be read or was read with an error (a truncated export, a YAML error, a broken certificate),
 * - had records skipped (rows that did not parse, objects of no known kind or owner, damaged packets),
 * - is of no kind this tool reads (the admin gave it, and nothing in it was used).
 * Warnings alone (a property exported as a type name, a reference to an unknown server) do not make
 * a case incomplete: what they leave out is unknown, and the engine follows the documented default
 * and says so in the flow's assumptions.
 * Files a folder walk left out by name (code, documentation) and empty exports are not inputs that
 * failed: they are not counted.
 */
export interface IncompleteInput {
  file: string;
  kind: string;
  /** Why, in a few words: the first error, the records skipped, or "not a recognised input". */
  reason: string;
}

export interface IncompleteInputs {
  files: IncompleteInput[];
  /** True when nothing usable was read: no tenant, organization, gateway or evidence (exit status 2). */
  nothingUsable: boolean;
  /** One sentence for the top of a report. */
  message: string;
}

/** Counts of the problems reported with the inputs, for the report's summary. */
export interface InputProblemCounts {
  errors: number;
  warnings: number;
}

/** Kinds of report that describe no input the admin meant to give (load-case.ts NOT_WALKED_KIND). */
const NOT_AN_INPUT = new Set(['not-read']);

export function inputProblemCounts(inputs: readonly InputReport[]): InputProblemCounts {
  let errors = 0;
  let warnings = 0;
  for (const r of inputs) for (const d of r.diagnostics) d.severity === 'error' ? errors++ : warnings++;
  return { errors, warnings };
}

export function incompleteInputs(c: Case): IncompleteInputs | null {
  const files: IncompleteInput[] = [];
  for (const r of c.inputs) {
    if (NOT_AN_INPUT.has(r.kind)) continue;
    const reason = incompleteReason(r);
    if (reason !== null) files.push({ file: r.file, kind: r.kind, reason });
  }
  if (files.length === 0) return null;
  const nothingUsable = !hasUsableContent(c);
  return { files, nothingUsable, message: incompleteMessage(files, nothingUsable) };
}

function incompleteReason(r: InputReport): string | null {
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.kind === 'unknown') return errors[0] ? stripFile(errors[0].message, r.file) : 'not a recognised input; nothing in it was used';
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error(s))` : '';
    return `${stripFile(errors[0]!.message, r.file)}${more}`;
  }
  if (r.skipped > 0) return `${r.skipped} of ${r.records} record(s) skipped`;
  return null;
}

/** Messages often start with the file's own name; the report names the file already. */
function stripFile(message: string, file: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}

function hasUsableContent(c: Case): boolean {
  if (c.tenants.length > 0 || c.organizations.length > 0 || c.gateways.length > 0) return true;
  const e = c.evidence;
  return e !== undefined && (e.traces.length > 0 || e.sessions.length > 0 || e.messages.length > 0 || e.messagesNotKept > 0);
}

function incompleteMessage(files: readonly IncompleteInput[], nothingUsable: boolean): string {
  const names = files.slice(0, 3).map((f) => basename(f.file));
  const listed = `${names.join(', ')}${files.length > 3 ? `, and ${files.length - 3} more` : ''}`;
  const what = nothingUsable ? 'nothing usable was read (no tenant, organization, gateway or evidence)' : 'findings and flows reflect only what was read';
  return `Results are INCOMPLETE: ${files.length} input(s) could not be read or were read in part (${listed}); ${what}.`;
}
