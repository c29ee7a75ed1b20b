import type { Diagnosis } from '../../diagnose.js';
import type { WhatIfResult } from '../../whatif.js';
import { buildJsonReport } from '../report-json.js';
import { renderWhatIfJson } from '../render-whatif.js';
import { buildEstateMap } from './estate-model.js';
import { evidenceViewsOf, headerViewsOf, MAX_SESSIONS, MAX_TRACE_ROWS, sessionRowFromCapture, sessionRowFromObservation, traceRowsFromGroups } from './evidence-model.js';
import { renderEvidenceHtml } from './render-evidence-html.js';
import { renderSimulateHtml, type SimulateJson } from './render-simulate-html.js';
import type { Case } from '../../model/case.js';
import type { InputReport } from '../../model/diagnostics.js';
import type { TraceReport } from '../render-trace-json.js';
import type { LogsResult } from '../render-logs.js';
import type { CaptureReadResult } from '../../model/capture.js';
import type { DecodedMessage } from '../../model/message-headers.js';
import { buildFixPreviews } from './fix-preview.js';
import { flaggedIndexes, renderDiagnoseHtml } from './render-diagnose.js';
import { renderWhatIfHtml, type WhatIfJson } from './render-whatif-html.js';
import { toolVersion } from './tool-version.js';
import { MAX_DIAGRAMS } from './diagrams.js';

/**
 * One model, several renderers: the HTML is built from the JSON report object the `json` format
 * prints (buildJsonReport, renderWhatIfJson), plus what the page draws and JSON does not carry.
 */

export function diagnoseHtml(d: Diagnosis, options: { title?: string } = {}): string {
  const report = buildJsonReport(d);
  const flagged = flaggedIndexes(report.flows).slice(0, MAX_DIAGRAMS);
  return renderDiagnoseHtml({
    report,
    estate: buildEstateMap(d.case, d.findings),
    evidence: d.case.evidence ? evidenceViewsOf(d.case.evidence) : null,
    previews: buildFixPreviews(d, report.flows, flagged),
    version: toolVersion(),
    ...(options.title ? { title: options.title } : {}),
  });
}

export function whatIfHtml(r: WhatIfResult): string {
  const data = JSON.parse(renderWhatIfJson(r)) as WhatIfJson;
  return renderWhatIfHtml({ whatif: data, estate: buildEstateMap(r.before.case, r.before.findings), version: toolVersion() });
}

export function simulateHtml(json: SimulateJson, c: Case): string {
  return renderSimulateHtml({ simulate: json, estate: buildEstateMap(c, []), version: toolVersion() });
}

export function traceHtml(r: TraceReport, at: Date): string {
  const rows = traceRowsFromGroups(r.summary.groups);
  const t = r.summary.totals;
  return renderEvidenceHtml({
    command: 'trace',
    head: `${t.messages} message(s) in ${r.inputs.length} trace file(s)${t.first ? `, ${t.first} to ${t.last ?? t.first}` : ''}.`,
    counts: [
      { label: 'message(s)', value: t.messages },
      { label: 'connector(s)', value: r.summary.byConnector.length },
      { label: 'sender domain(s)', value: r.summary.bySenderDomain.length },
      { label: 'day(s)', value: r.summary.byDay.length },
    ],
    inputs: r.inputs,
    views: { trace: rows.slice(0, MAX_TRACE_ROWS), traceTotal: rows.length },
    at: at.toISOString(),
    version: toolVersion(),
  });
}

export function logsHtml(r: LogsResult, at: Date): string {
  const notLogs: InputReport[] = r.notLogs.map((x) => ({ file: x.file, kind: 'not a log', records: 0, skipped: 0, diagnostics: [{ severity: 'warning', location: x.file, message: x.reason }] }));
  return renderEvidenceHtml({
    command: 'logs',
    head: `${r.sessionsTotal} SMTP session(s) in ${r.files.length} log file(s); ${r.trackingEvents} tracking event(s).`,
    counts: [
      { label: 'session(s)', value: r.sessionsTotal },
      { label: 'log file(s)', value: r.files.length },
      { label: 'tracking event(s)', value: r.trackingEvents },
    ],
    inputs: [...r.files, ...notLogs],
    views: { sessions: r.sessions.slice(0, MAX_SESSIONS).map((s) => sessionRowFromObservation(s)), sessionsTotal: r.sessionsTotal },
    at: at.toISOString(),
    version: toolVersion(),
  });
}

/** `sessionsTotal`: how many sessions the capture held when `r.sessions` keeps only the first of them (by first packet). */
export function pcapHtml(r: CaptureReadResult, at: Date, sessionsTotal = r.sessions.length): string {
  const s = r.summary;
  return renderEvidenceHtml({
    command: 'pcap',
    head: `${s.smtpSessions} SMTP session(s) in ${s.file} (${s.packets} packet(s)).`,
    counts: [
      { label: 'SMTP session(s)', value: s.smtpSessions },
      { label: 'TCP connection(s)', value: s.tcpConnections },
      { label: 'packet(s)', value: s.packets },
      { label: 'skipped', value: s.skipped },
    ],
    inputs: [{ file: s.file, kind: s.format ?? 'capture', records: s.smtpSessions, skipped: s.skipped, diagnostics: r.diagnostics }],
    views: { sessions: r.sessions.slice(0, MAX_SESSIONS).map((x) => sessionRowFromCapture(x, s.file)), sessionsTotal },
    at: at.toISOString(),
    version: toolVersion(),
  });
}

export function headersHtml(messages: readonly DecodedMessage[], inputs: readonly InputReport[], at: Date): string {
  return renderEvidenceHtml({
    command: 'headers',
    head: `${messages.length} message(s) in ${inputs.length} file(s).`,
    counts: [
      { label: 'message(s)', value: messages.length },
      { label: 'hop(s)', value: messages.reduce((n, m) => n + m.hops.length, 0) },
    ],
    inputs,
    views: { messages: headerViewsOf(messages), messagesTotal: messages.length },
    at: at.toISOString(),
    version: toolVersion(),
  });
}
