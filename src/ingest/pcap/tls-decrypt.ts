import { TLS12_SUITES, TLS13_SUITES, suiteCode, unsupportedTls12Family, type AeadAlgorithm, type CbcAlgorithm, type Tls12Suite } from './tls-decrypt-suites.js';
import { Tls12AeadDecryptor, Tls12CbcDecryptor } from './tls-decrypt-tls12.js';
import { Tls13Decryptor, type DecryptResult, type Direction } from './tls-decrypt-tls13.js';
import { HASH_LENGTH } from './tls-key-schedule.js';
import type { TlsSecrets } from './tls-keylog.js';

export type { DecryptResult, Direction } from './tls-decrypt-tls13.js';

export interface TlsDecryptParams {
  /**
   * Negotiated version: 0x0303 (TLS 1.2) or 0x0304 (TLS 1.3, from the ServerHello supported_versions extension);
   * 0x0301/0x0302 (TLS 1.0/1.1) are decrypted too, for their AES-CBC-SHA suites.
   */
  version: number;
  cipherSuite: number;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  secrets: TlsSecrets;
  /**
   * CBC suites (TLS 1.0–1.2) only: true when the ServerHello carried the encrypt_then_mac extension (type 22, RFC 7366),
   * false when it did not. Left out, each direction's first record shows which layout is in use.
   */
  encryptThenMac?: boolean;
}

export interface TlsDecryptor {
  /**
   * One protected record (its outer content type and fragment), in order per direction. TLS 1.3: the decryptor moves
   * from handshake to application traffic keys by itself (after that direction's Finished; trial decryption with the
   * next key when the tag fails is an acceptable way to notice) and follows KeyUpdate. TLS 1.0–1.2: called only for
   * records after that direction's ChangeCipherSpec.
   *
   * TLS 1.3 records whose outer type is not application_data (the compatibility ChangeCipherSpec, a cleartext alert)
   * come back unchanged. A record that does not decrypt is `{ error }` and costs its sequence number; the records
   * after it still decrypt. Records missing from the capture are found by sequence number and counted in
   * `missedRecords` on the first record after the gap. The plaintext is fresh memory (a view of node:crypto's output),
   * except for TLS 1.3 pass-through records, which return the fragment given.
   */
  decrypt(direction: Direction, contentType: number, fragment: Uint8Array): DecryptResult;
}

/** A decryptor for one TLS session, or why its records cannot be decrypted. Never throws. */
export function createTlsDecryptor(p: TlsDecryptParams): TlsDecryptor | { unsupported: string } {
  try {
    const made = p.version === 0x0304 ? createTls13(p) : p.version >= 0x0301 && p.version <= 0x0303 ? createTls12(p) : null;
    if (!made) return { unsupported: `${versionName(p.version)} records are not decrypted (TLS 1.0 to 1.3 are)` };
    return 'unsupported' in made ? made : neverThrows(made);
  } catch (e) {
    // node:crypto refusing a key or algorithm (e.g. a build without ChaCha20-Poly1305) is a reason, not a crash.
    return { unsupported: `the records cannot be decrypted here: ${(e as Error).message}` };
  }
}

function createTls13(p: TlsDecryptParams): TlsDecryptor | { unsupported: string } {
  const suite = TLS13_SUITES.get(p.cipherSuite);
  if (!suite) return { unsupported: `TLS 1.3 cipher suite ${suiteCode(p.cipherSuite)} is not one RFC 8446 defines` };
  const s = p.secrets;
  const given = [s.clientHandshakeTrafficSecret, s.serverHandshakeTrafficSecret, s.clientTrafficSecret0, s.serverTrafficSecret0];
  if (given.every((secret) => secret === undefined)) {
    return {
      unsupported: s.masterSecret
        ? 'the key log holds a TLS 1.2 master secret (CLIENT_RANDOM) for this session, but TLS 1.3 needs its *_TRAFFIC_SECRET lines'
        : 'the key log has no TLS 1.3 traffic secrets for this session',
    };
  }
  const hashLength = HASH_LENGTH[suite.hash];
  if (given.some((secret) => secret !== undefined && secret.length !== hashLength)) {
    return { unsupported: `the key log's traffic secrets for this session are not ${hashLength} bytes long, as ${suite.name} needs` };
  }
  return new Tls13Decryptor(suite, s);
}

/** TLS 1.2, and TLS 1.0/1.1 whose CBC records differ only by PRF and (1.0) implicit IV. */
function createTls12(p: TlsDecryptParams): TlsDecryptor | { unsupported: string } {
  const suite = TLS12_SUITES.get(p.cipherSuite);
  const version = versionName(p.version);
  if (!suite) {
    if (TLS13_SUITES.has(p.cipherSuite)) return { unsupported: `${suiteCode(p.cipherSuite)} is a TLS 1.3 suite, but the session is ${version}` };
    const family = unsupportedTls12Family(p.cipherSuite);
    return {
      unsupported: family
        ? `${version} cipher suite ${suiteCode(p.cipherSuite)} uses ${family}, which is not decrypted (AES-GCM, AES-CBC and ChaCha20-Poly1305 suites are)`
        : `${version} cipher suite ${suiteCode(p.cipherSuite)} is not known`,
    };
  }
  const beforeTls12 = p.version !== 0x0303;
  // AEAD suites and SHA-256/384 MACs came with TLS 1.2 (RFC 5246, 5288, 5289): an older session cannot have chosen them.
  if (beforeTls12 && (suite.cipher.kind !== 'cbc' || suite.cipher.mac !== 'sha1')) {
    return { unsupported: `${suite.name} exists only from TLS 1.2 on, but the session is ${version}` };
  }
  const master = p.secrets.masterSecret;
  if (!master) {
    return {
      unsupported: p.secrets.clientTrafficSecret0 || p.secrets.clientHandshakeTrafficSecret
        ? 'the key log holds TLS 1.3 secrets for this session, but TLS 1.2 needs its CLIENT_RANDOM master secret'
        : 'the key log has no CLIENT_RANDOM master secret for this session',
    };
  }
  if (master.length !== 48) return { unsupported: `the master secret is ${master.length} bytes, not 48` };
  if (p.clientRandom.length !== 32 || p.serverRandom.length !== 32) return { unsupported: 'client and server randoms must be 32 bytes each' };
  if (suite.cipher.kind === 'aead') {
    return new Tls12AeadDecryptor(suite as Tls12Suite & { cipher: AeadAlgorithm }, p.version, master, p.clientRandom, p.serverRandom);
  }
  return new Tls12CbcDecryptor(suite.cipher as CbcAlgorithm, p.version, beforeTls12 ? 'md5+sha1' : suite.prfHash, master, p.clientRandom, p.serverRandom, p.encryptThenMac);
}

/** Damaged input must not stop a capture: anything node:crypto throws becomes that record's error. */
function neverThrows(inner: TlsDecryptor): TlsDecryptor {
  return {
    decrypt(direction, contentType, fragment) {
      try {
        return inner.decrypt(direction, contentType, fragment);
      } catch (e) {
        return { error: `${direction} record: cannot be decrypted: ${(e as Error).message}` };
      }
    },
  };
}

function versionName(version: number): string {
  switch (version) {
    case 0x0300:
      return 'SSL 3.0';
    case 0x0301:
      return 'TLS 1.0';
    case 0x0302:
      return 'TLS 1.1';
    case 0x0303:
      return 'TLS 1.2';
    default:
      return `protocol version ${suiteCode(version)}`;
  }
}
