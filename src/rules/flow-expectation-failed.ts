import { formatSource } from '../model/provenance.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { flowPath, flowSubject } from './support/flow-subject.js';

/** A flow written with `Expect` in the topology does not meet it (CONTRACT: flows[].Expect). */
export const rule: Rule = {
  id: 'flow-expectation-failed',
  title: 'A flow does not behave as expected',
  severity: 'error',
  description: 'The simulated outcome or path contradicts what the flow says it must do.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const f of ctx.simulation.flows) {
      const e = f.spec.Expect;
      if (!e || f.kind !== 'message') continue;
      const failures: string[] = [];
      if (e.Outcome && e.Outcome !== f.outcome) failures.push(`expected ${e.Outcome}, simulated ${f.outcome}${f.response ? ` (${f.response})` : ''}`);
      const attributed = f.tenants.map((t) => t.toLowerCase());
      for (const t of e.NotVia) if (attributed.includes(t.toLowerCase())) failures.push(`expected not to pass through ${t}, but it is attributed to it`);
      for (const t of e.Via) if (!attributed.includes(t.toLowerCase())) failures.push(`expected to pass through ${t}, but it does not`);
      if (failures.length === 0) continue;
      findings.push({
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `${f.from} → ${f.to}: ${failures.join('; ')}. ${f.conclusion}`,
        subjects: [flowSubject(f)],
        evidence: [{ source: formatSource(f.spec.provenance), text: `Expect: ${JSON.stringify({ Outcome: e.Outcome, NotVia: e.NotVia, Via: e.Via })}` }, { source: 'simulation', text: `path: ${flowPath(f)}; tenants: ${f.tenants.join(', ') || 'none'}` }],
        fix: [{ text: 'See the other findings for this flow; they name the configuration that makes it behave this way.' }],
        references: [],
      });
    }
    return findings;
  },
};
