import { MEANING_SOURCES, type DecodedMessage } from '../model/message-headers.js';
import type { CaptureReadResult, CapturedSession } from '../model/capture.js';
import type { TraceRollup } from '../model/message-trace.js';
import { FORMAT_TITLES } from '../model/message-trace.js';
import type { InputReport } from '../model/diagnostics.js';
import type { SmtpSessionObservation } from '../model/evidence.js';
import { formatSource } from '../model/provenance.js';
import { wholeDocument, type HeadersDocumentParts } from './headers-document.js';
import { headersTextParts } from './render-headers.js';
import { visibleMessage } from './visible-text.js';
import { cell } from './render-markdown.js';
import type { LogsResult } from './render-logs.js';
import { SESSION_NUMBER, wholePcapDocument, type PcapDocumentParts } from './pcap-document.js';
import { sessionBodyLines, sessionSpan, sessionTitle, summaryLines } from './render-pcap.js';
import { listedMessage, type TraceReport } from './render-trace-json.js';
import { filterPhrases } from './render-trace.js';
import { PLAIN } from './style.js';

/**
 * `--format markdown` for the evidence commands (trace, logs, pcap, headers), in the style of the diagnose
 * report (render-markdown.ts): a title, the totals in bold, tables an admin pastes into a ticket,
 * and the input problems. Nothing is capped beyond what the command itself listed.
 */

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`), ''];
}

/** A fenced block whose fence is longer than any run of backticks inside (a pasted reply may hold some). */
function fenced(lines: readonly string[], info = 'text'): string[] {
  let longest = 0;
  for (const l of lines) for (const run of l.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines, fence, ''];
}

function problems(inputs: readonly InputReport[]): string[] {
  const diags = inputs.flatMap((i) => i.diagnostics);
  if (diags.length === 0) return [];
  return ['## Input problems', '', ...diags.map((d) => `- **${d.severity}** \`${d.location}\`: ${d.message}`), ''];
}

function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—';
}

function rollup(title: string, rows: readonly TraceRollup[], label: (r: TraceRollup) => string): string[] {
  if (rows.length === 0) return [];
  return [`### ${title}`, '', ...table(['', 'messages', 'first', 'last'], rows.map((r) => [label(r), String(r.messages), when(r.first), when(r.last)]))];
}

/** `trace --format markdown`: the files read, the totals, then the messages by connector, sender domain, day, direction and tenant. */
export function renderTraceMarkdown(r: TraceReport): string {
  const s = r.summary;
  const filters = filterPhrases(r.filters);
  const lines = ['# mailflow-doctor message trace', ''];
  lines.push(...table(['file', 'format', 'rows', 'skipped', 'messages'], r.inputs.map((i) => [`\`${i.file}\``, i.format ? FORMAT_TITLES[i.format] : 'not read', String(i.records), String(i.skipped), String(i.messages)])));
  lines.push(`**${filters.length > 0 ? `Matching ${filters.join(', ')}` : 'All messages'}: ${s.totals.messages}${s.totals.first ? `, ${when(s.totals.first)} to ${when(s.totals.last)}` : ''}** (a message counts once per recipient, as in Get-MessageTrace).`, '');
  if (s.totals.messages > 0) {
    lines.push(...rollup('By connector', s.byConnector, (c) => {
      const x = c as (typeof s.byConnector)[number];
      return x.key === null ? '(no inbound connector)' : `${x.key}${x.connectorType ? ` (${x.connectorType})` : ''}${x.tenant ? `, tenant ${x.tenant}` : ''}`;
    }));
    lines.push(...rollup('By sender domain', s.bySenderDomain, (d) => d.key ?? '(no sender)'));
    lines.push(...rollup('By day (UTC)', s.byDay, (d) => d.key ?? '(no time)'));
    lines.push(...rollup('By direction', s.byDirection, (d) => d.key ?? '(not stated)'));
    lines.push(...rollup('By tenant', s.byTenant, (d) => d.key ?? '(not stated)'));
  }
  if (s.messages) {
    lines.push(`## Messages (${s.messages.length}${s.notListed > 0 ? ` listed, ${s.notListed} more not listed: raise --limit` : ''})`, '');
    const rows = s.messages.map(listedMessage).map((m) => [when(m.time as string | null), String(m.sender ?? '—'), String(m.recipient ?? '—'), String(m.status ?? '—'), String(m.response ?? ''), String(m.connector ?? '—'), String(m.subject ?? ''), `\`${String(m.source)}\``]);
    lines.push(...table(['time', 'sender', 'recipient', 'status', 'response', 'connector', 'subject', 'source'], rows));
  }
  lines.push(...problems(r.inputs));
  return lines.join('\n');
}

function endpoint(e: { ip: string | null; port: number | null }): string {
  if (e.ip === null) return '?';
  return e.port === null ? e.ip : e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function logSessionRow(x: SmtpSessionObservation, n: number): string[] {
  const refusals = x.replies.filter((r) => r.code >= 400).map((r) => `${r.command ?? '?'} → ${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} ${r.text}`.trim());
  const tls = x.tls ? `${x.tls.version ?? 'version not logged'}${x.tls.cipher ? ` ${x.tls.cipher}` : ''}` : 'none';
  const cert = x.tls?.serverCertificates?.[0];
  const notes = [x.protocolLog?.tlsError ? `TLS negotiation failed: ${x.protocolLog.tlsError}` : null, ...refusals].filter((s): s is string => s !== null);
  return [
    String(n),
    x.at ?? '—',
    `${endpoint(x.client)} → ${endpoint(x.server)}`,
    `${x.viewpoint === 'server' ? 'receive' : 'send'}: ${x.connector ?? '(none)'}`,
    x.ehlo ?? '—',
    x.starttls,
    tls,
    cert ? cert.subject ?? cert.commonName ?? '(subject not logged)' : '—',
    notes.join('; ') || '—',
    `\`${x.source.file}:${x.source.line ?? '?'}\``,
  ];
}

/** `logs --format markdown`: the files, the counts over every session, and one row per listed session. */
export function renderLogsMarkdown(r: LogsResult): string {
  const lines = ['# mailflow-doctor protocol logs', ''];
  lines.push(`**${r.sessionsTotal} SMTP session(s)${r.trackingEvents > 0 ? `, ${r.trackingEvents} message tracking event(s)` : ''}** in ${r.files.length} log file(s).`, '');
  lines.push(...table(['file', 'kind', 'rows', 'skipped'], r.files.map((f) => [`\`${f.file}\``, f.kind, String(f.records), String(f.skipped)])));
  if (r.notLogs.length > 0) lines.push('Not read as logs:', '', ...r.notLogs.map((n) => `- \`${n.file}\`: ${n.reason}`), '');
  const counts: [string, Record<string, number>][] = [
    ['connectors', r.summary.byConnector],
    ['STARTTLS', r.summary.starttls],
    ['TLS', r.summary.tlsVersions],
    ['refusals', r.summary.refusals],
  ];
  const countRows = counts.flatMap(([label, m]) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, n]) => [label, k, String(n)]));
  if (countRows.length > 0) lines.push('## Counts', '', ...table(['', 'value', 'sessions'], countRows));
  if (r.sessions.length > 0) {
    lines.push(`## Sessions (${r.sessions.length}${r.sessions.length < r.sessionsTotal ? ` listed of ${r.sessionsTotal}: raise --limit` : ''})`, '');
    lines.push(...table(['#', 'at', 'client → server', 'connector', 'EHLO', 'STARTTLS', 'TLS', 'server certificate', 'TLS errors and refusals', 'source'], r.sessions.map((x, i) => logSessionRow(x, i + 1))));
  }
  lines.push(...problems(r.files));
  return lines.join('\n');
}

/** `pcap --format markdown`: the capture's summary, a table of sessions, then each session's conversation as the text report shows it. */
export function renderPcapMarkdown(r: CaptureReadResult): string {
  return wholePcapDocument(PCAP_MARKDOWN_PARTS, r);
}

const PCAP_SESSION_COLUMNS = ['#', 'start', 'client → server', 'EHLO', 'STARTTLS', 'TLS', 'server certificate', 'first refusal'];

/**
 * The Markdown report in parts (pcap-document.ts): the head counts the sessions and opens their
 * table; the sessions are listed twice, as table rows and then one by one.
 */
export const PCAP_MARKDOWN_PARTS: PcapDocumentParts = {
  head: (r, sessions) => {
    const [title, ...summary] = summaryLines(r.summary, PLAIN);
    const lines = [`# mailflow-doctor capture: \`${r.summary.file}\``, '', title!.replace(/^Capture .*? \(/, '('), '', ...summary.map((l) => `- ${l.trim()}`), ''];
    if (r.diagnostics.length > 0) lines.push('## Capture problems', '', ...r.diagnostics.map((d) => `- **${d.severity}**: ${d.message}`), '');
    if (sessions === 0) lines.push(`No SMTP session in this capture (${r.summary.tcpConnections} TCP connections looked at).`, '');
    else lines.push(`## Sessions (${sessions})`, '', ...table(PCAP_SESSION_COLUMNS, []).slice(0, 2));
    return lines.join('\n');
  },
  listings: [
    // A table row whose first cell links to the session's section: the number goes in twice.
    { slots: 2, part: (x) => `\n| [${SESSION_NUMBER}](#session-${SESSION_NUMBER}) | ${pcapSessionCells(x).map(cell).join(' | ')} |` },
    { slots: 1, part: (x) => `\n${pcapSessionSection(x).join('\n')}` },
  ],
  // The blank line that ends the table; nothing follows the sections. Without sessions the head is the whole report.
  after: (listing, sessions) => (listing === 0 && sessions > 0 ? '\n' : ''),
};

/** A session's row in the table, after its number. */
function pcapSessionCells(x: CapturedSession): string[] {
  const refusal = [...x.replies, ...x.transactions.flatMap((t) => t.replies)].find((y) => y.code >= 400);
  return [
    x.start ?? '—',
    sessionTitle(x),
    x.ehlo ?? '—',
    x.starttls,
    x.tls ? `${x.tls.version ?? '?'}${x.tls.decrypted ? ' (decrypted)' : ''}` : 'none',
    x.tls?.serverCertificates?.[0]?.subject ?? '—',
    refusal ? `${refusal.code}${refusal.enhanced ? ` ${refusal.enhanced}` : ''} ${refusal.text.split('\n')[0]}` : '—',
  ];
}

/** A session's section: its heading (numbered later), its title, then its conversation as the text report shows it. */
function pcapSessionSection(x: CapturedSession): string[] {
  const body = sessionBodyLines(x, PLAIN).map((l) => l.replace(/^ {2}/, ''));
  return [`### Session ${SESSION_NUMBER}`, '', `${sessionTitle(x)}${sessionSpan(x)}`, '', ...fenced(body)];
}

/**
 * `headers --format markdown`: per message the hop table as a Markdown table, then the verdicts and
 * the decoded Microsoft headers exactly as the text report words them (fenced, so the columns of
 * the anti-spam fields stay aligned), and the documents the meanings cite.
 */
export function renderHeadersMarkdown(messages: readonly DecodedMessage[]): string {
  return wholeDocument(HEADERS_MARKDOWN_PARTS, messages);
}

/** The Markdown report in parts (headers-document.ts): its head states the number of messages. */
export const HEADERS_MARKDOWN_PARTS: HeadersDocumentParts = {
  headNeedsCount: true,
  head: (count) => `${['# mailflow-doctor message headers', '', `**${count} message(s).**`, ''].join('\n')}\n`,
  message: (m, i) => `${headersMarkdownMessage(m, i).join('\n')}\n`,
  tail: () => ['Meanings cite:', '', ...MEANING_SOURCES.map((x) => `- [${x.tag}] <${x.url}>`), ''].join('\n'),
};

/** The text report's message part, unstyled: its verdicts and decoded headers are fenced into the Markdown. */
const PLAIN_TEXT_PARTS = headersTextParts(PLAIN);

function headersMarkdownMessage(decoded: DecodedMessage, i: number): string[] {
  // Header text is the sender's: control and bidi characters shown escaped (visible-text.ts).
  const m = visibleMessage(decoded);
  const lines: string[] = [];
  lines.push(`## Message ${i + 1}: ${m.messageId ?? '(no Message-ID)'}`, '');
  lines.push(`\`${formatSource(m.source)}\`${m.subject ? ` · Subject: ${m.subject}` : ''}${m.from ? ` · From: ${m.from}` : ''}${m.date ? ` · Date: ${m.date}` : ''}`, '');
  if (m.hops.length === 0) lines.push('No Received headers: the message has no hops to show.', '');
  else {
    const rows = m.hops.map((h) => [String(h.number), `${h.from ?? '?'} → ${h.by ?? '?'}`, h.with ?? '—', h.ip ?? '—', h.tls === null ? 'none' : h.tls.version ?? 'TLS (version not stated)', h.date ?? h.dateText ?? '—', h.delaySeconds === null ? '—' : `${h.delaySeconds}s${h.clockSkew ? ' skew' : ''}`, h.vendor ? `${h.kind} (${h.vendor})` : h.kind]);
    lines.push(...table(['#', 'from → by', 'with', 'IP', 'TLS', 'date', 'delay', 'kind'], rows));
  }
  // The verdicts and decoded headers as the text report writes them: one wording for both formats.
  const text = PLAIN_TEXT_PARTS.message(m, i);
  const at = text.indexOf('\nVerdicts\n');
  if (at >= 0) lines.push(...fenced(text.slice(at + 1).trimEnd().split('\n')));
  return lines;
}
