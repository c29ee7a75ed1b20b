import type { InputReport } from '../../model/diagnostics.js';
import type { JsonFlow, JsonReport } from '../report-json.js';
import { renderAppendix, renderAssumptions, renderFlowList, renderVersion } from './appendix.js';
import { flowAnchor, renderFlowCard, MAX_DIAGRAMS } from './diagrams.js';
import { html, join } from './escape.js';
import type { EstateMap } from './estate-model.js';
import { renderEstate } from './estate-svg.js';
import { renderPage, type PageSection } from './page.js';
import { renderVerdict } from './verdict.js';

/**
 * `simulate --format html`: the `mailflow-doctor/simulate@1` JSON as a page — the one message's
 * path drawn hop by hop (and any journal report it causes), every decision per hop, the estate
 * map, and the assumptions.
 */
export interface SimulateJson {
  schema: string;
  at: string;
  inputs: InputReport[];
  flows: JsonFlow[];
  incomplete: JsonReport['incomplete'];
}

export function renderSimulateHtml(data: { simulate: SimulateJson; estate: EstateMap | null; version: string }): string {
  const s = data.simulate;
  const first = s.flows[0];
  const failing = s.flows.filter((f) => f.outcome !== 'delivered').length;
  const head = first ? `${first.from} → ${first.to}: ${first.outcome}${first.response ? ` — ${first.response}` : ''}` : 'No flow simulated.';
  const shown = s.flows.slice(0, MAX_DIAGRAMS);
  const anchors = new Map(shown.map((f, i) => [i, flowAnchor(f, i)]));
  const cards = shown.map((f, i) => {
    const decisions = html`<details><summary>Every decision, hop by hop</summary><div class="body"><ol>${f.hops.map((h) => html`<li>${h.from} → ${h.to}<ul>${h.decisions.map((d) => html`<li>${d}</li>`)}</ul></li>`)}</ol></div></details>`;
    return html`${renderFlowCard({ anchor: anchors.get(i)!, flow: f, comparisons: [] })}${decisions}`;
  });
  const sections: PageSection[] = [
    {
      id: 'verdict',
      title: 'Verdict',
      body: renderVerdict({ head, level: failing > 0 ? 'error' : s.flows.some((f) => f.anomalies.length > 0) ? 'warning' : 'ok', counts: [{ label: 'flow(s) simulated', value: s.flows.length }, { label: 'failing', value: failing }], at: s.at, incomplete: s.incomplete, inputs: s.inputs }),
    },
    { id: 'mail-paths', title: 'Mail path', body: join(cards) },
  ];
  if (data.estate) sections.push({ id: 'estate', title: 'Estate map', body: renderEstate(data.estate) });
  sections.push({
    id: 'appendix',
    title: 'Appendix',
    body: renderAppendix({ flows: renderFlowList(s.flows, anchors, s.flows.map((_, i) => i)), assumptions: renderAssumptions(s.flows), version: renderVersion(data.version, s.schema, s.at) }),
  });
  return renderPage('mailflow-doctor simulate', head, sections, html`mailflow-doctor ${data.version} · ${s.schema}`);
}
