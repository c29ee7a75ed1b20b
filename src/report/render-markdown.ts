import type { Diagnosis } from '../diagnose.js';
import type { FlowResult } from '../engine/flow-types.js';
import type { Finding } from '../rules/finding.js';

/** Markdown for a ticket: findings with evidence and fix, then a table of flows. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownFinding(f: Finding): string[] {
  const lines = [`### ${f.severity.toUpperCase()}: ${f.title}`, '', `Rule \`${f.rule}\`.`, '', f.message, ''];
  if (f.evidence.length) {
    lines.push('**Evidence**', '');
    for (const e of f.evidence) lines.push(`- ${e.text} (\`${e.source}\`)`);
    lines.push('');
  }
  if (f.fix.length) {
    lines.push('**Fix**', '');
    f.fix.forEach((x, i) => {
      lines.push(`${i + 1}. ${x.text}`);
      if (x.command) lines.push('', '   ```powershell', `   ${x.command}`, '   ```');
    });
    lines.push('');
  }
  if (f.references.length) lines.push('**References**: ' + f.references.map((r) => `<${r}>`).join(', '), '');
  return lines;
}

export function markdownFlowRow(f: FlowResult): string {
  return `| ${cell(f.from)} | ${cell(f.to)} | ${cell(f.origin)} | ${f.outcome}${f.response ? ` (${cell(f.response)})` : ''} | ${cell(f.tenants.join(', ') || '—')} | ${cell(f.anomalies.join('; ') || '—')} |`;
}

export function renderMarkdown(d: Diagnosis): string {
  const lines = ['# mailflow-doctor report', '', `Evaluated at ${d.at.toISOString()}.`, ''];
  const diags = d.case.inputs.flatMap((i) => i.diagnostics);
  if (diags.length) {
    lines.push('## Input problems', '');
    for (const x of diags) lines.push(`- **${x.severity}** \`${x.location}\`: ${x.message}`);
    lines.push('');
  }
  lines.push(`## Findings (${d.findings.length})`, '');
  if (d.findings.length === 0) lines.push('No findings.', '');
  for (const f of d.findings) lines.push(...markdownFinding(f));
  lines.push(`## Flows (${d.simulation.flows.length})`, '', '| from | to | origin | outcome | tenants | anomalies |', '| --- | --- | --- | --- | --- | --- |');
  for (const f of d.simulation.flows) lines.push(markdownFlowRow(f));
  lines.push('');
  for (const n of d.simulation.notes) lines.push(`> ${n}`, '');
  return lines.join('\n');
}
