import { givenProperties, markGiven } from '../model/given-properties.js';
import type { Case } from '../model/case.js';

/**
 * A deep copy of a case for what-if, keeping which properties each object's input wrote
 * (given-properties.ts keeps them beside the objects, which structuredClone does not copy). Without
 * them a value the case never held would count as written after any change, and rules that tell
 * unknown from false (CONTRACT v1.1) would judge the copy differently from the original.
 */
export function cloneCase(c: Case): Case {
  const copy = structuredClone(c);
  // Both trees have the same shape right after the copy: walk them side by side, iteratively.
  const stack: [unknown, unknown][] = [[c, copy]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    if (typeof from !== 'object' || from === null || typeof to !== 'object' || to === null) continue;
    const given = givenProperties(from);
    if (given) markGiven(to, given);
    if (Array.isArray(from)) {
      const target = to as unknown[];
      for (let i = 0; i < from.length; i++) stack.push([from[i], target[i]]);
      continue;
    }
    const source = from as Record<string, unknown>;
    const target = to as Record<string, unknown>;
    for (const k of Object.keys(source)) {
      const v = source[k];
      if (typeof v === 'object' && v !== null) stack.push([v, target[k]]);
    }
  }
  return copy;
}
