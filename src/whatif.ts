import type { Case, FlowSpec } from './model/case.js';
import { applyChanges } from './engine/cmdlet-change.js';
import type { FlowResult } from './engine/flow-types.js';
import { generateFlows } from './engine/generate-flows.js';
import { simulateCase } from './engine/simulate.js';
import type { Finding } from './rules/finding.js';
import { ruleContext, runRules } from './rules/index.js';
import type { Diagnosis } from './diagnose.js';
import { groupFindings } from './group-findings.js';
import { incompleteInputs, inputProblemCounts } from './ingest/input-completeness.js';
import { compareFlows, type FlowChange } from './whatif-flows.js';

export type { FlowChange, FlowVerdict } from './whatif-flows.js';

/**
 * What-if (ARCHITECTURE: engine/what-if): apply changes written as cmdlets to a copy of the case,
 * simulate the same flows before and after, and diff every flow's outcome and every finding.
 * Whether a flow is broken, fixed or merely different is decided in whatif-flows.ts (issue
 * "Advice you can trust", item 3).
 */
export interface WhatIfResult {
  changes: { command: string; description: string }[];
  before: Diagnosis;
  after: Diagnosis;
  /** One entry per flow simulated before the change (identical flows once). */
  flows: FlowChange[];
  /** Flows simulated only after the change (journal reports a new route produces). */
  flowsAdded: FlowResult[];
  findingsAdded: Finding[];
  findingsResolved: Finding[];
}

/**
 * A finding is the same before and after when its rule and its first subject (the object it is
 * about) are: the flows it lists as affected may change without it being a new finding.
 */
export function findingKey(f: Finding): string {
  const s = f.subjects[0];
  return `${f.rule}|${s ? `${s.type}|${s.name}|${s.tenant ?? ''}|${s.organization ?? ''}|${s.gateway ?? ''}`.toLowerCase() : ''}`;
}

/** Throws CmdletError (from the change parser) when a change cannot be applied. */
export function whatIf(c: Case, commands: readonly string[], options: { at?: Date } = {}): WhatIfResult {
  const at = options.at ?? new Date();
  // Both sides simulate the same flows: the case's, or the set generated from the case as it is now.
  const generated = c.flows.length === 0 ? generateFlows(c) : null;
  const specs: FlowSpec[] = generated?.flows ?? c.flows;
  const extraMx = generated?.extraMx ?? {};
  const { case: changed, applied } = applyChanges(c, commands);
  // The same findings as `diagnose` shows (grouped by cause), without proving fixes: a what-if is
  // itself the proof, and the fixes of both sides are not compared.
  const run = (x: Case): Diagnosis => {
    const simulation = simulateCase({ ...x, flows: specs }, { at, extraMx });
    if (generated) {
      simulation.notes = generated.notes;
      for (const f of simulation.flows) f.generated = true;
    }
    return { case: x, simulation, findings: groupFindings(runRules(ruleContext(x, simulation))), at, incomplete: incompleteInputs(x), inputProblems: inputProblemCounts(x.inputs) };
  };
  const before = run(c);
  const after = run(changed);
  const beforeKeys = new Set(before.findings.map(findingKey));
  const afterKeys = new Set(after.findings.map(findingKey));
  const findingsAdded = after.findings.filter((f) => !beforeKeys.has(findingKey(f)));
  const findingsResolved = before.findings.filter((f) => !afterKeys.has(findingKey(f)));
  const { flows, flowsAdded } = compareFlows(before.simulation.flows, after.simulation.flows, { findingsAdded, findingsResolved });
  return {
    changes: applied.map((r, i) => ({ command: commands[i]!, description: r.description })),
    before,
    after,
    flows,
    flowsAdded,
    findingsAdded,
    findingsResolved,
  };
}

/** Error findings the change adds: each one is a reason the change is not safe. */
export function addedErrors(r: Pick<WhatIfResult, 'findingsAdded'>): Finding[] {
  return r.findingsAdded.filter((f) => f.severity === 'error');
}

/**
 * CONTRACT: 1 when a flow that worked before fails after — broken as whatif-flows.ts defines it
 * (delivered → deferred/rejected/looped/dropped, Internal → Anonymous, its connector → none, or
 * named by an added error finding) — or the change adds an error finding; else 0.
 */
export function whatIfExitCode(r: Pick<WhatIfResult, 'flows' | 'findingsAdded'>): 0 | 1 {
  return r.flows.some((f) => f.regressed) || addedErrors(r).length > 0 ? 1 : 0;
}
