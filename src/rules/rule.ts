import type { Case } from '../model/case.js';
import type { SimulationRun } from '../engine/simulate.js';
import type { Finding, Severity } from './finding.js';
import type { Presenter } from './support/presenters.js';

export interface RuleContext {
  case: Case;
  simulation: SimulationRun;
  at: Date;
  /** Every identity the estate presents to other mail systems (computed once, shared by rules). */
  presenters: Presenter[];
}

/** One rule of the catalog (RULES.md): a stable id and a pure check. */
export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  /** Why it matters, in a sentence (rule documentation). */
  description: string;
  run(ctx: RuleContext): Finding[];
}
