import { createHmac } from 'node:crypto';
import type { TlsHash } from './tls-key-schedule.js';
import { ownedCopy } from './owned-copy.js';

/** The PRF of a session: TLS 1.2 uses P_SHA256 (or P_SHA384 for *_SHA384 suites); TLS 1.0 and 1.1 use P_MD5 XOR P_SHA1. */
export type PrfHash = TlsHash | 'md5+sha1';

/** P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + …, A(0) = seed, A(i) = HMAC(secret, A(i-1)) (RFC 5246 §5). */
function pHash(hash: string, secret: Uint8Array, seed: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  let a: Buffer = seed;
  let written = 0;
  while (written < length) {
    a = createHmac(hash, secret).update(a).digest();
    written += createHmac(hash, secret).update(a).update(seed).digest().copy(out, written);
  }
  return out;
}

/**
 * PRF(secret, label, seed). TLS 1.2 (RFC 5246 §5): P_hash(secret, label + seed), the hash being SHA-256 unless the
 * suite names SHA-384 (RFC 5288 §3, RFC 5289 §3). TLS 1.0/1.1 (RFC 4346 §5): P_MD5(S1, label + seed) XOR
 * P_SHA-1(S2, label + seed), S1 and S2 the two halves of the secret (sharing a byte when its length is odd).
 */
export function tls12Prf(hash: PrfHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const labelledSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  if (hash !== 'md5+sha1') return pHash(hash, secret, labelledSeed, length);
  const half = Math.ceil(secret.length / 2);
  const md5 = pHash('md5', secret.subarray(0, half), labelledSeed, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), labelledSeed, length);
  for (let i = 0; i < length; i++) md5[i] = (md5[i] as number) ^ (sha1[i] as number);
  return md5;
}

/** Keys of both directions from the TLS 1.2 key block. */
export interface Tls12KeyMaterial {
  clientMacKey: Buffer;
  serverMacKey: Buffer;
  clientKey: Buffer;
  serverKey: Buffer;
  /** The implicit part of the nonce for AEAD suites (4-byte salt for GCM, 12-byte IV for ChaCha20-Poly1305); the first CBC IV in TLS 1.0; else empty. */
  clientIv: Buffer;
  serverIv: Buffer;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), cut in order into
 * client/server MAC keys, client/server write keys, client/server IVs (RFC 5246 §6.3).
 */
export function tls12KeyBlock(
  hash: PrfHash,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  sizes: { macLength: number; keyLength: number; fixedIvLength: number },
): Tls12KeyMaterial {
  const { macLength, keyLength, fixedIvLength } = sizes;
  const block = tls12Prf(hash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * (macLength + keyLength + fixedIvLength));
  let at = 0;
  const take = (n: number): Buffer => {
    const part = ownedCopy(block.subarray(at, at + n));
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
