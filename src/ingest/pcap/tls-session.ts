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
import { CONTENT_ALERT, CONTENT_APPLICATION_DATA, CONTENT_CHANGE_CIPHER_SPEC, CONTENT_HANDSHAKE, TlsRecordReader } from './tls-records.js';

const TLS13 = 0x0304;
const CLIENT = 0;
const SERVER = 1;
type Side = 0 | 1;

export const TLS13_WITHOUT_KEYS_NOTE =
  'TLS 1.3 was negotiated and no key log covers this session: the certificates both ways, whether the server asked for a client certificate, and the SMTP dialogue inside TLS are encrypted, so this capture cannot show them. To see them, capture again with a key log (SSLKEYLOGFILE on the client or server, e.g. Postfix tls_keylog or openssl s_client -keylogfile) and pass it with --keylog (or embed it in the pcapng with editcap --inject-secrets), or force TLS 1.2 for the capture.';

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
  private readonly alerts: TlsAlertSeen[] = [];
  private firstPacket: number | null = null;
  readonly notes: string[] = [];

  constructor(
    private readonly implicit: boolean,
    private readonly secretsFor: (clientRandom: Uint8Array) => TlsSecrets | null,
    private readonly applicationData: (fromClient: boolean, plaintext: Buffer, packet: number) => void,
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

  result(): CapturedTls {
    const tls13 = this.version === TLS13;
    const serverCertificates = this.serverCertificates ?? (!tls13 && this.serverHelloDone ? [] : null);
    // TLS ≤ 1.2: the server's first flight ends with ServerHelloDone, so a CertificateRequest would have come before it.
    // TLS 1.3: it would come before the server's Finished, which only a key log shows.
    const requested = this.certificateRequested ? true : (!tls13 && this.serverHelloDone) || (tls13 && this.finished[SERVER]) ? false : null;
    let clientCertificates = this.clientCertificates;
    if (clientCertificates === null && requested === false) clientCertificates = [];
    if (clientCertificates === null && requested === true && ((!tls13 && this.clientKeyExchange) || (tls13 && this.finished[CLIENT]))) {
      clientCertificates = [];
      this.note('The server asked for a client certificate and the client answered without a Certificate message at all.');
    }
    if (this.resumed) this.note('The server resumed an earlier TLS session (abbreviated handshake): certificates were exchanged in an earlier connection, not in this one.');
    const hello = this.clientHello;
    const offeredVersions = hello ? hello.supportedVersions.filter((v) => !isGrease(v)).map(tlsVersionName) : [];
    return {
      version: this.version === null ? null : tlsVersionName(this.version),
      cipher: this.serverHello ? cipherSuiteName(this.serverHello.cipherSuite) : null,
      serverCertificates,
      clientCertificateRequested: requested,
      clientCertificates,
      decrypted: this.decrypted,
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
          if (side === SERVER && this.serverCertificates === null && !this.serverHelloDone) this.resumed = true;
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
      this.note(`The ${side === CLIENT ? 'client' : 'server'}'s records from packet ${packet} on could not be decrypted with the key log: ${out.error}`);
      return;
    }
    this.decrypted = true;
    this.plaintext(side, out.contentType, Buffer.from(out.plaintext.buffer, out.plaintext.byteOffset, out.plaintext.byteLength), packet);
  }

  private handshakeMessage(side: Side, type: number, body: Buffer): void {
    const tls13 = this.version === TLS13;
    if (side === CLIENT) {
      if (type === HS_CLIENT_HELLO) this.clientHello ??= parseClientHello(body);
      else if (type === HS_CERTIFICATE) this.clientCertificates = this.certificates(body, tls13);
      else if (type === HS_CLIENT_KEY_EXCHANGE) this.clientKeyExchange = true;
      else if (type === HS_FINISHED) this.finished[CLIENT] = true;
      return;
    }
    switch (type) {
      case HS_SERVER_HELLO:
        this.serverHelloReceived(body);
        return;
      case HS_CERTIFICATE:
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
      this.note('The server sent a HelloRetryRequest (TLS 1.3): the client had to offer another key share.');
      return;
    }
    this.serverHello = hello;
    if (this.version === TLS13) this.encrypted[SERVER] = true;
    const clientHello = this.clientHello;
    const secrets = clientHello ? this.secretsFor(clientHello.random) : null;
    if (!clientHello || !secrets) {
      if (this.version === TLS13) this.note(TLS13_WITHOUT_KEYS_NOTE);
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
      this.note(`The key log has secrets for this session but they cannot be used: ${made.unsupported}.`);
      if (this.version === TLS13) this.note(TLS13_WITHOUT_KEYS_NOTE);
      return;
    }
    this.decryptor = made;
  }

  private note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }
}
