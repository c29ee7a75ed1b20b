import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { createTlsDecryptor, type TlsDecryptor } from '../../../../src/ingest/pcap/tls-decrypt.js';
import { parseKeyLog } from '../../../../src/ingest/pcap/tls-keylog.js';

/**
 * Real TLS sessions for decryption tests: a node:tls client and server talk over an in-memory pipe, every byte each
 * side puts on the wire is kept, with the NSS key log lines OpenSSL hands out. A small record and hello splitter
 * stands in for the capture parser.
 */

export interface TlsEndpointOptions {
  /** Server: certificate and key (PEM). */
  cert: string;
  key: string;
  /** Client certificate and key, when the client should present one. */
  clientCert?: string;
  clientKey?: string;
  requestCert?: boolean;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  /** TLS 1.2 cipher list (OpenSSL names). */
  ciphers?: string;
  /** TLS 1.3 suites (`TLS_AES_128_GCM_SHA256:…`); node:tls takes them in its `ciphers` option. */
  ciphersuites?: string;
  /** OpenSSL SSL_OP_* flags for the server, e.g. SSL_OP_NO_ENCRYPT_THEN_MAC. */
  serverSecureOptions?: number;
  /** Bytes of the message body sent after DATA (SMTP dot-stuffing aside, plain text lines). */
  bodyBytes?: number;
}

export interface RecordedSession {
  clientWire: Buffer;
  serverWire: Buffer;
  keyLog: string;
  /** What each application wrote into its TLS socket, in order. */
  clientApp: Buffer;
  serverApp: Buffer;
}

function cipherOption(o: TlsEndpointOptions): { ciphers?: string } {
  const list = [o.ciphersuites, o.ciphers].filter((x): x is string => x !== undefined);
  return list.length > 0 ? { ciphers: list.join(':') } : {};
}

/** Two Duplex ends joined back to back; what each end writes is also recorded. */
function recordingPipe(): { client: Duplex; server: Duplex; clientWrote: Buffer[]; serverWrote: Buffer[] } {
  const clientWrote: Buffer[] = [];
  const serverWrote: Buffer[] = [];
  // eslint-disable-next-line prefer-const
  let server: Duplex;
  const client = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      clientWrote.push(Buffer.from(chunk));
      server.push(chunk);
      done();
    },
    final(done) {
      server.push(null);
      done();
    },
  });
  server = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      serverWrote.push(Buffer.from(chunk));
      client.push(chunk);
      done();
    },
    final(done) {
      client.push(null);
      done();
    },
  });
  return { client, server, clientWrote, serverWrote };
}

function messageBody(bytes: number): string {
  const lines: string[] = ['From: sender@fabrikam.com', 'To: recipient@contoso.com', 'Subject: capture test', ''];
  let size = lines.join('\r\n').length;
  for (let i = 0; size < bytes; i++) {
    const line = `line ${i} of a message relayed from fabrikam.com to contoso.com through the hybrid connector`;
    lines.push(line);
    size += line.length + 2;
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** An SMTP dialogue over TLS between node:tls peers; resolves when both sides have closed. */
export async function recordSmtpOverTls(o: TlsEndpointOptions): Promise<RecordedSession> {
  const pipe = recordingPipe();
  const keyLogLines: string[] = [];
  const clientApp: Buffer[] = [];
  const serverApp: Buffer[] = [];
  const versions = { minVersion: o.minVersion ?? 'TLSv1.2', maxVersion: o.maxVersion ?? 'TLSv1.3' } as const;

  const serverContext = tls.createSecureContext({
    cert: o.cert,
    key: o.key,
    ...versions,
    ...cipherOption(o),
    ...(o.serverSecureOptions ? { secureOptions: o.serverSecureOptions } : {}),
  });
  const server = new tls.TLSSocket(pipe.server, { isServer: true, secureContext: serverContext, requestCert: o.requestCert ?? false, rejectUnauthorized: false });
  const client = tls.connect({
    socket: pipe.client,
    servername: 'mail.contoso.com',
    rejectUnauthorized: false,
    ...versions,
    ...cipherOption(o),
    ...(o.clientCert ? { cert: o.clientCert, key: o.clientKey } : {}),
  });
  client.on('keylog', (line: Buffer) => keyLogLines.push(line.toString('latin1')));

  const serverWrite = (text: string): void => {
    const bytes = Buffer.from(text, 'latin1');
    serverApp.push(bytes);
    server.write(bytes);
  };
  const clientWrite = (text: string): void => {
    const bytes = Buffer.from(text, 'latin1');
    clientApp.push(bytes);
    client.write(bytes);
  };

  // Server: a minimal SMTP responder, line by line, DATA until the lone dot.
  let serverBuffer = '';
  let inData = false;
  server.on('secure', () => serverWrite('220 mail.contoso.com Microsoft ESMTP MAIL Service ready\r\n'));
  server.on('data', (chunk: Buffer) => {
    serverBuffer += chunk.toString('latin1');
    for (;;) {
      if (inData) {
        const end = serverBuffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        serverBuffer = serverBuffer.slice(end + 5);
        inData = false;
        serverWrite('250 2.6.0 <id@contoso.com> [InternalId=1] Queued mail for delivery\r\n');
        continue;
      }
      const eol = serverBuffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = serverBuffer.slice(0, eol);
      serverBuffer = serverBuffer.slice(eol + 2);
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'EHLO') serverWrite('250-mail.contoso.com Hello [192.0.2.10]\r\n250-SIZE 37748736\r\n250 8BITMIME\r\n');
      else if (verb === 'DATA') {
        inData = true;
        serverWrite('354 Start mail input; end with <CRLF>.<CRLF>\r\n');
      } else if (verb === 'QUIT') {
        serverWrite('221 2.0.0 Service closing transmission channel\r\n');
        server.end();
      } else if (verb === 'RCPT') serverWrite('250 2.1.5 Recipient OK\r\n');
      else serverWrite('250 2.1.0 Sender OK\r\n');
    }
  });

  // Client: one command per reply.
  const commands = ['EHLO client.fabrikam.com\r\n', 'MAIL FROM:<sender@fabrikam.com>\r\n', 'RCPT TO:<recipient@contoso.com>\r\n', 'DATA\r\n', `${messageBody(o.bodyBytes ?? 2000)}.\r\n`, 'QUIT\r\n'];
  let clientBuffer = '';
  client.on('data', (chunk: Buffer) => {
    clientBuffer += chunk.toString('latin1');
    // A complete reply ends with a line whose code is followed by a space.
    for (;;) {
      const match = /^(?:\d{3}-[^\r]*\r\n)*\d{3} [^\r]*\r\n/.exec(clientBuffer);
      if (!match) return;
      clientBuffer = clientBuffer.slice(match[0].length);
      const next = commands.shift();
      if (next) clientWrite(next);
      else client.end();
    }
  });

  await Promise.all([
    new Promise<void>((resolve, reject) => {
      client.on('close', () => resolve());
      client.on('error', reject);
    }),
    new Promise<void>((resolve, reject) => {
      server.on('close', () => resolve());
      server.on('error', reject);
    }),
  ]);
  return {
    clientWire: Buffer.concat(pipe.clientWrote),
    serverWire: Buffer.concat(pipe.serverWrote),
    keyLog: keyLogLines.join(''),
    clientApp: Buffer.concat(clientApp),
    serverApp: Buffer.concat(serverApp),
  };
}

export interface WireRecord {
  type: number;
  version: number;
  fragment: Buffer;
}

/** TLSPlaintext/TLSCiphertext framing: type (1), legacy version (2), length (2), fragment (RFC 8446 §5.1). */
export function splitRecords(wire: Buffer): WireRecord[] {
  const records: WireRecord[] = [];
  let at = 0;
  while (at + 5 <= wire.length) {
    const length = wire.readUInt16BE(at + 3);
    if (at + 5 + length > wire.length) throw new Error(`record at ${at} runs past the recorded bytes`);
    records.push({ type: wire[at]!, version: wire.readUInt16BE(at + 1), fragment: wire.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  if (at !== wire.length) throw new Error('recorded bytes end inside a record header');
  return records;
}

export interface Hellos {
  clientRandom: Buffer;
  serverRandom: Buffer;
  cipherSuite: number;
  /** 0x0304 when the ServerHello's supported_versions says so, else its legacy version. */
  version: number;
  /** The ServerHello echoed encrypt_then_mac (extension 22, RFC 7366). */
  encryptThenMac: boolean;
}

/** Randoms, suite and version from the first ClientHello and ServerHello records (RFC 8446 §4.1.2–4.1.3). */
export function readHellos(client: WireRecord[], server: WireRecord[]): Hellos {
  const clientHello = client[0]!.fragment;
  const serverHello = server[0]!.fragment;
  if (client[0]!.type !== 22 || clientHello[0] !== 1) throw new Error('first client record is not a ClientHello');
  if (server[0]!.type !== 22 || serverHello[0] !== 2) throw new Error('first server record is not a ServerHello');
  const clientRandom = Buffer.from(clientHello.subarray(6, 38));
  const serverRandom = Buffer.from(serverHello.subarray(6, 38));
  let at = 38;
  at += 1 + serverHello[at]!; // legacy_session_id_echo
  const cipherSuite = serverHello.readUInt16BE(at);
  at += 3; // suite + legacy_compression_method
  let version = serverHello.readUInt16BE(4);
  let encryptThenMac = false;
  const end = at + 2 + serverHello.readUInt16BE(at);
  at += 2;
  while (at + 4 <= end) {
    const type = serverHello.readUInt16BE(at);
    const length = serverHello.readUInt16BE(at + 2);
    if (type === 43) version = serverHello.readUInt16BE(at + 4);
    if (type === 22) encryptThenMac = true;
    at += 4 + length;
  }
  return { clientRandom, serverRandom, cipherSuite, version, encryptThenMac };
}

export interface DirectionPlaintext {
  /** Each protected record's outcome, in order. */
  results: ({ contentType: number; plaintext: Uint8Array } | { error: string })[];
  applicationData: Buffer;
  /** Handshake messages carried in protected records: [type, body]. */
  handshake: [number, Buffer][];
}

/** Records a capture parser would hand to the decryptor: TLS 1.3 after the hello, TLS 1.2 after ChangeCipherSpec. */
export function protectedRecords(records: WireRecord[], version: number): WireRecord[] {
  if (version === 0x0304) return records.slice(1);
  const ccs = records.findIndex((r) => r.type === 20);
  return ccs < 0 ? [] : records.slice(ccs + 1);
}

export function decryptDirection(d: TlsDecryptor, direction: 'client' | 'server', records: WireRecord[]): DirectionPlaintext {
  const results = records.map((r) => d.decrypt(direction, r.type, r.fragment));
  const app: Buffer[] = [];
  const hs: Buffer[] = [];
  for (const r of results) {
    if ('error' in r) continue;
    if (r.contentType === 23) app.push(Buffer.from(r.plaintext));
    if (r.contentType === 22) hs.push(Buffer.from(r.plaintext));
  }
  return { results, applicationData: Buffer.concat(app), handshake: splitHandshake(Buffer.concat(hs)) };
}

export function splitHandshake(bytes: Buffer): [number, Buffer][] {
  const messages: [number, Buffer][] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const length = bytes.readUIntBE(at + 1, 3);
    messages.push([bytes[at]!, bytes.subarray(at + 4, at + 4 + length)]);
    at += 4 + length;
  }
  return messages;
}

/** The DER certificates of a TLS 1.3 Certificate message (RFC 8446 §4.4.2). */
export function tls13CertificateList(body: Buffer): Buffer[] {
  let at = 1 + body[0]!; // certificate_request_context
  const end = at + 3 + body.readUIntBE(at, 3);
  at += 3;
  const certs: Buffer[] = [];
  while (at < end) {
    const length = body.readUIntBE(at, 3);
    certs.push(body.subarray(at + 3, at + 3 + length));
    at += 3 + length;
    at += 2 + body.readUInt16BE(at); // extensions
  }
  return certs;
}

export interface DecryptedSession {
  hellos: Hellos;
  client: DirectionPlaintext;
  server: DirectionPlaintext;
}

/** The whole path a capture takes: split, read hellos, look up the key log, decrypt both directions. */
export function decryptRecorded(s: RecordedSession, options: { encryptThenMac?: 'from-hello' | 'detect' } = {}): DecryptedSession {
  const clientRecords = splitRecords(s.clientWire);
  const serverRecords = splitRecords(s.serverWire);
  const hellos = readHellos(clientRecords, serverRecords);
  const { keyLog, diagnostics } = parseKeyLog(s.keyLog, 'keylog');
  if (diagnostics.length > 0) throw new Error(`key log from OpenSSL did not parse: ${JSON.stringify(diagnostics)}`);
  const secrets = keyLog.secretsFor(hellos.clientRandom);
  if (!secrets) throw new Error('no secrets for the client random of this session');
  const d = createTlsDecryptor({
    version: hellos.version,
    cipherSuite: hellos.cipherSuite,
    clientRandom: hellos.clientRandom,
    serverRandom: hellos.serverRandom,
    secrets,
    ...(options.encryptThenMac === 'detect' ? {} : { encryptThenMac: hellos.encryptThenMac }),
  });
  if ('unsupported' in d) throw new Error(d.unsupported);
  return {
    hellos,
    client: decryptDirection(d, 'client', protectedRecords(clientRecords, hellos.version)),
    server: decryptDirection(d, 'server', protectedRecords(serverRecords, hellos.version)),
  };
}
