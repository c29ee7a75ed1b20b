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
  /**
   * `earlier` holds the findings of every rule without `afterOthers` (set only for rules that
   * judge what the others left unexplained, such as `flow-fails`).
   */
  run(ctx: RuleContext, earlier?: readonly Finding[]): Finding[];
  /** Run after every other rule, with their findings. */
  afterOthers?: boolean;
}
