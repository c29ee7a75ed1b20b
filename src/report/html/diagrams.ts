import type { JsonFlow } from '../report-json.js';
import { html, join, slug, type Html } from './escape.js';
import { hopTable, outcomeLabel, pathDifferences, renderPathSvg } from './path-diagram.js';

/**
 * The mail-path section: one card per flow that fails or shows an anomaly, the path as simulated
 * beside the expected one — "now" and "after the fix" where a verified fix was simulated, "before"
 * and "after" for a what-if — with the hops that differ outlined on both sides and listed in words.
 * A large estate gets the first MAX_DIAGRAMS cards; the rest are listed and stay in the appendix.
 */

export const MAX_DIAGRAMS = 40;

export interface Comparison {
  beforeLabel: string;
  afterLabel: string;
  /** What makes the after side: the fix or the change, in words and commands. */
  caption: Html;
  after: JsonFlow | null;
}

export interface FlowCard {
  anchor: string;
  flow: JsonFlow;
  comparisons: Comparison[];
  /** What-if: the verdict word and why. */
  verdict?: string;
  reasons?: string[];
}

export function flowAnchor(f: JsonFlow, index: number): string {
  return `flow-${index}-${slug(`${f.from}-${f.to}`)}`;
}

function side(label: string, f: JsonFlow | null, id: string, diff: { hops: Set<number>; outcome: boolean }): Html {
  if (!f) return html`<div class="side"><h4>${label}</h4><p class="muted">No such flow: it is no longer produced.</p></div>`;
  return html`<div class="side"><h4>${label}: <span class="out ${f.outcome}">${outcomeLabel(f)}</span></h4>${renderPathSvg(f, { side: label, diffHops: diff.hops, diffOutcome: diff.outcome, id })}</div>`;
}

/** The hops in full, under the diagrams and as wide as the page (the first side open, the other collapsed). */
function hopTables(beforeLabel: string, before: JsonFlow, afterLabel: string | null, after: JsonFlow | null, diff: Set<number>, open: boolean): Html {
  const first = open ? html`<h4>Hops ${beforeLabel}</h4>${hopTable(before, diff)}` : html`<details><summary>Hops ${beforeLabel}</summary><div class="body">${hopTable(before, diff)}</div></details>`;
  const second = afterLabel && after ? html`<details><summary>Hops ${afterLabel}</summary><div class="body">${hopTable(after, diff)}</div></details>` : html``;
  return html`${first}${second}`;
}

function comparisonBlock(card: FlowCard, c: Comparison, n: number): Html {
  const d = pathDifferences(card.flow, c.after);
  const diffs = d.text.length > 0 ? html`<ul class="diffs">${d.text.map((t) => html`<li>${t}</li>`)}</ul>` : html`<p class="muted">No difference on this path.</p>`;
  return html`<p>${c.caption}</p><div class="compare${n === 0 ? ' primary' : ''}">${side(c.beforeLabel, card.flow, `${card.anchor}-c${n}a`, d)}${side(c.afterLabel, c.after, `${card.anchor}-c${n}b`, d)}</div><h4>What changes</h4>${diffs}${hopTables(c.beforeLabel, card.flow, c.afterLabel, c.after, d.hops, n === 0)}`;
}

export function renderFlowCard(card: FlowCard): Html {
  const f = card.flow;
  const head = html`<h3>${f.from} → ${f.to} <span class="muted">(from ${f.origin}${f.destination ? ` to ${f.destination}` : ''}${f.kind === 'journal-report' ? ', journal report' : ''})</span></h3>`;
  const verdict = card.verdict ? html`<p><b>${card.verdict}</b>${card.reasons && card.reasons.length > 0 ? html`: ${card.reasons.join('; ')}` : ''}</p>` : '';
  const notes = html`<p class="muted">${f.conclusion}</p>${f.anomalies.length > 0 ? html`<ul>${f.anomalies.map((a) => html`<li class="anomaly">⚠ ${a}</li>`)}</ul>` : ''}`;
  let body: Html;
  if (card.comparisons.length === 0) {
    const none = { hops: new Set<number>(), outcome: false };
    body = html`<div class="compare single primary">${side('as simulated', f, `${card.anchor}-s`, none)}</div><p class="muted">No simulated expected path: no verified fix of the case changes this flow.</p>${hopTables('as simulated', f, null, null, none.hops, true)}`;
  } else {
    const [first, ...rest] = card.comparisons;
    body = html`${comparisonBlock(card, first!, 0)}${rest.map((c, i) => html`<details><summary>${c.afterLabel}, another verified fix (${i + 2} of ${card.comparisons.length})</summary><div class="body">${comparisonBlock(card, c, i + 1)}</div></details>`)}`;
  }
  return html`<article class="flowcard" id="${card.anchor}" data-flow-card="${f.from} → ${f.to}" data-hops="${f.hops.length}">${head}${verdict}${notes}${body}</article>`;
}

export function renderDiagrams(cards: readonly FlowCard[], totalFlagged: number, totalFlows: number, what = 'fail or show an anomaly'): Html {
  if (totalFlagged === 0) return html`<p class="out delivered">None of the ${totalFlows} simulated flow(s) ${what}; the appendix lists them.</p>`;
  const shown = cards.slice(0, MAX_DIAGRAMS);
  const more = totalFlagged > shown.length ? html`<p class="muted">${totalFlagged - shown.length} more flow(s) with anomalies are listed in the appendix (filter by outcome).</p>` : '';
  const legend = html`<ul class="legend"><li>arrow: one SMTP hop (certificate and IP presented, TLS, AuthAs, attribution)</li><li>dashed arrow: the message continues inside the same system</li><li>orange outline: differs from the other side</li><li>red arrow: the hop that fails</li></ul>`;
  return html`<p>${totalFlagged} of ${totalFlows} flow(s) ${what}.</p>${legend}${join(shown.map(renderFlowCard))}${more}`;
}
