import { AeadKey, RESYNC_FAILURES, RESYNC_WINDOW, xorSequenceNonce } from './tls-decrypt-aead.js';
import type { Tls13Suite } from './tls-decrypt-suites.js';
import { nextTrafficSecret, trafficKeys } from './tls-key-schedule.js';
import type { TlsSecrets } from './tls-keylog.js';

export type Direction = 'client' | 'server';
/**
 * A decrypted record (its inner content type in TLS 1.3), or why not. `missedRecords`: records absent from the capture
 * just before this one, found from the sequence number that decrypted it (only present when > 0).
 */
export type DecryptResult = { contentType: number; plaintext: Uint8Array; missedRecords?: number } | { error: string };

const APPLICATION_DATA = 23;
const HANDSHAKE = 22;
const FINISHED = 20;
const KEY_UPDATE = 24;
/** TLSCiphertext.length must not exceed 2^14 + 256 (RFC 8446 §5.2). */
const MAX_CIPHERTEXT = 16384 + 256;

/** One key epoch of one direction: the handshake traffic secret, then application traffic secret 0, 1, 2… */
interface Epoch {
  /** 'handshake' or the application secret generation (0 for *_TRAFFIC_SECRET_0, +1 per KeyUpdate). */
  phase: 'handshake' | number;
  secret: Buffer | undefined;
  key: AeadKey | undefined;
  iv: Buffer | undefined;
}

class DirectionState {
  epoch: Epoch;
  /** The epoch that follows, derived when first needed (trial decryption or a key change). */
  private following: Epoch | undefined;
  seq = 0;
  records = 0;
  /** Records in a row that did not decrypt: past a few, stop searching other sequence numbers (wrong secrets). */
  failures = 0;
  /** Where the handshake message framing stands inside this epoch's handshake records. */
  private headerFill = 0;
  private readonly header = Buffer.alloc(4);
  private bodyLeft = 0;
  /** A Finished (handshake epoch) or KeyUpdate (application epoch) ended in the current record: keys change after it (RFC 8446 §5.1, §4.6.3). */
  changeKeys = false;

  constructor(
    private readonly suite: Tls13Suite,
    handshakeSecret: Buffer | undefined,
    private readonly applicationSecret0: Buffer | undefined,
  ) {
    this.epoch = this.makeEpoch('handshake', handshakeSecret);
  }

  private makeEpoch(phase: Epoch['phase'], secret: Buffer | undefined): Epoch {
    if (!secret) return { phase, secret, key: undefined, iv: undefined };
    const { key, iv } = trafficKeys(this.suite.hash, secret, this.suite.aead.keyLength);
    return { phase, secret, key: new AeadKey(this.suite.aead, key), iv };
  }

  next(): Epoch {
    if (!this.following) {
      const phase = this.epoch.phase;
      if (phase === 'handshake') this.following = this.makeEpoch(0, this.applicationSecret0);
      else this.following = this.makeEpoch(phase + 1, this.epoch.secret && nextTrafficSecret(this.suite.hash, this.epoch.secret));
    }
    return this.following;
  }

  advance(): void {
    this.epoch = this.next();
    this.following = undefined;
    this.seq = 0;
    this.headerFill = 0;
    this.bodyLeft = 0;
    this.changeKeys = false;
  }

  /** Follows handshake message boundaries across records to notice the end of Finished or KeyUpdate. */
  trackHandshake(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      if (this.headerFill < 4) {
        this.header[this.headerFill++] = data[at++] as number;
        if (this.headerFill === 4) {
          this.bodyLeft = this.header.readUIntBE(1, 3);
          if (this.bodyLeft === 0) this.messageEnded();
        }
        continue;
      }
      const take = Math.min(this.bodyLeft, data.length - at);
      at += take;
      this.bodyLeft -= take;
      if (this.bodyLeft === 0) this.messageEnded();
    }
  }

  private messageEnded(): void {
    const type = this.header[0];
    if ((type === FINISHED && this.epoch.phase === 'handshake') || (type === KEY_UPDATE && this.epoch.phase !== 'handshake')) {
      this.changeKeys = true;
    }
    this.headerFill = 0;
  }
}

/**
 * TLS 1.3 record protection (RFC 8446 §5.2–5.3): AEAD with nonce = iv XOR seq, additional data = the record header,
 * inner plaintext = content || type || zeros. Each direction starts on its handshake traffic secret, moves to
 * application traffic secret 0 after its Finished, and to the next generation after each KeyUpdate it sends.
 */
export class Tls13Decryptor {
  private readonly directions: Record<Direction, DirectionState>;
  private readonly aad = Buffer.alloc(5);
  private readonly nonce = Buffer.alloc(12);

  constructor(
    private readonly suite: Tls13Suite,
    secrets: TlsSecrets,
  ) {
    this.directions = {
      client: new DirectionState(suite, secrets.clientHandshakeTrafficSecret, secrets.clientTrafficSecret0),
      server: new DirectionState(suite, secrets.serverHandshakeTrafficSecret, secrets.serverTrafficSecret0),
    };
  }

  decrypt(direction: Direction, contentType: number, fragment: Uint8Array): DecryptResult {
    // Only application_data records are protected; ChangeCipherSpec sent for middlebox compatibility (RFC 8446 §D.4)
    // and alerts sent before keys exist travel in clear, unchanged.
    if (contentType !== APPLICATION_DATA) return { contentType, plaintext: fragment };
    const state = this.directions[direction];
    state.records++;
    const tagLength = this.suite.aead.tagLength;
    if (fragment.length < tagLength + 1 || fragment.length > MAX_CIPHERTEXT) {
      state.seq++;
      return { error: `${direction} record ${state.records}: ${fragment.length} bytes cannot be a TLS 1.3 protected record (${tagLength + 1} to ${MAX_CIPHERTEXT})` };
    }
    this.aad[0] = contentType;
    this.aad[1] = 0x03;
    this.aad[2] = 0x03;
    this.aad.writeUInt16BE(fragment.length, 3);
    const ciphertext = fragment.subarray(0, fragment.length - tagLength);
    const tag = fragment.subarray(fragment.length - tagLength);

    let missedRecords = 0;
    let inner = this.open(state.epoch, state.seq, ciphertext, tag);
    if (inner) {
      state.seq++;
    } else {
      const found = this.resynchronize(state, ciphertext, tag);
      if (!found) {
        state.failures++;
        const reason = state.epoch.key ? 'authentication failed: damaged record, records missing before it, or secrets of another session' : missingSecret(direction, state.epoch.phase);
        // A client's first records may be 0-RTT data under the early traffic secret, which a server also skips by
        // trial decryption (RFC 8446 §4.2.10); any other record occupied a sequence number.
        if (!(state.epoch.phase === 'handshake' && state.seq === 0)) state.seq++;
        return { error: `${direction} record ${state.records} (${phaseName(state.epoch.phase)}): ${reason}` };
      }
      inner = found.inner;
      missedRecords = found.missed;
    }
    state.failures = 0;

    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) return { error: `${direction} record ${state.records} (${phaseName(state.epoch.phase)}): no content type in the decrypted record (only padding)` };
    const innerType = inner[end] as number;
    const plaintext = inner.subarray(0, end);
    if (innerType === HANDSHAKE) {
      state.trackHandshake(plaintext);
      if (state.changeKeys) state.advance();
    }
    return missedRecords > 0 ? { contentType: innerType, plaintext, missedRecords } : { contentType: innerType, plaintext };
  }

  /**
   * After a tag failure: records may be missing from the capture (later sequence numbers of the same keys), or the
   * keys changed unnoticed because the Finished or KeyUpdate record was lost or damaged (the next epoch from 0).
   */
  private resynchronize(state: DirectionState, ciphertext: Uint8Array, tag: Uint8Array): { inner: Buffer; missed: number } | null {
    const window = state.failures < RESYNC_FAILURES ? RESYNC_WINDOW : 0;
    for (let k = 1; k <= window; k++) {
      const inner = this.open(state.epoch, state.seq + k, ciphertext, tag);
      if (inner) {
        state.seq += k + 1;
        return { inner, missed: k };
      }
    }
    const next = state.next();
    for (let k = 0; k <= window; k++) {
      const inner = this.open(next, k, ciphertext, tag);
      if (inner) {
        state.advance();
        state.seq = k + 1;
        return { inner, missed: k };
      }
    }
    return null;
  }

  private open(epoch: Epoch, seq: number, ciphertext: Uint8Array, tag: Uint8Array): Buffer | null {
    if (!epoch.key || !epoch.iv) return null;
    return epoch.key.open(xorSequenceNonce(epoch.iv, seq, this.nonce), this.aad, ciphertext, tag);
  }
}

function phaseName(phase: Epoch['phase']): string {
  return phase === 'handshake' ? 'handshake keys' : `application keys, generation ${phase}`;
}

function missingSecret(direction: Direction, phase: Epoch['phase']): string {
  const label = direction === 'client' ? 'CLIENT' : 'SERVER';
  if (phase === 'handshake') return `the key log has no ${label}_HANDSHAKE_TRAFFIC_SECRET for this session`;
  return `the key log has no ${label}_TRAFFIC_SECRET_0 for this session`;
}
