import type { CapturedCertificate } from '../model/capture.js';
import { replyText } from './probe-explain.js';
import type { ProbeReply, ProbeResult, StartTlsMode } from './probe-types.js';

/**
 * The probe's answer in one line, and its exit status (CONTRACT: 0 accepted, 1 refused or
 * deferred — the route fails —, 2 the probe could not get an answer: usage, connection, timeout,
 * a server that hangs up mid-dialogue). Pure: tested without a network.
 */
export type ProbeOutcome = 'accepted' | 'refused' | 'deferred' | 'starttls-masked' | 'no-tls' | 'tls-failed' | 'server-certificate-invalid' | 'timeout' | 'closed' | 'connection-error';

export interface ProbeVerdict {
  outcome: ProbeOutcome;
  /** The command whose reply decided (`RCPT`, `MAIL`, …), null when no reply did. */
  at: string | null;
  reply: ProbeReply | null;
  line: string;
  /** Why, in the words an admin acts on (certificate asked for / presented / accepted, …). */
  reasons: string[];
  exitCode: 0 | 1 | 2;
}

const COMMAND_NAMES: Record<string, string> = { '<banner>': 'the banner', EHLO: 'EHLO', STARTTLS: 'STARTTLS', MAIL: 'MAIL FROM', RCPT: 'RCPT TO', DATA: 'DATA', '<message>': 'the end of the test message' };

export function probeVerdict(r: ProbeResult, o: { starttls: StartTlsMode; implicitTls: boolean }, now = new Date()): ProbeVerdict {
  const v = (outcome: ProbeOutcome, line: string, exitCode: 0 | 1 | 2, reply: ProbeReply | null = null, reasons: string[] = []): ProbeVerdict => ({
    outcome, at: reply?.command ?? null, reply, line, reasons, exitCode,
  });
  if (r.failure?.kind === 'connect' || r.failure?.kind === 'dns') return v('connection-error', `no connection: ${r.failure.message}`, 2);
  const rcpt = r.replies.find((x) => x.command === 'RCPT') ?? null;
  const decisive = r.replies.find((x) => x.code >= 400 && x.command !== 'RSET' && x.command !== 'QUIT') ?? null;
  const masked = r.starttls === 'masked' && r.tls === null;
  if (decisive) {
    const where = COMMAND_NAMES[decisive.command] ?? decisive.command;
    const deferred = decisive.code < 500;
    const reasons = [...(masked ? [maskedReason(r)] : []), ...certificateReasons(r, now)];
    const why = (decisive.command === 'RCPT' || decisive.command === '<message>') && reasons[0] ? ` — ${reasons[0]}` : '';
    return v(deferred ? 'deferred' : 'refused', `${deferred ? 'deferred' : 'refused'} at ${where}: ${replyText(decisive)}${why}`, 1, decisive, reasons);
  }
  const check = r.serverCheck;
  if (check && check.expectName !== null && (check.nameMatches === false || !check.trusted)) {
    // TlsDomain with DomainValidation needs a trusted chain that names the domain: the sender would not send (M8).
    const why = check.nameMatches === false ? `does not name ${check.expectName} (${check.nameError ?? 'no matching name'})` : `is not trusted (${check.error ?? 'unknown reason'})`;
    const answer = rcpt ? [`the server answered RCPT TO with ${replyText(rcpt)}`] : [];
    return v('server-certificate-invalid', `server certificate rejected: it ${why} — a connector with TlsDomain ${check.expectName} and DomainValidation would not send over this connection`, 1, null, answer);
  }
  if (rcpt && rcpt.code < 400) {
    const presented = presentedCertificate(r);
    const extra = presented ? ` with your certificate ${name(presented)} (thumbprint ${presented.sha1})` : r.tls ? ' without a client certificate' : ' without TLS';
    const reasons = masked ? [maskedReason(r)] : [];
    const sent = r.testMessageSent ? '; the test message was accepted' : '';
    return v('accepted', `accepted at RCPT TO (${rcpt.code}): ${replyText(rcpt).slice(4)} — relay would be accepted${extra}${sent}`, 0, rcpt, reasons);
  }
  if (masked) return v('starttls-masked', `STARTTLS masked: ${maskedReason(r)}`, 1, null, [maskedReason(r)]);
  if (r.failure?.kind === 'tls') return v('tls-failed', `TLS handshake failed: ${r.failure.message}${alertText(r)}`, 1, null, certificateReasons(r, now));
  if (!o.implicitTls && o.starttls === 'require' && r.tls === null && r.failure === null) {
    return v('no-tls', `no TLS: the server did not offer STARTTLS${r.starttls === 'refused' ? ' (it refused the command)' : ''}, and --starttls require stops here — Exchange Online attributes by certificate only over TLS (EXO-SEMANTICS M4)`, 1);
  }
  if (r.failure?.kind === 'timeout') return v('timeout', `timeout: ${r.failure.message} waiting for the reply to ${COMMAND_NAMES[r.failure.during] ?? r.failure.during}`, 2);
  if (r.failure) return v('closed', `connection closed mid-dialogue: ${r.failure.message} (waiting for the reply to ${COMMAND_NAMES[r.failure.during] ?? r.failure.during})`, 2);
  return v('closed', 'the dialogue ended before RCPT TO was answered', 2);
}

function maskedReason(r: ProbeResult): string {
  const masked = r.extensions.filter((k) => /^[X*]{3,}/i.test(k));
  return `the EHLO reply shows ${masked.length > 0 ? `masked keywords (${masked.join(', ')})` : 'STARTTLS rewritten'} — a firewall's SMTP inspection (Cisco ASA "inspect esmtp") hides STARTTLS, so no TLS and no certificate reach the server; turn the inspection off for this traffic`;
}

function alertText(r: ProbeResult): string {
  const a = r.tls?.alerts.find((x) => x.from === 'server');
  return a ? ` (the server sent the alert ${a.description})` : '';
}

function presentedCertificate(r: ProbeResult): CapturedCertificate | null {
  return r.tls?.clientCertificates?.[0] ?? null;
}

function name(c: CapturedCertificate): string {
  return c.commonName ? `CN=${c.commonName}` : (c.subject ?? '(no subject)');
}

/** Whether the certificate was requested, presented and could be accepted (M4: the certificate decides attribution). */
export function certificateReasons(r: ProbeResult, now: Date): string[] {
  if (r.tls === null) return ['no TLS was negotiated, so no certificate could be presented: Exchange Online attributes a sender to an OnPremises connector by certificate only over TLS (EXO-SEMANTICS M4)'];
  const requested = r.tls.clientCertificateRequested;
  const presented = presentedCertificate(r);
  if (requested === false) return ['your certificate was not requested: the server sent no CertificateRequest, so none was presented'];
  if (!presented) {
    if (r.ownCertificate === null) return ['your certificate was not presented: the server asked for a client certificate and none was given (use --cert/--key or --pfx with the certificate your send connector presents, its TlsCertificateName)'];
    if (requested === null) return ['whether the server asked for a client certificate is not known (TLS 1.3 without the handshake keys), and the wire shows none sent'];
    return ['your certificate was not presented: the server asked for one but the TLS library sent none (check that the key matches the certificate)'];
  }
  const problems: string[] = [];
  const at = now.toISOString();
  if (presented.notAfter && presented.notAfter < at) problems.push(`it expired on ${presented.notAfter}`);
  if (presented.notBefore && presented.notBefore > at) problems.push(`it is not valid before ${presented.notBefore}`);
  if (presented.selfSigned) problems.push('it is self-signed: Exchange Online accepts only certificates issued by a trusted public CA');
  const what = `your certificate ${name(presented)} (thumbprint ${presented.sha1}) was presented but not accepted`;
  if (problems.length > 0) return [`${what}: ${problems.join('; ')}`];
  return [`${what}: no inbound connector matches it — check that an Enabled OnPremises connector's TlsSenderCertificateName names ${presented.dnsNames[0] ?? presented.commonName ?? 'its subject'}, that the chain is complete and trusted, and that the sender's domain is an accepted domain of that tenant (EXO-SEMANTICS M4)`];
}
