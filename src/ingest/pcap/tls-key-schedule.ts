import { createHmac } from 'node:crypto';
import { ownedCopy } from './owned-copy.js';

/** Hash of a TLS 1.3 suite or TLS 1.2 PRF, by node:crypto name. */
export type TlsHash = 'sha256' | 'sha384';

export const HASH_LENGTH: Readonly<Record<TlsHash, number>> = { sha256: 32, sha384: 48 };

const ONE = Uint8Array.of(1);

/** HKDF-Expand (RFC 5869 §2.3) with HMAC-`hash`. */
export function hkdfExpand(hash: TlsHash, prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  // Traffic keys, IVs and secrets take one block, T(1) = HMAC(PRK, info || 0x01): one update, not three.
  if (length <= HASH_LENGTH[hash]) return singleBlock(hash, prk, Buffer.concat([info, ONE]), length);
  const out = Buffer.alloc(length);
  let previous: Buffer = Buffer.alloc(0);
  let written = 0;
  for (let counter = 1; written < length; counter++) {
    previous = createHmac(hash, prk).update(previous).update(info).update(Uint8Array.of(counter)).digest();
    written += previous.copy(out, written);
  }
  return out;
}

function singleBlock(hash: TlsHash, prk: Uint8Array, infoAndCounter: Uint8Array, length: number): Buffer {
  const block = createHmac(hash, prk).update(infoAndCounter).digest();
  return length === block.length ? block : ownedCopy(block.subarray(0, length));
}

/** `info || 0x01` of the labels every session derives (no context), made once: key, iv, traffic upd. */
const labelInfos = new Map<string, Buffer>();

/**
 * HKDF-Expand-Label (RFC 8446 §7.1): info is struct { uint16 length; opaque label<7..255> = "tls13 " + Label;
 * opaque context<0..255> }.
 */
export function hkdfExpandLabel(hash: TlsHash, secret: Uint8Array, label: string, context: Uint8Array, length: number): Buffer {
  if (context.length === 0 && length <= HASH_LENGTH[hash]) {
    const key = `${label}:${length}`;
    let infoAndCounter = labelInfos.get(key);
    if (infoAndCounter === undefined) {
      infoAndCounter = Buffer.concat([labelInfo(label, context, length), ONE]);
      labelInfos.set(key, infoAndCounter);
    }
    return singleBlock(hash, secret, infoAndCounter, length);
  }
  return hkdfExpand(hash, secret, labelInfo(label, context, length), length);
}

function labelInfo(label: string, context: Uint8Array, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.alloc(2 + 1 + fullLabel.length + 1 + context.length);
  info.writeUInt16BE(length, 0);
  info[2] = fullLabel.length;
  fullLabel.copy(info, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return info;
}

/** Write key and IV of one traffic secret (RFC 8446 §7.3). */
export interface TrafficKeys {
  key: Buffer;
  iv: Buffer;
}

const NO_CONTEXT = new Uint8Array(0);

/** [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length); [sender]_write_iv likewise with "iv" and 12 bytes. */
export function trafficKeys(hash: TlsHash, trafficSecret: Uint8Array, keyLength: number, ivLength = 12): TrafficKeys {
  return {
    key: hkdfExpandLabel(hash, trafficSecret, 'key', NO_CONTEXT, keyLength),
    iv: hkdfExpandLabel(hash, trafficSecret, 'iv', NO_CONTEXT, ivLength),
  };
}

/** application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length) (RFC 8446 §7.2, after a KeyUpdate). */
export function nextTrafficSecret(hash: TlsHash, trafficSecret: Uint8Array): Buffer {
  return hkdfExpandLabel(hash, trafficSecret, 'traffic upd', NO_CONTEXT, HASH_LENGTH[hash]);
}
