import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTlsDecryptor, type TlsDecryptParams } from '../../../../src/ingest/pcap/tls-decrypt.js';

const randoms = { clientRandom: Buffer.alloc(32, 1), serverRandom: Buffer.alloc(32, 2) };
const tls12 = (cipherSuite: number, secrets: TlsDecryptParams['secrets'] = { masterSecret: Buffer.alloc(48, 3) }) =>
  createTlsDecryptor({ version: 0x0303, cipherSuite, ...randoms, secrets });
const tls13 = (cipherSuite: number, secrets: TlsDecryptParams['secrets']) => createTlsDecryptor({ version: 0x0304, cipherSuite, ...randoms, secrets });
const secret32 = Buffer.alloc(32, 4);

describe('createTlsDecryptor: what it cannot decrypt, and why', () => {
  it.each([
    [() => createTlsDecryptor({ version: 0x0300, cipherSuite: 0x002f, ...randoms, secrets: { masterSecret: Buffer.alloc(48) } }), /^SSL 3\.0 records are not decrypted/],
    [() => createTlsDecryptor({ version: 0x0301, cipherSuite: 0xc02f, ...randoms, secrets: { masterSecret: Buffer.alloc(48) } }), /GCM_SHA256 exists only from TLS 1\.2 on, but the session is TLS 1\.0/],
    [() => createTlsDecryptor({ version: 0x0302, cipherSuite: 0xc027, ...randoms, secrets: { masterSecret: Buffer.alloc(48) } }), /CBC_SHA256 exists only from TLS 1\.2 on, but the session is TLS 1\.1/],
    [() => tls12(0xc0ac), /0xC0AC uses AES-CCM, which is not decrypted/],
    [() => tls12(0x000a), /0x000A uses 3DES-CBC/],
    [() => tls12(0x0005), /0x0005 uses RC4/],
    [() => tls12(0x1234), /TLS 1\.2 cipher suite 0x1234 is not known/],
    [() => tls12(0x1301), /0x1301 is a TLS 1\.3 suite, but the session is TLS 1\.2/],
    [() => tls12(0xc02f, {}), /no CLIENT_RANDOM master secret/],
    [() => tls12(0xc02f, { clientTrafficSecret0: secret32 }), /holds TLS 1\.3 secrets .* needs its CLIENT_RANDOM/],
    [() => tls12(0xc02f, { masterSecret: Buffer.alloc(32) }), /master secret is 32 bytes, not 48/],
    [() => tls13(0x1306, { clientTrafficSecret0: secret32 }), /TLS 1\.3 cipher suite 0x1306 is not one RFC 8446 defines/],
    [() => tls13(0x1301, {}), /no TLS 1\.3 traffic secrets/],
    [() => tls13(0x1301, { masterSecret: Buffer.alloc(48) }), /holds a TLS 1\.2 master secret/],
    [() => tls13(0x1302, { clientTrafficSecret0: secret32 }), /not 48 bytes long, as TLS_AES_256_GCM_SHA384 needs/],
  ])('%#: a reason, no throw', (make, reason) => {
    expect(make()).toEqual({ unsupported: expect.stringMatching(reason) });
  });
});

describe('decrypt never throws on nonsense', () => {
  const cases: [string, ReturnType<typeof createTlsDecryptor>][] = [
    ['TLS 1.3 AES-GCM', tls13(0x1301, { clientHandshakeTrafficSecret: secret32, serverHandshakeTrafficSecret: secret32, clientTrafficSecret0: secret32, serverTrafficSecret0: secret32 })],
    ['TLS 1.3 CCM_8', tls13(0x1305, { clientTrafficSecret0: secret32 })],
    ['TLS 1.2 GCM', tls12(0xc02f)],
    ['TLS 1.2 ChaCha20', tls12(0xcca8)],
    ['TLS 1.2 CBC SHA-1', tls12(0xc013)],
    ['TLS 1.2 CBC SHA-384', tls12(0xc028)],
    ['TLS 1.0 CBC SHA-1', createTlsDecryptor({ version: 0x0301, cipherSuite: 0xc013, ...randoms, secrets: { masterSecret: Buffer.alloc(48, 3) } })],
    ['TLS 1.1 CBC SHA-1', createTlsDecryptor({ version: 0x0302, cipherSuite: 0x0035, ...randoms, secrets: { masterSecret: Buffer.alloc(48, 3) } })],
  ];
  it.each(cases)('%s: random fragments of every length are errors or pass-through', (_name, d) => {
    if ('unsupported' in d) throw new Error(d.unsupported);
    for (let length = 0; length < 200; length++) {
      for (const type of [20, 21, 22, 23]) {
        for (const direction of ['client', 'server'] as const) {
          const out = d.decrypt(direction, type, randomBytes(length));
          if ('error' in out) expect(out.error).toMatch(/^(client|server) record \d+/);
        }
      }
    }
    const huge = d.decrypt('client', 23, randomBytes(20_000));
    expect(huge).toEqual({ error: expect.stringMatching(/cannot be|longer than/) });
  });
});
