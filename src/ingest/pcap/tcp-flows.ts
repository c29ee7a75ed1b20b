import type { CapturedSession } from './capture-model.js';
import { be16, be32 } from './byte-order.js';
import { CaptureSession } from './capture-session.js';
import { ipv4Text, ipv6Text, type IpPacket } from './ip.js';
import { classifyFirstBytes, NOT_SMTP, SENT_BY_SERVER, SMTP_PORTS, TLS_CLIENT_HELLO } from './smtp-detect.js';
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
/** Idle connections are looked for at most this often (capture time), or when there are too many. */
const SWEEP_EVERY_MS = 10 * 1000;
/** Above this many tracked connections, those that are not SMTP are forgotten first. */
const MAX_FLOWS = 200_000;

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

  constructor(
    private readonly secretsFor: (clientRandom: Uint8Array) => TlsSecrets | null,
    private readonly onSession: (session: CapturedSession) => void,
  ) {}

  /** One TCP segment: the header starts at `ip.start`. Returns false when the TCP header is damaged. */
  segment(ip: IpPacket, packet: number, time: number): boolean {
    const b = ip.buf;
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
      this.finish(flow, 'idle');
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
    if (flags & ACK) streams[1 - side]!.acknowledged(be32(b, t + 8), flow.receivers[1 - side]!);
    const length = ip.declaredLength - headerLength;
    if (length > 0 && !(flags & RST)) {
      streams[side].segment(flags & SYN ? (seq + 1) >>> 0 : seq, b, Math.min(t + headerLength, ip.end), ip.end, length, packet, flow.receivers[side]);
    }
    if (flow.discard || flow.state === IGNORED) flow.streams = null;
    this.closing(flow, side, flags);
  }

  private closing(flow: TcpFlow, side: 0 | 1, flags: number): void {
    if (flags & RST) {
      this.finish(flow, 'rst');
      return;
    }
    if (flags & FIN) flow.fin[side] = true;
    if (flow.fin[0] && flow.fin[1] && (flow.streams === null || (!flow.streams[0].waiting && !flow.streams[1].waiting))) this.finish(flow, 'fin');
  }

  /** In-order bytes of one side: the first ones decide whether the connection is SMTP. */
  deliver(flow: TcpFlow, side: 0 | 1, b: Buffer, start: number, end: number, packet: number): void {
    if (flow.state === UNDECIDED) this.classify(flow, side, b, start, end);
    if (flow.state !== SMTP || flow.discard) return;
    const session = flow.session!;
    session.bytes(side === flow.clientSide, b.subarray(start, end), packet);
    if (session.settled) flow.discard = true;
  }

  private classify(flow: TcpFlow, side: 0 | 1, b: Buffer, start: number, end: number): void {
    const ports = [flow.aPort, flow.bPort];
    const kind = classifyFirstBytes(b, start, end, ports[side]!, ports[1 - side]!, !flow.sawOpen);
    if (kind === NOT_SMTP) {
      flow.state = IGNORED;
      return;
    }
    flow.state = SMTP;
    const byContent: 0 | 1 = kind === SENT_BY_SERVER ? ((1 - side) as 0 | 1) : side;
    // The opening SYN is the surest sign of who is the client; the content decides otherwise.
    flow.clientSide = flow.synFrom >= 0 ? (flow.synFrom as 0 | 1) : byContent;
    flow.session = new CaptureSession(kind === TLS_CLIENT_HELLO, this.secretsFor);
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
    // A damaged interface option can put a time outside what Date holds (±8.64e15 ms).
    const iso = (t: number) => (Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : null);
    const result = session.result({
      clientIp: ip(c),
      clientPort: port(c),
      serverIp: ip(1 - c),
      serverPort: port(1 - c),
      start: iso(flow.firstTime),
      end: iso(flow.lastTime),
      packets: { first: flow.firstPacket, last: flow.lastPacket, count: flow.packets },
      sawOpen: flow.sawOpen,
      closedBy,
    });
    // A 220 greeting alone is also how FTP starts: off the SMTP ports, the client must speak SMTP too.
    if (!SMTP_PORTS.has(result.serverPort) && result.ehloCommand === null && result.transactions.length === 0 && result.tls === null) return;
    this.sessions++;
    this.onSession(result);
  }

  private add(ip: IpPacket, hash: number, sport: number, dport: number, packet: number, time: number): TcpFlow {
    const v6 = ip.version === 6;
    const flow = new TcpFlow(hash, v6, ip.src4, ip.dst4, v6 ? Buffer.from(ip.src6) : null, v6 ? Buffer.from(ip.dst6) : null, sport, dport, packet, time, this);
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
        if (all) this.finish(f, 'end-of-capture');
        else if (f.state === CLOSED && (idleMs > LINGER_MS || crowded)) gone.push(f);
        else if (idle || (crowded && f.state !== SMTP)) {
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
