import type { CapturedReply, CapturedSession, CapturedTransaction } from '../model/capture.js';
import { transactionOutcome } from '../ingest/pcap/smtp-text.js';
import type { ProbeOptions, ProbeResult } from './probe-types.js';

/**
 * The probe's session in the shape `pcap --format json` prints (model/capture.ts CapturedSession),
 * so a saved probe is evidence like a capture: the same reader code turns it into an
 * SmtpSessionObservation. "Packets" are the probe's dialogue steps.
 */
export function capturedSession(r: ProbeResult, o: Pick<ProbeOptions, 'from' | 'to' | 'ehlo'>): CapturedSession {
  const toCaptured = (x: ProbeResult['replies'][number]): CapturedReply => ({ command: x.command, code: x.code, enhanced: x.enhanced, text: x.text, packet: x.step });
  const inTransaction = (c: string) => c === 'MAIL' || c === 'RCPT' || c === 'DATA' || c === '<message>';
  const transactionReplies = r.replies.filter((x) => inTransaction(x.command)).map(toCaptured);
  const mail = r.replies.find((x) => x.command === 'MAIL');
  const transactions: CapturedTransaction[] = [];
  if (mail) {
    const t: CapturedTransaction = {
      mailFrom: o.from,
      rcptTo: r.replies.some((x) => x.command === 'RCPT') ? [o.to] : [],
      replies: transactionReplies,
      outcome: 'incomplete',
      messageBytes: 0,
      afterTls: mail.afterTls,
      packet: mail.step - 1,
    };
    const final = transactionReplies.find((x) => x.command === '<message>') ?? null;
    // Without a message the transaction is abandoned by RSET once RCPT TO is answered.
    t.outcome = final || transactionReplies.some((x) => x.code >= 400) ? transactionOutcome(t, final) : 'abandoned';
    transactions.push(t);
  }
  const ip = (a: string | null) => (a && a.includes(':') ? `[${a}]` : (a ?? '?'));
  const last = r.replies.at(-1)?.step ?? 1;
  return {
    client: `${ip(r.local.ip)}:${r.local.port ?? 0}`,
    server: `${ip(r.remote.ip)}:${r.remote.port ?? r.port}`,
    clientIp: r.local.ip ?? '',
    clientPort: r.local.port ?? 0,
    serverIp: r.remote.ip ?? r.host,
    serverPort: r.remote.port ?? r.port,
    start: r.startedAt,
    end: null,
    packets: { first: 1, last, count: last },
    sawOpen: r.remote.ip !== null,
    closedBy: r.closedBy === 'timeout' ? 'idle' : r.closedBy === 'error' ? 'rst' : 'fin',
    banner: r.banner,
    serverName: r.serverName,
    ehloCommand: r.replies.some((x) => x.command === 'EHLO') ? 'EHLO' : null,
    ehlo: r.replies.some((x) => x.command === 'EHLO') ? o.ehlo : null,
    proxiedClient: null,
    extensions: r.extensions,
    extensionsAfterTls: r.extensionsAfterTls,
    starttls: r.starttls,
    auth: [],
    tls: r.tls,
    transactions,
    replies: r.replies.filter((x) => !inTransaction(x.command)).map(toCaptured),
    dialogue: r.transcript,
    gaps: [],
    notes: [...r.notes, ...(r.failure ? [`probe: ${r.failure.kind} during ${r.failure.during}: ${r.failure.message}`] : [])],
  };
}
