import type { InputReport } from '../../model/diagnostics.js';
import { renderVersion } from './appendix.js';
import { html, type Html } from './escape.js';
import { emptyViews, type EvidenceViews } from './evidence-model.js';
import { renderHeaderHops, renderSessions, renderTraceImpact } from './evidence-views.js';
import { renderPage, type PageSection } from './page.js';
import { renderVerdict, type Level } from './verdict.js';

/**
 * `trace`, `logs`, `pcap` and `headers` with `--format html`: what the command read (its inputs
 * and their problems, as the verdict block) and its evidence view — the trace impact chart, the
 * SMTP sessions table or the header hops — on the same page shell as the diagnosis.
 */
export interface EvidenceHtmlData {
  command: 'trace' | 'logs' | 'pcap' | 'headers';
  /** One sentence: what was read. */
  head: string;
  counts: { label: string; value: number | string }[];
  inputs: readonly InputReport[];
  views: Partial<EvidenceViews>;
  at: string;
  version: string;
  /** Extra text under the view (notes, files that were not evidence). */
  notes?: Html;
}

const TITLES: Record<EvidenceHtmlData['command'], string> = {
  trace: 'Message trace impact',
  logs: 'SMTP sessions from Exchange protocol logs',
  pcap: 'SMTP sessions from a capture',
  headers: 'Header hops',
};

export function renderEvidenceHtml(data: EvidenceHtmlData): string {
  const v = { ...emptyViews(), ...data.views };
  const problems = data.inputs.some((i) => i.diagnostics.some((d) => d.severity === 'error'));
  const level: Level = problems ? 'warning' : 'ok';
  const view =
    data.command === 'trace' ? renderTraceImpact(v.trace, v.traceTotal) : data.command === 'headers' ? renderHeaderHops(v.messages, v.messagesTotal) : renderSessions(v.sessions, v.sessionsTotal);
  const sections: PageSection[] = [
    { id: 'verdict', title: 'What was read', body: renderVerdict({ head: data.head, level, counts: data.counts, at: data.at, incomplete: null, inputs: data.inputs }) },
    { id: 'evidence', title: TITLES[data.command], body: html`${view}${data.notes ?? ''}` },
    { id: 'appendix', title: 'Appendix', body: html`<h3>Version</h3>${renderVersion(data.version, `mailflow-doctor/${data.command}`, data.at)}` },
  ];
  return renderPage(`mailflow-doctor ${data.command}`, data.head, sections, html`mailflow-doctor ${data.version}`);
}
