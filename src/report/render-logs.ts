import { visibleLine } from './visible-text.js';
import type { InputReport } from '../model/diagnostics.js';
import type { CertificateSeen, SmtpReply, SmtpSessionObservation } from '../model/evidence.js';
import { PLAIN, type Style } from './style.js';

/** What the `logs` command read: per-file reports, the sessions listed, and counts over all sessions. */
export interface LogsResult {
  files: InputReport[];
  /** Files given or found that are not Exchange logs (or could not be opened). */
  notLogs: { file: string; reason: string }[];
  sessions: SmtpSessionObservation[];
  sessionsTotal: number;
  /** Tracking-log events read (counted, not listed). */
  trackingEvents: number;
  summary: LogsSummary;
}

export interface LogsSummary {
  byConnector: Record<string, number>;
  starttls: Record<string, number>;
  tlsVersions: Record<string, number>;
  /** `550 5.7.64` → sessions that got it. */
  refusals: Record<string, number>;
}

export function emptySummary(): LogsSummary {
  return { byConnector: {}, starttls: {}, tlsVersions: {}, refusals: {} };
}

export function countSession(summary: LogsSummary, s: SmtpSessionObservation): void {
  const inc = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  inc(summary.byConnector, `${s.viewpoint === 'server' ? 'receive' : 'send'}: ${s.connector ?? '(none)'}`);
  inc(summary.starttls, s.starttls);
  inc(summary.tlsVersions, s.tls?.version ?? 'no TLS');
  const seen = new Set<string>();
  for (const r of s.replies) if (r.code >= 400) seen.add(`${r.code}${r.enhanced ? ` ${r.enhanced}` : ''}`);
  for (const k of seen) inc(summary.refusals, k);
}

/** `logs --format json`: `{ files, notLogs, sessionsTotal, trackingEvents, summary, sessions }`. */
export function renderLogsJson(r: LogsResult): string {
  const { sessions, ...rest } = r;
  return `${JSON.stringify({ ...rest, sessionsListed: sessions.length, sessions }, null, 2)}\n`;
}

export function renderLogsText(r: LogsResult, s: Style = PLAIN): string {
  const out: string[] = [];
  for (const f of r.files) {
    out.push(`${s.bold(f.file)}: ${f.kind}, ${f.records} rows read, ${f.skipped} skipped`);
    for (const d of f.diagnostics.slice(0, 10)) out.push(`  ${d.severity === 'error' ? s.red('error') : s.yellow('warning')} ${d.location}: ${d.message}`);
    if (f.diagnostics.length > 10) out.push(`  … ${f.diagnostics.length - 10} more diagnostics (see --format json)`);
  }
  for (const n of r.notLogs) out.push(`${s.dim(n.file)}: ${n.reason}`);
  out.push('', s.bold(`${r.sessionsTotal} SMTP session(s)`) + (r.trackingEvents > 0 ? `, ${r.trackingEvents} message tracking event(s)` : ''));
  const counts = (label: string, m: Record<string, number>) => {
    const entries = Object.entries(m).sort((a, b) => b[1] - a[1]);
    if (entries.length > 0) out.push(`  ${label}: ${entries.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  };
  counts('connectors', r.summary.byConnector);
  counts('STARTTLS', r.summary.starttls);
  counts('TLS', r.summary.tlsVersions);
  counts('refusals', r.summary.refusals);
  r.sessions.forEach((x, i) => out.push('', ...sessionLines(x, i + 1, s)));
  if (r.sessions.length < r.sessionsTotal) out.push('', s.dim(`… ${r.sessionsTotal - r.sessions.length} more session(s) not listed (--limit)`));
  return `${out.join('\n')}\n`;
}

function endpoint(e: { ip: string | null; port: number | null }): string {
  if (e.ip === null) return '?';
  return e.port === null ? e.ip : e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function certificate(c: CertificateSeen): string {
  const name = c.subject ?? c.commonName ?? '(subject not logged)';
  return `${name}${c.sha1 ? ` thumbprint ${c.sha1}` : ''}${c.notAfter ? `, valid until ${c.notAfter}` : ''}${c.selfSigned ? ' (self-issued)' : ''}`;
}

function certificates(label: string, certs: CertificateSeen[] | null): string {
  if (certs === null) return `  ${label}: not shown in the log`;
  if (certs.length === 0) return `  ${label}: none presented`;
  return `  ${label}: ${certificate(certs[0]!)}`;
}

function reply(r: SmtpReply): string {
  return `${r.command ?? '?'} → ${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} ${r.text}`.trim();
}

function sessionLines(x: SmtpSessionObservation, n: number, s: Style): string[] {
  const side = x.viewpoint === 'server' ? 'receive' : 'send';
  const lines = [
    s.bold(`Session ${n}: ${endpoint(x.client)} → ${endpoint(x.server)}`) +
      s.dim(`  ${side} connector ${x.connector ?? '(none)'}${x.at ? `, ${x.at}` : ''}, ${x.source.file}:${x.source.line ?? '?'}`),
  ];
  lines.push(`  server ${x.serverName ?? '(no banner name)'}, EHLO ${x.ehlo ?? '(none)'}`);
  const starttls = x.starttls === 'masked' ? s.red('masked by a device in the path') : x.starttls === 'refused' ? s.red('refused') : x.starttls;
  lines.push(`  STARTTLS: ${starttls}${x.extensions.length > 0 ? s.dim(`  (extensions: ${x.extensions.join(', ')})`) : ''}`);
  if (x.tls) {
    const weak = x.tls.version !== null && /^(SSL|TLSv1$|TLSv1\.1$)/.test(x.tls.version);
    lines.push(`  TLS: ${x.tls.version === null ? 'version not logged' : weak ? s.yellow(x.tls.version) : x.tls.version}${x.tls.cipher ? `, ${x.tls.cipher}` : ''}`);
    lines.push(certificates('server certificate', x.tls.serverCertificates));
    lines.push(certificates('client certificate', x.tls.clientCertificates));
  }
  const log = x.protocolLog;
  if (log?.tlsError) lines.push(`  ${s.red('TLS negotiation failed')}: ${log.tlsError}`);
  if (log?.tlsDomainCapabilities) {
    const c = log.tlsDomainCapabilities;
    lines.push(`  TlsDomainCapabilities: ${c.capabilities} (${c.status}${c.domain ? `, ${c.domain}` : ''})`);
  }
  for (const r of x.replies) if (r.code >= 400) lines.push(`  ${s.red(reply(r))}`);
  if (log) lines.push(s.dim(`  ${log.messages} message(s), ${log.recipients} recipient(s); ${log.disconnect === null ? 'no disconnect in this file' : `disconnect: ${log.disconnect}`}`));
  // What the log recorded from the peers (banners, EHLO names, replies) may hold control characters: shown escaped.
  return lines.map(visibleLine);
}
