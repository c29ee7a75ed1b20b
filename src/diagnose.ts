import type { Case } from './model/case.js';
import { simulateCase, type SimulationRun } from './engine/simulate.js';
import type { Finding } from './rules/finding.js';
import { ruleContext, runRules } from './rules/index.js';

/**
 * The library's front door: case → simulation → findings. Pure; reading files is the caller's
 * (see ingest/load-case.ts).
 */
export interface Diagnosis {
  case: Case;
  simulation: SimulationRun;
  findings: Finding[];
  at: Date;
}

export interface DiagnoseOptions {
  /** The moment certificates and dates are judged at (CONTRACT: --at). */
  at?: Date;
}

export function diagnoseCase(c: Case, options: DiagnoseOptions = {}): Diagnosis {
  const at = options.at ?? new Date();
  const simulation = simulateCase(c, { at });
  const findings = runRules(ruleContext(c, simulation));
  return { case: c, simulation, findings, at };
}

/** Exit status per CONTRACT: 1 when any finding is an error. */
export function diagnosisExitCode(d: Pick<Diagnosis, 'findings'>): 0 | 1 {
  return d.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
