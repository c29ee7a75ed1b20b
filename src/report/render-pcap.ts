import { visibleLine } from './visible-text.js';
import type { CaptureReadResult, CaptureSummary, CapturedCertificate, CapturedSession, CapturedTls } from '../model/capture.js';
import { SESSION_NUMBER, wholePcapDocument, type PcapDocumentParts } from './pcap-document.js';
import { PLAIN, type Style } from './style.js';

/** `pcap --format json`: `{ capture, sessions, diagnostics }` (CONTRACT.md: `sessions` holds one object per SMTP session). */
export function renderPcapJson(r: CaptureReadResult): string {
  return [...pcapJsonParts(r, r.sessions.map((x) => JSON.stringify(x, null, 2)))].join('');
}

/**
 * The same document in pieces, from sessions already serialised (`JSON.stringify(session, null,
 * 2)`, or `indentedSessionJson` when `indented`), so a capture of thousands of sessions is written
 * without one giant string.
 */
export function* pcapJsonParts(r: CaptureReadResult, sessions: Iterable<string>, indented = false): Generator<string> {
  yield pcapJsonHead(r);
  let count = 0;
  for (const session of sessions) yield `${count++ === 0 ? PCAP_JSON_FIRST_SESSION : PCAP_JSON_NEXT_SESSION}${indented ? session : indent(session, '    ')}`;
  yield pcapJsonTail(r, count);
}

/**
 * The document around its sessions, for a writer that puts them together itself: the head, then
 * each session (`indentedSessionJson`) after PCAP_JSON_FIRST_SESSION or PCAP_JSON_NEXT_SESSION,
 * then the tail — the text `pcapJsonParts(…, true)` gives.
 */
export function pcapJsonHead(r: CaptureReadResult): string {
  return `{\n  "capture": ${indent(JSON.stringify(r.summary, null, 2), '  ')},\n  "sessions": [`;
}

export const PCAP_JSON_FIRST_SESSION = '\n    ';
export const PCAP_JSON_NEXT_SESSION = ',\n    ';

/** `sessions`: how many sessions were written. */
export function pcapJsonTail(r: CaptureReadResult, sessions: number): string {
  return `${sessions > 0 ? '\n  ' : ''}],\n  "diagnostics": ${indent(JSON.stringify(r.diagnostics, null, 2), '  ')}\n}\n`;
}

function indent(json: string, by: string): string {
  return json.replace(/\n/g, `\n${by}`);
}

const NESTED_OPEN = '[\n  [\n    ';
const NESTED_CLOSE = '\n  ]\n]';

/**
 * One session as it stands in the document's `sessions` list (`JSON.stringify(session, null, 2)`
 * with every line after the first indented four more spaces), for `pcapJsonParts(…, true)`: nested
 * two levels deep, JSON.stringify indents it so itself, sparing a pass over the text.
 */
export function indentedSessionJson(session: CapturedSession): string {
  const json = JSON.stringify([[session]], null, 2);
  return json.slice(NESTED_OPEN.length, json.length - NESTED_CLOSE.length);
}

/** `pcap --format text`: the capture summary, then each SMTP session as a conversation. */
export function renderPcapText(r: CaptureReadResult, s: Style = PLAIN): string {
  return wholePcapDocument(pcapTextParts(s), r);
}

/** The text report in parts (pcap-document.ts): its head says when the capture holds no session. */
export function pcapTextParts(s: Style = PLAIN): PcapDocumentParts {
  return {
    head: (r, sessions) => {
      const out: string[] = [...summaryLines(r.summary, s)];
      for (const d of r.diagnostics.slice(0, 20)) out.push(`  ${d.severity === 'error' ? s.red('error') : s.yellow('warning')} ${d.message}`);
      if (r.diagnostics.length > 20) out.push(`  … ${r.diagnostics.length - 20} more diagnostics (see --format json)`);
      if (sessions === 0) {
        out.push(
          '',
          `No SMTP session in this capture (${r.summary.tcpConnections} TCP connections looked at). SMTP is recognised by what is said on any port (a 220 greeting, EHLO/HELO, or a TLS ClientHello on 465); capture on the mail server's interface with a filter such as "tcp port 25".`,
        );
      }
      return out.join('\n');
    },
    // A blank line, then the session; its number is the first text of its heading (after the style's opening).
    listings: [{ slots: 1, part: (x) => `\n\n${sessionLines(x, SESSION_NUMBER, s).join('\n')}` }],
    after: () => '\n',
  };
}

export function summaryLines(c: CaptureSummary, s: Style): string[] {
  const span = c.firstPacketAt ? `, ${c.firstPacketAt} → ${c.lastPacketAt}` : '';
  const lines = [
    s.bold(`Capture ${c.file}`) + ` (${c.format ?? 'unknown format'}${c.linkTypes.length > 0 ? `, ${c.linkTypes.join(', ')}` : ''})`,
    `  ${c.packets} packets, ${c.bytes} bytes${span}${c.truncated ? s.yellow(' — the file is cut short') : ''}`,
    `  ${c.tcpConnections} TCP connections, ${c.smtpSessions} SMTP sessions; ${c.notTcp} packets not TCP; ${c.skipped} skipped`,
  ];
  const reasons = Object.entries(c.skippedReasons);
  if (reasons.length > 0) lines.push(`  skipped: ${reasons.map(([why, n]) => `${n} ${why}`).join('; ')}`);
  if (c.ipFragments.reassembled + c.ipFragments.dropped > 0) lines.push(`  IP fragments: ${c.ipFragments.reassembled} datagrams reassembled, ${c.ipFragments.dropped} incomplete and dropped`);
  if (c.keyLog.files + c.keyLog.fromCapture > 0) {
    lines.push(`  key logs: ${c.keyLog.files} file(s), ${c.keyLog.fromCapture} inside the capture; secrets for ${c.keyLog.clientRandoms} TLS sessions`);
  }
  return lines;
}

/** `n`: the session's number, or SESSION_NUMBER where it is filled in later. */
export function sessionLines(x: CapturedSession, n: number | string, s: Style): string[] {
  return [s.bold(`Session ${n}: ${sessionTitle(x)}`) + s.dim(sessionSpan(x)), ...sessionBodyLines(x, s)];
}

export function sessionTitle(x: CapturedSession): string {
  return `${x.client} → ${x.server}`;
}

/** What follows the title in a session's heading: its packets, start and end. */
export function sessionSpan(x: CapturedSession): string {
  return `  packets ${x.packets.first}–${x.packets.last}${x.start ? `, ${x.start}` : ''}, ${closing(x)}`;
}

/** A session's lines after its heading. */
export function sessionBodyLines(x: CapturedSession, s: Style): string[] {
  const lines: string[] = [];
  if (x.proxiedClient) {
    const p = x.proxiedClient;
    lines.push(`  Proxied client (${p.protocol} header): ${p.ip.includes(':') ? `[${p.ip}]` : p.ip}${p.port === null ? '' : `:${p.port}`} — the client on the wire is a proxy`);
  }
  lines.push(`  STARTTLS: ${starttls(x, s)}${x.auth.length > 0 ? `   AUTH: ${x.auth.map((a) => `${a.mechanism} (${a.code ?? 'no reply'})`).join(', ')}` : ''}`);
  if (x.tls) lines.push(...tlsLines(x.tls, s));
  lines.push('  Conversation:');
  for (const d of x.dialogue) lines.push(`    ${d.startsWith('S: ') && /^S: [45]\d\d/.test(d) ? s.red(d) : d}`);
  x.transactions.forEach((t, i) => {
    const outcome = t.outcome === 'accepted' ? s.green(t.outcome) : t.outcome === 'rejected' || t.outcome === 'deferred' ? s.red(t.outcome) : s.yellow(t.outcome);
    const refusal = t.replies.find((r) => r.code >= 400);
    lines.push(
      `  Transaction ${i + 1}${t.afterTls ? ' (inside TLS)' : ''}: <${t.mailFrom ?? '?'}> → ${t.rcptTo.map((r) => `<${r}>`).join(', ') || '(no recipient seen)'}: ${outcome}` +
        (refusal ? ` — ${refusal.code}${refusal.enhanced ? ` ${refusal.enhanced}` : ''} ${refusal.text.split('\n')[0]}` : ''),
    );
  });
  for (const note of x.notes) lines.push(`  ${s.yellow('note')} ${note}`);
  // What the session's peers sent (banners, commands, replies) may hold control characters: shown escaped.
  return lines.map(visibleLine);
}

function closing(x: CapturedSession): string {
  switch (x.closedBy) {
    case 'fin':
      return 'closed';
    case 'rst':
      return 'reset';
    case 'idle':
      return 'went idle';
    default:
      return 'still open at the end of the capture';
  }
}

function starttls(x: CapturedSession, s: Style): string {
  switch (x.starttls) {
    case 'masked':
      return s.red('masked by a device in the path');
    case 'refused':
      return s.red('refused by the server');
    case 'offered':
      return s.yellow('offered, not used');
    case 'accepted':
      return s.green('accepted');
    default:
      return 'not offered';
  }
}

function tlsLines(t: CapturedTls, s: Style): string[] {
  const lines = [
    `  TLS${t.implicit ? ' (implicit, port 465)' : ''}: ${t.version ?? 'no ServerHello seen'}${t.cipher ? ` ${t.cipher}` : ''}${t.sni ? `, SNI ${t.sni}` : ''}${t.resumed ? ', resumed session' : ''}${t.decrypted ? s.green(', decrypted with the key log') : ''}`,
  ];
  if (t.compression !== null && t.compression !== 'none') {
    lines.push(`  TLS compression: ${s.yellow(t.compression)}${t.decrypted ? ' (records decompressed after decryption)' : ' (the plaintext inside TLS is not shown)'}`);
  }
  lines.push(...certificateLines('Server certificate', t.serverCertificates, s));
  const requested = t.clientCertificateRequested === null ? 'unknown' : t.clientCertificateRequested ? 'yes' : 'no';
  lines.push(`  Client certificate requested: ${requested}`);
  if (t.clientCertificates !== null && t.clientCertificates.length === 0) {
    lines.push(`  Client certificate: ${t.clientCertificateRequested ? s.red('none sent (empty Certificate message)') : 'none (not asked for)'}`);
  } else {
    lines.push(...certificateLines('Client certificate', t.clientCertificates, s));
  }
  for (const a of t.alerts) lines.push(`  ${s.red('alert')} from the ${a.from}: ${a.level} ${a.description} (packet ${a.packet})`);
  return lines;
}

function certificateLines(label: string, certs: CapturedCertificate[] | null, s: Style): string[] {
  if (certs === null) return [`  ${label}: unknown (not visible in this capture)`];
  if (certs.length === 0) return [`  ${label}: none sent`];
  return certs.flatMap((c, i) => [
    `  ${label}${certs.length > 1 ? ` ${i + 1}/${certs.length}` : ''}: ${c.subject ?? c.error ?? '?'}`,
    `      issuer ${c.issuer ?? '?'}${c.selfSigned ? s.yellow(' (self-signed)') : ''}; valid ${c.notBefore ?? '?'} → ${c.notAfter ?? '?'}`,
    ...(c.dnsNames.length > 0 ? [`      DNS names ${c.dnsNames.join(', ')}`] : []),
    `      SHA-1 ${c.sha1}; serial ${c.serial ?? '?'}`,
  ]);
}
