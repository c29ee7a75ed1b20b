import type { TlsHash } from './tls-key-schedule.js';

/** An AEAD as node:crypto names it, with its key and tag lengths. */
export interface AeadAlgorithm {
  kind: 'aead';
  algorithm: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
  keyLength: number;
  tagLength: number;
}

/** A block cipher in CBC mode with an HMAC (TLS 1.2 GenericBlockCipher, RFC 5246 §6.2.3.2). */
export interface CbcAlgorithm {
  kind: 'cbc';
  algorithm: 'aes-128-cbc' | 'aes-256-cbc';
  keyLength: number;
  blockLength: number;
  mac: 'sha1' | 'sha256' | 'sha384';
  macLength: number;
}

export interface Tls13Suite {
  name: string;
  hash: TlsHash;
  aead: AeadAlgorithm;
}

export interface Tls12Suite {
  name: string;
  /** Hash of the PRF: SHA-384 for suites whose name ends in _SHA384, SHA-256 otherwise (RFC 5246 §5, RFC 5288 §3, RFC 5289 §3). */
  prfHash: TlsHash;
  cipher: AeadAlgorithm | CbcAlgorithm;
  /**
   * How an AEAD record nonce is made: `explicit` = 4-byte implicit salt + 8-byte explicit nonce sent first in the
   * fragment (AES-GCM, RFC 5288 §3); `xor` = 12-byte IV XOR the sequence number, nothing sent (ChaCha20-Poly1305, RFC 7905 §2).
   */
  nonce: 'explicit' | 'xor' | 'none';
}

const AES_128_GCM: AeadAlgorithm = { kind: 'aead', algorithm: 'aes-128-gcm', keyLength: 16, tagLength: 16 };
const AES_256_GCM: AeadAlgorithm = { kind: 'aead', algorithm: 'aes-256-gcm', keyLength: 32, tagLength: 16 };
const CHACHA20_POLY1305: AeadAlgorithm = { kind: 'aead', algorithm: 'chacha20-poly1305', keyLength: 32, tagLength: 16 };

/** TLS 1.3 cipher suites (RFC 8446 §B.4). */
export const TLS13_SUITES: ReadonlyMap<number, Tls13Suite> = new Map([
  [0x1301, { name: 'TLS_AES_128_GCM_SHA256', hash: 'sha256', aead: AES_128_GCM }],
  [0x1302, { name: 'TLS_AES_256_GCM_SHA384', hash: 'sha384', aead: AES_256_GCM }],
  [0x1303, { name: 'TLS_CHACHA20_POLY1305_SHA256', hash: 'sha256', aead: CHACHA20_POLY1305 }],
  [0x1304, { name: 'TLS_AES_128_CCM_SHA256', hash: 'sha256', aead: { kind: 'aead', algorithm: 'aes-128-ccm', keyLength: 16, tagLength: 16 } }],
  [0x1305, { name: 'TLS_AES_128_CCM_8_SHA256', hash: 'sha256', aead: { kind: 'aead', algorithm: 'aes-128-ccm', keyLength: 16, tagLength: 8 } }],
]);

function cbc(keyLength: 16 | 32, mac: CbcAlgorithm['mac']): CbcAlgorithm {
  return {
    kind: 'cbc',
    algorithm: keyLength === 16 ? 'aes-128-cbc' : 'aes-256-cbc',
    keyLength,
    blockLength: 16,
    mac,
    macLength: mac === 'sha1' ? 20 : mac === 'sha256' ? 32 : 48,
  };
}

type Row = [code: number, name: string];

/** Suites by record protection; the key exchange does not matter here, the master secret comes from the key log. */
const GCM_128: Row[] = [
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0x00a2, 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256'],
  [0x00a8, 'TLS_PSK_WITH_AES_128_GCM_SHA256'],
  [0x00aa, 'TLS_DHE_PSK_WITH_AES_128_GCM_SHA256'],
  [0x00ac, 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256'],
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
  [0xc02d, 'TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256'],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
  [0xc031, 'TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256'],
];
const GCM_256: Row[] = [
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384'],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0x00a3, 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384'],
  [0x00a9, 'TLS_PSK_WITH_AES_256_GCM_SHA384'],
  [0x00ab, 'TLS_DHE_PSK_WITH_AES_256_GCM_SHA384'],
  [0x00ad, 'TLS_RSA_PSK_WITH_AES_256_GCM_SHA384'],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
  [0xc02e, 'TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384'],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
  [0xc032, 'TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384'],
];
const CHACHA: Row[] = [
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccab, 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccac, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccad, 'TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256'],
  [0xccae, 'TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256'],
];
const CBC_128_SHA: Row[] = [
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
  [0x0032, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA'],
  [0xc004, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'],
  [0xc00e, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
];
const CBC_256_SHA: Row[] = [
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA'],
  [0x0038, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA'],
  [0xc005, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'],
  [0xc00f, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'],
];
const CBC_128_SHA256: Row[] = [
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256'],
  [0x0040, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'],
  [0xc025, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc029, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256'],
];
const CBC_256_SHA256: Row[] = [
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256'],
  [0x006a, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256'],
];
const CBC_256_SHA384: Row[] = [
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'],
  [0xc026, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384'],
  [0xc02a, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384'],
];

function rows(list: Row[], suite: Omit<Tls12Suite, 'name'>): [number, Tls12Suite][] {
  return list.map(([code, name]) => [code, { name, ...suite }]);
}

/** TLS 1.2 cipher suites whose records can be decrypted (IANA TLS Cipher Suites registry). */
export const TLS12_SUITES: ReadonlyMap<number, Tls12Suite> = new Map([
  ...rows(GCM_128, { prfHash: 'sha256', cipher: AES_128_GCM, nonce: 'explicit' }),
  ...rows(GCM_256, { prfHash: 'sha384', cipher: AES_256_GCM, nonce: 'explicit' }),
  ...rows(CHACHA, { prfHash: 'sha256', cipher: CHACHA20_POLY1305, nonce: 'xor' }),
  ...rows(CBC_128_SHA, { prfHash: 'sha256', cipher: cbc(16, 'sha1'), nonce: 'none' }),
  ...rows(CBC_256_SHA, { prfHash: 'sha256', cipher: cbc(32, 'sha1'), nonce: 'none' }),
  ...rows(CBC_128_SHA256, { prfHash: 'sha256', cipher: cbc(16, 'sha256'), nonce: 'none' }),
  ...rows(CBC_256_SHA256, { prfHash: 'sha256', cipher: cbc(32, 'sha256'), nonce: 'none' }),
  ...rows(CBC_256_SHA384, { prfHash: 'sha384', cipher: cbc(32, 'sha384'), nonce: 'none' }),
]);

/** Families of TLS 1.2 suites that are recognised but not decrypted, by IANA code range, for a clear reason. */
const UNSUPPORTED_FAMILIES: { from: number; to: number; family: string }[] = [
  { from: 0xc09c, to: 0xc0af, family: 'AES-CCM' },
  { from: 0xc03c, to: 0xc071, family: 'ARIA' },
  { from: 0x0041, to: 0x0046, family: 'Camellia' },
  { from: 0x0084, to: 0x0089, family: 'Camellia' },
  { from: 0x00ba, to: 0x00c5, family: 'Camellia' },
  { from: 0xc072, to: 0xc09b, family: 'Camellia' },
];
const TRIPLE_DES = new Set([0x000a, 0x000d, 0x0010, 0x0013, 0x0016, 0x001b, 0x008b, 0x008f, 0x0093, 0xc003, 0xc008, 0xc00d, 0xc012, 0xc017]);
const RC4 = new Set([0x0004, 0x0005, 0x0018, 0x008a, 0x008e, 0x0092, 0xc002, 0xc007, 0xc00c, 0xc011, 0xc016]);
const NULL_CIPHER = new Set([0x0001, 0x0002, 0x002c, 0x002d, 0x002e, 0x003b, 0x00b0, 0x00b1, 0xc001, 0xc006, 0xc00b, 0xc010, 0xc015]);

/** `0xC02F` style. */
export function suiteCode(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What kind of suite an undecryptable TLS 1.2 code is, when it is known. */
export function unsupportedTls12Family(code: number): string | null {
  if (TRIPLE_DES.has(code)) return '3DES-CBC';
  if (RC4.has(code)) return 'RC4';
  if (NULL_CIPHER.has(code)) return 'NULL (no encryption)';
  for (const f of UNSUPPORTED_FAMILIES) if (code >= f.from && code <= f.to) return f.family;
  return null;
}
