import type { CapturedGap, CapturedSession } from './capture-model.js';
import { SmtpDialogue } from './smtp-dialogue.js';
import type { TlsSecrets } from './tls-keylog.js';
import { TlsSession } from './tls-session.js';

/** Where a session's connection sits, filled in by the flow table when the session ends. */
export type SessionFrame = Pick<CapturedSession, 'clientIp' | 'clientPort' | 'serverIp' | 'serverPort' | 'start' | 'end' | 'packets' | 'sawOpen' | 'closedBy'>;

/** Gaps beyond this many are counted in one line. */
const MAX_GAPS = 50;

/**
 * One SMTP session on one TCP connection: the reassembled bytes of each side go to the SMTP
 * parser until STARTTLS (or from the start on 465) and to TLS after, and TLS application data
 * opened with a key log comes back to the same SMTP parser.
 */
export class CaptureSession {
  private readonly smtp = new SmtpDialogue();
  private tls: TlsSession | null = null;
  /** Per side (client, server): whether its bytes are TLS now. */
  private readonly inTls: [boolean, boolean];
  private readonly gaps: CapturedGap[] = [];
  private gapsNotListed = 0;

  constructor(
    private readonly implicitTls: boolean,
    private readonly secretsFor: (clientRandom: Uint8Array) => TlsSecrets | null,
  ) {
    this.inTls = [implicitTls, implicitTls];
    if (implicitTls) this.smtp.enterTls();
  }

  bytes(fromClient: boolean, b: Buffer, packet: number): void {
    const side = fromClient ? 0 : 1;
    if (this.inTls[side]) {
      this.tlsSession().bytes(fromClient, b, packet);
      return;
    }
    const used = fromClient ? this.smtp.client(b, packet) : this.smtp.server(b, packet);
    const switched = fromClient ? used < b.length : this.smtp.serverSwitchedToTls;
    if (!switched) return;
    this.inTls[side] = true;
    if (this.inTls[0] && this.inTls[1]) this.smtp.enterTls();
    if (used < b.length) this.tlsSession().bytes(fromClient, b.subarray(used), packet);
  }

  missing(fromClient: boolean, count: number, packet: number): void {
    if (this.gaps.length < MAX_GAPS) this.gaps.push({ from: fromClient ? 'client' : 'server', bytes: count, packet });
    else this.gapsNotListed++;
    const side = fromClient ? 0 : 1;
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
    s.finish();
    const tls = this.tls?.result() ?? null;
    if (tls && !tls.decrypted && tls.version !== null) s.dialogue.push('[encrypted: what was said inside TLS needs a key log (--keylog) to be shown]');
    const notes = [...s.notes, ...(this.tls?.notes ?? [])];
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
    this.tls ??= new TlsSession(this.implicitTls, this.secretsFor, (fromClient, plaintext, packet) => {
      if (fromClient) this.smtp.client(plaintext, packet);
      else this.smtp.server(plaintext, packet);
    });
    return this.tls;
  }
}
