import type { Case, FlowSpec } from './model/case.js';
import { applyChanges } from './engine/cmdlet-change.js';
import type { FlowResult } from './engine/flow-types.js';
import { generateFlows } from './engine/generate-flows.js';
import { simulateCase } from './engine/simulate.js';
import type { Finding } from './rules/finding.js';
import { ruleContext, runRules } from './rules/index.js';
import type { Diagnosis } from './diagnose.js';

/**
 * What-if (ARCHITECTURE: engine/what-if): apply changes written as cmdlets to a copy of the case,
 * simulate the same flows before and after, and diff every flow's outcome and every finding.
 */
export interface FlowChange {
  from: string;
  to: string;
  before: FlowResult;
  after: FlowResult | null;
  /** Worked before (delivered) and fails after. */
  regressed: boolean;
  changed: boolean;
}

export interface WhatIfResult {
  changes: { command: string; description: string }[];
  before: Diagnosis;
  after: Diagnosis;
  flows: FlowChange[];
  findingsAdded: Finding[];
  findingsResolved: Finding[];
}

function flowKey(f: FlowResult): string {
  const parent = f.parent ? `${flowKey(f.parent)}>` : '';
  return `${parent}${f.kind}|${f.from}|${f.to}|${f.origin}|${f.destination ?? ''}`;
}

export function findingKey(f: Finding): string {
  return `${f.rule}|${JSON.stringify(f.subjects)}`;
}

function summary(f: FlowResult): string {
  return `${f.outcome}|${f.response ?? ''}|${f.tenants.join(',')}|${f.hops.map((h) => `${h.to}:${h.attribution.tenant}:${h.attribution.connector}`).join(';')}`;
}

/** Throws CmdletError (from the change parser) when a change cannot be applied. */
export function whatIf(c: Case, commands: readonly string[], options: { at?: Date } = {}): WhatIfResult {
  const at = options.at ?? new Date();
  // Both sides simulate the same flows: the case's, or the set generated from the case as it is now.
  const generated = c.flows.length === 0 ? generateFlows(c) : null;
  const specs: FlowSpec[] = generated?.flows ?? c.flows;
  const extraMx = generated?.extraMx ?? {};
  const { case: changed, applied } = applyChanges(c, commands);
  const run = (x: Case): Diagnosis => {
    const simulation = simulateCase({ ...x, flows: specs }, { at, extraMx });
    if (generated) {
      simulation.notes = generated.notes;
      for (const f of simulation.flows) f.generated = true;
    }
    return { case: x, simulation, findings: runRules(ruleContext(x, simulation)), at };
  };
  const before = run(c);
  const after = run(changed);
  const afterByKey = new Map(after.simulation.flows.map((f) => [flowKey(f), f]));
  const flows: FlowChange[] = before.simulation.flows.map((b) => {
    const a = afterByKey.get(flowKey(b)) ?? null;
    return { from: b.from, to: b.to, before: b, after: a, regressed: b.outcome === 'delivered' && (a === null || a.outcome !== 'delivered'), changed: a === null || summary(a) !== summary(b) };
  });
  const beforeKeys = new Set(before.findings.map(findingKey));
  const afterKeys = new Set(after.findings.map(findingKey));
  return {
    changes: applied.map((r, i) => ({ command: commands[i]!, description: r.description })),
    before,
    after,
    flows,
    findingsAdded: after.findings.filter((f) => !beforeKeys.has(findingKey(f))),
    findingsResolved: before.findings.filter((f) => !afterKeys.has(findingKey(f))),
  };
}

/** CONTRACT: 1 when a flow that worked before fails after (or the change adds an error finding). */
export function whatIfExitCode(r: WhatIfResult): 0 | 1 {
  return r.flows.some((f) => f.regressed) || r.findingsAdded.some((f) => f.severity === 'error') ? 1 : 0;
}
