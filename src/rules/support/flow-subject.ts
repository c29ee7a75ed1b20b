import type { FlowResult } from '../../engine/flow-types.js';
import type { FindingSubject } from '../finding.js';

export function flowName(f: FlowResult): string {
  return `${f.from} → ${f.to}`;
}

export function flowSubject(f: FlowResult): FindingSubject {
  return { type: 'Flow', name: flowName(f) };
}

/** One line per hop, for evidence. */
export function flowPath(f: FlowResult): string {
  if (f.hops.length === 0) return f.origin;
  return [...f.hops.map((h) => h.from), f.hops[f.hops.length - 1]!.to].join(' → ');
}
