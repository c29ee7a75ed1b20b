import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTlsDecryptor, type TlsDecryptor } from '../../../../src/ingest/pcap/tls-decrypt.js';
import { hkdfExpandLabel, nextTrafficSecret, trafficKeys } from '../../../../src/ingest/pcap/tls-key-schedule.js';
import { parseKeyLog } from '../../../../src/ingest/pcap/tls-keylog.js';

/** RFC 8448 §3 (Simple 1-RTT Handshake): published secrets, keys, protected records and their plaintexts. */
interface Rfc8448Record {
  record: string;
  contentType: number;
  plaintext: string;
}
interface Rfc8448 {
  cipherSuite: number;
  clientRandom: string;
  serverRandom: string;
  secrets: Record<'clientHandshakeTrafficSecret' | 'serverHandshakeTrafficSecret' | 'clientTrafficSecret0' | 'serverTrafficSecret0', string>;
  trafficKeys: Record<'serverHandshake' | 'clientHandshake' | 'serverApplication' | 'clientApplication', { key: string; iv: string }>;
  server: Rfc8448Record[];
  client: Rfc8448Record[];
}

const FIXTURES = new URL('../../../fixtures/pcap/keylog/', import.meta.url);
const rfc = JSON.parse(readFileSync(new URL('rfc8448-1rtt.json', FIXTURES), 'utf8')) as Rfc8448;
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

function decryptorFromKeyLog(): TlsDecryptor {
  const { keyLog, diagnostics } = parseKeyLog(readFileSync(new URL('rfc8448-1rtt.keylog', FIXTURES), 'utf8'), 'rfc8448-1rtt.keylog');
  expect(diagnostics).toEqual([]);
  const secrets = keyLog.secretsFor(hex(rfc.clientRandom));
  expect(secrets).not.toBeNull();
  const decryptor = createTlsDecryptor({ version: 0x0304, cipherSuite: rfc.cipherSuite, clientRandom: hex(rfc.clientRandom), serverRandom: hex(rfc.serverRandom), secrets: secrets! });
  if ('unsupported' in decryptor) throw new Error(decryptor.unsupported);
  return decryptor;
}

function decryptRecord(d: TlsDecryptor, direction: 'client' | 'server', r: Rfc8448Record) {
  const bytes = hex(r.record);
  return d.decrypt(direction, bytes[0]!, bytes.subarray(5));
}

describe('TLS 1.3 key schedule against RFC 8448 §3', () => {
  it('derives the published write keys and IVs from each traffic secret (HKDF-Expand-Label "key"/"iv")', () => {
    const cases = [
      [rfc.secrets.serverHandshakeTrafficSecret, rfc.trafficKeys.serverHandshake],
      [rfc.secrets.clientHandshakeTrafficSecret, rfc.trafficKeys.clientHandshake],
      [rfc.secrets.serverTrafficSecret0, rfc.trafficKeys.serverApplication],
      [rfc.secrets.clientTrafficSecret0, rfc.trafficKeys.clientApplication],
    ] as const;
    for (const [secret, expected] of cases) {
      const keys = trafficKeys('sha256', hex(secret), 16);
      expect(keys.key.toString('hex')).toBe(expected.key);
      expect(keys.iv.toString('hex')).toBe(expected.iv);
    }
  });

  it('derives the published finished_key (HKDF-Expand-Label with label "finished")', () => {
    // RFC 8448 §3 {server} calculate finished "tls13 finished": key.
    expect(hkdfExpandLabel('sha256', hex(rfc.secrets.serverHandshakeTrafficSecret), 'finished', new Uint8Array(0), 32).toString('hex')).toBe(
      '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8',
    );
  });

  it('follows "traffic upd" for KeyUpdate: the next secret is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)', () => {
    const secret = hex(rfc.secrets.clientTrafficSecret0);
    const next = nextTrafficSecret('sha256', secret);
    expect(next).toHaveLength(32);
    expect(next.equals(hkdfExpandLabel('sha256', secret, 'traffic upd', new Uint8Array(0), 32))).toBe(true);
    expect(next.equals(secret)).toBe(false);
    expect(nextTrafficSecret('sha384', Buffer.alloc(48, 1))).toHaveLength(48);
  });
});

describe('TLS 1.3 record decryption of the RFC 8448 §3 records', () => {
  it('decrypts every server record, moving from handshake to application keys after the server Finished', () => {
    const d = decryptorFromKeyLog();
    for (const r of rfc.server) {
      const out = decryptRecord(d, 'server', r);
      expect(out).toEqual({ contentType: r.contentType, plaintext: hex(r.plaintext) });
    }
  });

  it('decrypts every client record, moving to application keys after the client Finished', () => {
    const d = decryptorFromKeyLog();
    for (const r of rfc.client) {
      const out = decryptRecord(d, 'client', r);
      expect(out).toEqual({ contentType: r.contentType, plaintext: hex(r.plaintext) });
    }
  });

  it('keeps the directions apart: interleaving them changes nothing', () => {
    const d = decryptorFromKeyLog();
    const order: ['client' | 'server', Rfc8448Record][] = [
      ['server', rfc.server[0]!],
      ['client', rfc.client[0]!],
      ['server', rfc.server[1]!],
      ['client', rfc.client[1]!],
      ['server', rfc.server[2]!],
      ['client', rfc.client[2]!],
      ['server', rfc.server[3]!],
    ];
    for (const [direction, r] of order) expect(decryptRecord(d, direction, r)).toEqual({ contentType: r.contentType, plaintext: hex(r.plaintext) });
  });

  it('without handshake secrets, notices application keys by trial decryption', () => {
    const decryptor = createTlsDecryptor({
      version: 0x0304,
      cipherSuite: 0x1301,
      clientRandom: hex(rfc.clientRandom),
      serverRandom: hex(rfc.serverRandom),
      secrets: { serverTrafficSecret0: hex(rfc.secrets.serverTrafficSecret0) },
    });
    if ('unsupported' in decryptor) throw new Error(decryptor.unsupported);
    const first = decryptRecord(decryptor, 'server', rfc.server[0]!);
    expect(first).toEqual({ error: expect.stringContaining('no SERVER_HANDSHAKE_TRAFFIC_SECRET') });
    for (const r of rfc.server.slice(1)) expect(decryptRecord(decryptor, 'server', r)).toEqual({ contentType: r.contentType, plaintext: hex(r.plaintext) });
  });

  it('passes the unprotected ChangeCipherSpec through unchanged', () => {
    const d = decryptorFromKeyLog();
    expect(d.decrypt('client', 20, Uint8Array.of(1))).toEqual({ contentType: 20, plaintext: Uint8Array.of(1) });
    // …without spending a sequence number: the client Finished still decrypts.
    expect(decryptRecord(d, 'client', rfc.client[0]!)).toMatchObject({ contentType: 22 });
  });
});
