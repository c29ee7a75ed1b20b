import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPcapText } from '../../../src/report/render-pcap.js';
import { readFileSync } from 'node:fs';
import { makeSelfSigned, removeTempDirs, tempDir } from '../openssl-helpers.js';
import { ACK, Conversation, pcapFile, RST, type Segment } from './capture-builder.js';
import { readBytes, removeCaptureDirs, tempFile } from './capture-files.js';
import {
  APPLICATION_DATA,
  changeCipherSpec,
  clientHello,
  clientKeyExchange,
  finished,
  Gcm12Writer,
  gcm12Keys,
  handshake,
  HANDSHAKE,
  HELLO_RETRY_RANDOM,
  record,
  serverHello,
  serverHelloDone,
} from './tls-hand-built.js';

/**
 * TLS cases built from the grammar of RFC 5246 / RFC 8446 / RFC 3749: record compression, a
 * HelloRetryRequest, resumption, a damaged Certificate message, and what the text says when the
 * inside of TLS is not shown.
 */

afterAll(() => {
  removeCaptureDirs();
  removeTempDirs();
});

const CLIENT = { ip: '192.0.2.10', port: 49152 };
const SERVER = { ip: '198.51.100.25', port: 25 };
const GCM = 0xc02f;

function starttls(): Conversation {
  return new Conversation(CLIENT, SERVER)
    .server('220 mx.contoso.com ESMTP\r\n')
    .client('EHLO relay.fabrikam.com\r\n')
    .server('250-mx.contoso.com\r\n250 STARTTLS\r\n')
    .client('STARTTLS\r\n')
    .server('220 2.0.0 Ready to start TLS\r\n');
}

async function read(c: Conversation, keyLog?: string) {
  const r = await readBytes(pcapFile(c.close().frames()), keyLog === undefined ? {} : { keyLogFiles: [tempFile('session.keys', keyLog)] });
  expect(r.error).toBeNull();
  expect(r.sessions).toHaveLength(1);
  return { r, s: r.sessions[0]! };
}

/** A TLS 1.2 AES-128-GCM session after STARTTLS, its records compressed with `method` (DEFLATE when 1). */
async function compressedSession(method: number) {
  const cr = randomBytes(32);
  const sr = randomBytes(32);
  const master = randomBytes(48);
  const keys = gcm12Keys(master, cr, sr);
  const cw = new Gcm12Writer(keys.client, method === 1);
  const sw = new Gcm12Writer(keys.server, method === 1);
  const c = starttls()
    .client(record(HANDSHAKE, clientHello({ random: cr, suites: [GCM], compression: [method, 0] })))
    .server(record(HANDSHAKE, Buffer.concat([serverHello({ random: sr, sessionId: randomBytes(32), suite: GCM, compression: method }), serverHelloDone()])))
    .client(Buffer.concat([record(HANDSHAKE, clientKeyExchange()), changeCipherSpec(), await cw.seal(HANDSHAKE, finished())]))
    .server(Buffer.concat([changeCipherSpec(), await sw.seal(HANDSHAKE, finished())]));
  const say = async (w: Gcm12Writer, text: string) => w.seal(APPLICATION_DATA, Buffer.from(text));
  c.client(await say(cw, 'EHLO relay.fabrikam.com\r\n'))
    .server(await say(sw, '250-mx.contoso.com\r\n250 AUTH PLAIN\r\n'))
    .client(await say(cw, 'MAIL FROM:<alice@fabrikam.com>\r\n'))
    .server(await say(sw, '250 2.1.0 Ok\r\n'))
    .client(await say(cw, 'RCPT TO:<bob@contoso.com>\r\n'))
    .server(await say(sw, '250 2.1.5 Ok\r\n'))
    // Mostly back-references into the earlier records: only the window carried across records opens it.
    .client(await say(cw, 'RCPT TO:<bob@contoso.com>\r\n'))
    .server(await say(sw, '250 2.1.5 Ok\r\n'));
  return { c, keyLog: `CLIENT_RANDOM ${cr.toString('hex')} ${master.toString('hex')}\n` };
}

describe('RFC 3749: TLS record compression (DEFLATE)', () => {
  it('with a key log: decrypted, then inflated per direction across records — the SMTP dialogue inside TLS is read', async () => {
    const { c, keyLog } = await compressedSession(1);
    const { s } = await read(c, keyLog);
    expect(s.tls).toMatchObject({ version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', compression: 'DEFLATE', decrypted: true });
    expect(s.extensionsAfterTls).toEqual(['AUTH PLAIN']);
    expect(s.transactions).toHaveLength(1);
    expect(s.transactions[0]).toMatchObject({ mailFrom: 'alice@fabrikam.com', rcptTo: ['bob@contoso.com', 'bob@contoso.com'], afterTls: true });
    expect(s.notes.join('\n')).toMatch(/TLS compression \(DEFLATE, RFC 3749\)/);
  });

  it('without a key log: compression is reported, nothing is called decrypted', async () => {
    const { c } = await compressedSession(1);
    const { s } = await read(c);
    expect(s.tls).toMatchObject({ compression: 'DEFLATE', decrypted: false });
    expect(s.transactions).toHaveLength(0);
  });

  it('a compression method that cannot be inflated (64, LZS): never decrypted:true over compressed bytes', async () => {
    const { c, keyLog } = await compressedSession(64);
    const { r, s } = await read(c, keyLog);
    expect(s.tls).toMatchObject({ compression: 'method 64', decrypted: false });
    expect(s.transactions).toHaveLength(0);
    expect(s.dialogue.join('\n')).toMatch(/records are compressed \(TLS compression\) and could not be inflated/);
    expect(renderPcapText(r)).toMatch(/TLS compression: method 64 \(the plaintext inside TLS is not shown\)/);
  });

  it('no compression (twin): compression "none" and no note', async () => {
    const { c, keyLog } = await compressedSession(0);
    const { s } = await read(c, keyLog);
    expect(s.tls).toMatchObject({ compression: 'none', decrypted: true });
    expect(s.transactions[0]!.mailFrom).toBe('alice@fabrikam.com');
    expect(s.notes.join('\n')).not.toMatch(/compression/);
  });
});

describe('RFC 8446 §4.1.4: a HelloRetryRequest', () => {
  it('keeps its cipher suite and version when the second ServerHello is not in the capture', async () => {
    const c = starttls()
      .client(record(HANDSHAKE, clientHello({ random: randomBytes(32), sessionId: randomBytes(32), suites: [0x1301, 0x1302], tls13: true }), 0x0301))
      .server(record(HANDSHAKE, serverHello({ random: HELLO_RETRY_RANDOM, sessionId: randomBytes(32), suite: 0x1302, tls13: true })));
    const { s } = await read(c);
    expect(s.tls).toMatchObject({ version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' });
    expect(s.notes.join('\n')).toMatch(/HelloRetryRequest/);
  });
});

describe('RFC 5246 §7.3: resumption and damaged Certificate messages', () => {
  it('a resumed session (the server echoes the session id): certificates are unknowable, null both ways', async () => {
    const id = randomBytes(32);
    const c = starttls()
      .client(record(HANDSHAKE, clientHello({ random: randomBytes(32), sessionId: id, suites: [GCM] })))
      .server(Buffer.concat([record(HANDSHAKE, serverHello({ random: randomBytes(32), sessionId: id, suite: GCM })), changeCipherSpec(), record(HANDSHAKE, randomBytes(40))]))
      .client(Buffer.concat([changeCipherSpec(), record(HANDSHAKE, randomBytes(40))]));
    const { s } = await read(c);
    expect(s.tls).toMatchObject({ resumed: true, serverCertificates: null, clientCertificates: null, clientCertificateRequested: null });
  });

  it('a Certificate message whose list is damaged is not called resumed', async () => {
    const damaged = handshake(11, Buffer.from([0, 0, 40, 0, 0, 9, 1, 2, 3]));
    const c = starttls()
      .client(record(HANDSHAKE, clientHello({ random: randomBytes(32), suites: [GCM] })))
      .server(record(HANDSHAKE, Buffer.concat([serverHello({ random: randomBytes(32), sessionId: randomBytes(32), suite: GCM }), damaged])))
      .client(Buffer.concat([record(HANDSHAKE, clientKeyExchange()), changeCipherSpec(), record(HANDSHAKE, randomBytes(40))]))
      .server(Buffer.concat([changeCipherSpec(), record(HANDSHAKE, randomBytes(40))]));
    const { s } = await read(c);
    expect(s.tls).toMatchObject({ resumed: false, serverCertificates: null });
    expect(s.notes.join('\n')).toMatch(/Certificate message could not be decoded/);
  });

  it('a Certificate message cut short (its length runs past what was sent) is not called resumed either', async () => {
    const cut = Buffer.concat([Buffer.from([11, 0, 0x10, 0]), randomBytes(100)]);
    const c = starttls()
      .client(record(HANDSHAKE, clientHello({ random: randomBytes(32), suites: [GCM] })))
      .server(record(HANDSHAKE, Buffer.concat([serverHello({ random: randomBytes(32), sessionId: randomBytes(32), suite: GCM }), cut])))
      .server(Buffer.concat([changeCipherSpec(), record(HANDSHAKE, randomBytes(40))]));
    const { s } = await read(c);
    expect(s.tls).toMatchObject({ resumed: false, serverCertificates: null });
    expect(s.notes.join('\n')).toMatch(/damaged or cut short/);
  });
});

describe('what the text says when the inside of TLS is not shown', () => {
  /** TLS 1.2 with TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A), which is not decrypted here. */
  function tripleDes(cr: Buffer): Conversation {
    return starttls()
      .client(record(HANDSHAKE, clientHello({ random: cr, suites: [0x000a] })))
      .server(record(HANDSHAKE, Buffer.concat([serverHello({ random: randomBytes(32), sessionId: randomBytes(32), suite: 0x000a }), serverHelloDone()])))
      .client(Buffer.concat([record(HANDSHAKE, clientKeyExchange()), changeCipherSpec(), record(HANDSHAKE, randomBytes(48))]))
      .server(Buffer.concat([changeCipherSpec(), record(HANDSHAKE, randomBytes(48)), record(APPLICATION_DATA, randomBytes(48))]));
  }

  it('a key log with this session but an unsupported cipher: says so, not "needs a key log"', async () => {
    const cr = randomBytes(32);
    const { r, s } = await read(tripleDes(cr), `CLIENT_RANDOM ${cr.toString('hex')} ${randomBytes(48).toString('hex')}\n`);
    const text = renderPcapText(r);
    expect(s.tls!.decrypted).toBe(false);
    expect(text).toMatch(/the key log has this session's secrets, but they cannot be used/);
    expect(text).not.toMatch(/needs a key log/);
  });

  it('a key log for other sessions only: says the key log holds nothing for this one', async () => {
    const { r } = await read(tripleDes(randomBytes(32)), `CLIENT_RANDOM ${randomBytes(32).toString('hex')} ${randomBytes(48).toString('hex')}\n`);
    const text = renderPcapText(r);
    expect(text).toMatch(/the key log given holds no secrets for this session/);
    expect(text).not.toMatch(/needs a key log/);
  });

  it('no key log at all (twin): "needs a key log"', async () => {
    const { r } = await read(tripleDes(randomBytes(32)));
    expect(renderPcapText(r)).toMatch(/needs a key log \(--keylog\)/);
  });
});

describe('RST: certificates the server sent after the client reset are kept', () => {
  it('ServerHello, Certificate and ServerHelloDone captured after the client\'s RST: the chain is read, closed by rst', async () => {
    const dir = tempDir('pcap-rst');
    const pem = readFileSync(makeSelfSigned(dir, 'server', '/C=US/O=Contoso/CN=mail.contoso.com', ['mail.contoso.com']).cert, 'utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
    const certificate = handshake(11, Buffer.concat([u24(der.length + 3), u24(der.length), der]));
    const c = starttls().client(record(HANDSHAKE, clientHello({ random: randomBytes(32), suites: [GCM] })));
    const last = c.segments[c.segments.length - 1]!;
    const rst: Segment = { fromClient: true, seq: last.seq + last.payload.length, ack: last.ack, flags: RST | ACK, payload: Buffer.alloc(0) };
    const late = new Conversation(CLIENT, SERVER, { open: false, clientIsn: rst.seq, serverIsn: last.ack }).server(
      record(HANDSHAKE, Buffer.concat([serverHello({ random: randomBytes(32), sessionId: randomBytes(32), suite: GCM }), certificate, serverHelloDone()])),
    );
    const r = await readBytes(pcapFile(c.frames(1_700_000_000, [...c.segments, rst, ...late.segments])));
    const s = r.sessions[0]!;
    expect(s.closedBy).toBe('rst');
    expect(s.tls!.serverCertificates).toHaveLength(1);
    expect(s.tls!.serverCertificates![0]!.subject).toMatch(/CN=mail\.contoso\.com/);
    expect(s.tls!.resumed).toBe(false);
  });
});
