/**
 * TLS handshake messages (RFC 8446 §4, RFC 5246 §7.4): reassembled across records (a message may
 * span several records, a record may hold several messages) and the fields an SMTP diagnosis
 * needs decoded with bounds checks, so a damaged message yields null instead of a throw.
 */

import { ownedCopy } from './owned-copy.js';

export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_NEW_SESSION_TICKET = 4;
export const HS_ENCRYPTED_EXTENSIONS = 8;
export const HS_CERTIFICATE = 11;
export const HS_SERVER_KEY_EXCHANGE = 12;
export const HS_CERTIFICATE_REQUEST = 13;
export const HS_SERVER_HELLO_DONE = 14;
export const HS_CERTIFICATE_VERIFY = 15;
export const HS_CLIENT_KEY_EXCHANGE = 16;
export const HS_FINISHED = 20;

/** Certificate chains are the largest messages; nothing legitimate comes near this. */
const MAX_MESSAGE = 1 << 20;

const EXT_SERVER_NAME = 0;
const EXT_SUPPORTED_VERSIONS = 43;
const EXT_ENCRYPT_THEN_MAC = 22;
const EXT_PRE_SHARED_KEY = 41;

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest. */
const HELLO_RETRY_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

export class HandshakeReader {
  private held: Buffer | null = null;
  stopped = false;

  /** A message is begun and not complete (or its length could not be believed). */
  get incomplete(): boolean {
    return this.held !== null || this.stopped;
  }

  /** Adds one record's handshake bytes; calls `message` for each whole message. */
  feed(fragment: Buffer, message: (type: number, body: Buffer) => void): void {
    if (this.stopped) return;
    const data = this.held ? Buffer.concat([this.held, fragment]) : fragment;
    this.held = null;
    let i = 0;
    while (data.length - i >= 4) {
      const length = data.readUIntBE(i + 1, 3);
      if (length > MAX_MESSAGE) {
        this.stopped = true;
        return;
      }
      if (data.length - i < 4 + length) break;
      message(data[i]!, data.subarray(i + 4, i + 4 + length));
      i += 4 + length;
    }
    if (i < data.length) this.held = Buffer.from(data.subarray(i));
  }
}

/** Bounds-checked reading; every read past the end throws RangeError, caught by the parse functions. */
class Cursor {
  constructor(
    private readonly b: Buffer,
    public at = 0,
    private readonly end = b.length,
  ) {}
  get left(): number {
    return this.end - this.at;
  }
  u8(): number {
    if (this.left < 1) throw new RangeError('short');
    return this.b[this.at++]!;
  }
  u16(): number {
    if (this.left < 2) throw new RangeError('short');
    const v = this.b.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  u24(): number {
    if (this.left < 3) throw new RangeError('short');
    const v = this.b.readUIntBE(this.at, 3);
    this.at += 3;
    return v;
  }
  bytes(n: number): Buffer {
    if (this.left < n) throw new RangeError('short');
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  /** A sub-cursor over the next `n` bytes. */
  sub(n: number): Cursor {
    if (this.left < n) throw new RangeError('short');
    const c = new Cursor(this.b, this.at, this.at + n);
    this.at += n;
    return c;
  }
}

export interface ClientHello {
  legacyVersion: number;
  random: Buffer;
  /** The session the client offers to resume (TLS ≤ 1.2), empty when none. */
  sessionId: Buffer;
  cipherSuites: number[];
  serverName: string | null;
  supportedVersions: number[];
}

export interface ServerHello {
  legacyVersion: number;
  random: Buffer;
  cipherSuite: number;
  /** 0 null, 1 DEFLATE (RFC 3749); always 0 in TLS 1.3. */
  compressionMethod: number;
  /** From supported_versions (TLS 1.3), else null. */
  selectedVersion: number | null;
  helloRetry: boolean;
  sessionId: Buffer;
  /** RFC 7366 encrypt_then_mac was agreed (changes the layout of TLS 1.2 CBC records). */
  encryptThenMac: boolean;
  /** TLS 1.3: the server accepted a pre-shared key (resumption, RFC 8446 §4.2.11). */
  pskAccepted: boolean;
}

function extensions(c: Cursor, each: (type: number, data: Cursor) => void): void {
  if (c.left < 2) return;
  const all = c.sub(c.u16());
  while (all.left >= 4) {
    const type = all.u16();
    each(type, all.sub(all.u16()));
  }
}

export function parseClientHello(body: Buffer): ClientHello | null {
  try {
    const c = new Cursor(body);
    const legacyVersion = c.u16();
    const random = ownedCopy(c.bytes(32));
    const sessionId = ownedCopy(c.bytes(c.u8()));
    const suites = c.sub(c.u16());
    const cipherSuites: number[] = [];
    while (suites.left >= 2) cipherSuites.push(suites.u16());
    c.bytes(c.u8());
    let serverName: string | null = null;
    const supportedVersions: number[] = [];
    extensions(c, (type, data) => {
      if (type === EXT_SERVER_NAME) {
        const list = data.sub(data.u16());
        while (list.left >= 3) {
          const nameType = list.u8();
          const name = list.bytes(list.u16());
          if (nameType === 0 && serverName === null) serverName = name.toString('ascii');
        }
      } else if (type === EXT_SUPPORTED_VERSIONS) {
        const list = data.sub(data.u8());
        while (list.left >= 2) supportedVersions.push(list.u16());
      }
    });
    return { legacyVersion, random, sessionId, cipherSuites, serverName, supportedVersions };
  } catch {
    return null;
  }
}

export function parseServerHello(body: Buffer): ServerHello | null {
  try {
    const c = new Cursor(body);
    const legacyVersion = c.u16();
    const random = ownedCopy(c.bytes(32));
    const sessionId = ownedCopy(c.bytes(c.u8()));
    const cipherSuite = c.u16();
    const compressionMethod = c.u8();
    let selectedVersion: number | null = null;
    let encryptThenMac = false;
    let pskAccepted = false;
    extensions(c, (type, data) => {
      if (type === EXT_SUPPORTED_VERSIONS && data.left >= 2) selectedVersion = data.u16();
      if (type === EXT_ENCRYPT_THEN_MAC) encryptThenMac = true;
      if (type === EXT_PRE_SHARED_KEY) pskAccepted = true;
    });
    return { legacyVersion, random, cipherSuite, compressionMethod, selectedVersion, helloRetry: random.toString('hex') === HELLO_RETRY_RANDOM, sessionId, encryptThenMac, pskAccepted };
  } catch {
    return null;
  }
}

/**
 * The DER certificates of a Certificate message, leaf first. TLS 1.3 (RFC 8446 §4.4.2) adds a
 * request context before the list and extensions after each certificate; TLS ≤ 1.2 is a bare list.
 * An empty list is what a client without a certificate sends when asked for one.
 */
export function parseCertificateMessage(body: Buffer, tls13: boolean): Buffer[] | null {
  try {
    const c = new Cursor(body);
    if (tls13) c.bytes(c.u8());
    const list = c.sub(c.u24());
    const out: Buffer[] = [];
    while (list.left > 0) {
      out.push(Buffer.from(list.bytes(list.u24())));
      if (tls13) list.bytes(list.u16());
    }
    return out;
  } catch {
    return null;
  }
}
