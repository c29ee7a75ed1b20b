import type { Finding, FixStep } from '../finding.js';

/**
 * A text built from pieces (a template literal) is held by V8 as a tree of those pieces until
 * something reads it whole; then it is copied into one flat string, in the generation the tree
 * has reached. A finding's texts are first read whole when the report is written, at the end of
 * the run: by then the findings are old, so each copy lands in the old generation, where nothing
 * reclaims it before the process exits (an estate's tens of thousands of findings: tens of MB at
 * the run's peak). Made flat as soon as the rule returns them, the copies are made while the
 * findings are young and the pieces die young.
 */
export function flattenFindingTexts(findings: Finding[]): Finding[] {
  for (const f of findings) {
    flat(f.title);
    flat(f.message);
    for (const e of f.evidence) {
      flat(e.source);
      flat(e.text);
    }
    flattenSteps(f.fix);
    if (f.candidates) for (const c of f.candidates) flattenSteps(c.steps);
    // Fix verification (after the rules) writes new verdict texts, pieced together the same way.
    if (f.fixVerification) flat(f.fixVerification.text);
    if (f.alternatives) {
      for (const a of f.alternatives) {
        flattenSteps(a.fix);
        flat(a.verification.text);
      }
    }
  }
  return findings;
}

function flattenSteps(steps: readonly FixStep[]): void {
  for (const s of steps) {
    flat(s.text);
    if (s.command !== undefined) flat(s.command);
  }
}

/** Converting a string to a number makes V8 flatten it in place; the number is not wanted. */
function flat(text: string): void {
  void (Number(text) | 0);
}
