import { constants } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsDecryptor } from '../../../../src/ingest/pcap/tls-decrypt.js';
import { parseKeyLog } from '../../../../src/ingest/pcap/tls-keylog.js';
import { removeTempDirs, tempDir } from '../../openssl-helpers.js';
import { makeIdentities, type TestIdentity } from './tls-certs.js';
import { decryptDirection, decryptRecorded, protectedRecords, readHellos, recordSmtpOverTls, splitRecords, type RecordedSession } from './tls-wire.js';

const FINISHED = 20;

let ids: { server: TestIdentity; client: TestIdentity };
beforeAll(() => {
  ids = makeIdentities(tempDir('tls12'));
});
afterAll(removeTempDirs);

function tls12(ciphers: string, extra: { serverSecureOptions?: number; bodyBytes?: number } = {}): Promise<RecordedSession> {
  return recordSmtpOverTls({ cert: ids.server.cert, key: ids.server.key, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers, ...extra });
}

/** IANA codes of the OpenSSL suite names (RFC 5289, RFC 7905, RFC 5246 Appendix A.5). */
const SUITES: [string, number, boolean][] = [
  ['ECDHE-RSA-AES128-GCM-SHA256', 0xc02f, false],
  ['ECDHE-RSA-AES256-GCM-SHA384', 0xc030, false],
  ['ECDHE-RSA-CHACHA20-POLY1305', 0xcca8, false],
  ['ECDHE-RSA-AES128-SHA256', 0xc027, true],
  ['ECDHE-RSA-AES256-SHA384', 0xc028, true],
  ['ECDHE-RSA-AES128-SHA', 0xc013, true],
  ['ECDHE-RSA-AES256-SHA', 0xc014, true],
  ['AES128-GCM-SHA256', 0x009c, false],
];

describe('TLS 1.2 sessions recorded from node:tls, decrypted with their CLIENT_RANDOM master secret', () => {
  it.each(SUITES)('%s: each direction opens with its Finished, then the SMTP dialogue as sent', async (ciphers, code, cbc) => {
    const session = await tls12(ciphers, { bodyBytes: 40_000 });
    // RSA key exchange also logs an `RSA` pre-master line, which is not needed.
    expect(session.keyLog).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/im);
    expect(parseKeyLog(session.keyLog, 'keylog').keyLog.counts).toEqual({ lines: code === 0x009c ? 2 : 1, used: 1, ignored: code === 0x009c ? 1 : 0, malformed: 0 });
    const d = decryptRecorded(session);
    expect(d.hellos).toMatchObject({ version: 0x0303, cipherSuite: code });
    // OpenSSL negotiates encrypt_then_mac for CBC suites unless told not to.
    expect(d.hellos.encryptThenMac).toBe(cbc);
    for (const side of [d.client, d.server]) {
      expect(side.results.filter((r) => 'error' in r)).toEqual([]);
      // The first protected handshake message is Finished with 12 bytes of verify_data (RFC 5246 §7.4.9).
      expect(side.handshake[0]![0]).toBe(FINISHED);
      expect(side.handshake[0]![1]).toHaveLength(12);
    }
    expect(d.client.applicationData.equals(session.clientApp)).toBe(true);
    expect(d.server.applicationData.equals(session.serverApp)).toBe(true);
    expect(d.client.results.length).toBeGreaterThan(5);
  });

  it.each([
    ['ECDHE-RSA-AES128-SHA256', 0xc027],
    ['ECDHE-RSA-AES128-SHA', 0xc013],
    ['ECDHE-RSA-AES256-SHA384', 0xc028],
  ])('%s without encrypt_then_mac: MAC-then-encrypt records decrypt and verify', async (ciphers, code) => {
    const session = await tls12(ciphers, { serverSecureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC, bodyBytes: 20_000 });
    const d = decryptRecorded(session);
    expect(d.hellos).toMatchObject({ cipherSuite: code, encryptThenMac: false });
    for (const side of [d.client, d.server]) expect(side.results.filter((r) => 'error' in r)).toEqual([]);
    expect(d.client.applicationData.equals(session.clientApp)).toBe(true);
    expect(d.server.applicationData.equals(session.serverApp)).toBe(true);
  });

  it.each([
    ['encrypt-then-MAC', 0],
    ['MAC-then-encrypt', constants.SSL_OP_NO_ENCRYPT_THEN_MAC],
  ])('CBC layout not given (%s): each direction finds it from its first record', async (_layout, secureOptions) => {
    const session = await tls12('ECDHE-RSA-AES128-SHA256', { serverSecureOptions: secureOptions });
    const d = decryptRecorded(session, { encryptThenMac: 'detect' });
    for (const side of [d.client, d.server]) expect(side.results.filter((r) => 'error' in r)).toEqual([]);
    expect(d.client.applicationData.equals(session.clientApp)).toBe(true);
    expect(d.server.applicationData.equals(session.serverApp)).toBe(true);
  });

  it.each([
    ['TLSv1', 0x0301, 'ECDHE-RSA-AES128-SHA', 0xc013, 0],
    ['TLSv1', 0x0301, 'AES256-SHA', 0x0035, constants.SSL_OP_NO_ENCRYPT_THEN_MAC],
    ['TLSv1.1', 0x0302, 'ECDHE-RSA-AES256-SHA', 0xc014, 0],
    ['TLSv1.1', 0x0302, 'ECDHE-RSA-AES128-SHA', 0xc013, constants.SSL_OP_NO_ENCRYPT_THEN_MAC],
  ] as const)('%s %s: P_MD5 XOR P_SHA1 key block, %s records', async (version, code, ciphers, suite, secureOptions) => {
    // TLS 1.0/1.1 need OpenSSL security level 0 (SHA-1 signatures); ciphers given on both ends.
    const session = await recordSmtpOverTls({
      cert: ids.server.cert,
      key: ids.server.key,
      minVersion: version,
      maxVersion: version,
      ciphers: `${ciphers}:@SECLEVEL=0`,
      serverSecureOptions: secureOptions,
      bodyBytes: 20_000,
    });
    const d = decryptRecorded(session);
    expect(d.hellos).toMatchObject({ version: code, cipherSuite: suite, encryptThenMac: secureOptions === 0 });
    for (const side of [d.client, d.server]) {
      expect(side.results.filter((r) => 'error' in r)).toEqual([]);
      expect(side.handshake[0]![0]).toBe(FINISHED);
    }
    expect(d.client.applicationData.equals(session.clientApp)).toBe(true);
    expect(d.server.applicationData.equals(session.serverApp)).toBe(true);
  });

  it.each([
    ['ECDHE-RSA-AES128-GCM-SHA256', 0, /authentication failed/],
    ['ECDHE-RSA-CHACHA20-POLY1305', 0, /authentication failed/],
    ['ECDHE-RSA-AES128-SHA256', 0, /MAC check failed \(encrypt-then-MAC\)/],
    ['ECDHE-RSA-AES128-SHA256', constants.SSL_OP_NO_ENCRYPT_THEN_MAC, /bad CBC padding|MAC check failed/],
  ])('%s: a damaged record is reported, the next ones still decrypt', async (ciphers, secureOptions, expected) => {
    const session = await tls12(ciphers, { serverSecureOptions: secureOptions });
    const serverRecords = splitRecords(session.serverWire);
    const hellos = readHellos(splitRecords(session.clientWire), serverRecords);
    const secrets = parseKeyLog(session.keyLog, 'keylog').keyLog.secretsFor(hellos.clientRandom)!;
    const records = protectedRecords(serverRecords, 0x0303).map((r) => ({ ...r, fragment: Buffer.from(r.fragment) }));
    // Record 0 is the Finished, record 1 the banner: damage the banner's last ciphertext byte before any MAC.
    const banner = records[1]!.fragment;
    banner[banner.length - 1]! ^= 0x01;
    const d = createTlsDecryptor({ ...hellos, secrets });
    if ('unsupported' in d) throw new Error(d.unsupported);
    const out = decryptDirection(d, 'server', records);
    expect(out.results[1]).toEqual({ error: expect.stringMatching(expected) });
    expect(out.results.filter((r) => 'error' in r)).toHaveLength(1);
    expect(out.applicationData.toString('latin1')).toBe(session.serverApp.toString('latin1').replace(/^220 [^\n]*\n/, ''));
  });
});
