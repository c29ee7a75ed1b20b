import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { StartTlsTracker } from '../ingest/pcap/starttls-state.js';
import { certificateFromDer } from '../ingest/pcap/certificate-seen.js';
import { pemLeaf } from './probe-credentials.js';
import { startTls, TlsHandshakeError, tlsFromWire, type ProbeTls } from './probe-tls.js';
import type { ProbeFailure, ProbeOptions, ProbeReply, ProbeResult } from './probe-types.js';
import { extensionsOf, replyTranscript, serverNameOf, type AssembledReply } from './smtp-reply.js';
import { SmtpWire, WireError } from './smtp-wire.js';

/**
 * One probe connection: banner, EHLO, STARTTLS and EHLO again, MAIL FROM, RCPT TO, then RSET and
 * QUIT. Exchange Online decides attribution and relay at RCPT TO (EXO-SEMANTICS M3/M4; NDR-CATALOG
 * 5.7.64, 5.7.68, 4.4.62), so no message is needed to learn the answer; one is sent only with
 * `sendTestMessage`. The probe connects only to the host it is given.
 */
class Stop extends Error {}

export async function runProbe(o: ProbeOptions, mx: ProbeResult['mx'] = null): Promise<ProbeResult> {
  const r: ProbeResult = {
    target: o.target, host: o.host, port: o.port, mx, startedAt: new Date().toISOString(),
    local: { ip: null, port: null }, remote: { ip: null, port: null },
    transcript: [], replies: [], banner: null, serverName: null, extensions: [], extensionsAfterTls: null,
    starttls: 'none', notes: [], tls: null, serverCheck: null,
    ownCertificate: o.credentials?.kind === 'pem' ? pemLeaf(o.credentials.cert) : null,
    testMessageSent: false, failure: null, closedBy: 'error',
  };
  const wire = new SmtpWire(o.timeoutMs);
  const tracker = new StartTlsTracker();
  let step = 0;
  let tls: ProbeTls | null = null;
  let raw: Socket | null = null;

  const fail = (f: ProbeFailure): never => {
    r.failure = f;
    r.closedBy = f.kind === 'timeout' ? 'timeout' : f.kind === 'closed' ? 'server' : 'error';
    throw new Stop();
  };
  const reply = async (command: string): Promise<ProbeReply> => {
    let a: AssembledReply;
    try {
      a = await wire.reply();
    } catch (e) {
      if (e instanceof WireError) return fail({ kind: e.kind === 'timeout' ? 'timeout' : e.kind === 'protocol' ? 'protocol' : 'closed', during: command, message: e.message });
      throw e;
    }
    r.transcript.push(...replyTranscript(a));
    const p: ProbeReply = { command, code: a.code, enhanced: a.enhanced, text: a.text, lines: a.lines, step: ++step, afterTls: tls !== null };
    r.replies.push(p);
    return p;
  };
  const say = (line: string, shown = line): void => {
    step++;
    r.transcript.push(`C: ${shown}`);
    wire.write(line);
  };
  const ok = (p: ProbeReply) => p.code >= 200 && p.code < 400;
  /** Ends politely after a refusal: the refusal is the answer. */
  const quit = async (): Promise<never> => {
    await closing();
    throw new Stop();
  };
  const closing = async (): Promise<void> => {
    try {
      say('QUIT');
      await reply('QUIT');
      r.closedBy = 'quit';
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      // A server that hangs up on QUIT has still answered everything that matters.
      r.failure = null;
      r.closedBy = 'quit';
    }
  };
  const upgrade = async (): Promise<void> => {
    wire.detach();
    try {
      tls = await startTls(raw!, o);
    } catch (e) {
      if (e instanceof TlsHandshakeError) {
        r.tls = tlsFromWire(e.tap, e.keylog, o.implicitTls);
        r.transcript.push(`[TLS handshake failed: ${e.message}]`);
        return fail({ kind: 'tls', during: 'TLS handshake', message: e.message });
      }
      throw e;
    }
    r.serverCheck = tls.check;
    r.transcript.push(`[TLS ${tls.socket.getProtocol() ?? '?'} ${tls.socket.getCipher()?.standardName ?? ''}]`.replace(' ]', ']'));
    wire.attach(tls.socket);
  };

  try {
    raw = await open(o).catch((e: Error) => fail({ kind: e.message.includes('within') ? 'timeout' : 'connect', during: 'connect', message: e.message }));
    r.local = { ip: raw.localAddress ?? null, port: raw.localPort ?? null };
    r.remote = { ip: raw.remoteAddress ?? null, port: raw.remotePort ?? null };
    wire.attach(raw);
    if (o.implicitTls) await upgrade();
    const banner = await reply('<banner>');
    r.banner = banner.lines.join('\n');
    r.serverName = serverNameOf(banner.lines[0] ?? '');
    tracker.banner(banner.text);
    if (!ok(banner)) await quit();

    say(`EHLO ${o.ehlo}`);
    const ehlo = await reply('EHLO');
    r.extensions = ok(ehlo) ? extensionsOf(ehlo.lines) : [];
    tracker.ehlo(ehlo.code, r.extensions);
    if (!ok(ehlo)) await quit();

    if (!o.implicitTls && o.starttls !== 'no') {
      const offered = r.extensions.some((k) => /^STARTTLS\b/i.test(k));
      if (offered) {
        say('STARTTLS');
        const st = await reply('STARTTLS');
        if (tracker.reply(st.code)) {
          if (wire.pending > 0) fail({ kind: 'protocol', during: 'STARTTLS', message: 'the server sent more after "220 ready to start TLS" (a command injection risk, RFC 3207 §5)' });
          await upgrade();
          say(`EHLO ${o.ehlo}`);
          const again = await reply('EHLO');
          r.extensionsAfterTls = ok(again) ? extensionsOf(again.lines) : [];
          if (!ok(again)) await quit();
        } else if (o.starttls === 'require') await quit();
      } else if (o.starttls === 'require') await quit();
    }
    if (o.implicitTls) r.starttls = 'none';

    say(`MAIL FROM:<${o.from}>`);
    if (!ok(await reply('MAIL'))) await quit();
    say(`RCPT TO:<${o.to}>`);
    const rcpt = await reply('RCPT');
    if (ok(rcpt) && o.sendTestMessage) {
      say('DATA');
      if (ok(await reply('DATA'))) {
        const body = testMessage(o);
        step++;
        r.transcript.push(`C: [test message: ${body.length} bytes, Subject "${TEST_SUBJECT}"]`, 'C: .');
        wire.write(`${body}\r\n.`);
        r.testMessageSent = true;
        await reply('<message>');
      }
    } else {
      say('RSET');
      await reply('RSET');
    }
    await closing();
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  } finally {
    r.starttls = o.implicitTls ? 'none' : tracker.state;
    r.notes.push(...tracker.notes);
    const t = tls as ProbeTls | null;
    if (t) {
      r.tls = tlsFromWire(t.tap, t.keylog, o.implicitTls);
      r.tls.version ??= t.socket.getProtocol();
      r.tls.cipher ??= t.socket.getCipher()?.standardName ?? null;
      if (!r.ownCertificate) {
        const own = (t.socket as TLSSocket).getX509Certificate();
        if (own) r.ownCertificate = certificateFromDer(own.raw);
      }
      t.socket.destroy();
    }
    wire.detach();
    raw?.destroy();
  }
  return r;
}

function open(o: ProbeOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: o.address ?? o.host, port: o.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no TCP connection to ${o.host}:${o.port} within ${Math.round(o.timeoutMs / 1000)} s`));
    }, o.timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // Errors after this are read as the server closing mid-dialogue.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export const TEST_SUBJECT = 'mailflow-doctor probe: test message, no action needed';

/** A small message that says what it is, so whoever finds it knows it was a test (RFC 3834 Auto-Submitted). */
export function testMessage(o: Pick<ProbeOptions, 'from' | 'to' | 'ehlo'>, now = new Date()): string {
  const id = `${randomBytes(8).toString('hex')}@${o.ehlo}`;
  return [
    `From: <${o.from}>`,
    `To: <${o.to}>`,
    `Subject: ${TEST_SUBJECT}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${id}>`,
    'Auto-Submitted: auto-generated',
    'X-Mailflow-Doctor-Probe: test',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is a test message sent by mailflow-doctor probe to check that mail from this',
    'server is accepted and attributed as expected. It needs no action and can be deleted.',
  ].join('\r\n');
}
