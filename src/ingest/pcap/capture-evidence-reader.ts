import type { InputReport } from '../../model/diagnostics.js';
import type { SessionTls, SmtpReply, SmtpSessionObservation } from '../../model/evidence.js';
import type { EvidenceReader } from '../evidence/evidence-reader.js';
import type { CapturedCertificate, CapturedSession } from './capture-model.js';
import { captureFormat, readCaptureFile } from './read-capture-file.js';

/**
 * Captures as evidence for `diagnose`: each SMTP session becomes an observation seen on the wire,
 * its source the capture file and the session's first packet number (in `line`, as Wireshark
 * numbers frames).
 */
export const captureEvidenceReader: EvidenceReader = {
  kind: 'capture',
  detect: (sample) => captureFormat(sample) !== null,
  async read(file, sink, options): Promise<InputReport> {
    const result = await readCaptureFile(file, {
      keyLogFiles: options.keyLogFiles ?? [],
      ...(options.progress ? { progress: options.progress } : {}),
      keepSessions: false,
      onSession: (s) => sink.session(sessionObservation(s, file)),
    });
    return { file, kind: 'capture', records: result.summary.packets, skipped: result.summary.skipped, diagnostics: result.diagnostics };
  },
};

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
    source: { file, line: s.packets.first },
  };
}
