import type { CapturedSession } from './capture-model.js';
import { be16, be32 } from './byte-order.js';
import { CaptureSession } from './capture-session.js';
import { CaptureTimeText } from './capture-time.js';
import { ipv4Text, ipv6Text, type IpPacket } from './ip.js';
import { ownedCopy } from './owned-copy.js';
import { classifyFirstBytes, NOT_SMTP, NOT_YET, SENT_BY_SERVER, SMTP_PORTS, TLS_CLIENT_HELLO } from './smtp-detect.js';
import { TcpStream, type StreamReceiver } from './tcp-reassembly.js';
import type { TlsSecrets } from './tls-keylog.js';

/**
 * TCP connections of a capture, keyed by their 4-tuple (both directions in one entry). A
 * connection is classified from the first bytes either side sends; one that is not SMTP keeps only
 * a small entry (to recognise its packets and its end) and none of its bytes.
 */

const UNDECIDED = 0;
const SMTP = 1;
const IGNORED = 2;
const CLOSED = 3;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/** A connection silent this long (capture time) is finished: SMTP servers drop idle clients after 5–10 minutes (RFC 5321 §4.5.3.2). */
const IDLE_MS = 10 * 60 * 1000;
/** Without timestamps (simple packet blocks), silence is counted in packets. */
const IDLE_PACKETS = 2_000_000;
/** A closed connection's entry absorbs late retransmissions (within a few RTOs) this long before it is forgotten. */
const LINGER_MS = 10 * 1000;
/** A connection that is not SMTP is forgotten sooner: met again, it is only classified again. */
const IGNORED_IDLE_MS = 60 * 1000;
const SWEEP_EVERY_PACKETS = 8192;
/**
 * Idle connections are looked for at most this often (capture time), or when there are too many:
 * often enough that a connection is forgotten soon after its LINGER_MS or idle time is up (a
 * session that ended with RST is held that long), so the connections held are those of the last
 * LINGER_MS of the capture, not of up to twice that.
 */
const SWEEP_EVERY_MS = 1000;
/** Above this many tracked connections, those that are not SMTP are forgotten first. */
const MAX_FLOWS = 200_000;
/**
 * Bytes held per undecided connection while waiting for the other side to speak: a client may
 * talk first (junk, a PROXY header, a ClientHello to port 25) and only the server's 220 shows the
 * connection is SMTP. Beyond this the connection is not SMTP (a ClientHello, the largest such
 * first flight, is about 2 KB even with post-quantum key shares).
 */
const MAX_HELD_BYTES = 4 * 1024;
/** Bytes of each side's start looked at to classify it. */
const HEAD_BYTES = 64;

interface HeldBytes {
  side: 0 | 1;
  data: Buffer;
  packet: number;
}

export class TcpFlow {
  nextInBucket: TcpFlow | null = null;
  state = UNDECIDED;
  /** Side 0 sent the first packet seen. */
  clientSide: 0 | 1 = 0;
  synFrom = -1;
  sawOpen = false;
  readonly fin: [boolean, boolean] = [false, false];
  streams: [TcpStream, TcpStream] | null = null;
  session: CaptureSession | null = null;
  discard = false;
  /** A side sent RST: the session ends once the other side's bytes in flight are in (capture order is not wire order). */
  reset = false;
  /** Bytes of a connection not classified yet, in the order they came (both sides). */
  held: HeldBytes[] | null = null;
  heldBytes = 0;
  packets = 0;
  lastPacket: number;
  firstTime: number;
  lastTime: number;
  /** Made with the streams (a connection that is not SMTP never needs them). */
  private receiverPair: [StreamReceiver, StreamReceiver] | null = null;

  constructor(
    readonly hash: number,
    readonly v6: boolean,
    readonly a4: number,
    readonly b4: number,
    readonly a6: Buffer | null,
    readonly b6: Buffer | null,
    readonly aPort: number,
    readonly bPort: number,
    readonly firstPacket: number,
    time: number,
    private readonly table: FlowTable,
  ) {
    this.lastPacket = firstPacket;
    this.firstTime = time;
    this.lastTime = time;
  }

  get receivers(): [StreamReceiver, StreamReceiver] {
    this.receiverPair ??= [this.receiver(0), this.receiver(1)];
    return this.receiverPair;
  }

  private receiver(side: 0 | 1): StreamReceiver {
    return {
      bytes: (b, start, end, packet) => this.table.deliver(this, side, b, start, end, packet),
      missing: (count, packet) => {
        if (this.session && !this.discard) this.session.missing(side === this.clientSide, count, packet);
      },
    };
  }
}

/** The same for both directions of a connection; 30 bits, so V8 keeps it a small integer (no heap number per packet). */
function symmetricHash(a: number, b: number, p: number, q: number): number {
  const x = Math.imul((a ^ b) ^ Math.imul((a + b) | 0, 0x9e3779b1), 0x85ebca6b);
  return (x ^ Math.imul((p ^ q) | ((p + q) << 16), 0xc2b2ae35)) & 0x3fffffff;
}

function fold(b: Buffer): number {
  return b.readInt32BE(0) ^ b.readInt32BE(4) ^ b.readInt32BE(8) ^ b.readInt32BE(12);
}

export class FlowTable {
  private readonly buckets = new Map<number, TcpFlow>();
  private count = 0;
  created = 0;
  sessions = 0;
  private now = Number.NaN;
  private lastPacket = 0;
  private sinceSweep = 0;
  private lastSweep = Number.NaN;
  /** One for starts, one for ends: a long session ends minutes after the sessions around it start. */
  private readonly startText = new CaptureTimeText();
  private readonly endText = new CaptureTimeText();

  constructor(
    private readonly secretsFor: (clientRandom: Uint8Array) => TlsSecrets | null,
    private readonly onSession: (session: CapturedSession) => void,
    /** Whether any key log was given (to say why a TLS session stays encrypted). */
    private readonly keyLogGiven: () => boolean = () => false,
  ) {}

  /** One TCP segment: the header starts at `ip.start`. Returns false when the TCP header is damaged. */
  segment(ip: IpPacket, packet: number): boolean {
    const b = ip.buf;
    const time = ip.time;
    const t = ip.start;
    if (ip.end - t < 20) return false;
    const headerLength = (b[t + 12]! >> 4) * 4;
    if (headerLength < 20 || headerLength > ip.declaredLength) return false;
    const sport = be16(b, t);
    const dport = be16(b, t + 2);
    const flags = b[t + 13]!;
    if (time === time) this.now = time;
    this.lastPacket = packet;
    let hash: number;
    if (ip.version === 4) hash = symmetricHash(ip.src4, ip.dst4, sport, dport);
    else hash = symmetricHash(fold(ip.src6), fold(ip.dst6), sport, dport);
    let side = -1;
    let flow = this.buckets.get(hash) ?? null;
    for (; flow !== null; flow = flow.nextInBucket) {
      if (ip.version === 4) {
        if (flow.v6) continue;
        if (flow.a4 === ip.src4 && flow.b4 === ip.dst4 && flow.aPort === sport && flow.bPort === dport) side = 0;
        else if (flow.a4 === ip.dst4 && flow.b4 === ip.src4 && flow.aPort === dport && flow.bPort === sport) side = 1;
      } else if (flow.v6) {
        if (flow.aPort === sport && flow.bPort === dport && flow.a6!.equals(ip.src6) && flow.b6!.equals(ip.dst6)) side = 0;
        else if (flow.aPort === dport && flow.bPort === sport && flow.a6!.equals(ip.dst6) && flow.b6!.equals(ip.src6)) side = 1;
      }
      if (side >= 0) break;
    }
    if (flow !== null && flow.state !== UNDECIDED && (flags & (SYN | ACK)) === SYN) {
      // The same addresses and ports open again (a SYN after data): the old connection is over, this is a new one.
      this.finish(flow, flow.reset ? 'rst' : 'idle');
      this.remove(flow);
      flow = null;
    }
    if (flow === null) {
      flow = this.add(ip, hash, sport, dport, packet, time);
      side = 0;
    }
    flow.packets++;
    flow.lastPacket = packet;
    if (time === time) flow.lastTime = time;
    this.track(flow, side as 0 | 1, ip, t, headerLength, flags, packet);
    if (++this.sinceSweep >= SWEEP_EVERY_PACKETS && (this.count > MAX_FLOWS || !(this.now - this.lastSweep < SWEEP_EVERY_MS))) this.sweep(false);
    return true;
  }

  private track(flow: TcpFlow, side: 0 | 1, ip: IpPacket, t: number, headerLength: number, flags: number, packet: number): void {
    if (flow.state === CLOSED) return;
    if (flags & SYN) {
      flow.sawOpen = true;
      if (!(flags & ACK)) flow.synFrom = side;
      else if (flow.synFrom < 0) flow.synFrom = 1 - side;
    }
    if (flow.state === IGNORED || flow.discard) {
      this.closing(flow, side, flags);
      return;
    }
    const b = ip.buf;
    flow.streams ??= [new TcpStream(), new TcpStream()];
    const streams = flow.streams;
    const seq = be32(b, t + 4);
    if (flags & SYN) streams[side].syn(seq);
    // Only a stream holding bytes out of order acts on an acknowledgement (almost every packet carries one).
    if (flags & ACK && streams[1 - side]!.waiting) streams[1 - side]!.acknowledged(be32(b, t + 8), flow.receivers[1 - side]!);
    const length = ip.declaredLength - headerLength;
    if (length > 0 && !(flags & RST)) {
      streams[side].segment(flags & SYN ? (seq + 1) >>> 0 : seq, b, Math.min(t + headerLength, ip.end), ip.end, length, packet, flow.receivers[side]);
    }
    if (flow.discard || flow.state === IGNORED) flow.streams = null;
    this.closing(flow, side, flags);
  }

  private closing(flow: TcpFlow, side: 0 | 1, flags: number): void {
    if (flags & RST) {
      // Not the end yet: the capture may still show data the other side sent before it saw the
      // reset (certificates, a last reply). The session ends when both sides are done, after
      // LINGER_MS of silence, or at the end of the capture.
      flow.reset = true;
      flow.fin[side] = true;
    }
    if (flags & FIN) flow.fin[side] = true;
    if (flow.fin[0] && flow.fin[1] && (flow.streams === null || (!flow.streams[0].waiting && !flow.streams[1].waiting))) this.finish(flow, flow.reset ? 'rst' : 'fin');
  }

  /** In-order bytes of one side: the first ones decide whether the connection is SMTP. */
  deliver(flow: TcpFlow, side: 0 | 1, b: Buffer, start: number, end: number, packet: number): void {
    if (flow.state === UNDECIDED) {
      this.undecided(flow, side, b, start, end, packet);
      return;
    }
    if (flow.state !== SMTP || flow.discard) return;
    const session = flow.session!;
    session.bytes(side === flow.clientSide, b.subarray(start, end), packet);
    if (session.settled) flow.discard = true;
  }

  /** Holds the bytes until either side's start shows SMTP, or both show something else. */
  private undecided(flow: TcpFlow, side: 0 | 1, b: Buffer, start: number, end: number, packet: number): void {
    const first = flow.held === null;
    const kinds = first ? [-1, -1] : [this.sideKind(flow, 0), this.sideKind(flow, 1)];
    // Most connections are decided by their first segment, without copying it.
    kinds[side] = first ? this.kindOf(flow, side, b, start, end) : kinds[side]!;
    if (first && kinds[side] !== NOT_SMTP && kinds[side] !== NOT_YET) {
      this.decide(flow, side, kinds[side]!);
      this.deliver(flow, side, b, start, end, packet);
      return;
    }
    flow.held ??= [];
    flow.held.push({ side, data: Buffer.from(b.subarray(start, end)), packet });
    flow.heldBytes += end - start;
    if (!first) kinds[side] = this.sideKind(flow, side);
    const decisive = kinds.findIndex((k) => k === SENT_BY_SERVER);
    const by = decisive >= 0 ? decisive : kinds.findIndex((k) => k !== NOT_SMTP && k !== NOT_YET && k !== -1);
    if (by >= 0) {
      this.decide(flow, by as 0 | 1, kinds[by]!);
      const held = flow.held;
      flow.held = null;
      flow.heldBytes = 0;
      for (const h of held) this.deliver(flow, h.side, h.data, 0, h.data.length, h.packet);
      return;
    }
    if ((kinds[0] === NOT_SMTP && kinds[1] === NOT_SMTP) || flow.heldBytes > MAX_HELD_BYTES) {
      flow.state = IGNORED;
      flow.held = null;
      flow.heldBytes = 0;
    }
  }

  /** What one side's held start says: -1 when that side has sent nothing yet. */
  private sideKind(flow: TcpFlow, side: 0 | 1): number {
    const pieces: Buffer[] = [];
    let length = 0;
    for (const h of flow.held ?? []) {
      if (h.side !== side || length >= HEAD_BYTES) continue;
      pieces.push(h.data);
      length += h.data.length;
    }
    if (length === 0) return -1;
    const head = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    return this.kindOf(flow, side, head, 0, Math.min(head.length, HEAD_BYTES));
  }

  private kindOf(flow: TcpFlow, side: 0 | 1, b: Buffer, start: number, end: number): number {
    const ports = [flow.aPort, flow.bPort];
    return classifyFirstBytes(b, start, end, ports[side]!, ports[1 - side]!, !flow.sawOpen);
  }

  private decide(flow: TcpFlow, side: 0 | 1, kind: number): void {
    flow.state = SMTP;
    const byContent: 0 | 1 = kind === SENT_BY_SERVER ? ((1 - side) as 0 | 1) : side;
    // The opening SYN is the surest sign of who is the client; the content decides otherwise.
    flow.clientSide = flow.synFrom >= 0 ? (flow.synFrom as 0 | 1) : byContent;
    flow.session = new CaptureSession({ implicitTls: kind === TLS_CLIENT_HELLO, sawOpen: flow.sawOpen, secretsFor: this.secretsFor, keyLogGiven: this.keyLogGiven });
  }

  private finish(flow: TcpFlow, closedBy: CapturedSession['closedBy']): void {
    if (flow.state === CLOSED) return;
    if (flow.streams) {
      flow.streams[0].finish(flow.receivers[0]);
      flow.streams[1].finish(flow.receivers[1]);
    }
    const session = flow.session;
    flow.state = CLOSED;
    flow.streams = null;
    flow.session = null;
    if (!session) return;
    const c = flow.clientSide;
    const ip = (side: number) => (flow.v6 ? ipv6Text(side === 0 ? flow.a6! : flow.b6!) : ipv4Text(side === 0 ? flow.a4 : flow.b4));
    const port = (side: number) => (side === 0 ? flow.aPort : flow.bPort);
    const result = session.result({
      clientIp: ip(c),
      clientPort: port(c),
      serverIp: ip(1 - c),
      serverPort: port(1 - c),
      start: this.startText.text(flow.firstTime),
      end: this.endText.text(flow.lastTime),
      packets: { first: flow.firstPacket, last: flow.lastPacket, count: flow.packets },
      sawOpen: flow.sawOpen,
      closedBy,
    });
    // A 220 greeting alone is also how FTP starts: off the SMTP ports, the client must speak SMTP
    // too, or the greeting must say it is SMTP (RFC 5321 §4.2: "220 host ESMTP …" by custom).
    if (!SMTP_PORTS.has(result.serverPort) && result.ehloCommand === null && result.transactions.length === 0 && result.tls === null && !/\bE?SMTP\b/i.test(result.banner ?? '')) return;
    this.sessions++;
    this.onSession(result);
  }

  private add(ip: IpPacket, hash: number, sport: number, dport: number, packet: number, time: number): TcpFlow {
    const v6 = ip.version === 6;
    const flow = new TcpFlow(hash, v6, ip.src4, ip.dst4, v6 ? ownedCopy(ip.src6) : null, v6 ? ownedCopy(ip.dst6) : null, sport, dport, packet, time, this);
    flow.nextInBucket = this.buckets.get(hash) ?? null;
    this.buckets.set(hash, flow);
    this.count++;
    this.created++;
    return flow;
  }

  private remove(flow: TcpFlow): void {
    let f = this.buckets.get(flow.hash) ?? null;
    let before: TcpFlow | null = null;
    for (; f !== null && f !== flow; f = f.nextInBucket) before = f;
    if (f === null) return;
    if (before) before.nextInBucket = flow.nextInBucket;
    else if (flow.nextInBucket) this.buckets.set(flow.hash, flow.nextInBucket);
    else this.buckets.delete(flow.hash);
    this.count--;
  }

  /** Finishes idle connections and forgets closed ones; `all` at the end of the capture. */
  sweep(all: boolean): void {
    this.sinceSweep = 0;
    this.lastSweep = this.now;
    const crowded = this.count > MAX_FLOWS;
    const gone: TcpFlow[] = [];
    for (const head of this.buckets.values()) {
      for (let f: TcpFlow | null = head; f !== null; f = f.nextInBucket) {
        const idleMs = this.now - f.lastTime;
        const idle = idleMs === idleMs ? idleMs > (f.state === SMTP ? IDLE_MS : IGNORED_IDLE_MS) : this.lastPacket - f.lastPacket > IDLE_PACKETS;
        if (all) this.finish(f, f.reset ? 'rst' : 'end-of-capture');
        else if (f.state === CLOSED && (idleMs > LINGER_MS || crowded)) gone.push(f);
        else if (f.reset && (idleMs > LINGER_MS || crowded)) {
          this.finish(f, 'rst');
          gone.push(f);
        } else if (idle || (crowded && f.state !== SMTP)) {
          this.finish(f, 'idle');
          gone.push(f);
        }
      }
    }
    for (const f of gone) this.remove(f);
    if (all) {
      this.buckets.clear();
      this.count = 0;
    }
  }
}
