import type { CapturedCertificate } from '../model/capture.js';
import { PLAIN, type Style } from '../report/style.js';
import { capturedSession } from './probe-captured-session.js';
import type { CaseComparison } from './probe-case.js';
import { explainReplies, replyText } from './probe-explain.js';
import type { ProbeOptions, ProbeResult } from './probe-types.js';
import type { ProbeVerdict } from './probe-verdict.js';

/** `probe --format text`: the transcript, TLS and certificates, each refusal explained, the verdict. */
export function renderProbeText(r: ProbeResult, o: ProbeOptions, v: ProbeVerdict, comparison: CaseComparison | null, s: Style = PLAIN): string {
  const out: string[] = [s.bold(`Probe ${r.target}`) + ` → ${r.host}:${r.port}${r.remote.ip && r.remote.ip !== r.host ? ` (${r.remote.ip})` : ''}, ${r.startedAt}`];
  if (r.mx) out.push(`  MX: ${r.mx.map((m) => `${m.exchange} (${m.priority})`).join(', ')}`);
  out.push(`  MAIL FROM <${o.from}>, RCPT TO <${o.to}>, EHLO ${o.ehlo}; ${o.sendTestMessage ? 'a test message is sent' : 'no message is sent (RSET after RCPT TO)'}`);
  out.push('', 'Transcript:');
  for (const line of r.transcript) out.push(`  ${/^S: [45]\d\d/.test(line) ? s.red(line) : line}`);
  out.push('', `STARTTLS: ${starttlsText(r, o)}`);
  for (const n of r.notes) out.push(`  ${s.yellow('note')} ${n}`);
  if (r.tls) {
    out.push(`TLS${r.tls.implicit ? ' (implicit)' : ''}: ${r.tls.version ?? '?'} ${r.tls.cipher ?? ''}`.trimEnd());
    out.push(...chainLines('Server certificate', r.tls.serverCertificates));
    if (r.serverCheck) {
      const c = r.serverCheck;
      out.push(`  Validation: ${c.trusted ? s.green('trusted chain') : s.red(`not trusted (${c.error ?? 'unknown reason'})`)}`);
      if (c.expectName !== null) out.push(`  Name ${c.expectName}: ${c.nameMatches ? s.green('matches') : s.red(`does not match — ${c.nameError ?? ''}`)}`);
    }
    const requested = r.tls.clientCertificateRequested;
    out.push(`Client certificate requested: ${requested === null ? 'unknown (TLS 1.3 handshake not readable)' : requested ? 'yes' : 'no'}`);
    const sent = r.tls.clientCertificates;
    if (sent === null) out.push('Client certificate sent: unknown');
    else if (sent.length === 0) out.push(`Client certificate sent: ${s.yellow('none')}${r.ownCertificate ? ` (you gave ${label(r.ownCertificate)})` : ''}`);
    else out.push(...chainLines('Client certificate sent', sent));
  } else if (r.ownCertificate) {
    out.push(`Client certificate: ${label(r.ownCertificate)} — not presented (no TLS)`);
  }
  // close_notify is the orderly end of TLS, not news.
  for (const a of (r.tls?.alerts ?? []).filter((x) => x.description !== 'close_notify')) out.push(`  ${s.red('alert')} from the ${a.from}: ${a.level} ${a.description}`);
  const explained = explainReplies(r.replies);
  if (explained.length > 0) out.push('', 'Replies explained (NDR catalog):');
  for (const e of explained) {
    out.push(`  ${s.red(replyText(e.reply))} (reply to ${e.reply.command})`);
    if (!e.entry) {
      out.push(`    not in the catalog: a ${e.reply.code < 500 ? 'temporary (4xx: the sender retries)' : 'permanent (5xx: the sender gives up)'} refusal`);
      continue;
    }
    out.push(`    ${e.entry.code}${e.markers.length > 0 ? ` ${e.markers.join(' ')}` : ''} — ${e.entry.meaning}`);
    for (const f of e.entry.fixes.slice(0, 3)) out.push(`    fix (${f.where}): ${f.step}`);
  }
  if (comparison) out.push('', ...comparison.lines);
  out.push('', `${s.bold('Verdict:')} ${v.exitCode === 0 ? s.green(v.line) : s.red(v.line)}`);
  for (const reason of v.reasons.slice(v.line.includes(v.reasons[0] ?? '\u0000') ? 1 : 0)) out.push(`  ${reason}`);
  return `${out.join('\n')}\n`;
}

/** First key of the probe's JSON: the evidence reader knows a saved probe by it. */
export const PROBE_SCHEMA = 'mailflow-doctor/probe@1';

/** `probe --format json`: `{ sessions: [CapturedSession], probe: {…} }` — diagnose reads it as evidence. */
export function renderProbeJson(r: ProbeResult, o: ProbeOptions, v: ProbeVerdict, comparison: CaseComparison | null): string {
  const doc = {
    schema: PROBE_SCHEMA,
    sessions: [capturedSession(r, o)],
    probe: {
      target: r.target,
      host: r.host,
      port: r.port,
      mx: r.mx,
      from: o.from,
      to: o.to,
      ehlo: o.ehlo,
      starttls: o.implicitTls ? 'implicit' : o.starttls,
      testMessageSent: r.testMessageSent,
      verdict: { outcome: v.outcome, at: v.at, line: v.line, reasons: v.reasons, exitCode: v.exitCode },
      reply: v.reply ? { command: v.reply.command, code: v.reply.code, enhanced: v.reply.enhanced, text: v.reply.text } : null,
      explained: explainReplies(r.replies).map((e) => ({ reply: replyText(e.reply), command: e.reply.command, entry: e.entry ? { id: e.entry.id, code: e.entry.code, meaning: e.entry.meaning } : null })),
      serverCertificateCheck: r.serverCheck,
      clientCertificateGiven: r.ownCertificate,
      failure: r.failure,
      ...(comparison ? { model: comparison.json } : {}),
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function starttlsText(r: ProbeResult, o: ProbeOptions): string {
  if (o.implicitTls) return 'not used (implicit TLS)';
  if (o.starttls === 'no') return 'not used (--starttls no)';
  switch (r.starttls) {
    case 'accepted':
      return 'offered and accepted';
    case 'masked':
      return 'masked by a device in the path';
    case 'refused':
      return 'offered, refused by the server';
    case 'offered':
      return 'offered, not used';
    default:
      return 'not offered';
  }
}

function label(c: CapturedCertificate): string {
  return `${c.subject ?? '(no subject)'} (thumbprint ${c.sha1})`;
}

function chainLines(title: string, certs: CapturedCertificate[] | null): string[] {
  if (certs === null) return [`${title}: unknown (TLS 1.3 handshake not readable)`];
  if (certs.length === 0) return [`${title}: none`];
  return certs.flatMap((c, i) => [
    `${title}${certs.length > 1 ? ` ${i + 1}/${certs.length}` : ''}: ${c.subject ?? '?'}`,
    `    issuer ${c.issuer ?? '?'}${c.selfSigned ? ' (self-signed)' : ''}; valid ${c.notBefore ?? '?'} → ${c.notAfter ?? '?'}`,
    ...(c.dnsNames.length > 0 ? [`    names ${c.dnsNames.join(', ')}`] : []),
    `    SHA-1 thumbprint ${c.sha1}`,
  ]);
}
