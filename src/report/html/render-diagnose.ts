import type { JsonFlow, JsonReport } from '../report-json.js';
import { renderAppendix, renderAssumptions, renderFlowList, renderVersion } from './appendix.js';
import { flowAnchor, MAX_DIAGRAMS, renderDiagrams, type FlowCard } from './diagrams.js';
import { html, join, type Html } from './escape.js';
import type { EstateMap } from './estate-model.js';
import { renderEstate } from './estate-svg.js';
import type { EvidenceViews } from './evidence-model.js';
import { renderEvidence } from './evidence-views.js';
import type { FixPreview } from './fix-preview.js';
import { renderPage, type PageSection } from './page.js';
import { renderRootCauses } from './root-causes.js';
import { renderRuleReference } from './rule-reference.js';
import { diagnoseVerdict, renderVerdict } from './verdict.js';

/**
 * `diagnose --format html` (and `demo`): the JSON report (report-json.ts, the same object
 * `--format json` prints) rendered as one page, in the order the issue gives: verdict, one
 * block per root cause, mail-path diagrams, estate map, evidence, appendix. Beside the report
 * the page takes what JSON does not carry: the estate's objects (estate map), the evidence rows
 * (charts and tables) and the simulation after each verified fix (expected paths).
 */
export interface DiagnoseHtmlData {
  report: JsonReport;
  estate: EstateMap | null;
  evidence: EvidenceViews | null;
  previews: readonly FixPreview[];
  version: string;
  title?: string;
}

const FAILING = new Set(['deferred', 'rejected', 'looped', 'dropped']);

/** Flows that fail or show anomalies, failing ones first (report-parts.ts flaggedFlows, on JSON). */
export function flaggedIndexes(flows: readonly JsonFlow[]): number[] {
  const out: number[] = [];
  flows.forEach((f, i) => {
    if (f.anomalies.length > 0 || f.outcome !== 'delivered') out.push(i);
  });
  return out.sort((a, b) => Number(FAILING.has(flows[b]!.outcome)) - Number(FAILING.has(flows[a]!.outcome)) || a - b);
}

export function hasEvidence(v: EvidenceViews | null): v is EvidenceViews {
  return v !== null && (v.trace.length > 0 || v.sessions.length > 0 || v.messages.length > 0);
}

export function renderDiagnoseHtml(data: DiagnoseHtmlData): string {
  const r = data.report;
  const flagged = flaggedIndexes(r.flows);
  const diagrammed = flagged.slice(0, MAX_DIAGRAMS);
  const anchors = new Map(diagrammed.map((i) => [i, flowAnchor(r.flows[i]!, i)]));
  const byName = new Map<string, string>();
  for (const [i, a] of anchors) {
    const name = `${r.flows[i]!.from} → ${r.flows[i]!.to}`;
    if (!byName.has(name)) byName.set(name, a);
  }
  const previewLinks = new Map<number, { anchor: string; flow: string }>();
  const cards: FlowCard[] = diagrammed.map((i) => {
    const comparisons = data.previews.flatMap((p) =>
      p.flows
        .filter((x) => x.index === i)
        .map((x) => {
          const finding = r.findings[p.finding]!;
          if (!previewLinks.has(p.finding)) previewLinks.set(p.finding, { anchor: anchors.get(i)!, flow: `${r.flows[i]!.from} → ${r.flows[i]!.to}` });
          const caption: Html = html`After the verified fix of <a href="#cause-${p.finding + 1}">${finding.title}</a> (<code>${p.rule}</code>): ${join(p.commands.map((c) => html`<code>${c}</code>`), '; ')}`;
          return { beforeLabel: 'now', afterLabel: 'after the fix', caption, after: x.after };
        }),
    );
    return { anchor: anchors.get(i)!, flow: r.flows[i]!, comparisons };
  });
  const sections: PageSection[] = [
    { id: 'verdict', title: 'Verdict', body: renderVerdict(diagnoseVerdict(r)) },
    { id: 'root-causes', title: `Root causes (${r.findings.length})`, body: renderRootCauses(r.findings, byName, previewLinks) },
    { id: 'mail-paths', title: 'Mail paths', body: renderDiagrams(cards, flagged.length, r.flows.length) },
  ];
  if (data.estate) sections.push({ id: 'estate', title: 'Estate map', body: renderEstate(data.estate) });
  if (hasEvidence(data.evidence)) sections.push({ id: 'evidence', title: 'Evidence', body: renderEvidence(data.evidence) });
  sections.push({
    id: 'appendix',
    title: 'Appendix',
    body: renderAppendix({
      flows: renderFlowList(r.flows, anchors, flagged),
      rules: renderRuleReference(r.findings.flatMap((f) => [f.rule, ...(f.related ?? [])])),
      assumptions: renderAssumptions(r.flows, r.notes),
      version: renderVersion(data.version, r.schema, r.at),
    }),
  });
  const s = r.summary;
  const subtitle = `${s.errors} error(s), ${s.warnings} warning(s), ${r.flows.length} flow(s), ${r.inputs.length} input file(s) · judged at ${r.at}`;
  return renderPage(data.title ?? 'mailflow-doctor report', subtitle, sections, html`mailflow-doctor ${data.version} · ${r.schema}`);
}
