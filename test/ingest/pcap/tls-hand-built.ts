import { createCipheriv, randomBytes } from 'node:crypto';
import { constants, createDeflate } from 'node:zlib';
import { tls12KeyBlock } from '../../../src/ingest/pcap/tls12-prf.js';

/**
 * TLS messages built byte by byte from RFC 5246 §7.4 / RFC 8446 §4 grammar, for the cases a real
 * stack will not produce on request: a HelloRetryRequest with no second ServerHello, an echoed
 * session id (resumption), a damaged Certificate message, DEFLATE record compression (RFC 3749)
 * — OpenSSL 3 no longer compresses.
 */

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const v8 = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]);
const v16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);

export const HANDSHAKE = 22;
export const CHANGE_CIPHER_SPEC = 20;
export const APPLICATION_DATA = 23;

export function record(type: number, body: Buffer, version = 0x0303): Buffer {
  return Buffer.concat([Buffer.from([type]), u16(version), u16(body.length), body]);
}

export function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u24(body.length), body]);
}

function extension(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), v16(data)]);
}

export function clientHello(o: { random: Buffer; sessionId?: Buffer; suites: number[]; compression?: number[]; tls13?: boolean }): Buffer {
  const exts = o.tls13 ? [extension(43, v8(Buffer.concat([u16(0x0304), u16(0x0303)])))] : [];
  return handshake(
    1,
    Buffer.concat([u16(0x0303), o.random, v8(o.sessionId ?? Buffer.alloc(0)), v16(Buffer.concat(o.suites.map(u16))), v8(Buffer.from(o.compression ?? [0])), v16(Buffer.concat(exts))]),
  );
}

/** RFC 8446 §4.1.3: the random that makes a ServerHello a HelloRetryRequest. */
export const HELLO_RETRY_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

export function serverHello(o: { random: Buffer; sessionId?: Buffer; suite: number; compression?: number; tls13?: boolean }): Buffer {
  const exts = o.tls13 ? [extension(43, u16(0x0304))] : [];
  return handshake(2, Buffer.concat([u16(0x0303), o.random, v8(o.sessionId ?? Buffer.alloc(0)), u16(o.suite), Buffer.from([o.compression ?? 0]), v16(Buffer.concat(exts))]));
}

export const serverHelloDone = () => handshake(14, Buffer.alloc(0));
export const clientKeyExchange = () => handshake(16, v8(randomBytes(65)));
export const finished = () => handshake(20, randomBytes(12));
export const changeCipherSpec = () => record(CHANGE_CIPHER_SPEC, Buffer.from([1]));

/**
 * One direction of TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xC02F) as RFC 5246 §6.2 and RFC 5288
 * protect it: the fragment is compressed first (when `deflate`), then sealed with nonce = salt ||
 * explicit sequence number and additional data = seq || type || version || compressed length.
 */
export class Gcm12Writer {
  private seq = 0n;
  private readonly deflate = createDeflate();
  private readonly key: Buffer;
  private readonly salt: Buffer;

  constructor(
    keys: { key: Buffer; salt: Buffer },
    private readonly compress: boolean,
  ) {
    this.key = keys.key;
    this.salt = keys.salt;
  }

  /** Every compressed record ends with a sync flush (RFC 3749 §2.1). */
  async seal(type: number, plaintext: Buffer): Promise<Buffer> {
    const body = this.compress ? await this.deflateRecord(plaintext) : plaintext;
    const explicit = Buffer.alloc(8);
    explicit.writeBigUInt64BE(this.seq);
    const aad = Buffer.concat([explicit, Buffer.from([type]), u16(0x0303), u16(body.length)]);
    this.seq++;
    const cipher = createCipheriv('aes-128-gcm', this.key, Buffer.concat([this.salt, explicit]));
    cipher.setAAD(aad);
    const sealed = Buffer.concat([explicit, cipher.update(body), cipher.final(), cipher.getAuthTag()]);
    return record(type, sealed);
  }

  private deflateRecord(plaintext: Buffer): Promise<Buffer> {
    const out: Buffer[] = [];
    const take = (c: Buffer) => out.push(c);
    this.deflate.on('data', take);
    this.deflate.write(plaintext);
    return new Promise((resolve) =>
      this.deflate.flush(constants.Z_SYNC_FLUSH, () => {
        this.deflate.off('data', take);
        resolve(Buffer.concat(out));
      }),
    );
  }
}

export function gcm12Keys(master: Buffer, clientRandom: Buffer, serverRandom: Buffer) {
  const k = tls12KeyBlock('sha256', master, clientRandom, serverRandom, { macLength: 0, keyLength: 16, fixedIvLength: 4 });
  return { client: { key: k.clientKey, salt: k.clientIv }, server: { key: k.serverKey, salt: k.serverIv } };
}
