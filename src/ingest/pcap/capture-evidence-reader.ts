import type { InputReport } from '../../model/diagnostics.js';
import type { SessionTls, SmtpReply, SmtpSessionObservation, StatusObservation } from '../../model/evidence.js';
import { observeStatuses } from '../ndr/status-observations.js';
import type { EvidenceReader } from '../evidence/evidence-reader.js';
import type { CapturedCertificate, CapturedReply, CapturedSession } from './capture-model.js';
import { captureFormat, readCaptureFile } from './read-capture-file.js';

/**
 * Captures as evidence for `diagnose`: each SMTP session becomes an observation seen on the wire,
 * its source the capture file and the session's first packet number (in `line`, as Wireshark
 * numbers frames).
 */
export const captureEvidenceReader: EvidenceReader = {
  kind: 'capture',
  detect: (sample) => captureFormat(sample) !== null,
  async read(source, sink, options): Promise<InputReport> {
    const file = source.name;
    const result = await readCaptureFile(source, {
      keyLogFiles: options.keyLogFiles ?? [],
      ...(options.progress ? { progress: options.progress } : {}),
      keepSessions: false,
      onSession: (s) => {
        sink.session(sessionObservation(s, file));
        for (const o of captureStatuses(s, file)) sink.status?.(o);
      },
    });
    return { file, kind: 'capture', records: result.summary.packets, skipped: result.summary.skipped, diagnostics: result.diagnostics };
  },
};

/** Statuses kept per captured session. */
const STATUSES_PER_SESSION = 32;

/**
 * The replies of 400 and above the server sent on the wire, recognised against the catalog
 * (NDR-CATALOG `CONNECT`…`DATA`), each tied to its packet; the transaction's MAIL FROM and first
 * RCPT TO name sender and recipient.
 */
export function captureStatuses(s: CapturedSession, file: string): StatusObservation[] {
  const out: StatusObservation[] = [];
  const base = { origin: 'capture' as const, connector: null, remoteHost: s.serverName, remoteIp: s.serverIp, clientIp: s.clientIp, tenantId: null };
  const emit = (o: StatusObservation) => {
    if (out.length < STATUSES_PER_SESSION) out.push(o);
  };
  const look = (r: CapturedReply, sender: string | null, recipient: string | null) => {
    if (r.code < 400 || out.length >= STATUSES_PER_SESSION) return;
    observeStatuses(`${r.code} ${r.enhanced === null ? '' : `${r.enhanced} `}${r.text}`, { ...base, at: s.start, sender, recipient, source: { file, line: r.packet } }, emit);
  };
  for (const r of s.replies) look(r, null, null);
  for (const t of s.transactions) {
    // RCPT replies answer the RCPT TO commands in order (RFC 2920 keeps pipelined replies in order).
    let rcpt = 0;
    for (const r of t.replies) {
      const recipient = r.command === 'RCPT' ? (t.rcptTo[rcpt++] ?? null) : t.rcptTo.length === 1 ? t.rcptTo[0]! : null;
      look(r, t.mailFrom, recipient);
    }
  }
  return out;
}

function certificates(list: CapturedCertificate[] | null): CapturedCertificate[] | null {
  return list === null ? null : list.map(({ error: _error, ...c }) => c);
}

export function sessionObservation(s: CapturedSession, file: string): SmtpSessionObservation {
  const tls: SessionTls | null = s.tls
    ? {
        version: s.tls.version,
        cipher: s.tls.cipher,
        serverCertificates: certificates(s.tls.serverCertificates),
        clientCertificateRequested: s.tls.clientCertificateRequested,
        clientCertificates: certificates(s.tls.clientCertificates),
        ...(s.tls.compression && s.tls.compression !== 'none' ? { compression: s.tls.compression } : {}),
      }
    : null;
  // Every reply in the order the server sent them (session and transaction replies by packet).
  const replies: SmtpReply[] = [...s.replies, ...s.transactions.flatMap((t) => t.replies)]
    .sort((a, b) => a.packet - b.packet)
    .map(({ command, code, enhanced, text }) => ({ command, code, enhanced, text }));
  return {
    origin: 'capture',
    viewpoint: 'wire',
    at: s.start,
    client: { ip: s.clientIp, port: s.clientPort },
    server: { ip: s.serverIp, port: s.serverPort },
    connector: null,
    serverName: s.serverName,
    banner: s.banner,
    ehlo: s.ehlo,
    extensions: s.extensions,
    starttls: s.starttls,
    tls,
    replies,
    // A PROXY protocol header names the real client behind a load balancer.
    ...(s.proxiedClient ? { proxiedClient: s.proxiedClient } : {}),
    ...(s.notes.length > 0 ? { notes: s.notes } : {}),
    source: { file, line: s.packets.first },
  };
}
