import { formatSource } from '../model/provenance.js';
import type { FlowResult } from '../engine/flow-types.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { flowName, flowPath, flowSubject } from './support/flow-subject.js';

const FAILED = new Set(['rejected', 'dropped', 'looped', 'deferred']);

/**
 * No simulated failure goes unreported (RULES.md v2 `flow-fails`): a flow that ends rejected,
 * dropped, looped or deferred, that its `Expect` did not ask for, and that no other finding names
 * among its subjects, is itself a finding — so "no findings" never sits beside a failing flow.
 */
export const rule: Rule = {
  id: 'flow-fails',
  title: 'Mail on a simulated route fails',
  severity: 'error',
  description: 'A simulated message is rejected, lost, looped or left deferred, and no other finding explains why.',
  afterOthers: true,
  run(ctx: RuleContext, earlier: readonly Finding[] = []): Finding[] {
    const explained = new Set<string>();
    for (const f of earlier) for (const s of f.subjects) if (s.type === 'Flow') explained.add(s.name);
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const f of ctx.simulation.flows) {
      if (!FAILED.has(f.outcome)) continue;
      if (f.spec.Expect?.Outcome === f.outcome) continue;
      const name = flowName(f);
      if (explained.has(name)) continue;
      const key = `${name}|${f.origin}|${f.outcome}|${f.response ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding(this, f));
    }
    return findings;
  },
};

function finding(r: Rule, f: FlowResult): Finding {
  const last = f.hops[f.hops.length - 1];
  const where = last ? `at the hop ${last.from} → ${last.to}` : `before it left ${f.origin}`;
  const what =
    f.outcome === 'deferred'
      ? `is deferred${f.response ? ` with ${f.response}` : ''}; the sender retries${f.expiresAfter ? ` for ${f.expiresAfter}` : ''} and then returns ${f.finalResponse ?? 'a non-delivery report'}`
      : f.outcome === 'dropped'
        ? 'is lost without a non-delivery report'
        : f.outcome === 'looped'
          ? `loops until the hop limit and is returned${f.response ? ` with ${f.response}` : ''}`
          : `is rejected${f.response ? ` with ${f.response}` : ''}`;
  const evidence = [{ source: 'simulation', text: `path: ${flowPath(f)}` }];
  if (f.spec.provenance.file) evidence.unshift({ source: formatSource(f.spec.provenance), text: `flow ${flowName(f)}` });
  // CONTRACT.md v1.1: never an error whose only ground is a value the case does not hold — a warning that names it.
  const unknown = f.unknownGround ? ` This rests on a value the case does not hold: ${f.unknownGround}.` : '';
  return {
    rule: r.id,
    severity: f.unknownGround ? 'warning' : r.severity,
    title: r.title,
    message: `${flowName(f)} (${f.kind === 'journal-report' ? 'journal report, ' : ''}from ${f.origin}) ${what}, ${where}. ${f.conclusion}${unknown}`,
    subjects: [flowSubject(f)],
    evidence,
    fix: [{ text: 'The decisions on the flow\'s last hop name the connector or setting that stops it; change that setting and check the result with `mailflow-doctor whatif`.' }],
    references: [],
  };
}
