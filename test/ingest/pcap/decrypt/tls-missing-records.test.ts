import { constants } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsDecryptor, type TlsDecryptor } from '../../../../src/ingest/pcap/tls-decrypt.js';
import { parseKeyLog } from '../../../../src/ingest/pcap/tls-keylog.js';
import { removeTempDirs, tempDir } from '../../openssl-helpers.js';
import { makeIdentities, type TestIdentity } from './tls-certs.js';
import { protectedRecords, readHellos, recordSmtpOverTls, splitHandshake, splitRecords, type RecordedSession, type TlsEndpointOptions, type WireRecord } from './tls-wire.js';

/**
 * A capture that dropped packets loses whole records: the records after the gap must still decrypt (found at a later
 * sequence number) and say how many were missing.
 */

let ids: { server: TestIdentity; client: TestIdentity };
beforeAll(() => {
  ids = makeIdentities(tempDir('missing'));
});
afterAll(removeTempDirs);

function decryptorFor(session: RecordedSession): { d: () => TlsDecryptor; client: WireRecord[]; server: WireRecord[] } {
  const clientRecords = splitRecords(session.clientWire);
  const serverRecords = splitRecords(session.serverWire);
  const hellos = readHellos(clientRecords, serverRecords);
  const secrets = parseKeyLog(session.keyLog, 'keylog').keyLog.secretsFor(hellos.clientRandom)!;
  return {
    d: () => {
      const made = createTlsDecryptor({ ...hellos, secrets });
      if ('unsupported' in made) throw new Error(made.unsupported);
      return made;
    },
    client: protectedRecords(clientRecords, hellos.version),
    server: protectedRecords(serverRecords, hellos.version),
  };
}

const CASES: [string, Partial<TlsEndpointOptions>][] = [
  ['TLS 1.3 AES-128-GCM', { minVersion: 'TLSv1.3', ciphersuites: 'TLS_AES_128_GCM_SHA256' }],
  ['TLS 1.3 ChaCha20-Poly1305', { minVersion: 'TLSv1.3', ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256' }],
  ['TLS 1.2 AES-256-GCM', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' }],
  ['TLS 1.2 ChaCha20-Poly1305', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' }],
  ['TLS 1.2 AES-CBC encrypt-then-MAC', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256' }],
  ['TLS 1.2 AES-CBC MAC-then-encrypt', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA', serverSecureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }],
  ['TLS 1.1 AES-CBC', { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' }],
];

describe('records missing from the capture', () => {
  it.each(CASES)('%s: two records dropped from the client stream; the next one reports them, the rest decrypt', async (_name, options) => {
    const session = await recordSmtpOverTls({ cert: ids.server.cert, key: ids.server.key, bodyBytes: 60_000, ...options });
    const { d, client } = decryptorFor(session);
    const whole = d();
    const full = client.map((r) => whole.decrypt('client', r.type, r.fragment));
    expect(full.every((r) => !('error' in r))).toBe(true);
    // Drop two records from the middle of the message body.
    const from = client.length - 5;
    const kept = [...client.slice(0, from), ...client.slice(from + 2)];
    const decryptor = d();
    const out = kept.map((r) => decryptor.decrypt('client', r.type, r.fragment));
    expect(out.filter((r) => 'error' in r)).toEqual([]);
    expect(out[from]).toMatchObject({ missedRecords: 2 });
    expect(out.filter((r) => 'missedRecords' in r)).toHaveLength(1);
    const plain = (list: typeof out) => Buffer.concat(list.map((r) => ('error' in r ? Buffer.alloc(0) : Buffer.from(r.plaintext))));
    expect(plain(out).equals(plain([...full.slice(0, from), ...full.slice(from + 2)]))).toBe(true);
  });

  it.each([
    ['encrypt-then-MAC', 0, /2 records missing before it: in TLS 1\.0 its first block cannot be decrypted/],
    ['MAC-then-encrypt', constants.SSL_OP_NO_ENCRYPT_THEN_MAC, /MAC check failed|bad CBC padding/],
  ])('TLS 1.0 AES-CBC %s: the record after the gap is an error (its IV was the last block of a lost record), the rest decrypt', async (_layout, secureOptions, error) => {
    const session = await recordSmtpOverTls({
      cert: ids.server.cert,
      key: ids.server.key,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1',
      ciphers: 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0',
      serverSecureOptions: secureOptions,
      bodyBytes: 60_000,
    });
    const { d, client } = decryptorFor(session);
    const whole = d();
    const full = client.map((r) => whole.decrypt('client', r.type, r.fragment));
    const from = client.length - 6;
    const kept = [...client.slice(0, from), ...client.slice(from + 2)];
    const decryptor = d();
    const out = kept.map((r) => decryptor.decrypt('client', r.type, r.fragment));
    expect(out[from]).toEqual({ error: expect.stringMatching(error) });
    expect(out.filter((r) => 'error' in r)).toHaveLength(1);
    // MAC-then-encrypt finds the gap one record later, from the sequence number.
    if (secureOptions !== 0) expect(out[from + 1]).toMatchObject({ missedRecords: 2 });
    expect(out.slice(from + 1)).toEqual(full.slice(from + 3).map((r) => ({ ...r, ...(secureOptions !== 0 && r === full[from + 3] ? { missedRecords: 2 } : {}) })));
  });

  it('TLS 1.3: the record carrying the server Finished is lost; application records are still found under the next keys', async () => {
    const session = await recordSmtpOverTls({ cert: ids.server.cert, key: ids.server.key, minVersion: 'TLSv1.3' });
    const { d, server } = decryptorFor(session);
    const whole = d();
    const finishedAt = server.findIndex((r) => {
      const out = whole.decrypt('server', r.type, r.fragment);
      return !('error' in out) && out.contentType === 22 && splitHandshake(Buffer.from(out.plaintext)).some(([type]) => type === 20);
    });
    expect(finishedAt).toBeGreaterThan(0);
    const decryptor = d();
    const out = [...server.slice(0, finishedAt), ...server.slice(finishedAt + 1)].map((r) => decryptor.decrypt('server', r.type, r.fragment));
    expect(out.filter((r) => 'error' in r)).toEqual([]);
    const app = Buffer.concat(out.map((r) => ('error' in r || r.contentType !== 23 ? Buffer.alloc(0) : Buffer.from(r.plaintext))));
    expect(app.equals(session.serverApp)).toBe(true);
  });
});
