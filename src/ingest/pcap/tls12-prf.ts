import { createHmac } from 'node:crypto';
import type { TlsHash } from './tls-key-schedule.js';

/**
 * The TLS 1.2 PRF (RFC 5246 §5): PRF(secret, label, seed) = P_hash(secret, label + seed), where
 * P_hash = HMAC(secret, A(1) + seed') + HMAC(secret, A(2) + seed') + …, A(0) = seed', A(i) = HMAC(secret, A(i-1)).
 * The hash is SHA-256 unless the suite names SHA-384 (RFC 5288 §3, RFC 5289 §3).
 */
export function tls12Prf(hash: TlsHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const labelledSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out = Buffer.alloc(length);
  let a: Buffer = labelledSeed;
  let written = 0;
  while (written < length) {
    a = createHmac(hash, secret).update(a).digest();
    written += createHmac(hash, secret).update(a).update(labelledSeed).digest().copy(out, written);
  }
  return out;
}

/** Keys of both directions from the TLS 1.2 key block. */
export interface Tls12KeyMaterial {
  clientMacKey: Buffer;
  serverMacKey: Buffer;
  clientKey: Buffer;
  serverKey: Buffer;
  /** The implicit part of the nonce for AEAD suites (4-byte salt for GCM, 12-byte IV for ChaCha20-Poly1305); empty for CBC. */
  clientIv: Buffer;
  serverIv: Buffer;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), cut in order into
 * client/server MAC keys, client/server write keys, client/server IVs (RFC 5246 §6.3).
 */
export function tls12KeyBlock(
  hash: TlsHash,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  sizes: { macLength: number; keyLength: number; fixedIvLength: number },
): Tls12KeyMaterial {
  const { macLength, keyLength, fixedIvLength } = sizes;
  const block = tls12Prf(hash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * (macLength + keyLength + fixedIvLength));
  let at = 0;
  const take = (n: number): Buffer => {
    const part = Buffer.from(block.subarray(at, at + n));
    at += n;
    return part;
  };
  return {
    clientMacKey: take(macLength),
    serverMacKey: take(macLength),
    clientKey: take(keyLength),
    serverKey: take(keyLength),
    clientIv: take(fixedIvLength),
    serverIv: take(fixedIvLength),
  };
}
