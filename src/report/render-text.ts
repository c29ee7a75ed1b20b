import { evidenceSummary, evidenceSummaryText } from './evidence-summary.js';
import type { Diagnosis } from '../diagnose.js';
import type { FlowResult } from '../engine/flow-types.js';
import type { Finding, Severity } from '../rules/finding.js';
import { flaggedFlows, flowCountsText, flowTitle, hopDetails, mainSubject, outcomeText, ruleLabel, subjectLabel, targetText, verdictOf, verdictText, whereText } from './report-parts.js';
import { PLAIN, type Style } from './style.js';
import { capped, TextLines } from './text-lines.js';

/**
 * Text for a human at a terminal, summary first (issue "Advice you can trust", item 7): the
 * verdict (errors, warnings, incomplete inputs, the moment judged at) and one line per root cause;
 * then input problems, each finding with its evidence and fix, and the flows that fail or show
 * anomalies. Long lists are capped with a count of what was left out (`--full` shows all); prose
 * wraps to the terminal's width when there is one (Style.width).
 */

function severityLabel(sev: Severity, s: Style): string {
  return sev === 'error' ? s.red('ERROR') : sev === 'warning' ? s.yellow('WARNING') : s.cyan('INFO');
}

/** One line per root cause: severity, title, the object it is about. */
export function rootCauseLine(f: Finding, n: number, s: Style): string {
  const subject = mainSubject(f);
  const related = f.related && f.related.length > 0 ? s.dim(` (with ${f.related.length} related finding(s))`) : '';
  return `  ${n}. ${severityLabel(f.severity, s)} ${f.title}${subject ? ` — ${subjectLabel(subject)}` : ''}${related}`;
}

export function renderFinding(f: Finding, n: number, s: Style): string[] {
  const out = new TextLines(s.width);
  out.text(`${n}. ${severityLabel(f.severity, s)} ${s.bold(f.title)}  ${s.dim(`[${ruleLabel(f)}]`)}`, 3);
  for (const paragraph of f.message.split('\n')) out.text(`   ${paragraph}`);
  if (f.subjects.length > 0) {
    const subjects = capped(f.subjects, s.full, 8);
    out.text(`   ${s.dim('Affects:')} ${subjects.shown.map(subjectLabel).join(', ')}${subjects.more ? ` ${s.dim(subjects.more)}` : ''}`);
  }
  if (f.evidence.length > 0) {
    const evidence = capped(f.evidence, s.full);
    out.raw(`   ${s.dim(`Evidence (${f.evidence.length}):`)}`);
    for (const e of evidence.shown) out.text(`     - ${e.text}  ${s.dim(e.source)}`, 2);
    if (evidence.more) out.raw(`     ${s.dim(evidence.more)}`);
  }
  if (f.fix.length > 0) {
    out.text(`   ${s.dim('Fix:')}${f.fixVerification ? ` ${f.fixVerification.status === 'verified' ? s.green(f.fixVerification.text) : s.yellow(f.fixVerification.text)}` : ''}`);
    f.fix.forEach((step, i) => {
      out.text(`     ${i + 1}) ${step.text}${s.dim(whereText(step))}`, 3);
      // A command is printed whole, never wrapped: it must paste as one line.
      if (step.command) out.raw(`        ${s.cyan(step.command)}`);
    });
  }
  const alternatives = f.alternatives ?? [];
  if (alternatives.length > 0) {
    const shown = capped(alternatives, s.full, 1);
    for (const alt of shown.shown) {
      out.text(`   ${s.dim('Another fix:')} ${alt.verification.text}`);
      alt.fix.forEach((step, i) => {
        out.text(`     ${i + 1}) ${step.text}${s.dim(whereText(step))}`, 3);
        if (step.command) out.raw(`        ${s.cyan(step.command)}`);
      });
    }
    if (shown.more) out.raw(`   ${s.dim(shown.more.replace('more', 'more fix(es)'))}`);
  }
  return out.lines;
}

/**
 * A flow: its title line, exactly one line per hop (command-simulate interleaves each hop's
 * decisions after its line), then targets, conclusion, anomalies and assumptions.
 */
export function renderFlow(f: FlowResult, s: Style): string[] {
  const out = new TextLines(s.width);
  const outcome = f.outcome === 'delivered' ? s.green(outcomeText(f)) : s.red(outcomeText(f));
  out.raw(`${s.bold(flowTitle(f))}: ${outcome}`);
  f.hops.forEach((h, i) => {
    const [presented, attribution] = hopDetails(h);
    out.raw(`   ${i + 1}. ${h.from} → ${h.to}  [${presented}]${attribution ? `  ${attribution}` : ''}`);
  });
  if (f.targets && f.targets.length > 0) {
    out.raw(`   ${s.dim('targets:')}`);
    for (const t of f.targets) out.text(`     - ${targetText(t)}`, 2);
  }
  out.text(`   ${s.dim(f.conclusion)}`);
  for (const a of f.anomalies) out.text(`   ${s.yellow('!')} ${a}`);
  for (const a of f.assumptions) out.text(`   ${s.dim(`~ ${a}`)}`);
  return out.lines;
}

export function renderText(d: Diagnosis, s: Style = PLAIN): string {
  const out = new TextLines(s.width);
  // No false green: a verdict from inputs read in part says so before anything else.
  if (d.incomplete) out.text(s.bold(s.red(d.incomplete.message))).blank();
  const verdict = verdictOf(d);
  const head = verdictText(verdict);
  out.text(s.bold(verdict.errors > 0 ? s.red(head) : verdict.warnings > 0 ? s.yellow(head) : verdict.incompleteInputs > 0 ? head : s.green(head)));
  const records = d.case.inputs.reduce((a, i) => a + i.records, 0);
  const evidence = evidenceSummary(d.case);
  out.text(`  ${d.case.inputs.length} input file(s), ${records} record(s)${evidence ? `; ${evidenceSummaryText(evidence)}` : ''}`);
  out.text(`  ${flowCountsText(d.simulation.flows)}`);
  if (d.findings.length > 0) {
    out.blank().raw(s.bold(`Root causes (${d.findings.length})`));
    d.findings.forEach((f, i) => out.text(rootCauseLine(f, i + 1, s), 5));
  }
  out.blank();

  const problems = d.case.inputs.flatMap((i) => i.diagnostics);
  if (problems.length > 0) {
    const shown = capped(problems, s.full);
    out.raw(s.bold(`Input problems (${problems.length})`));
    for (const e of shown.shown) out.text(`  ${e.severity === 'error' ? s.red('error') : s.yellow('warning')} ${e.location}: ${e.message}`, 4);
    if (shown.more) out.raw(`  ${s.dim(shown.more)}`);
    out.blank();
  }
  if (d.findings.length === 0) out.raw(s.green('No findings.')).blank();
  else {
    out.raw(s.bold(`Findings (${d.findings.length})`)).blank();
    d.findings.forEach((f, i) => {
      for (const line of renderFinding(f, i + 1, s)) out.raw(line);
      out.blank();
    });
  }
  const flagged = flaggedFlows(d.simulation.flows);
  if (flagged.length > 0) {
    const shown = capped(flagged, s.full, 10);
    out.raw(s.bold(`Flows with anomalies (${flagged.length} of ${d.simulation.flows.length})`)).blank();
    for (const f of shown.shown) {
      for (const line of renderFlow(f, s)) out.raw(line);
      out.blank();
    }
    if (shown.more) out.raw(s.dim(shown.more.replace('more', 'more flow(s)'))).blank();
  }
  for (const n of d.simulation.notes) out.text(s.dim(`Note: ${n}`));
  return out.toString();
}
