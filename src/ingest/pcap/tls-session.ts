import type { CapturedCertificate, CapturedTls, TlsAlertSeen } from './capture-model.js';
import { certificateFromDer } from './certificate-seen.js';
import { alertName, cipherSuiteName, isGrease, tlsVersionName } from './cipher-suites.js';
import { createTlsDecryptor, type TlsDecryptor } from './tls-decrypt.js';
import {
  HandshakeReader,
  HS_CERTIFICATE,
  HS_CERTIFICATE_REQUEST,
  HS_CLIENT_HELLO,
  HS_CLIENT_KEY_EXCHANGE,
  HS_FINISHED,
  HS_SERVER_HELLO,
  HS_SERVER_HELLO_DONE,
  parseCertificateMessage,
  parseClientHello,
  parseServerHello,
  type ClientHello,
  type ServerHello,
} from './tls-handshake.js';
import type { TlsSecrets } from './tls-keylog.js';
import { COMPRESSION_DEFLATE, COMPRESSION_NULL, compressionName, DeflateDirection } from './tls-compression.js';
import { CONTENT_ALERT, CONTENT_APPLICATION_DATA, CONTENT_CHANGE_CIPHER_SPEC, CONTENT_HANDSHAKE, TlsRecordReader } from './tls-records.js';

const TLS13 = 0x0304;
const CLIENT = 0;
const SERVER = 1;
type Side = 0 | 1;

/** Why the inside of TLS is not shown, for the dialogue line and notes. */
type Undecrypted = 'no-client-hello' | 'no-secrets' | 'unsupported' | 'failed' | 'compressed';

export const TLS13_WITHOUT_KEYS_NOTE =
  'TLS 1.3 was negotiated and no key log covers this session: the certificates both ways, whether the server asked for a client certificate, and the SMTP dialogue inside TLS are encrypted, so this capture cannot show them. To see them, capture again with a key log (SSLKEYLOGFILE on the client or server, e.g. Postfix tls_keylog or openssl s_client -keylogfile) and pass it with --keylog (or embed it in the pcapng with editcap --inject-secrets), or force TLS 1.2 for the capture.';

export const TLS13_KEYS_NOT_FOR_THIS_NOTE =
  'TLS 1.3 was negotiated and the key log given holds no secrets for this session (its client random): the certificates both ways, whether the server asked for a client certificate, and the SMTP dialogue inside TLS stay encrypted. The key log must come from this very connection (the client or server that made it).';

/**
 * One TLS session on a TCP connection (after STARTTLS, or from the first byte on 465): its
 * handshake as far as the capture shows it in clear, and with a key log its encrypted part too —
 * decrypted handshake messages go through the same handshake parser and decrypted application
 * data back to the SMTP parser through `applicationData`.
 */
export class TlsSession {
  private readonly records: [TlsRecordReader, TlsRecordReader];
  private readonly handshakes: [HandshakeReader, HandshakeReader] = [new HandshakeReader(), new HandshakeReader()];
  private clientHello: ClientHello | null = null;
  private serverHello: ServerHello | null = null;
  private version: number | null = null;
  private serverCertificates: CapturedCertificate[] | null = null;
  private clientCertificates: CapturedCertificate[] | null = null;
  private certificateRequested = false;
  private serverHelloDone = false;
  private clientKeyExchange = false;
  private readonly finished: [boolean, boolean] = [false, false];
  private readonly changedCipher: [boolean, boolean] = [false, false];
  /** This direction's records are protected from here on. */
  private readonly encrypted: [boolean, boolean] = [false, false];
  private readonly decryptFailed: [boolean, boolean] = [false, false];
  private decryptor: TlsDecryptor | null = null;
  private decrypted = false;
  private resumed = false;
  /** A Certificate message came from this side, readable or not (so the handshake was a full one). */
  private readonly certificateMessage: [boolean, boolean] = [false, false];
  /** The cipher a HelloRetryRequest chose, kept when the second ServerHello is not in the capture. */
  private retryCipher: number | null = null;
  private compression: number | null = null;
  private readonly inflaters: [DeflateDirection | null, DeflateDirection | null] = [null, null];
  private undecrypted: Undecrypted = 'no-secrets';
  private unsupportedReason = '';
  private readonly alerts: TlsAlertSeen[] = [];
  private firstPacket: number | null = null;
  readonly notes: string[] = [];

  constructor(
    private readonly implicit: boolean,
    private readonly secretsFor: (clientRandom: Uint8Array) => TlsSecrets | null,
    private readonly applicationData: (fromClient: boolean, plaintext: Buffer, packet: number) => void,
    private readonly keyLogGiven: () => boolean = () => false,
  ) {
    this.records = [this.recordReader(CLIENT), this.recordReader(SERVER)];
  }

  bytes(fromClient: boolean, b: Buffer, packet: number): void {
    this.firstPacket ??= packet;
    this.records[fromClient ? CLIENT : SERVER].feed(b, packet);
  }

  missing(fromClient: boolean, count: number): void {
    this.records[fromClient ? CLIENT : SERVER].missing(count);
  }

  /** Nothing more can be learnt from this connection's bytes: both sides are encrypted and cannot be opened. */
  get settled(): boolean {
    return this.closed(CLIENT) && this.closed(SERVER);
  }

  private closed(side: Side): boolean {
    return this.records[side].stopped || (this.encrypted[side] && (this.decryptor === null || this.decryptFailed[side]));
  }

  /** The dialogue line standing for what TLS hid, saying why it is hidden. */
  undecryptedLine(): string {
    switch (this.clientHello === null ? 'no-client-hello' : this.undecrypted) {
      case 'no-client-hello':
        return '[encrypted: the capture lacks the ClientHello, so no key log can be matched to this session]';
      case 'unsupported':
        return `[encrypted: the key log has this session's secrets, but they cannot be used (${this.unsupportedReason}); what was said inside TLS is not shown]`;
      case 'failed':
        return '[encrypted: decryption with the key log failed (see the notes); what was said inside TLS is not shown]';
      case 'compressed':
        return '[encrypted: decrypted, but the records are compressed (TLS compression) and could not be inflated; what was said inside TLS is not shown]';
      default:
        return this.keyLogGiven()
          ? '[encrypted: the key log given holds no secrets for this session (its client random); what was said inside TLS is not shown]'
          : '[encrypted: what was said inside TLS needs a key log (--keylog) to be shown]';
    }
  }

  result(): CapturedTls {
    const tls13 = this.version === TLS13;
    // Resumed: certificates went both ways in an earlier connection; this one cannot show them.
    const serverCertificates = this.resumed ? this.serverCertificates : (this.serverCertificates ?? (!tls13 && this.serverHelloDone ? [] : null));
    // TLS ≤ 1.2: the server's first flight ends with ServerHelloDone, so a CertificateRequest would have come before it.
    // TLS 1.3: it would come before the server's Finished, which only a key log shows.
    const requested = this.certificateRequested ? true : (!tls13 && this.serverHelloDone) || (tls13 && this.finished[SERVER]) ? false : null;
    let clientCertificates = this.clientCertificates;
    if (clientCertificates === null && requested === false && !this.resumed) clientCertificates = [];
    if (clientCertificates === null && requested === true && ((!tls13 && this.clientKeyExchange) || (tls13 && this.finished[CLIENT]))) {
      clientCertificates = [];
      this.note('The server asked for a client certificate and the client answered without a Certificate message at all.');
    }
    if (this.handshakes[SERVER].incomplete && this.serverCertificates === null) this.note("The server's handshake messages end inside one that is damaged or cut short: its certificates are not known.");
    if (this.resumed) this.note('The server resumed an earlier TLS session (abbreviated handshake): certificates were exchanged in an earlier connection, not in this one.');
    const hello = this.clientHello;
    const offeredVersions = hello ? hello.supportedVersions.filter((v) => !isGrease(v)).map(tlsVersionName) : [];
    const cipher = this.serverHello?.cipherSuite ?? this.retryCipher;
    return {
      version: this.version === null ? null : tlsVersionName(this.version),
      cipher: cipher === null ? null : cipherSuiteName(cipher),
      serverCertificates,
      clientCertificateRequested: requested,
      clientCertificates,
      decrypted: this.decrypted,
      compression: this.compression === null ? null : compressionName(this.compression),
      implicit: this.implicit,
      sni: hello?.serverName ?? null,
      clientHelloVersion: hello ? tlsVersionName(hello.legacyVersion) : null,
      offeredVersions,
      offeredCiphers: hello ? hello.cipherSuites.filter((c) => !isGrease(c)).map(cipherSuiteName) : [],
      clientRandom: hello ? hello.random.toString('hex') : null,
      serverRandom: this.serverHello ? this.serverHello.random.toString('hex') : null,
      resumed: this.resumed,
      alerts: this.alerts,
      packet: this.firstPacket,
    };
  }

  private recordReader(side: Side): TlsRecordReader {
    return new TlsRecordReader({
      wants: (type) => this.decryptor !== null && !this.decryptFailed[side] ? true : !(type === CONTENT_APPLICATION_DATA || this.encrypted[side]),
      record: (type, fragment, packet) => this.record(side, type, fragment, packet),
      notTls: (reason, packet) => this.note(`${side === CLIENT ? 'Client' : 'Server'} sent ${reason} at packet ${packet} where TLS was expected; the rest of its bytes are not read.`),
    });
  }

  private record(side: Side, type: number, fragment: Buffer, packet: number): void {
    // TLS 1.3 protects every record as application data (RFC 8446 §5.2); before 1.3 everything after ChangeCipherSpec is protected.
    const protectedRecord = type === CONTENT_APPLICATION_DATA || (this.version !== TLS13 && this.encrypted[side] && type !== CONTENT_CHANGE_CIPHER_SPEC);
    if (protectedRecord) {
      if (type === CONTENT_APPLICATION_DATA && this.version === TLS13) this.encrypted[side] = true;
      this.protectedRecord(side, type, fragment, packet);
      return;
    }
    this.plaintext(side, type, fragment, packet);
  }

  private plaintext(side: Side, type: number, fragment: Buffer, packet: number): void {
    switch (type) {
      case CONTENT_CHANGE_CIPHER_SPEC:
        this.changedCipher[side] = true;
        // TLS 1.3 sends a dummy ChangeCipherSpec for middleboxes (RFC 8446 §D.4); before 1.3 it switches keys.
        if (this.version !== TLS13) {
          this.encrypted[side] = true;
          // The server changes keys before any Certificate or ServerHelloDone: an abbreviated
          // handshake (RFC 5246 §7.3). A Certificate message that could not be read is not that.
          if (side === SERVER && !this.certificateMessage[SERVER] && !this.serverHelloDone && !this.handshakes[SERVER].incomplete) this.resumed = true;
        }
        return;
      case CONTENT_ALERT:
        for (let i = 0; i + 1 < fragment.length; i += 2) {
          this.alerts.push({ from: side === CLIENT ? 'client' : 'server', level: fragment[i] === 1 ? 'warning' : fragment[i] === 2 ? 'fatal' : String(fragment[i]), description: alertName(fragment[i + 1]!), packet });
        }
        return;
      case CONTENT_HANDSHAKE:
        this.handshakes[side].feed(fragment, (t, body) => this.handshakeMessage(side, t, body));
        return;
      case CONTENT_APPLICATION_DATA:
        this.applicationData(side === CLIENT, fragment, packet);
        return;
    }
  }

  private protectedRecord(side: Side, type: number, fragment: Buffer, packet: number): void {
    if (!this.decryptor || this.decryptFailed[side]) return;
    const out = this.decryptor.decrypt(side === CLIENT ? 'client' : 'server', type, fragment);
    if ('error' in out) {
      this.decryptFailed[side] = true;
      if (!this.decrypted) this.undecrypted = 'failed';
      this.note(`The ${side === CLIENT ? 'client' : 'server'}'s records from packet ${packet} on could not be decrypted with the key log: ${out.error}`);
      return;
    }
    // node:crypto gives Buffers already; only another view needs wrapping.
    let plaintext = Buffer.isBuffer(out.plaintext) ? out.plaintext : Buffer.from(out.plaintext.buffer, out.plaintext.byteOffset, out.plaintext.byteLength);
    if (this.compression !== null && this.compression !== COMPRESSION_NULL) {
      // RFC 5246 §6.2: records are compressed, then protected; decryption gives compressed bytes.
      const inflater = this.compression === COMPRESSION_DEFLATE ? (this.inflaters[side] ??= new DeflateDirection()) : null;
      const inflated = inflater ? inflater.inflate(plaintext) : { error: `compression method ${this.compression} is not known` };
      if (!Buffer.isBuffer(inflated)) {
        this.decryptFailed[side] = true;
        if (!this.decrypted) this.undecrypted = 'compressed';
        this.note(`The session uses TLS compression (${compressionName(this.compression)}) and the ${side === CLIENT ? 'client' : 'server'}'s records from packet ${packet} on could not be decompressed (${inflated.error}): what they hold is not shown.`);
        return;
      }
      plaintext = inflated;
    }
    this.decrypted = true;
    this.plaintext(side, out.contentType, plaintext, packet);
  }

  private handshakeMessage(side: Side, type: number, body: Buffer): void {
    const tls13 = this.version === TLS13;
    if (side === CLIENT) {
      if (type === HS_CLIENT_HELLO) this.clientHello ??= parseClientHello(body);
      else if (type === HS_CERTIFICATE) {
        this.certificateMessage[CLIENT] = true;
        this.clientCertificates = this.certificates(body, tls13);
      }
      else if (type === HS_CLIENT_KEY_EXCHANGE) this.clientKeyExchange = true;
      else if (type === HS_FINISHED) this.finished[CLIENT] = true;
      return;
    }
    switch (type) {
      case HS_SERVER_HELLO:
        this.serverHelloReceived(body);
        return;
      case HS_CERTIFICATE:
        this.certificateMessage[SERVER] = true;
        this.resumed = false;
        this.serverCertificates = this.certificates(body, tls13);
        return;
      case HS_CERTIFICATE_REQUEST:
        this.certificateRequested = true;
        return;
      case HS_SERVER_HELLO_DONE:
        this.serverHelloDone = true;
        return;
      case HS_FINISHED:
        this.finished[SERVER] = true;
        return;
    }
  }

  private certificates(body: Buffer, tls13: boolean): CapturedCertificate[] | null {
    const ders = parseCertificateMessage(body, tls13);
    if (ders === null) {
      this.note('A Certificate message could not be decoded (damaged or cut short).');
      return null;
    }
    return ders.map((der) => certificateFromDer(der));
  }

  private serverHelloReceived(body: Buffer): void {
    const hello = parseServerHello(body);
    if (!hello) {
      this.note('The ServerHello could not be decoded.');
      return;
    }
    this.version = hello.selectedVersion ?? hello.legacyVersion;
    if (hello.helloRetry) {
      // RFC 8446 §4.1.4: the HelloRetryRequest already names the cipher suite the ServerHello must repeat.
      this.retryCipher = hello.cipherSuite;
      this.note('The server sent a HelloRetryRequest (TLS 1.3): the client had to offer another key share.');
      return;
    }
    this.serverHello = hello;
    this.compression = hello.compressionMethod;
    if (hello.compressionMethod !== COMPRESSION_NULL) {
      this.note(`The server chose TLS compression (${compressionName(hello.compressionMethod)}, RFC 3749), which exposes the session to the CRIME attack; TLS 1.3 and current servers no longer allow it.${hello.compressionMethod === COMPRESSION_DEFLATE ? ' With a key log the records are decompressed after decryption.' : ' The plaintext inside TLS cannot be shown.'}`);
    }
    // Resumption (no certificates in this handshake): TLS 1.3 by an accepted pre-shared key
    // (RFC 8446 §2.2), TLS ≤ 1.2 by the server echoing the session id the client offered (RFC 5246 §7.4.1.3).
    const offered = this.clientHello?.sessionId;
    if (this.version === TLS13 ? hello.pskAccepted : offered !== undefined && offered.length > 0 && offered.equals(hello.sessionId)) this.resumed = true;
    if (this.version === TLS13) this.encrypted[SERVER] = true;
    const clientHello = this.clientHello;
    const secrets = clientHello ? this.secretsFor(clientHello.random) : null;
    if (!clientHello || !secrets) {
      if (this.version === TLS13) this.note(this.keyLogGiven() ? TLS13_KEYS_NOT_FOR_THIS_NOTE : TLS13_WITHOUT_KEYS_NOTE);
      return;
    }
    const made = createTlsDecryptor({
      version: this.version,
      cipherSuite: hello.cipherSuite,
      clientRandom: clientHello.random,
      serverRandom: hello.random,
      secrets,
      ...(this.version === TLS13 ? {} : { encryptThenMac: hello.encryptThenMac }),
    });
    if ('unsupported' in made) {
      this.undecrypted = 'unsupported';
      this.unsupportedReason = made.unsupported;
      this.note(`The key log has secrets for this session but they cannot be used: ${made.unsupported}.${this.version === TLS13 ? ' The certificates both ways and the SMTP dialogue inside TLS stay encrypted.' : ''}`);
      return;
    }
    this.decryptor = made;
  }

  private note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }
}
