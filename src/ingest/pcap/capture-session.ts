import type { CapturedGap, CapturedSession } from './capture-model.js';
import { ProxyHeaderReader, proxyNote } from './proxy-protocol.js';
import { SmtpDialogue } from './smtp-dialogue.js';
import type { TlsSecrets } from './tls-keylog.js';
import { TlsSession } from './tls-session.js';

/** Where a session's connection sits, filled in by the flow table when the session ends. */
export type SessionFrame = Pick<CapturedSession, 'clientIp' | 'clientPort' | 'serverIp' | 'serverPort' | 'start' | 'end' | 'packets' | 'sawOpen' | 'closedBy'>;

/** Gaps beyond this many are counted in one line. */
const MAX_GAPS = 50;

export interface CaptureSessionOptions {
  /** TLS from the first byte (465). */
  implicitTls: boolean;
  /** The capture saw the connection open, so the server's first reply is its greeting. */
  sawOpen: boolean;
  secretsFor: (clientRandom: Uint8Array) => TlsSecrets | null;
  keyLogGiven?: () => boolean;
}

/** The first bytes of a TLS record: a known content type (20–24) and major version 3. */
function looksLikeTlsRecord(b: Buffer): boolean {
  return b.length < 2 ? b.length === 0 || (b[0]! >= 20 && b[0]! <= 24) : b[0]! >= 20 && b[0]! <= 24 && b[1] === 3;
}

/**
 * One SMTP session on one TCP connection: the reassembled bytes of each side go to the SMTP
 * parser until STARTTLS (or from the start on 465) and to TLS after, and TLS application data
 * opened with a key log comes back to the same SMTP parser.
 */
export class CaptureSession {
  private readonly smtp: SmtpDialogue;
  private tls: TlsSession | null = null;
  /** Per side (client, server): whether its bytes are TLS now. */
  private readonly inTls: [boolean, boolean];
  /** Per side: bytes given to TLS so far (the first ones must look like a record). */
  private readonly tlsBytes: [number, number] = [0, 0];
  private readonly gaps: CapturedGap[] = [];
  private gapsNotListed = 0;
  private readonly proxy = new ProxyHeaderReader();
  private readonly implicitTls: boolean;
  private readonly secretsFor: (clientRandom: Uint8Array) => TlsSecrets | null;
  private readonly ownNotes: string[] = [];
  private serverSpoke = false;
  private tlsBehindProxy = false;
  private readonly keyLogGiven: () => boolean;

  constructor(o: CaptureSessionOptions) {
    this.implicitTls = o.implicitTls;
    this.secretsFor = o.secretsFor;
    this.keyLogGiven = o.keyLogGiven ?? (() => false);
    this.smtp = new SmtpDialogue(o.sawOpen);
    this.inTls = [o.implicitTls, o.implicitTls];
    if (o.implicitTls) this.smtp.enterTls();
  }

  bytes(fromClient: boolean, b: Buffer, packet: number): void {
    if (fromClient && !this.proxy.done && !this.implicitTls) {
      // A PROXY protocol header comes before anything else the client says.
      const rest = this.proxy.feed(b);
      if (rest === null || rest.length === 0) return;
      if (this.proxy.header && !this.serverSpoke && rest[0] === 0x16 && rest[1] === 3) {
        // A ClientHello right after the header, before the server said anything: TLS from the
        // first byte behind the proxy (SMTPS on 465, RFC 8314), as HAProxy fronts it.
        this.inTls[0] = true;
        this.inTls[1] = true;
        this.tlsBehindProxy = true;
        this.smtp.enterTls();
      }
      b = rest;
    }
    if (!fromClient) this.serverSpoke = true;
    const side = fromClient ? 0 : 1;
    if (this.inTls[side] && this.tlsBytes[side] === 0 && !this.implicitTls && !looksLikeTlsRecord(b)) {
      // STARTTLS was agreed, yet this side goes on in clear text (a client that gave up on TLS
      // and says QUIT, a server that answers it): read it as SMTP rather than as broken TLS.
      this.inTls[side] = false;
      this.smtp.continueInClear(fromClient);
      this.note(`After STARTTLS was accepted the ${fromClient ? 'client' : 'server'} went on in clear text (no TLS handshake at packet ${packet}); what followed is read as SMTP.`);
    }
    if (this.inTls[side]) {
      this.tlsBytes[side] += b.length;
      this.tlsSession().bytes(fromClient, b, packet);
      return;
    }
    const used = fromClient ? this.smtp.client(b, packet) : this.smtp.server(b, packet);
    const switched = fromClient ? used < b.length : this.smtp.serverSwitchedToTls;
    if (!switched) return;
    this.inTls[side] = true;
    if (this.inTls[0] && this.inTls[1]) this.smtp.enterTls();
    if (used < b.length) this.bytes(fromClient, b.subarray(used), packet);
  }

  private note(text: string): void {
    if (!this.ownNotes.includes(text)) this.ownNotes.push(text);
  }

  missing(fromClient: boolean, count: number, packet: number): void {
    if (this.gaps.length < MAX_GAPS) this.gaps.push({ from: fromClient ? 'client' : 'server', bytes: count, packet });
    else this.gapsNotListed++;
    const side = fromClient ? 0 : 1;
    // Lost TLS bytes are not the start of clear text: what follows them is mid-record.
    if (this.inTls[side]) this.tlsBytes[side] += count;
    if (this.inTls[side]) this.tls?.missing(fromClient, count);
    else if (fromClient) this.smtp.clientMissing(count);
    else this.smtp.serverMissing(count);
  }

  /** Nothing more can be learnt from this connection (TLS that cannot be opened both ways). */
  get settled(): boolean {
    return this.inTls[0] && this.inTls[1] && this.tls !== null && this.tls.settled;
  }

  result(frame: SessionFrame): CapturedSession {
    const s = this.smtp;
    const held = this.proxy.flush();
    if (held && held.length > 0) s.client(held, frame.packets.last);
    s.finish();
    const tls = this.tls?.result() ?? null;
    if (tls && !tls.decrypted && tls.version !== null) s.dialogue.push(this.tls!.undecryptedLine());
    const proxied = this.proxy.header;
    const notes = [...(proxied ? [proxyNote(proxied)] : []), ...(this.proxy.problem ? [`The client's first bytes began like a PROXY protocol header but are ${this.proxy.problem}.`] : []), ...s.notes, ...this.ownNotes, ...(this.tls?.notes ?? [])];
    if (this.gaps.length > 0) {
      const bytes = this.gaps.reduce((n, g) => n + g.bytes, 0);
      notes.push(`The capture lacks ${bytes} bytes of this connection in ${this.gaps.length + this.gapsNotListed} places (packets lost by the capture or cut by its snap length); what they held is unknown.`);
    }
    if (s.starttls === 'accepted' && tls === null) notes.push('STARTTLS was accepted but the capture holds no TLS bytes after it.');
    if (!frame.sawOpen) notes.push('The capture joined this connection already open: what was said before it started is not shown.');
    const endpoint = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
    return {
      client: endpoint(frame.clientIp, frame.clientPort),
      server: endpoint(frame.serverIp, frame.serverPort),
      clientIp: frame.clientIp,
      clientPort: frame.clientPort,
      serverIp: frame.serverIp,
      serverPort: frame.serverPort,
      start: frame.start,
      end: frame.end,
      packets: frame.packets,
      sawOpen: frame.sawOpen,
      closedBy: frame.closedBy,
      banner: s.banner,
      serverName: s.serverName,
      ehloCommand: s.ehloCommand,
      ehlo: s.ehlo,
      proxiedClient: proxied && proxied.command === 'PROXY' && proxied.sourceIp !== null ? { ip: proxied.sourceIp, port: proxied.sourcePort, protocol: `PROXY v${proxied.version}` } : null,
      extensions: s.extensions,
      extensionsAfterTls: s.extensionsAfterTls,
      starttls: s.starttls,
      auth: s.auth,
      tls,
      transactions: s.transactions,
      replies: s.replies,
      dialogue: s.dialogue,
      gaps: this.gaps,
      notes,
    };
  }

  private tlsSession(): TlsSession {
    this.tls ??= new TlsSession(this.implicitTls || this.tlsBehindProxy, this.secretsFor, (fromClient, plaintext, packet) => {
      if (fromClient) this.smtp.client(plaintext, packet);
      else this.smtp.server(plaintext, packet);
    }, this.keyLogGiven);
    return this.tls;
  }
}
