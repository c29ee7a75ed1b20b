import { createDecipheriv, createHmac, timingSafeEqual, type Decipher } from 'node:crypto';
import { AeadKey, RESYNC_FAILURES, RESYNC_WINDOW, writeSequence, xorSequenceNonce } from './tls-decrypt-aead.js';
import type { AeadAlgorithm, CbcAlgorithm, Tls12Suite } from './tls-decrypt-suites.js';
import type { DecryptResult, Direction } from './tls-decrypt-tls13.js';
import { tls12KeyBlock, type PrfHash } from './tls12-prf.js';

/** TLSCiphertext.length must not exceed 2^14 + 2048 (RFC 5246 §6.2.3, RFC 4346 §6.2.3, RFC 2246 §6.2.3). */
const MAX_CIPHERTEXT = 16384 + 2048;
const EXPLICIT_NONCE = 8;

interface AeadDirection {
  key: AeadKey;
  /** GCM: the 4-byte salt; ChaCha20-Poly1305: the 12-byte IV. */
  iv: Buffer;
  seq: number;
  records: number;
  failures: number;
}

/**
 * TLS 1.2 AEAD records: AES-GCM (RFC 5288: nonce = salt || explicit 8 bytes at the start of the fragment) and
 * ChaCha20-Poly1305 (RFC 7905: nonce = IV XOR seq). Additional data = seq_num || type || version || plaintext length
 * (RFC 5246 §6.2.3.3).
 */
export class Tls12AeadDecryptor {
  private readonly directions: Record<Direction, AeadDirection>;
  private readonly aad = Buffer.alloc(13);
  private readonly nonce = Buffer.alloc(12);
  private readonly explicitNonce: boolean;

  constructor(
    suite: Tls12Suite & { cipher: AeadAlgorithm },
    private readonly version: number,
    masterSecret: Buffer,
    clientRandom: Uint8Array,
    serverRandom: Uint8Array,
  ) {
    this.explicitNonce = suite.nonce === 'explicit';
    const keys = tls12KeyBlock(suite.prfHash, masterSecret, clientRandom, serverRandom, {
      macLength: 0,
      keyLength: suite.cipher.keyLength,
      fixedIvLength: this.explicitNonce ? 4 : 12,
    });
    this.directions = {
      client: { key: new AeadKey(suite.cipher, keys.clientKey), iv: keys.clientIv, seq: 0, records: 0, failures: 0 },
      server: { key: new AeadKey(suite.cipher, keys.serverKey), iv: keys.serverIv, seq: 0, records: 0, failures: 0 },
    };
  }

  decrypt(direction: Direction, contentType: number, fragment: Uint8Array): DecryptResult {
    const state = this.directions[direction];
    const seq = state.seq++;
    state.records++;
    const tagLength = state.key.tagLength;
    const overhead = (this.explicitNonce ? EXPLICIT_NONCE : 0) + tagLength;
    if (fragment.length < overhead || fragment.length > MAX_CIPHERTEXT) {
      return { error: `${direction} record ${state.records}: ${fragment.length} bytes cannot be an AEAD-protected TLS 1.2 record (at least ${overhead})` };
    }
    const ciphertext = fragment.subarray(this.explicitNonce ? EXPLICIT_NONCE : 0, fragment.length - tagLength);
    const tag = fragment.subarray(fragment.length - tagLength);
    if (this.explicitNonce) {
      state.iv.copy(this.nonce, 0, 0, 4);
      this.nonce.set(fragment.subarray(0, EXPLICIT_NONCE), 4);
    }
    this.aad[8] = contentType;
    this.aad.writeUInt16BE(this.version, 9);
    this.aad.writeUInt16BE(ciphertext.length, 11);
    // Records missing from the capture shift the sequence number (in the additional data, and in the ChaCha20 nonce).
    const window = state.failures < RESYNC_FAILURES ? RESYNC_WINDOW : 0;
    for (let k = 0; k <= window; k++) {
      if (!this.explicitNonce) xorSequenceNonce(state.iv, seq + k, this.nonce);
      writeSequence(this.aad, seq + k);
      const plaintext = state.key.open(this.nonce, this.aad, ciphertext, tag);
      if (plaintext) {
        state.seq = seq + k + 1;
        state.failures = 0;
        return k > 0 ? { contentType, plaintext, missedRecords: k } : { contentType, plaintext };
      }
    }
    state.failures++;
    return { error: `${direction} record ${state.records}: authentication failed: damaged record, records missing before it, or a master secret of another session` };
  }
}

interface CbcDirection {
  /**
   * One CBC decipher for the whole direction. TLS 1.1/1.2 records start with their own IV block, so feeding records
   * back to back yields one garbage block (the IV decrypted against the previous record's last block) followed by
   * the record's plaintext. TLS 1.0 has no explicit IV: each record continues the chain of the one before, which a
   * single decipher does by itself (RFC 2246 §6.2.3.2). No decipher per record either way.
   */
  decipher: Decipher;
  macKey: Buffer;
  seq: number;
  records: number;
  failures: number;
  /** TLS 1.0 only: a record was not fed to the decipher, so the next record's first block cannot be decrypted. */
  chainBroken: boolean;
  /** RFC 7366 encrypt-then-MAC; null until the first record shows which layout the peers use. */
  encryptThenMac: boolean | null;
}

/**
 * CBC records (GenericBlockCipher, RFC 5246 §6.2.3.2): [IV] || E(content || MAC || padding), MAC =
 * HMAC(mac_key, seq_num || type || version || length || content); or with encrypt_then_mac (RFC 7366)
 * [IV] || E(content || padding) || MAC over the ciphertext. The IV is explicit from TLS 1.1 on (RFC 4346 §6.2.3.2).
 * MAC and padding are verified; a failure is reported, never guessed past.
 */
export class Tls12CbcDecryptor {
  private readonly directions: Record<Direction, CbcDirection>;
  private readonly macHeader = Buffer.alloc(13);
  /** Bytes of explicit IV at the start of each record: one block from TLS 1.1 on, none in TLS 1.0. */
  private readonly explicitIv: number;

  constructor(
    private readonly cipher: CbcAlgorithm,
    private readonly version: number,
    prfHash: PrfHash,
    masterSecret: Buffer,
    clientRandom: Uint8Array,
    serverRandom: Uint8Array,
    encryptThenMac: boolean | undefined,
  ) {
    const implicitIv = version <= 0x0301;
    this.explicitIv = implicitIv ? 0 : cipher.blockLength;
    const keys = tls12KeyBlock(prfHash, masterSecret, clientRandom, serverRandom, {
      macLength: cipher.macLength,
      keyLength: cipher.keyLength,
      fixedIvLength: implicitIv ? cipher.blockLength : 0,
    });
    const open = (key: Buffer, macKey: Buffer, iv: Buffer): CbcDirection => {
      const decipher = createDecipheriv(cipher.algorithm, key, implicitIv ? iv : Buffer.alloc(cipher.blockLength));
      decipher.setAutoPadding(false);
      return { decipher, macKey, seq: 0, records: 0, failures: 0, chainBroken: false, encryptThenMac: encryptThenMac ?? null };
    };
    this.directions = {
      client: open(keys.clientKey, keys.clientMacKey, keys.clientIv),
      server: open(keys.serverKey, keys.serverMacKey, keys.serverIv),
    };
  }

  decrypt(direction: Direction, contentType: number, fragment: Uint8Array): DecryptResult {
    const state = this.directions[direction];
    const seq = state.seq++;
    state.records++;
    const result = this.open(state, seq, contentType, fragment);
    if ('error' in result) {
      state.failures++;
      return { error: `${direction} record ${state.records}: ${result.error}` };
    }
    state.failures = 0;
    return result;
  }

  private open(state: CbcDirection, seq: number, contentType: number, fragment: Uint8Array): DecryptResult {
    const { blockLength, macLength } = this.cipher;
    const ivLength = this.explicitIv;
    if (fragment.length > MAX_CIPHERTEXT) return { error: `${fragment.length} bytes is longer than a TLS record may be` };
    // Records missing from the capture shift the sequence number in the MAC: search a few once the layout is known.
    const window = state.encryptThenMac !== null && state.failures < RESYNC_FAILURES ? RESYNC_WINDOW : 0;

    if (state.encryptThenMac !== false) {
      const encrypted = fragment.length - macLength;
      const fits = encrypted >= ivLength + blockLength && encrypted % blockLength === 0;
      const k = fits ? this.macOffset(state, seq, window, contentType, fragment.subarray(0, encrypted), fragment.subarray(encrypted)) : -1;
      if (k >= 0) {
        state.encryptThenMac = true;
        const decrypted = state.decipher.update(fragment.subarray(0, encrypted)).subarray(ivLength);
        if (ivLength === 0 && (k > 0 || state.chainBroken)) {
          // TLS 1.0: this record's IV was the last block of a record that is not here; the MAC proves the ciphertext
          // but its first block cannot be decrypted. The chain is whole again for the next record.
          state.chainBroken = false;
          state.seq = seq + k + 1;
          return { error: `${k > 0 ? `${k} records missing before it` : 'the record before it was not decrypted'}: in TLS 1.0 its first block cannot be decrypted without the last block of that record` };
        }
        const contentLength = unpaddedLength(decrypted);
        if (contentLength < 0) return { error: 'bad CBC padding after a valid MAC (encrypt-then-MAC)' };
        return this.found(state, seq, k, contentType, decrypted.subarray(0, contentLength));
      }
      if (state.encryptThenMac === true) {
        // TLS 1.0 chains each record to the last block of the one before: keep the chain whole.
        if (ivLength === 0) {
          if (fits) state.decipher.update(fragment.subarray(0, encrypted));
          else state.chainBroken = true;
        }
        return {
          error: fits
            ? 'MAC check failed (encrypt-then-MAC): damaged record, records missing before it, or a master secret of another session'
            : `${fragment.length} bytes do not fit ${ivLength ? 'IV + ' : ''}whole ${blockLength}-byte blocks + ${macLength}-byte MAC`,
        };
      }
    }

    if (fragment.length % blockLength !== 0 || fragment.length < ivLength + Math.ceil((macLength + 1) / blockLength) * blockLength) {
      if (ivLength === 0) state.chainBroken = true;
      return { error: `${fragment.length} bytes do not fit ${ivLength ? 'IV + ' : ''}whole ${blockLength}-byte blocks holding a ${macLength}-byte MAC` };
    }
    const decrypted = state.decipher.update(fragment).subarray(ivLength);
    const unpadded = unpaddedLength(decrypted);
    if (unpadded < macLength) return { error: 'bad CBC padding: damaged record, or a master secret of another session' };
    const contentLength = unpadded - macLength;
    const content = decrypted.subarray(0, contentLength);
    const k = this.macOffset(state, seq, window, contentType, content, decrypted.subarray(contentLength, unpadded));
    if (k < 0) return { error: 'MAC check failed: damaged record, records missing before it, or a master secret of another session' };
    state.encryptThenMac = false;
    state.chainBroken = false;
    return this.found(state, seq, k, contentType, content);
  }

  private found(state: CbcDirection, seq: number, missed: number, contentType: number, plaintext: Buffer): DecryptResult {
    state.seq = seq + missed + 1;
    return missed > 0 ? { contentType, plaintext, missedRecords: missed } : { contentType, plaintext };
  }

  /** k such that the MAC matches with sequence number seq + k (0 ≤ k ≤ window), or -1. */
  private macOffset(state: CbcDirection, seq: number, window: number, contentType: number, data: Uint8Array, mac: Uint8Array): number {
    for (let k = 0; k <= window; k++) if (this.macMatches(state, seq + k, contentType, data, mac)) return k;
    return -1;
  }

  private macMatches(state: CbcDirection, seq: number, contentType: number, data: Uint8Array, mac: Uint8Array): boolean {
    writeSequence(this.macHeader, seq);
    this.macHeader[8] = contentType;
    this.macHeader.writeUInt16BE(this.version, 9);
    this.macHeader.writeUInt16BE(data.length, 11);
    const expected = createHmac(this.cipher.mac, state.macKey).update(this.macHeader).update(data).digest();
    return expected.length === mac.length && timingSafeEqual(expected, mac);
  }
}

/** Length before the padding (padding_length + 1 bytes each equal to padding_length), or -1 when the padding is malformed. */
function unpaddedLength(block: Buffer): number {
  if (block.length === 0) return -1;
  const padding = block[block.length - 1] as number;
  const start = block.length - 1 - padding;
  if (start < 0) return -1;
  for (let i = start; i < block.length - 1; i++) if (block[i] !== padding) return -1;
  return start;
}
