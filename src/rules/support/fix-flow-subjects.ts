import type { FlowResult } from '../../engine/flow-types.js';
import type { FindingSubject } from '../finding.js';
import { flowName, flowSubject } from './flow-subject.js';

/**
 * The failing simulated flows a finding explains, as subjects — so `flow-fails` (which reports
 * only failures no other finding names) does not report them a second time.
 */
export function failingFlowSubjects(flows: Iterable<FlowResult>, explains: (f: FlowResult) => boolean): FindingSubject[] {
  const seen = new Set<string>();
  const out: FindingSubject[] = [];
  for (const f of flows) {
    if (f.outcome === 'delivered' || !explains(f)) continue;
    const name = flowName(f);
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(flowSubject(f));
  }
  return out;
}

/** Whether a hop of the flow presented the certificate with this thumbprint. */
export function presentsCertificate(f: FlowResult, thumbprint: string): boolean {
  return f.hops.some((h) => h.presented.thumbprint === thumbprint);
}
