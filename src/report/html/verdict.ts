import type { InputReport } from '../../model/diagnostics.js';
import { verdictText } from '../report-parts.js';
import type { JsonReport } from '../report-json.js';
import { html, join, type Html } from './escape.js';

/**
 * The verdict block the report opens with: the same sentence as the text report's first line,
 * the counts, incomplete inputs (no false green: said before anything else), the moment judged
 * at (`--at`) and every input read.
 */

export type Level = 'error' | 'warning' | 'ok';

export interface VerdictView {
  head: string;
  level: Level;
  counts: { label: string; value: number | string }[];
  at: string;
  incomplete: JsonReport['incomplete'];
  inputs: readonly InputReport[];
  notes?: readonly string[];
}

export function diagnoseVerdict(r: JsonReport): VerdictView {
  const s = r.summary;
  const flows = Object.entries(s.flows).map(([k, v]) => ({ label: `flow(s) ${k}`, value: v }));
  return {
    head: verdictText({ ...s, at: r.at }),
    level: s.errors > 0 ? 'error' : s.warnings > 0 || s.incompleteInputs > 0 ? 'warning' : 'ok',
    counts: [
      { label: 'error(s)', value: s.errors },
      { label: 'warning(s)', value: s.warnings },
      { label: 'info', value: s.info },
      { label: 'incomplete input(s)', value: s.incompleteInputs },
      { label: 'input error(s)', value: s.inputErrors },
      { label: 'input warning(s)', value: s.inputWarnings },
      ...flows,
    ],
    at: r.at,
    incomplete: r.incomplete,
    inputs: r.inputs,
    notes: r.notes,
  };
}

/** Inputs listed one per row; beyond this (an estate exported per tenant), files read whole are counted by kind. */
export const MAX_INPUT_ROWS = 200;

export function inputsTable(all: readonly InputReport[]): Html {
  if (all.length === 0) return html`<p class="muted">No input files.</p>`;
  const withProblems = all.filter((i) => i.diagnostics.length > 0 || i.skipped > 0);
  const inputs = all.length <= MAX_INPUT_ROWS ? all : [...withProblems.slice(0, MAX_INPUT_ROWS), ...all.filter((i) => i.diagnostics.length === 0 && i.skipped === 0).slice(0, Math.max(0, MAX_INPUT_ROWS - withProblems.length))];
  const left = all.length - inputs.length;
  const byKind = new Map<string, number>();
  if (left > 0) {
    const listed = new Set(inputs);
    for (const i of all) if (!listed.has(i)) byKind.set(i.kind, (byKind.get(i.kind) ?? 0) + 1);
  }
  const more = left > 0 ? html`<p class="muted">${left} more input file(s): ${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')} (the JSON report lists each).</p>` : html``;
  const rows = inputs.map((i) => {
    const diags = i.diagnostics.length === 0 ? html`<span class="muted">—</span>` : html`<ul>${i.diagnostics.slice(0, 20).map((d) => html`<li><span class="sev ${d.severity === 'error' ? 'error' : 'warning'}">${d.severity.toUpperCase()}</span> <code>${d.location}</code> ${d.message}</li>`)}</ul>${i.diagnostics.length > 20 ? html`<p class="muted">… and ${i.diagnostics.length - 20} more</p>` : ''}`;
    return html`<tr><td><code>${i.file}</code></td><td>${i.kind}</td><td>${i.records}</td><td>${i.skipped}</td><td>${diags}</td></tr>`;
  });
  const table = html`<div class="scroll"><table><caption class="muted">Inputs read</caption><thead><tr><th scope="col">file</th><th scope="col">kind</th><th scope="col">records</th><th scope="col">skipped</th><th scope="col">diagnostics</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return all.length > 12 ? html`<details><summary>Inputs read (${all.length} files)</summary><div class="body">${table}${more}</div></details>` : table;
}

export function renderVerdict(v: VerdictView): Html {
  const incomplete = v.incomplete
    ? html`<div class="verdict error" role="alert"><p class="head">${v.incomplete.message}</p><ul>${v.incomplete.files.map((f) => html`<li><code>${f.file}</code> (${f.kind}): ${f.reason}</li>`)}</ul></div>`
    : html``;
  const counts = join(v.counts.map((c) => html`<li><b>${c.value}</b> ${c.label}</li>`));
  const notes = v.notes && v.notes.length > 0 ? html`<ul class="muted">${v.notes.map((n) => html`<li>${n}</li>`)}</ul>` : html``;
  return html`${incomplete}<div class="verdict ${v.level}"><p class="head">${v.head}</p><ul class="counts">${counts}</ul><p>Judged at <time datetime="${v.at}">${v.at}</time> (certificates and dates are judged at this moment; <code>--at</code> sets it).</p></div>${notes}${inputsTable(v.inputs)}`;
}
