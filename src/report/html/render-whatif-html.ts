import type { InputReport } from '../../model/diagnostics.js';
import type { Finding } from '../../rules/finding.js';
import type { JsonFlow, JsonReport } from '../report-json.js';
import { renderAppendix, renderAssumptions, renderFlowList, renderVersion } from './appendix.js';
import { flowAnchor, MAX_DIAGRAMS, renderDiagrams, type FlowCard } from './diagrams.js';
import { html, join } from './escape.js';
import type { EstateMap } from './estate-model.js';
import { renderEstate } from './estate-svg.js';
import { renderPage, type PageSection } from './page.js';
import { renderRootCauses, ruleLink } from './root-causes.js';
import { renderRuleReference } from './rule-reference.js';
import { renderVerdict } from './verdict.js';

/**
 * `whatif --format html`: the `mailflow-doctor/whatif@1` JSON rendered as a page — the verdict
 * (safe or not), the changes, every flow that changes drawn before and after with the
 * differences outlined, the findings added and resolved, the estate map before the change and
 * every flow in the appendix.
 */

export interface WhatIfJson {
  schema: string;
  at: string;
  verdict: { safe: boolean; brokenFlows: number; addedErrors: number; fixedFlows: number; resolvedFlows: number; changedFlows: number; findingsResolved: number; text: string };
  changes: { command: string; description: string }[];
  flows: { from: string; to: string; changed: boolean; regressed: boolean; verdict: string; reasons: string[]; before: JsonFlow; after: JsonFlow | null }[];
  flowsAdded: JsonFlow[];
  findingsAdded: Finding[];
  findingsResolved: Finding[];
  inputs: InputReport[];
  incomplete: JsonReport['incomplete'];
}

const ORDER: Record<string, number> = { broken: 0, changed: 1, fixed: 2, resolved: 3, unchanged: 4 };
const WORD: Record<string, string> = { broken: 'BREAKS', changed: 'CHANGES', fixed: 'FIXED', resolved: 'RESOLVED', unchanged: 'SAME' };

export function renderWhatIfHtml(data: { whatif: WhatIfJson; estate: EstateMap | null; version: string }): string {
  const w = data.whatif;
  const v = w.verdict;
  const changed = w.flows.map((f, i) => ({ f, i })).filter((x) => x.f.changed).sort((a, b) => (ORDER[a.f.verdict] ?? 9) - (ORDER[b.f.verdict] ?? 9) || a.i - b.i);
  const commands = join(w.changes.map((c) => html`<code>${c.command}</code>`), '; ');
  const cards: FlowCard[] = changed.slice(0, MAX_DIAGRAMS).map(({ f, i }) => ({
    anchor: flowAnchor(f.before, i),
    flow: f.before,
    verdict: WORD[f.verdict] ?? f.verdict,
    reasons: f.reasons,
    comparisons: [{ beforeLabel: 'before', afterLabel: 'after', caption: html`After the change: ${commands}`, after: f.after }],
  }));
  const anchors = new Map(changed.slice(0, MAX_DIAGRAMS).map(({ f, i }) => [i, flowAnchor(f.before, i)]));
  const byName = new Map([...anchors].map(([i, a]) => [`${w.flows[i]!.from} → ${w.flows[i]!.to}`, a]));
  const verdict = renderVerdict({
    head: v.text,
    level: v.safe ? 'ok' : 'error',
    counts: [
      { label: 'flow(s) broken', value: v.brokenFlows },
      { label: 'error finding(s) added', value: v.addedErrors },
      { label: 'flow(s) fixed', value: v.fixedFlows },
      { label: 'flow(s) resolved', value: v.resolvedFlows },
      { label: 'flow(s) changed', value: v.changedFlows },
      { label: 'finding(s) resolved', value: v.findingsResolved },
    ],
    at: w.at,
    incomplete: w.incomplete,
    inputs: w.inputs,
  });
  const changes = html`<ol>${w.changes.map((c) => html`<li><pre class="cmd"><code>${c.command}</code></pre>${c.description}</li>`)}</ol>`;
  const afterFlows = w.flows.map((f) => f.after ?? f.before);
  const flagged = changed.map((x) => x.i);
  const added = w.flowsAdded.length > 0 ? html`<h3>Flows only after the change (${w.flowsAdded.length})</h3><ul>${w.flowsAdded.map((f) => html`<li>${f.from} → ${f.to} from ${f.origin}: <span class="out ${f.outcome}">${f.outcome}</span></li>`)}</ul>` : html``;
  const resolved = html`<ul>${w.findingsResolved.map((f) => html`<li>${ruleLink(f.rule)} ${f.title}: ${f.subjects.map((s) => s.name).join(', ')}</li>`)}</ul>`;
  const sections: PageSection[] = [
    { id: 'verdict', title: 'Verdict', body: html`${verdict}<h3>Changes</h3>${changes}` },
    { id: 'mail-paths', title: 'Mail paths before and after', body: html`${renderDiagrams(cards, changed.length, w.flows.length, 'change')}${added}` },
    { id: 'root-causes', title: `Findings added (${w.findingsAdded.length}) and resolved (${w.findingsResolved.length})`, body: html`<h3>Added</h3>${renderRootCauses(w.findingsAdded, byName, new Map())}<h3>Resolved</h3>${w.findingsResolved.length > 0 ? resolved : html`<p class="muted">None.</p>`}` },
  ];
  if (data.estate) sections.push({ id: 'estate', title: 'Estate map (before the change)', body: renderEstate(data.estate) });
  sections.push({
    id: 'appendix',
    title: 'Appendix',
    body: renderAppendix({ flows: html`<p class="muted">Each flow as it goes after the change (before, where the change removes it).</p>${renderFlowList(afterFlows, anchors, flagged)}`, rules: renderRuleReference([...w.findingsAdded, ...w.findingsResolved].flatMap((f) => [f.rule, ...(f.related ?? [])])), assumptions: renderAssumptions(afterFlows), version: renderVersion(data.version, w.schema, w.at) }),
  });
  return renderPage('mailflow-doctor what-if', `${v.safe ? 'SAFE' : 'NOT SAFE'} · ${w.changes.length} change(s) · ${w.flows.length} flow(s) · judged at ${w.at}`, sections, html`mailflow-doctor ${data.version} · ${w.schema}`);
}
