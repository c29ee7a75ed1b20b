import type { FlowResult } from '../engine/flow-types.js';
import type { WhatIfResult } from '../whatif.js';
import { flowToJson } from './report-json.js';
import { markdownFinding } from './render-markdown.js';
import { renderFinding, renderFlow } from './render-text.js';
import { PLAIN, type Style } from './style.js';

/** What-if output: the contract's `mailflow-doctor/whatif@1` JSON, and text/Markdown for people. */
export function renderWhatIfJson(r: WhatIfResult): string {
  return (
    JSON.stringify(
      {
        schema: 'mailflow-doctor/whatif@1',
        at: r.before.at.toISOString(),
        changes: r.changes,
        flows: r.flows.map((f) => ({ from: f.from, to: f.to, changed: f.changed, regressed: f.regressed, before: flowToJson(f.before), after: f.after ? flowToJson(f.after) : null })),
        findingsAdded: r.findingsAdded,
        findingsResolved: r.findingsResolved,
        inputs: r.before.case.inputs,
      },
      null,
      2,
    ) + '\n'
  );
}

function outcome(f: FlowResult): string {
  const via = f.hops.filter((h) => h.attribution.tenant).map((h) => `${h.attribution.tenant}${h.attribution.connector ? ` ["${h.attribution.connector}"]` : ' [no connector]'}`);
  return `${f.outcome}${f.response ? ` (${f.response})` : ''}${via.length ? ` via ${via.join(', ')}` : ''}`;
}

export function renderWhatIfText(r: WhatIfResult, s: Style = PLAIN): string {
  const out: string[] = [s.bold('Changes'), ...r.changes.map((c) => `  ${s.cyan(c.command)}\n    ${c.description}`), ''];
  const changed = r.flows.filter((f) => f.changed);
  out.push(s.bold(`Flows that change (${changed.length} of ${r.flows.length})`));
  if (changed.length === 0) out.push('  none');
  for (const f of changed) {
    const mark = f.regressed ? s.red('BREAKS') : f.after?.outcome === 'delivered' && f.before.outcome !== 'delivered' ? s.green('FIXED') : s.yellow('CHANGES');
    out.push(`  ${mark} ${f.from} → ${f.to}`, `    before: ${outcome(f.before)}`, `    after:  ${f.after ? outcome(f.after) : 'no longer simulated'}`);
    if (f.after && f.regressed) out.push(...renderFlow(f.after, s).map((l) => `    ${l}`));
  }
  out.push('', s.bold(`Findings added (${r.findingsAdded.length})`));
  r.findingsAdded.forEach((f, i) => out.push(...renderFinding(f, i + 1, s)));
  out.push('', s.bold(`Findings resolved (${r.findingsResolved.length})`));
  for (const f of r.findingsResolved) out.push(`  - [${f.rule}] ${f.title}: ${f.subjects.map((x) => x.name).join(', ')}`);
  const stillFiring = r.after.findings.filter((f) => !r.findingsAdded.includes(f) && f.severity === 'error');
  if (stillFiring.length > 0) out.push('', s.bold(`Errors present before and after (${stillFiring.length})`), ...stillFiring.map((f) => `  - [${f.rule}] ${f.title}: ${f.subjects.map((x) => x.name).join(', ')}`));
  const broken = r.flows.filter((f) => f.regressed).length;
  out.push('', broken > 0 ? s.red(`${broken} flow(s) that work today fail after the change.`) : s.green('No flow that works today fails after the change.'));
  return out.join('\n') + '\n';
}

export function renderWhatIfMarkdown(r: WhatIfResult): string {
  const lines = ['# mailflow-doctor what-if', '', '## Changes', '', ...r.changes.map((c) => `- \`${c.command}\` — ${c.description}`), '', '## Flows', '', '| from | to | before | after |', '| --- | --- | --- | --- |'];
  for (const f of r.flows) lines.push(`| ${f.from} | ${f.to} | ${outcome(f.before)} | ${f.after ? outcome(f.after) : '—'}${f.regressed ? ' **(breaks)**' : ''} |`);
  lines.push('', `## Findings added (${r.findingsAdded.length})`, '');
  for (const f of r.findingsAdded) lines.push(...markdownFinding(f));
  lines.push(`## Findings resolved (${r.findingsResolved.length})`, '');
  for (const f of r.findingsResolved) lines.push(`- \`${f.rule}\`: ${f.title}`);
  return lines.join('\n') + '\n';
}
