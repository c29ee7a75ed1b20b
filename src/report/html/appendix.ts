import type { JsonFlow } from '../report-json.js';
import { html, join, type Html } from './escape.js';
import { outcomeLabel } from './path-diagram.js';

/**
 * The appendix: every flow, collapsed, with a filter by outcome (the page's script); the
 * assumptions the verdict rests on (each once, with how many flows rest on it); the version.
 * A large estate lists MAX_APPENDIX_FLOWS flows — failing and anomalous ones first — and
 * counts the rest by origin and outcome, so the page stays a bounded size.
 */

export const MAX_APPENDIX_FLOWS = 1000;
/** Above this many flows, each flow's assumptions are left to the list of assumptions (each said once there). */
const MAX_FLOWS_WITH_ASSUMPTIONS = 200;
const OUTCOMES = ['delivered', 'deferred', 'rejected', 'looped', 'dropped'];

function flowItem(f: JsonFlow, anchor: string | null, withAssumptions: boolean): Html {
  const hops = f.hops.map((h) => html`<li>${h.from} → ${h.to}${h.attribution.tenant ? html` ⇒ ${h.attribution.tenant}${h.attribution.connector ? html` via "${h.attribution.connector}"` : ' (no connector)'}${h.attribution.step ? ` by ${h.attribution.step}` : ''}` : ''}${h.authAs ? ` · AuthAs ${h.authAs}` : ''}</li>`);
  const flag = f.anomalies.length > 0 ? ' ⚠' : '';
  return html`<details data-outcome="${f.outcome}"><summary>${f.from} → ${f.to} — <span class="out ${f.outcome}">${f.outcome}</span>${flag} <span class="muted">from ${f.origin}${f.kind === 'journal-report' ? ' (journal report)' : ''}</span></summary><div class="body"><p>${outcomeLabel(f)}${f.finalResponse ? `; then ${f.finalResponse} after ${f.expiresAfter ?? 'the queue lifetime'}` : ''}. ${f.conclusion}</p>${f.tenants.length > 0 ? html`<p>Tenants: ${f.tenants.join(', ')}</p>` : ''}<ol>${hops}</ol>${f.anomalies.map((a) => html`<p class="anomaly">⚠ ${a}</p>`)}${withAssumptions ? f.assumptions.map((a) => html`<p class="muted">~ ${a}</p>`) : f.assumptions.length > 0 ? html`<p class="muted">~ ${f.assumptions.length} assumption(s), listed below</p>` : ''}${anchor ? html`<p><a href="#${anchor}">Mail-path diagram</a></p>` : ''}</div></details>`;
}

export function renderFlowList(flows: readonly JsonFlow[], anchors: ReadonlyMap<number, string>, flagged: readonly number[]): Html {
  const counts = new Map<string, number>();
  for (const f of flows) counts.set(f.outcome, (counts.get(f.outcome) ?? 0) + 1);
  const present = OUTCOMES.filter((o) => counts.has(o)).concat([...counts.keys()].filter((o) => !OUTCOMES.includes(o)));
  const buttons = [html`<button type="button" data-filter-outcome="all" aria-pressed="true">all (${flows.length})</button>`, ...present.map((o) => html`<button type="button" data-filter-outcome="${o}" aria-pressed="false">${o} (${counts.get(o)})</button>`)];
  const flaggedSet = new Set(flagged);
  const order = [...flagged, ...flows.map((_, i) => i).filter((i) => !flaggedSet.has(i))];
  const listed = order.slice(0, MAX_APPENDIX_FLOWS);
  const rest = order.slice(MAX_APPENDIX_FLOWS);
  let summary: Html = html``;
  if (rest.length > 0) {
    const groups = new Map<string, number>();
    for (const i of rest) {
      const f = flows[i]!;
      const k = `${f.origin}\u0000${f.outcome}`;
      groups.set(k, (groups.get(k) ?? 0) + 1);
    }
    const rows = [...groups.entries()].sort((a, b) => b[1] - a[1]).slice(0, 200).map(([k, n]) => {
      const [origin, outcome] = k.split('\u0000');
      return html`<tr><td>${origin}</td><td>${outcome}</td><td>${n}</td></tr>`;
    });
    summary = html`<p class="muted">${rest.length} more flow(s), delivered without anomaly unless counted otherwise, are summarised by origin (the JSON report lists each):</p><div class="scroll"><table><thead><tr><th scope="col">origin</th><th scope="col">outcome</th><th scope="col">flows</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  }
  return html`<div class="filters noprint" role="group" aria-label="Filter flows by outcome"><span>Show:</span>${buttons}<button type="button" id="expand-all">expand all</button><button type="button" id="collapse-all">collapse all</button><span class="muted"><span id="flow-filter-count">${listed.length}</span> shown</span></div><div id="appendix-flows">${join(listed.map((i) => flowItem(flows[i]!, anchors.get(i) ?? null, flows.length <= MAX_FLOWS_WITH_ASSUMPTIONS)))}</div>${summary}`;
}

export function renderAssumptions(flows: readonly JsonFlow[], notes: readonly string[] = []): Html {
  const counts = new Map<string, number>();
  for (const f of flows) for (const a of f.assumptions) counts.set(a, (counts.get(a) ?? 0) + 1);
  const items = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  if (items.length === 0 && notes.length === 0) return html`<p class="muted">The verdict rests on no assumption: every value a decision needed was in the case.</p>`;
  return html`<ul>${items.slice(0, 200).map(([a, n]) => html`<li>${a} <span class="muted">(${n} flow(s))</span></li>`)}${notes.map((n) => html`<li class="muted">Note: ${n}</li>`)}</ul>${items.length > 200 ? html`<p class="muted">… and ${items.length - 200} more</p>` : ''}`;
}

export function renderVersion(version: string, schema: string, at: string): Html {
  return html`<p>mailflow-doctor ${version} · report schema <code>${schema}</code> · judged at ${at}. This page was written in one piece and makes no network request (Content-Security-Policy <code>default-src 'none'</code>).</p>`;
}

/** `rules`: the rule reference of the report's findings (rule-reference.ts), when it has any. */
export function renderAppendix(parts: { flows: Html; assumptions: Html; version: Html; rules?: Html | null }): Html {
  const rules = parts.rules ? html`<h3 id="rule-reference">Rules in this report</h3>${parts.rules}` : '';
  return html`<h3 id="appendix-flows-h">Every flow</h3>${parts.flows}${rules}<h3>Assumptions the verdict rests on</h3>${parts.assumptions}<h3>Version</h3>${parts.version}`;
}

