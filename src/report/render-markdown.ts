import type { Diagnosis } from '../diagnose.js';
import type { FlowResult } from '../engine/flow-types.js';
import type { Finding, FixStep } from '../rules/finding.js';
import { evidenceSummary, evidenceSummaryText } from './evidence-summary.js';
import { flaggedFlows, flowCountsText, flowTitle, hopDetails, mainSubject, outcomeText, ruleLabel, subjectLabel, targetText, verdictOf, verdictText, whereText } from './report-parts.js';
import { visibleText } from './visible-text.js';

/**
 * Markdown for a ticket, in the order of the text report: verdict and one line per root cause,
 * then input problems, findings with evidence and fix, the failing and anomalous flows hop by hop,
 * and a table of every flow. Nothing is capped: a ticket carries everything.
 */
/** A table cell: `|` escaped, line breaks as spaces, other control characters from the input shown escaped. */
export function cell(s: string): string {
  return visibleText(s.replace(/\|/g, '\\|').replace(/\n/g, ' '));
}

function fixLines(steps: readonly FixStep[]): string[] {
  const lines: string[] = [];
  steps.forEach((x, i) => {
    lines.push(`${i + 1}. ${x.text}${whereText(x)}`);
    if (x.command) lines.push('', '   ```powershell', `   ${x.command}`, '   ```');
  });
  return lines;
}

export function markdownFinding(f: Finding): string[] {
  const lines = [`### ${f.severity.toUpperCase()}: ${f.title}`, '', `Rule \`${f.rule}\`${f.related?.length ? ` (with ${f.related.map((r) => `\`${r}\``).join(', ')})` : ''}.`, ''];
  for (const paragraph of f.message.split('\n')) lines.push(paragraph, '');
  if (f.subjects.length) lines.push(`**Affects**: ${f.subjects.map(subjectLabel).join(', ')}`, '');
  if (f.evidence.length) {
    lines.push('**Evidence**', '');
    for (const e of f.evidence) lines.push(`- ${e.text} (\`${e.source}\`)`);
    lines.push('');
  }
  if (f.fix.length) {
    lines.push(`**Fix**${f.fixVerification ? ` — ${f.fixVerification.text}` : ''}`, '', ...fixLines(f.fix), '');
  }
  for (const alt of f.alternatives ?? []) lines.push(`**Another fix** — ${alt.verification.text}`, '', ...fixLines(alt.fix), '');
  if (f.references.length) lines.push('**References**: ' + f.references.map((r) => `<${r}>`).join(', '), '');
  return lines;
}

export function markdownFlowRow(f: FlowResult): string {
  return `| ${cell(f.from)} | ${cell(f.to)} | ${cell(f.origin)} | ${cell(outcomeText(f))} | ${cell(f.tenants.join(', ') || '—')} | ${cell(f.anomalies.join('; ') || '—')} |`;
}

/** A failing or anomalous flow, hop by hop, with TLS, AuthAs and the receive connector each hop landed on. */
export function markdownFlow(f: FlowResult): string[] {
  const lines = [`#### ${cell(flowTitle(f))}`, '', `**${f.outcome}**${outcomeText(f).slice(f.outcome.length)}`, ''];
  f.hops.forEach((h, i) => {
    lines.push(`${i + 1}. ${h.from} → ${h.to}`);
    for (const d of hopDetails(h)) lines.push(`   - ${d}`);
  });
  lines.push('');
  if (f.targets?.length) lines.push('Targets:', '', ...f.targets.map((t) => `- ${targetText(t)}`), '');
  lines.push(f.conclusion, '');
  for (const a of f.anomalies) lines.push(`- ⚠ ${a}`);
  for (const a of f.assumptions) lines.push(`- ~ ${a}`);
  if (f.anomalies.length || f.assumptions.length) lines.push('');
  return lines;
}

export function renderMarkdown(d: Diagnosis): string {
  const verdict = verdictOf(d);
  const evidence = evidenceSummary(d.case);
  // No false green: a verdict from inputs read in part says so right under the title (as the text report opens with it).
  const incomplete = d.incomplete ? [`> **${d.incomplete.message}**`, ''] : [];
  const lines = ['# mailflow-doctor report', '', ...incomplete, `**${verdictText(verdict)}**`, '', `${flowCountsText(d.simulation.flows)}${evidence ? ` ${evidenceSummaryText(evidence)}.` : ''}`, ''];
  if (d.findings.length) {
    lines.push(`## Root causes (${d.findings.length})`, '');
    d.findings.forEach((f, i) => {
      const subject = mainSubject(f);
      lines.push(`${i + 1}. **${f.severity.toUpperCase()}** ${f.title}${subject ? ` — ${subjectLabel(subject)}` : ''} (\`${ruleLabel(f)}\`)`);
    });
    lines.push('');
  }
  const diags = d.case.inputs.flatMap((i) => i.diagnostics);
  if (diags.length) {
    lines.push('## Input problems', '');
    for (const x of diags) lines.push(`- **${x.severity}** \`${x.location}\`: ${x.message}`);
    lines.push('');
  }
  lines.push(`## Findings (${d.findings.length})`, '');
  if (d.findings.length === 0) lines.push('No findings.', '');
  for (const f of d.findings) lines.push(...markdownFinding(f));
  const flagged = flaggedFlows(d.simulation.flows);
  if (flagged.length) {
    lines.push(`## Flows that fail or show anomalies (${flagged.length} of ${d.simulation.flows.length})`, '');
    for (const f of flagged) lines.push(...markdownFlow(f));
  }
  lines.push(`## Flows (${d.simulation.flows.length})`, '', '| from | to | origin | outcome | tenants | anomalies |', '| --- | --- | --- | --- | --- | --- |');
  for (const f of d.simulation.flows) lines.push(markdownFlowRow(f));
  lines.push('');
  for (const n of d.simulation.notes) lines.push(`> ${n}`, '');
  return lines.join('\n');
}
