import type { CertificateSeen, EvidenceSet, HeaderHop, SmtpReply, SmtpSessionObservation, TraceObservation } from '../../model/evidence.js';
import { formatSource, type Provenance } from '../../model/provenance.js';
import type { CapturedSession } from '../../model/capture.js';
import type { TraceGroup } from '../../model/message-trace.js';
import type { DecodedMessage } from '../../model/message-headers.js';

/**
 * The evidence views' rows, the same whichever command read the evidence (diagnose's case,
 * `trace`, `logs`, `pcap`, `headers`): message trace impact per day, sender domain and connector;
 * SMTP sessions; header hops as Message Header Analyzer lists them (oldest first, with delay).
 * Lists are capped; the totals say how many there were.
 */

export interface TraceImpactRow {
  /** `yyyy-mm-dd`; `first…last` when the evidence only holds the group's first and last day; `undated`. */
  day: string;
  connector: string;
  senderDomain: string;
  messages: number;
  /** Messages whose status or reply says they were not delivered. */
  failed: number;
  status: string;
}

export interface SessionRow {
  at: string | null;
  client: string;
  server: string;
  connector: string | null;
  ehlo: string | null;
  serverName: string | null;
  starttls: string;
  tlsVersion: string | null;
  serverCertificate: string | null;
  /** `none sent`, `not visible`, or the subject. */
  clientCertificate: string;
  replies: string[];
  count: number;
  source: string;
}

export interface HeaderHopRow {
  number: number;
  from: string | null;
  by: string | null;
  with: string | null;
  ip: string | null;
  tls: string | null;
  date: string | null;
  delaySeconds: number | null;
  kind: string;
}

export interface HeaderMessageView {
  subject: string | null;
  from: string | null;
  messageId: string | null;
  authAs: string | null;
  source: string;
  hops: HeaderHopRow[];
}

export interface EvidenceViews {
  trace: TraceImpactRow[];
  traceTotal: number;
  sessions: SessionRow[];
  sessionsTotal: number;
  messages: HeaderMessageView[];
  messagesTotal: number;
}

export const MAX_SESSIONS = 300;
export const MAX_MESSAGES = 50;
export const MAX_TRACE_ROWS = 400;

const NOT_DELIVERED = /fail|reject|expire|drop|quarantin|defer|pending|spam/i;

function domainOf(address: string | null): string {
  if (!address) return '(none)';
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(at + 1)).toLowerCase() || '(none)';
}

function dayOf(first: string | null, last: string | null): string {
  if (!first) return 'undated';
  const a = first.slice(0, 10);
  const b = (last ?? first).slice(0, 10);
  return a === b ? a : `${a}…${b}`;
}

function failedOf(status: string | null, response: SmtpReply | null): boolean {
  return (response !== null && response.code >= 400) || (status !== null && NOT_DELIVERED.test(status));
}

export function replyText(r: SmtpReply): string {
  return [r.command ? `${r.command}:` : null, String(r.code), r.enhanced, r.text].filter(Boolean).join(' ');
}

function certLabel(certs: CertificateSeen[] | null | undefined): string | null {
  if (certs === null || certs === undefined) return null;
  const leaf = certs[0];
  return leaf ? leaf.commonName ?? leaf.subject ?? leaf.sha1 ?? '(unnamed)' : null;
}

function clientCertLabel(certs: CertificateSeen[] | null | undefined, requested: boolean | null | undefined): string {
  if (certs === null || certs === undefined) return 'not visible';
  if (certs.length === 0) return requested === false ? 'none (not asked)' : 'none sent';
  return certLabel(certs)!;
}

function endpoint(ip: string | null, port: number | null): string {
  if (!ip) return '?';
  return port === null ? ip : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Notable replies (refusals and STARTTLS) first, then the rest, at most a few per session. */
function notable(replies: readonly SmtpReply[]): string[] {
  const picked = replies.filter((r) => r.code >= 400 || r.command === 'STARTTLS');
  return (picked.length > 0 ? picked : replies.slice(-1)).slice(0, 4).map(replyText);
}

export function traceRowsFromObserved(traces: EvidenceSet['traces']): TraceImpactRow[] {
  return traces.map((g) => {
    const s: TraceObservation = g.sample;
    const failed = failedOf(s.status, s.response);
    return {
      day: dayOf(g.first, g.last),
      connector: s.inboundConnector?.name ?? s.connector ?? '(no connector)',
      senderDomain: domainOf(s.sender),
      messages: g.count,
      failed: failed ? g.count : 0,
      status: s.response ? `${s.status ?? ''} ${replyText(s.response)}`.trim() : s.status ?? '(none)',
    };
  });
}

export function traceRowsFromGroups(groups: readonly TraceGroup[]): TraceImpactRow[] {
  return groups.map((g) => {
    const failed = Object.entries(g.statuses).reduce((n, [status, count]) => n + (NOT_DELIVERED.test(status) ? count : 0), 0);
    return {
      day: g.day ?? 'undated',
      connector: g.connector ?? '(no connector)',
      senderDomain: g.senderDomain ?? '(none)',
      messages: g.messages,
      failed,
      status: Object.entries(g.statuses)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    };
  });
}

export function sessionRowFromObservation(o: SmtpSessionObservation, count = 1): SessionRow {
  return {
    at: o.at,
    client: endpoint(o.client.ip, o.client.port),
    server: endpoint(o.server.ip, o.server.port),
    connector: o.connector,
    ehlo: o.ehlo,
    serverName: o.serverName,
    starttls: o.starttls,
    tlsVersion: o.tls?.version ?? null,
    serverCertificate: certLabel(o.tls?.serverCertificates),
    clientCertificate: o.tls ? clientCertLabel(o.tls.clientCertificates, o.tls.clientCertificateRequested) : 'no TLS',
    replies: [...notable(o.replies), ...(o.protocolLog?.tlsError ? [`TLS error ${o.protocolLog.tlsError}`] : [])],
    count,
    source: formatSource(o.source as Provenance),
  };
}

export function sessionRowFromCapture(s: CapturedSession, file: string): SessionRow {
  const replies = [...s.replies, ...s.transactions.flatMap((t) => t.replies)];
  return {
    at: s.start,
    client: s.client,
    server: s.server,
    connector: null,
    ehlo: s.ehlo,
    serverName: s.serverName,
    starttls: s.starttls,
    tlsVersion: s.tls?.version ?? null,
    serverCertificate: certLabel(s.tls?.serverCertificates),
    clientCertificate: s.tls ? clientCertLabel(s.tls.clientCertificates, s.tls.clientCertificateRequested) : 'no TLS',
    replies: notable(replies),
    count: 1,
    source: `${file} packets ${s.packets.first}–${s.packets.last}`,
  };
}

function hopRow(h: HeaderHop, n: number): HeaderHopRow {
  return {
    number: n,
    from: h.from,
    by: h.by,
    with: h.with,
    ip: h.ip,
    tls: h.tls ? [h.tls.version, h.tls.cipher].filter(Boolean).join(' ') || 'yes' : null,
    date: h.date,
    delaySeconds: h.delaySeconds,
    kind: h.kind,
  };
}

export function evidenceViewsOf(e: EvidenceSet): EvidenceViews {
  const trace = traceRowsFromObserved(e.traces);
  return {
    trace: trace.slice(0, MAX_TRACE_ROWS),
    traceTotal: trace.length,
    sessions: e.sessions.slice(0, MAX_SESSIONS).map((g) => sessionRowFromObservation(g.sample, g.count)),
    sessionsTotal: e.sessions.reduce((n, g) => n + g.count, 0),
    messages: e.messages.slice(0, MAX_MESSAGES).map((m) => ({
      subject: m.subject,
      from: m.from,
      messageId: m.messageId,
      authAs: m.authAs,
      source: formatSource(m.source),
      hops: m.hops.map((h, i) => hopRow(h, i + 1)),
    })),
    messagesTotal: e.messages.length + e.messagesNotKept,
  };
}

export function headerViewsOf(messages: readonly DecodedMessage[]): HeaderMessageView[] {
  return messages.slice(0, MAX_MESSAGES).map((m) => ({
    subject: m.subject,
    from: m.from,
    messageId: m.messageId,
    authAs: m.microsoftHeaders.find((h) => h.name.toLowerCase() === 'x-ms-exchange-organization-authas')?.value ?? null,
    source: formatSource(m.source),
    hops: m.hops.map((h) => hopRow(h, h.number)),
  }));
}

export function emptyViews(): EvidenceViews {
  return { trace: [], traceTotal: 0, sessions: [], sessionsTotal: 0, messages: [], messagesTotal: 0 };
}
