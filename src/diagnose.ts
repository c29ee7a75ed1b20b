import type { Case } from './model/case.js';
import { incompleteInputs, inputProblemCounts, type IncompleteInputs, type InputProblemCounts } from './ingest/input-completeness.js';
import { simulateCase, type SimulationRun } from './engine/simulate.js';
import type { Finding } from './rules/finding.js';
import { ruleContext, runRules } from './rules/index.js';
import { verifyFixes } from './fix-verification.js';
import { groupFindings } from './group-findings.js';

/**
 * The library's front door: case → simulation → findings. Pure; reading files is the caller's
 * (see ingest/load-case.ts).
 */
export interface Diagnosis {
  case: Case;
  simulation: SimulationRun;
  findings: Finding[];
  at: Date;
  /**
   * Inputs that could not be read or were read in part; null when every input was read whole
   * (ingest/input-completeness.ts). Set by diagnoseCase; absent on a Diagnosis built otherwise.
   */
  incomplete?: IncompleteInputs | null;
  /** Errors and warnings reported with the inputs, for the summary. Set by diagnoseCase. */
  inputProblems?: InputProblemCounts;
  /**
   * Every rule's findings as the rule produced them, before grouping by cause and fix verification
   * (for a look at one rule; reports use `findings`). Set by diagnoseCase.
   */
  ruleFindings?: Finding[];
}

export interface DiagnoseOptions {
  /** The moment certificates and dates are judged at (CONTRACT: --at). */
  at?: Date;
}

export function diagnoseCase(c: Case, options: DiagnoseOptions = {}): Diagnosis {
  const at = options.at ?? new Date();
  const simulation = simulateCase(c, { at });
  // Fixes are proven by simulation before they are printed (fix-verification.ts).
  // One root cause, one finding (group-findings.ts); each rule's own findings stay in ruleFindings.
  const ruleFindings = runRules(ruleContext(c, simulation));
  const { findings, notes } = verifyFixes(c, simulation, groupFindings(ruleFindings), { at });
  simulation.notes.push(...notes);
  return { case: c, simulation, findings, at, incomplete: incompleteInputs(c), inputProblems: inputProblemCounts(c.inputs), ruleFindings };
}

/**
 * Exit status per CONTRACT: 1 when any finding is an error. Results from inputs read in part are
 * never a clean 0 (issue "no false green"): 2 when nothing usable was read, else at least 1 —
 * unless the caller accepts incomplete results (--allow-incomplete).
 */
export function diagnosisExitCode(d: Pick<Diagnosis, 'findings'> & { incomplete?: IncompleteInputs | null }, options: { allowIncomplete?: boolean } = {}): 0 | 1 | 2 {
  const findings = d.findings.some((f) => f.severity === 'error') ? 1 : 0;
  return options.allowIncomplete ? findings : incompleteExitCode(d.incomplete ?? null, findings);
}

/** The exit status `status` becomes when the inputs were incomplete (also for whatif and simulate). */
export function incompleteExitCode<T extends number>(incomplete: IncompleteInputs | null, status: T): T | 1 | 2 {
  if (incomplete === null) return status;
  if (incomplete.nothingUsable) return 2;
  return status === 0 ? 1 : status;
}
