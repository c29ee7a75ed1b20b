import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSelfSigned, openssl, opensslDnsNames, opensslThumbprint, removeTempDirs, tempDir } from '../openssl-helpers.js';
import { Conversation, PcapngWriter, ethernet, pcapFile } from './capture-builder.js';
import { readBytes, removeCaptureDirs, tempFile } from './capture-files.js';
import { recordTls, type TlsRecording, type TlsScript } from './tls-recording.js';

afterAll(() => {
  removeTempDirs();
  removeCaptureDirs();
});

const CLIENT = { ip: '192.0.2.10', port: 49152 };
const SERVER = { ip: '198.51.100.25', port: 25 };

let dir: string;
let server: { cert: string; key: string };
let client: { cert: string; key: string };

beforeAll(() => {
  dir = tempDir('pcap-tls');
  server = makeSelfSigned(dir, 'server', '/C=US/O=Contoso/CN=mail.contoso.com', ['mail.contoso.com', 'smtp.contoso.com']);
  client = makeSelfSigned(dir, 'client', '/C=US/O=Fabrikam/CN=relay.fabrikam.com', ['relay.fabrikam.com']);
});

/** What OpenSSL says about a certificate file, in the capture's terms. */
function expectedCertificate(path: string) {
  const text = (args: string[]) => openssl(['x509', '-in', path, '-noout', ...args], dir).trim();
  const value = (args: string[]) => text(args).replace(/^[^=]+=/, '');
  return {
    subject: value(['-subject', '-nameopt', 'RFC2253']).replace(/,/g, ', '),
    issuer: value(['-issuer', '-nameopt', 'RFC2253']).replace(/,/g, ', '),
    commonName: /CN=([^,]+)/.exec(value(['-subject', '-nameopt', 'RFC2253']))![1],
    dnsNames: opensslDnsNames(path, dir),
    notBefore: new Date(Date.parse(value(['-startdate']))).toISOString(),
    notAfter: new Date(Date.parse(value(['-enddate']))).toISOString(),
    sha1: opensslThumbprint(path, dir),
    sha256: value(['-fingerprint', '-sha256']).replace(/:/g, '').toUpperCase(),
    serial: value(['-serial']).toUpperCase(),
    selfSigned: true,
  };
}

const SMTP_IN_TLS = ['EHLO relay.fabrikam.com\r\n', 'MAIL FROM:<alice@fabrikam.com>\r\n', 'RCPT TO:<bob@contoso.com>\r\n', 'QUIT\r\n'];

function answer(command: string): string {
  if (command.startsWith('EHLO')) return '250-mail.contoso.com\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n';
  if (command.startsWith('MAIL')) return '250 2.1.0 Ok\r\n';
  if (command.startsWith('RCPT')) return '550 5.7.64 TenantAttribution; Relay Access Denied\r\n';
  return '221 2.0.0 Bye\r\n';
}

async function record(o: Partial<TlsScript> & { version: TlsScript['version']; requestCert: boolean; withClientCert: boolean }): Promise<TlsRecording> {
  return recordTls({
    serverCert: server.cert,
    serverKey: server.key,
    ...(o.withClientCert ? { clientCert: client.cert, clientKey: client.key } : {}),
    requestCert: o.requestCert,
    version: o.version,
    commands: SMTP_IN_TLS,
    answer,
  });
}

/** The plaintext start of an SMTP session up to STARTTLS, then the recorded TLS bytes. */
function starttlsConversation(rec: TlsRecording, o: { mss?: number; serverPort?: number; implicit?: boolean } = {}): Conversation {
  const c = new Conversation(CLIENT, { ip: SERVER.ip, port: o.serverPort ?? 25 }, { mss: o.mss ?? 1400 });
  if (!o.implicit) {
    c.server('220 mail.contoso.com ESMTP Postfix\r\n')
      .client('EHLO relay.fabrikam.com\r\n')
      .server('250-mail.contoso.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n')
      .client('STARTTLS\r\n')
      .server('220 2.0.0 Ready to start TLS\r\n');
  }
  for (const w of rec.written) c.say(w.fromClient, w.bytes);
  return c.close();
}

describe('TLS 1.2 after STARTTLS, read in clear', () => {
  it('server and client certificates, the CertificateRequest, version and cipher as OpenSSL negotiated them', async () => {
    const rec = await record({ version: 'TLSv1.2', requestCert: true, withClientCert: true });
    const r = await readBytes(pcapFile(starttlsConversation(rec).frames()));
    const s = r.sessions[0]!;
    expect(s.starttls).toBe('accepted');
    expect(s.tls).not.toBeNull();
    const t = s.tls!;
    expect(t.version).toBe(rec.protocol);
    expect(t.cipher).toBe(rec.cipher);
    expect(t.sni).toBe('mail.contoso.com');
    expect(t.implicit).toBe(false);
    expect(t.decrypted).toBe(false);
    expect(t.serverCertificates).toEqual([expectedCertificate(server.cert)]);
    expect(t.clientCertificateRequested).toBe(true);
    expect(t.clientCertificates).toEqual([expectedCertificate(client.cert)]);
    expect(t.offeredCiphers).toContain(rec.cipher);
    expect(t.clientRandom).toMatch(/^[0-9a-f]{64}$/);
    // Without keys the SMTP dialogue inside TLS stays unknown.
    expect(s.transactions).toEqual([]);
  });

  it('an empty client Certificate message when asked: clientCertificates [] and requested true', async () => {
    const rec = await record({ version: 'TLSv1.2', requestCert: true, withClientCert: false });
    const t = (await readBytes(pcapFile(starttlsConversation(rec).frames()))).sessions[0]!.tls!;
    expect(t.clientCertificateRequested).toBe(true);
    expect(t.clientCertificates).toEqual([]);
  });

  it('the server did not ask: requested false and clientCertificates []', async () => {
    const rec = await record({ version: 'TLSv1.2', requestCert: false, withClientCert: true });
    const t = (await readBytes(pcapFile(starttlsConversation(rec).frames()))).sessions[0]!.tls!;
    expect(t.clientCertificateRequested).toBe(false);
    expect(t.clientCertificates).toEqual([]);
    expect(t.serverCertificates).toHaveLength(1);
  });

  it('records and handshake messages split over many small TCP segments give the same reading', async () => {
    const rec = await record({ version: 'TLSv1.2', requestCert: true, withClientCert: true });
    const whole = (await readBytes(pcapFile(starttlsConversation(rec).frames()))).sessions[0]!.tls!;
    const split = (await readBytes(pcapFile(starttlsConversation(rec, { mss: 37 }).frames()))).sessions[0]!.tls!;
    expect({ ...split, packet: 0, alerts: [] }).toEqual({ ...whole, packet: 0, alerts: [] });
  });

  it('data missing in the middle of the handshake: what cannot be seen is null, not []', async () => {
    const rec = await record({ version: 'TLSv1.2', requestCert: true, withClientCert: true });
    const c = starttlsConversation(rec);
    // Lose the server's first TLS flight (ServerHello, Certificate, CertificateRequest, ServerHelloDone).
    const firstServerTls = c.segments.findIndex((x) => !x.fromClient && x.payload[0] === 0x16);
    const s = (await readBytes(pcapFile(c.frames(1_700_000_000, c.segments.filter((_, i) => i !== firstServerTls))))).sessions[0]!;
    expect(s.gaps.some((g) => g.from === 'server')).toBe(true);
    expect(s.tls!.serverCertificates).toBeNull();
    expect(s.tls!.clientCertificateRequested).toBeNull();
  });

  it('with a CLIENT_RANDOM key log, the SMTP dialogue inside TLS is read too', async () => {
    const rec = await record({ version: 'TLSv1.2', requestCert: true, withClientCert: true });
    const keylog = tempFile('tls12.keys', rec.keyLog);
    const s = (await readBytes(pcapFile(starttlsConversation(rec).frames()), { keyLogFiles: [keylog] })).sessions[0]!;
    expect(s.tls!.decrypted).toBe(true);
    expect(s.extensionsAfterTls).toEqual(['PIPELINING', 'AUTH PLAIN']);
    expect(s.transactions[0]).toMatchObject({ mailFrom: 'alice@fabrikam.com', rcptTo: ['bob@contoso.com'], outcome: 'rejected', afterTls: true });
    expect(s.transactions[0]!.replies[1]).toMatchObject({ command: 'RCPT', code: 550, enhanced: '5.7.64', text: 'TenantAttribution; Relay Access Denied' });
  });
});

describe('TLS 1.3', () => {
  it('without keys: certificates and the client-certificate question cannot be known, and the session says how to capture them', async () => {
    const rec = await record({ version: 'TLSv1.3', requestCert: true, withClientCert: true });
    const s = (await readBytes(pcapFile(starttlsConversation(rec).frames()))).sessions[0]!;
    const t = s.tls!;
    expect(t.version).toBe('TLSv1.3');
    expect(t.cipher).toBe(rec.cipher);
    expect(t.offeredVersions).toContain('TLSv1.3');
    expect(t.clientHelloVersion).toBe('TLSv1.2');
    expect(t.serverCertificates).toBeNull();
    expect(t.clientCertificateRequested).toBeNull();
    expect(t.clientCertificates).toBeNull();
    expect(t.decrypted).toBe(false);
    expect(s.notes.join(' ')).toMatch(/SSLKEYLOGFILE.*--keylog.*TLS 1\.2/);
  });

  it('with --keylog: the encrypted handshake and the SMTP dialogue are read', async () => {
    const rec = await record({ version: 'TLSv1.3', requestCert: true, withClientCert: true });
    const keylog = tempFile('tls13.keys', rec.keyLog);
    const s = (await readBytes(pcapFile(starttlsConversation(rec).frames()), { keyLogFiles: [keylog] })).sessions[0]!;
    const t = s.tls!;
    expect(t.decrypted).toBe(true);
    expect(t.serverCertificates).toEqual([expectedCertificate(server.cert)]);
    expect(t.clientCertificateRequested).toBe(true);
    expect(t.clientCertificates).toEqual([expectedCertificate(client.cert)]);
    expect(s.transactions[0]).toMatchObject({ rcptTo: ['bob@contoso.com'], outcome: 'rejected', afterTls: true });
    expect(s.notes.join(' ')).not.toMatch(/SSLKEYLOGFILE/);
  });

  it('with the key log inside the pcapng (Decryption Secrets Block), and no certificate asked', async () => {
    const rec = await record({ version: 'TLSv1.3', requestCert: false, withClientCert: false });
    const w = new PcapngWriter().section().decryptionSecrets(rec.keyLog).iface(1);
    starttlsConversation(rec).frames().forEach((f, i) => w.epb(0, f.data, BigInt(i)));
    const r = await readBytes(w.build(), {}, 'with-secrets.pcapng');
    expect(r.summary.keyLog.fromCapture).toBe(1);
    const t = r.sessions[0]!.tls!;
    expect(t.decrypted).toBe(true);
    expect(t.clientCertificateRequested).toBe(false);
    expect(t.clientCertificates).toEqual([]);
    expect(t.serverCertificates![0]!.commonName).toBe('mail.contoso.com');
  });
});

describe('implicit TLS (port 465)', () => {
  it('is found by its ClientHello and read like STARTTLS', async () => {
    const rec = await record({ version: 'TLSv1.2', requestCert: false, withClientCert: false });
    const c = starttlsConversation(rec, { serverPort: 465, implicit: true });
    const s = (await readBytes(pcapFile(c.frames()))).sessions[0]!;
    expect(s.server).toBe('198.51.100.25:465');
    expect(s.tls!.implicit).toBe(true);
    expect(s.tls!.serverCertificates![0]!.dnsNames).toEqual(['mail.contoso.com', 'smtp.contoso.com']);
    expect(s.starttls).toBe('none');
    void ethernet;
  });
});
