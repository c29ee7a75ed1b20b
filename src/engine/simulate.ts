import type { Case } from '../model/case.js';
import type { FlowResult, Simulation } from './flow-types.js';
import { generateFlows } from './generate-flows.js';
import { simulateFlow } from './simulate-flow.js';
import { buildSimulationContext, type SimulationContext, type SimulationOptions } from './simulation-context.js';

export interface SimulationRun extends Simulation {
  context: SimulationContext;
}

/** Simulates the case's flows (or a generated representative set) and the journal reports they cause. */
export function simulateCase(c: Case, options: SimulationOptions = {}): SimulationRun {
  const generated = c.flows.length === 0 ? generateFlows(c) : null;
  const context = buildSimulationContext(c, { ...options, extraMx: { ...(generated?.extraMx ?? {}), ...(options.extraMx ?? {}) } });
  const specs = generated?.flows ?? c.flows;
  const flows: FlowResult[] = [];
  const collect = (f: FlowResult): void => {
    flows.push(f);
    for (const j of f.journalReports) collect(j);
  };
  for (const spec of specs) collect(simulateFlow(spec, context, { kind: 'message', generated: generated !== null, parent: null }));
  return { flows, notes: generated?.notes ?? [], context };
}
