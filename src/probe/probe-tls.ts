import { appendFileSync } from 'node:fs';
import { isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect, rootCertificates, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { CapturedTls } from '../model/capture.js';
import { parseKeyLog } from '../ingest/pcap/tls-keylog.js';
import { TlsSession } from '../ingest/pcap/tls-session.js';
import type { ProbeOptions, ServerCertificateCheck } from './probe-types.js';
import { WireTap } from './wire-tap.js';

/**
 * TLS for the probe: STARTTLS (RFC 3207) or implicit TLS on 465, presenting the client
 * certificate given. The chain is never refused outright — Exchange Online itself sends over
 * opportunistic TLS — but validated and reported, and `--expect-name` checks the names as a
 * connector with TlsDomain/DomainValidation would (RFC 6125 via tls.checkServerIdentity).
 */
export interface ProbeTls {
  socket: TLSSocket;
  tap: WireTap;
  /** NSS key log lines of this connection (secrets: written only to --keylog, never printed). */
  keylog: string[];
  check: ServerCertificateCheck;
}

export class TlsHandshakeError extends Error {
  constructor(
    message: string,
    readonly tap: WireTap,
    readonly keylog: string[],
  ) {
    super(message);
  }
}

export function tlsOptions(o: ProbeOptions): ConnectionOptions {
  const c = o.credentials;
  return {
    // SNI only for names (RFC 6066 §3: no IP literals).
    ...(isIP(o.host) === 0 ? { servername: o.expectName ?? o.host } : o.expectName ? { servername: o.expectName } : {}),
    rejectUnauthorized: false,
    ...(o.ca ? { ca: [...rootCertificates, o.ca.toString('utf8')] } : {}),
    ...(c?.kind === 'pem' ? { cert: c.cert, key: c.key } : {}),
    ...(c?.kind === 'pfx' ? { pfx: c.pfx, ...(c.passphrase !== undefined ? { passphrase: c.passphrase } : {}) } : {}),
  };
}

export function startTls(raw: Socket, o: ProbeOptions): Promise<ProbeTls> {
  const tap = new WireTap(raw);
  const keylog: string[] = [];
  const socket = connect({ ...tlsOptions(o), socket: tap });
  socket.on('keylog', (line: Buffer) => {
    keylog.push(line.toString('latin1'));
    // The file is the admin's to give to Wireshark; written as it grows, owner-only.
    if (o.keylogFile) appendFileSync(o.keylogFile, line, { mode: 0o600 });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TlsHandshakeError(`TLS handshake not finished within ${Math.round(o.timeoutMs / 1000)} s`, tap, keylog));
    }, o.timeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(new TlsHandshakeError(e.message, tap, keylog));
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve({ socket, tap, keylog, check: serverCheck(socket, o.expectName) });
    });
  });
}

function serverCheck(socket: TLSSocket, expectName: string | null): ServerCertificateCheck {
  const error = socket.authorizationError;
  let nameMatches: boolean | null = null;
  let nameError: string | null = null;
  if (expectName !== null) {
    const peer = socket.getPeerCertificate();
    const e = peer && Object.keys(peer).length > 0 ? checkServerIdentity(expectName, peer) : new Error('the server sent no certificate');
    nameMatches = e === undefined;
    nameError = e ? e.message : null;
  }
  return { trusted: socket.authorized, error: error ? String((error as Error & { code?: string }).code ?? error) : null, expectName, nameMatches, nameError };
}

/**
 * The TLS session as the capture reader sees it, from the bytes that crossed the wire and this
 * connection's own key log: version, suite, both certificate chains, whether a certificate was
 * asked for — the same shape `pcap --format json` prints.
 */
export function tlsFromWire(tap: WireTap, keylog: readonly string[], implicit: boolean): CapturedTls {
  const keys = parseKeyLog(keylog.join('\n'), '(probe key log)').keyLog;
  const session = new TlsSession(implicit, (random) => keys.secretsFor(random), () => undefined, () => keylog.length > 0);
  tap.chunks.forEach((c, i) => session.bytes(c.fromClient, c.bytes, i + 1));
  const tls = session.result();
  // The probe made this connection: the version and suite Node agreed are known even if the read-back is partial.
  return tls;
}
