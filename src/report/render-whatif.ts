import type { FlowResult } from '../engine/flow-types.js';
import { addedErrors, type FlowChange, type WhatIfResult } from '../whatif.js';
import { flowToJson } from './report-json.js';
import { cell, markdownFinding } from './render-markdown.js';
import { renderFinding, renderFlow } from './render-text.js';
import { outcomeText } from './report-parts.js';
import { PLAIN, type Style } from './style.js';
import { capped, TextLines } from './text-lines.js';

/**
 * What-if output: the contract's `mailflow-doctor/whatif@1` JSON, and text/Markdown for people.
 * Every format opens with one verdict that agrees with both the flows and the findings the change
 * adds (whatif-flows.ts decides what counts as broken).
 */

export interface WhatIfVerdict {
  /** No flow broken and no error finding added. */
  safe: boolean;
  brokenFlows: number;
  addedErrors: number;
  fixedFlows: number;
  /** Flows that existed only because of a fault and are gone (journal reports). */
  resolvedFlows: number;
  changedFlows: number;
  findingsResolved: number;
  text: string;
}

/** Entries plus the identical flows folded into them. */
const weight = (f: FlowChange): number => 1 + f.sameAs.length;
const count = (r: WhatIfResult, verdict: FlowChange['verdict']): number => r.flows.filter((f) => f.verdict === verdict).reduce((n, f) => n + weight(f), 0);

export function whatIfVerdict(r: WhatIfResult): WhatIfVerdict {
  const broken = count(r, 'broken');
  const errors = addedErrors(r);
  const fixed = count(r, 'fixed');
  const resolved = count(r, 'resolved');
  const changed = count(r, 'changed');
  const good = [
    ...(fixed ? [`${fixed} flow(s) fixed`] : []),
    ...(resolved ? [`${resolved} flow(s) that existed only because of a fault resolved`] : []),
    ...(r.findingsResolved.length ? [`${r.findingsResolved.length} finding(s) resolved`] : []),
  ];
  const tail = good.length ? ` ${good.join(', ')}.` : '';
  let text: string;
  if (broken > 0 || errors.length > 0) {
    const parts = [...(broken ? [`${broken} flow(s) that work today break after the change`] : []), ...(errors.length ? [`it adds ${errors.length} error finding(s) (${[...new Set(errors.map((f) => f.rule))].join(', ')})`] : [])];
    text = `NOT SAFE: ${parts.join('; ')}.${tail}`;
  } else {
    text = `SAFE: no flow that works today breaks, and no error finding is added.${tail}`;
  }
  return { safe: broken === 0 && errors.length === 0, brokenFlows: broken, addedErrors: errors.length, fixedFlows: fixed, resolvedFlows: resolved, changedFlows: changed, findingsResolved: r.findingsResolved.length, text };
}

export function renderWhatIfJson(r: WhatIfResult): string {
  const v = whatIfVerdict(r);
  return (
    JSON.stringify(
      {
        schema: 'mailflow-doctor/whatif@1',
        at: r.before.at.toISOString(),
        verdict: { safe: v.safe, brokenFlows: v.brokenFlows, addedErrors: v.addedErrors, fixedFlows: v.fixedFlows, resolvedFlows: v.resolvedFlows, changedFlows: v.changedFlows, findingsResolved: v.findingsResolved, text: v.text },
        changes: r.changes,
        flows: r.flows.map((f) => ({
          from: f.from,
          to: f.to,
          changed: f.changed,
          regressed: f.regressed,
          verdict: f.verdict,
          reasons: f.reasons,
          ...(f.sameAs.length ? { alsoJournalOf: f.sameAs.map((x) => (x.parent ? { from: x.parent.from, to: x.parent.to } : null)) } : {}),
          before: flowToJson(f.before),
          after: f.after ? flowToJson(f.after) : null,
        })),
        flowsAdded: r.flowsAdded.map(flowToJson),
        findingsAdded: r.findingsAdded,
        findingsResolved: r.findingsResolved,
        inputs: r.before.case.inputs,
        incomplete: r.before.incomplete ?? null,
      },
      null,
      2,
    ) + '\n'
  );
}

function outcome(f: FlowResult): string {
  const via = f.hops
    .filter((h) => h.attribution.tenant)
    .map((h) => `${h.attribution.tenant}${h.attribution.connector ? ` ["${h.attribution.connector}"]` : ' [no connector]'}${h.authAs ? ` AuthAs ${h.authAs}` : ''}`);
  return `${outcomeText(f)}${via.length ? ` via ${via.join(', ')}` : ''}`;
}

function flowLabel(f: FlowChange): string {
  const b = f.before;
  const journal = b.kind === 'journal-report' ? 'journal report ' : '';
  const folded = f.sameAs.length ? ` (×${weight(f)}: of ${[b, ...f.sameAs].map((x) => (x.parent ? `${x.parent.from} → ${x.parent.to}` : '?')).join('; ')})` : b.parent ? ` (of ${b.parent.from} → ${b.parent.to})` : '';
  return `${journal}${f.from} → ${f.to} from ${b.origin}${folded}`;
}

const ORDER: Record<FlowChange['verdict'], number> = { broken: 0, changed: 1, fixed: 2, resolved: 3, unchanged: 4 };

export function renderWhatIfText(r: WhatIfResult, s: Style = PLAIN): string {
  const out = new TextLines(s.width);
  const v = whatIfVerdict(r);
  if (r.before.incomplete) out.text(s.bold(s.red(r.before.incomplete.message))).blank();
  out.text(s.bold(v.safe ? s.green(v.text) : s.red(v.text)), 2).text(`  judged at ${r.before.at.toISOString()}`).blank();
  out.raw(s.bold('Changes'));
  for (const c of r.changes) out.raw(`  ${s.cyan(c.command)}`).text(`    ${c.description}`, 2);
  out.blank();
  const changed = r.flows.filter((f) => f.changed).sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict]);
  const total = r.flows.reduce((n, f) => n + weight(f), 0);
  out.raw(s.bold(`Flows that change (${changed.reduce((n, f) => n + weight(f), 0)} of ${total})`));
  if (changed.length === 0) out.raw('  none');
  const mark: Record<FlowChange['verdict'], string> = { broken: s.red('BREAKS'), fixed: s.green('FIXED'), resolved: s.green('RESOLVED'), changed: s.yellow('CHANGES'), unchanged: 'SAME' };
  for (const f of changed) {
    out.text(`  ${mark[f.verdict]} ${flowLabel(f)}`, 4);
    for (const why of f.reasons) out.text(`    why: ${why}`, 6);
    out.text(`    before: ${outcome(f.before)}`, 6).text(`    after:  ${f.after ? outcome(f.after) : 'no longer produced'}`, 6);
    if (f.after && f.regressed) for (const line of renderFlow(f.after, s)) out.raw(`    ${line}`);
  }
  if (r.flowsAdded.length > 0) {
    out.blank().raw(s.bold(`Flows only after the change (${r.flowsAdded.length})`));
    for (const f of r.flowsAdded) out.text(`  ${f.kind === 'journal-report' ? 'journal report ' : ''}${f.from} → ${f.to} from ${f.origin}: ${outcome(f)}`, 4);
  }
  out.blank().raw(s.bold(`Findings added (${r.findingsAdded.length})`));
  r.findingsAdded.forEach((f, i) => {
    for (const line of renderFinding(f, i + 1, s)) out.raw(line);
  });
  out.blank().raw(s.bold(`Findings resolved (${r.findingsResolved.length})`));
  const resolved = capped(r.findingsResolved, s.full, 10);
  for (const f of resolved.shown) out.text(`  - [${f.rule}] ${f.title}: ${f.subjects.map((x) => x.name).join(', ')}`, 4);
  if (resolved.more) out.raw(`  ${s.dim(resolved.more)}`);
  const stillFiring = r.after.findings.filter((f) => !r.findingsAdded.includes(f) && f.severity === 'error');
  if (stillFiring.length > 0) {
    out.blank().raw(s.bold(`Errors present before and after (${stillFiring.length})`));
    for (const f of stillFiring) out.text(`  - [${f.rule}] ${f.title}: ${f.subjects.map((x) => x.name).join(', ')}`, 4);
  }
  out.blank().text(v.safe ? s.green(v.text) : s.red(v.text), 2);
  return out.toString();
}

export function renderWhatIfMarkdown(r: WhatIfResult): string {
  const v = whatIfVerdict(r);
  const lines = ['# mailflow-doctor what-if', ''];
  if (r.before.incomplete) lines.push(`> **${r.before.incomplete.message}**`, '');
  lines.push(`**${v.text}**`, '', `Judged at ${r.before.at.toISOString()}.`, '', '## Changes', '', ...r.changes.map((c) => `- \`${c.command}\` — ${c.description}`), '');
  lines.push('## Flows', '', '| verdict | flow | before | after | why |', '| --- | --- | --- | --- | --- |');
  for (const f of [...r.flows].sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict])) {
    const verdict = f.verdict === 'broken' ? '**breaks**' : f.verdict;
    lines.push(`| ${verdict} | ${cell(flowLabel(f))} | ${cell(outcome(f.before))} | ${f.after ? cell(outcome(f.after)) : '—'} | ${cell(f.reasons.join('; ') || '—')} |`);
  }
  if (r.flowsAdded.length) {
    lines.push('', `## Flows only after the change (${r.flowsAdded.length})`, '');
    for (const f of r.flowsAdded) lines.push(`- ${f.from} → ${f.to} from ${f.origin}: ${outcome(f)}`);
  }
  lines.push('', `## Findings added (${r.findingsAdded.length})`, '');
  for (const f of r.findingsAdded) lines.push(...markdownFinding(f));
  lines.push(`## Findings resolved (${r.findingsResolved.length})`, '');
  for (const f of r.findingsResolved) lines.push(`- \`${f.rule}\`: ${f.title}`);
  return lines.join('\n') + '\n';
}
