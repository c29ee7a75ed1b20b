import { evidenceSummary, evidenceSummaryText } from './evidence-summary.js';
import type { Diagnosis } from '../diagnose.js';
import type { FlowResult } from '../engine/flow-types.js';
import type { Finding } from '../rules/finding.js';
import { PLAIN, type Style } from './style.js';

/**
 * Text for a human at a terminal: findings first, most severe first, each with evidence and
 * fix; then the flows with anomalies, one hop per line; then a summary.
 */
export function renderFinding(f: Finding, n: number, s: Style): string[] {
  const sev = f.severity === 'error' ? s.red('ERROR') : f.severity === 'warning' ? s.yellow('WARNING') : s.cyan('INFO');
  const lines = [`${n}. ${sev} ${s.bold(f.title)}  ${s.dim(`[${f.rule}]`)}`, `   ${f.message}`];
  if (f.subjects.length > 0) lines.push(`   ${s.dim('Affects:')} ${f.subjects.map((x) => `${x.type} "${x.name}"${x.tenant ? ` (${x.tenant})` : x.organization ? ` (${x.organization})` : x.gateway ? ` (${x.gateway})` : ''}`).join(', ')}`);
  if (f.evidence.length > 0) {
    lines.push(`   ${s.dim('Evidence:')}`);
    for (const e of f.evidence) lines.push(`     - ${e.text}  ${s.dim(e.source)}`);
  }
  if (f.fix.length > 0) {
    lines.push(`   ${s.dim('Fix:')}`);
    f.fix.forEach((step, i) => {
      lines.push(`     ${i + 1}) ${step.text}`);
      if (step.command) lines.push(`        ${s.cyan(step.command)}`);
    });
  }
  return lines;
}

export function renderFlow(f: FlowResult, s: Style): string[] {
  const outcome = f.outcome === 'delivered' ? s.green(f.outcome) : s.red(f.outcome);
  const lines = [`${s.bold(`${f.from} → ${f.to}`)}  (${f.kind === 'journal-report' ? 'journal report, ' : ''}from ${f.origin}): ${outcome}${f.response ? ` — ${f.response}` : ''}`];
  f.hops.forEach((h, i) => {
    const att = h.attribution.direction !== 'none' || h.attribution.tenant ? `  ⇒ ${h.attribution.tenant ?? 'no tenant'}${h.attribution.connector ? ` via "${h.attribution.connector}"` : ''} (${h.attribution.direction})` : '';
    const tls = h.tls ? `, tls: ${h.tls.validation}${h.tls.landedOn ? ` on "${h.tls.landedOn}"` : ''}` : '';
    const auth = h.authAs ? `, AuthAs ${h.authAs}` : '';
    lines.push(`   ${i + 1}. ${h.from} → ${h.to}  [cert: ${h.presented.certificate ?? 'none'}, ip: ${h.presented.ip ?? '?'}${tls}${auth}]${att}`);
  });
  if (f.finalResponse) lines.push(`   ${s.dim(`retried for ${f.expiresAfter ?? '?'}, then: ${f.finalResponse}`)}`);
  for (const t of f.targets ?? []) lines.push(`   ${s.dim(`target ${t.host}: ${t.outcome}${t.response ? ` — ${t.response}` : ''}`)}`);
  lines.push(`   ${s.dim(f.conclusion)}`);
  for (const a of f.anomalies) lines.push(`   ${s.yellow('!')} ${a}`);
  for (const a of f.assumptions) lines.push(`   ${s.dim(`~ ${a}`)}`);
  return lines;
}

export function renderText(d: Diagnosis, s: Style = PLAIN): string {
  const out: string[] = [];
  const errors = d.case.inputs.flatMap((i) => i.diagnostics.map((x) => ({ ...x, file: i.file })));
  if (errors.length > 0) {
    out.push(s.bold('Input problems'));
    for (const e of errors) out.push(`  ${e.severity === 'error' ? s.red('error') : s.yellow('warning')} ${e.location}: ${e.message}`);
    out.push('');
  }
  if (d.findings.length === 0) out.push(s.green('No findings.'), '');
  else {
    out.push(s.bold(`Findings (${d.findings.length})`), '');
    d.findings.forEach((f, i) => out.push(...renderFinding(f, i + 1, s), ''));
  }
  const flagged = d.simulation.flows.filter((f) => f.anomalies.length > 0 || f.outcome !== 'delivered');
  if (flagged.length > 0) {
    out.push(s.bold(`Flows with anomalies (${flagged.length} of ${d.simulation.flows.length})`), '');
    for (const f of flagged) out.push(...renderFlow(f, s), '');
  }
  for (const n of d.simulation.notes) out.push(s.dim(`Note: ${n}`));
  const count = (sev: string) => d.findings.filter((f) => f.severity === sev).length;
  const records = d.case.inputs.reduce((a, i) => a + i.records, 0);
  const evidence = evidenceSummary(d.case);
  if (evidence) out.push(evidenceSummaryText(evidence));
  out.push(
    `${d.case.inputs.length} input file(s), ${records} record(s); ${d.simulation.flows.length} flow(s) simulated at ${d.at.toISOString()}; ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info.`,
  );
  return out.join('\n') + '\n';
}
