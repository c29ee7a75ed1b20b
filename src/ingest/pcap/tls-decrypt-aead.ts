import { createDecipheriv } from 'node:crypto';
import type { AeadAlgorithm } from './tls-decrypt-suites.js';

/**
 * One AEAD key, opened once per direction and key epoch. node:crypto AEAD deciphers are one-shot (final() ends
 * them and the nonce cannot be changed), so each record needs its own; key and nonce buffers are reused. A raw key
 * buffer, not a KeyObject: creating the KeyObject costs more than it saves over the few records of an SMTP session.
 */
export class AeadKey {
  private readonly ccm: boolean;
  private readonly options: { authTagLength: number };

  constructor(
    private readonly aead: AeadAlgorithm,
    private readonly key: Buffer,
  ) {
    this.ccm = aead.algorithm === 'aes-128-ccm';
    this.options = { authTagLength: aead.tagLength };
  }

  get tagLength(): number {
    return this.aead.tagLength;
  }

  /** Plaintext, or null when the tag does not verify. `ciphertext` excludes the tag. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Buffer | null {
    try {
      // The overloads of createDecipheriv are keyed on literal algorithm names; all three take authTagLength.
      const decipher = createDecipheriv(this.aead.algorithm as 'aes-128-gcm', this.key, nonce, this.options);
      decipher.setAuthTag(tag);
      if (this.ccm) decipher.setAAD(aad, { plaintextLength: ciphertext.length });
      else decipher.setAAD(aad);
      const plaintext = decipher.update(ciphertext);
      const rest = decipher.final();
      return rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest]);
    } catch {
      return null;
    }
  }
}

/**
 * When a record does not decrypt, the sequence numbers after it are tried too: a capture that dropped a few packets
 * loses whole records, and every later record would otherwise fail. Up to this many records can be missing…
 */
export const RESYNC_WINDOW = 16;
/** …and the search stops after this many failures in a row (wrong secrets would otherwise cost 16 tries per record). */
export const RESYNC_FAILURES = 4;

/** nonce = iv XOR the 64-bit sequence number, left-padded to the IV length (RFC 8446 §5.3, RFC 7905 §2). */
export function xorSequenceNonce(iv: Buffer, seq: number, out: Buffer): Buffer {
  iv.copy(out);
  const at = out.length - 8;
  const high = Math.floor(seq / 0x1_0000_0000);
  out.writeUInt32BE((out.readUInt32BE(at) ^ high) >>> 0, at);
  out.writeUInt32BE((out.readUInt32BE(at + 4) ^ (seq >>> 0)) >>> 0, at + 4);
  return out;
}

/** The 8-byte big-endian sequence number. */
export function writeSequence(out: Buffer, seq: number, at = 0): void {
  out.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), at);
  out.writeUInt32BE(seq >>> 0, at + 4);
}
