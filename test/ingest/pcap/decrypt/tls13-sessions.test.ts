import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsDecryptor } from '../../../../src/ingest/pcap/tls-decrypt.js';
import { parseKeyLog } from '../../../../src/ingest/pcap/tls-keylog.js';
import { removeTempDirs, tempDir } from '../../openssl-helpers.js';
import { makeIdentities, type TestIdentity } from './tls-certs.js';
import { decryptDirection, decryptRecorded, protectedRecords, readHellos, recordSmtpOverTls, splitRecords, tls13CertificateList } from './tls-wire.js';

const CERTIFICATE = 11;
const CERTIFICATE_REQUEST = 13;
const FINISHED = 20;
const NEW_SESSION_TICKET = 4;

let ids: { server: TestIdentity; client: TestIdentity };
beforeAll(() => {
  ids = makeIdentities(tempDir('tls13'));
});
afterAll(removeTempDirs);

describe('TLS 1.3 sessions recorded from node:tls, decrypted with its key log', () => {
  it.each([
    ['TLS_AES_128_GCM_SHA256', 0x1301],
    ['TLS_AES_256_GCM_SHA384', 0x1302],
    ['TLS_CHACHA20_POLY1305_SHA256', 0x1303],
    ['TLS_AES_128_CCM_SHA256', 0x1304],
    ['TLS_AES_128_CCM_8_SHA256', 0x1305],
  ])('%s: the SMTP dialogue and the server certificate come out as sent', async (suite, code) => {
    const session = await recordSmtpOverTls({ cert: ids.server.cert, key: ids.server.key, minVersion: 'TLSv1.3', ciphersuites: suite, bodyBytes: 40_000 });
    const d = decryptRecorded(session);
    expect(d.hellos).toMatchObject({ version: 0x0304, cipherSuite: code });
    for (const side of [d.client, d.server]) expect(side.results.filter((r) => 'error' in r)).toEqual([]);

    expect(d.client.applicationData.equals(session.clientApp)).toBe(true);
    expect(d.server.applicationData.equals(session.serverApp)).toBe(true);
    // A 40 kB message body needs several records, so sequence numbers were exercised.
    expect(d.client.results.length).toBeGreaterThan(5);

    const serverTypes = d.server.handshake.map(([type]) => type);
    expect(serverTypes.slice(0, 4)).toEqual([8, CERTIFICATE, 15, FINISHED]);
    // Session tickets arrive after the Finished, under the application keys.
    expect(serverTypes.slice(4).every((t) => t === NEW_SESSION_TICKET)).toBe(true);
    const certificate = d.server.handshake.find(([type]) => type === CERTIFICATE)![1];
    expect(tls13CertificateList(certificate)).toEqual([ids.server.der]);
    // The client was not asked: its only handshake message is its Finished.
    expect(d.client.handshake.map(([type]) => type)).toEqual([FINISHED]);
  });

  it('a client certificate: CertificateRequest from the server, the client Certificate decrypted to the DER it was given', async () => {
    const session = await recordSmtpOverTls({
      cert: ids.server.cert,
      key: ids.server.key,
      clientCert: ids.client.cert,
      clientKey: ids.client.key,
      requestCert: true,
      minVersion: 'TLSv1.3',
    });
    const d = decryptRecorded(session);
    expect(d.server.handshake.map(([type]) => type)).toContain(CERTIFICATE_REQUEST);
    const clientTypes = d.client.handshake.map(([type]) => type);
    expect(clientTypes).toEqual([CERTIFICATE, 15, FINISHED]);
    expect(tls13CertificateList(d.client.handshake[0]![1])).toEqual([ids.client.der]);
    expect(d.client.applicationData.equals(session.clientApp)).toBe(true);
  });

  it('asked for a certificate, a client without one sends an empty Certificate message', async () => {
    const session = await recordSmtpOverTls({ cert: ids.server.cert, key: ids.server.key, requestCert: true, minVersion: 'TLSv1.3' });
    const d = decryptRecorded(session);
    expect(d.client.handshake.map(([type]) => type)).toEqual([CERTIFICATE, FINISHED]);
    expect(tls13CertificateList(d.client.handshake[0]![1])).toEqual([]);
  });

  it('a damaged record is an error, not a throw, and the records after it still decrypt', async () => {
    const session = await recordSmtpOverTls({ cert: ids.server.cert, key: ids.server.key, minVersion: 'TLSv1.3' });
    const clientRecords = splitRecords(session.clientWire);
    const hellos = readHellos(clientRecords, splitRecords(session.serverWire));
    const secrets = parseKeyLog(session.keyLog, 'keylog').keyLog.secretsFor(hellos.clientRandom)!;
    const records = protectedRecords(clientRecords, 0x0304);
    // The record after the client Finished carries EHLO; damage one byte of its ciphertext.
    const finishedAt = records.findIndex((r) => r.type === 23);
    const target = finishedAt + 1;
    const damaged = records.map((r, i) => (i === target ? { ...r, fragment: Buffer.from(r.fragment) } : r));
    damaged[target]!.fragment[3]! ^= 0x40;
    const d = createTlsDecryptor({ version: 0x0304, cipherSuite: hellos.cipherSuite, clientRandom: hellos.clientRandom, serverRandom: hellos.serverRandom, secrets });
    if ('unsupported' in d) throw new Error(d.unsupported);
    const out = decryptDirection(d, 'client', damaged);
    const errors = out.results.filter((r): r is { error: string } => 'error' in r);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toMatch(/^client record \d+ \(application keys, generation 0\): authentication failed/);
    expect('error' in out.results[target]!).toBe(true);
    // Everything but the EHLO line arrives.
    expect(out.applicationData.toString('latin1')).toBe(session.clientApp.toString('latin1').replace('EHLO client.fabrikam.com\r\n', ''));
  });

  it('secrets of another session: every record is an error, none throws', async () => {
    const a = await recordSmtpOverTls({ cert: ids.server.cert, key: ids.server.key, minVersion: 'TLSv1.3' });
    const b = await recordSmtpOverTls({ cert: ids.server.cert, key: ids.server.key, minVersion: 'TLSv1.3' });
    const recordsA = splitRecords(a.serverWire);
    const hellosA = readHellos(splitRecords(a.clientWire), recordsA);
    const hellosB = readHellos(splitRecords(b.clientWire), splitRecords(b.serverWire));
    const secretsB = parseKeyLog(b.keyLog, 'keylog').keyLog.secretsFor(hellosB.clientRandom)!;
    const d = createTlsDecryptor({ ...hellosA, secrets: secretsB });
    if ('unsupported' in d) throw new Error(d.unsupported);
    const out = decryptDirection(d, 'server', protectedRecords(recordsA, 0x0304).filter((r) => r.type === 23));
    expect(out.results.length).toBeGreaterThan(3);
    expect(out.results.every((r) => 'error' in r)).toBe(true);
  });
});
