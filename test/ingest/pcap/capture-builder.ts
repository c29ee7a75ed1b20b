/**
 * Test-only assembly of capture files byte by byte, following the formats' specifications
 * (pcap-savefile(5), draft-ietf-opsawg-pcapng, IEEE 802.3/802.1Q, RFC 791, RFC 8200, RFC 9293),
 * so each reader layer is checked against bytes laid out the way the spec says.
 */

export interface Frame {
  data: Buffer;
  /** Seconds since the epoch (fractional). */
  time?: number;
  /** Length on the wire, when the capture kept fewer bytes. */
  originalLength?: number;
  /** pcapng interface index. */
  iface?: number;
}

export function pcapFile(frames: Frame[], o: { linkType?: number; littleEndian?: boolean; nanoseconds?: boolean; snapLength?: number } = {}): Buffer {
  const le = o.littleEndian ?? true;
  const h = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const w16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  w32(h, o.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(h, 2, 4);
  w16(h, 4, 6);
  w32(h, o.snapLength ?? 262144, 16);
  w32(h, o.linkType ?? 1, 20);
  const parts: Buffer[] = [h];
  for (const f of frames) {
    const r = Buffer.alloc(16);
    const t = f.time ?? 1_700_000_000;
    const seconds = Math.floor(t);
    w32(r, seconds, 0);
    w32(r, Math.round((t - seconds) * (o.nanoseconds ? 1e9 : 1e6)), 4);
    w32(r, f.data.length, 8);
    w32(r, f.originalLength ?? f.data.length, 12);
    parts.push(r, f.data);
  }
  return Buffer.concat(parts);
}

/** pcapng writer: blocks in order, each section in its own byte order. */
export class PcapngWriter {
  private readonly parts: Buffer[] = [];
  private le = true;

  private block(type: number, body: Buffer): this {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const total = padded.length + 12;
    const head = Buffer.alloc(8);
    const tail = Buffer.alloc(4);
    this.w32(head, type, 0);
    this.w32(head, total, 4);
    this.w32(tail, total, 0);
    this.parts.push(head, padded, tail);
    return this;
  }

  private w32(b: Buffer, v: number, at: number): void {
    if (this.le) b.writeUInt32LE(v >>> 0, at);
    else b.writeUInt32BE(v >>> 0, at);
  }

  private w16(b: Buffer, v: number, at: number): void {
    if (this.le) b.writeUInt16LE(v, at);
    else b.writeUInt16BE(v, at);
  }

  private options(list: { code: number; value: Buffer }[]): Buffer {
    if (list.length === 0) return Buffer.alloc(0);
    const out: Buffer[] = [];
    for (const o of [...list, { code: 0, value: Buffer.alloc(0) }]) {
      const h = Buffer.alloc(4);
      this.w16(h, o.code, 0);
      this.w16(h, o.value.length, 2);
      out.push(h, o.value, Buffer.alloc((4 - (o.value.length % 4)) % 4));
    }
    return Buffer.concat(out);
  }

  section(littleEndian = true): this {
    this.le = littleEndian;
    const body = Buffer.alloc(16);
    this.w32(body, 0x1a2b3c4d, 0);
    this.w16(body, 1, 4);
    this.w16(body, 0, 6);
    body.writeInt32LE(-1, 8);
    body.writeInt32LE(-1, 12);
    return this.block(0x0a0d0d0a, body);
  }

  /** `tsresol`: the if_tsresol byte (6 = microseconds, 9 = nanoseconds, 0x80|n = 2^-n). */
  iface(linkType: number, o: { snapLength?: number; tsresol?: number } = {}): this {
    const body = Buffer.alloc(8);
    this.w16(body, linkType, 0);
    this.w32(body, o.snapLength ?? 262144, 4);
    const opts = o.tsresol === undefined ? [] : [{ code: 9, value: Buffer.from([o.tsresol]) }];
    return this.block(1, Buffer.concat([body, this.options(opts)]));
  }

  /** Enhanced Packet Block; `units` is the timestamp in the interface's resolution. */
  epb(iface: number, data: Buffer, units: bigint, originalLength = data.length): this {
    const body = Buffer.alloc(20);
    this.w32(body, iface, 0);
    this.w32(body, Number(units >> 32n), 4);
    this.w32(body, Number(units & 0xffffffffn), 8);
    this.w32(body, data.length, 12);
    this.w32(body, originalLength, 16);
    return this.block(6, Buffer.concat([body, data]));
  }

  spb(data: Buffer, originalLength = data.length): this {
    const body = Buffer.alloc(4);
    this.w32(body, originalLength, 0);
    return this.block(3, Buffer.concat([body, data]));
  }

  /** The obsolete Packet Block (type 2). */
  obsoletePacket(iface: number, data: Buffer, units: bigint): this {
    const body = Buffer.alloc(20);
    this.w16(body, iface, 0);
    this.w16(body, 0, 2);
    this.w32(body, Number(units >> 32n), 4);
    this.w32(body, Number(units & 0xffffffffn), 8);
    this.w32(body, data.length, 12);
    this.w32(body, data.length, 16);
    return this.block(2, Buffer.concat([body, data]));
  }

  /** Name Resolution Block with one IPv4 record. */
  nameResolution(ip: string, name: string): this {
    const value = Buffer.concat([Buffer.from(ip.split('.').map(Number)), Buffer.from(`${name}\0`)]);
    const rec = Buffer.alloc(4);
    this.w16(rec, 1, 0);
    this.w16(rec, value.length, 2);
    const end = Buffer.alloc(4);
    return this.block(4, Buffer.concat([rec, value, Buffer.alloc((4 - (value.length % 4)) % 4), end]));
  }

  decryptionSecrets(keyLogText: string): this {
    const data = Buffer.from(keyLogText);
    const body = Buffer.alloc(8);
    this.w32(body, 0x544c534b, 0);
    this.w32(body, data.length, 4);
    return this.block(10, Buffer.concat([body, data]));
  }

  unknown(type: number, body: Buffer): this {
    return this.block(type, body);
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

// ---- link layers ----

const MAC_A = Buffer.from('02005e100001', 'hex');
const MAC_B = Buffer.from('02005e100002', 'hex');

export function ethernet(payload: Buffer, ethertype: number, vlans: { tpid: number; id: number }[] = []): Buffer {
  const tags = vlans.map((v) => {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(v.tpid, 0);
    t.writeUInt16BE(v.id & 0x0fff, 2);
    return t;
  });
  const type = Buffer.alloc(2);
  type.writeUInt16BE(ethertype, 0);
  return Buffer.concat([MAC_B, MAC_A, ...tags, type, payload]);
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL): 16 bytes, protocol last. */
export function sll(payload: Buffer, protocol: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0, 0); // packet type: to us
  h.writeUInt16BE(1, 2); // ARPHRD_ETHER
  h.writeUInt16BE(6, 4);
  MAC_A.copy(h, 6);
  h.writeUInt16BE(protocol, 14);
  return Buffer.concat([h, payload]);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): 20 bytes, protocol first. */
export function sll2(payload: Buffer, protocol: number): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(protocol, 0);
  h.writeUInt32BE(2, 4); // interface index
  h.writeUInt16BE(1, 8); // ARPHRD_ETHER
  h[10] = 4; // outgoing
  h[11] = 6;
  MAC_A.copy(h, 12);
  return Buffer.concat([h, payload]);
}

/** BSD loopback: the address family as a 32-bit number, in host (`le`) or network byte order. */
export function loopback(payload: Buffer, family: number, le: boolean): Buffer {
  const h = Buffer.alloc(4);
  if (le) h.writeUInt32LE(family, 0);
  else h.writeUInt32BE(family, 0);
  return Buffer.concat([h, payload]);
}

// ---- IP and TCP ----

function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function v4(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

export function v6(address: string): Buffer {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

export function ipv4(src: string, dst: string, protocol: number, payload: Buffer, o: { id?: number; fragmentOffset?: number; more?: boolean; totalLength?: number } = {}): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(o.totalLength ?? 20 + payload.length, 2);
  h.writeUInt16BE(o.id ?? 1, 4);
  h.writeUInt16BE(((o.more ? 1 : 0) << 13) | ((o.fragmentOffset ?? 0) / 8), 6);
  h[8] = 64;
  h[9] = protocol;
  v4(src).copy(h, 12);
  v4(dst).copy(h, 16);
  h.writeUInt16BE(checksum(h), 10);
  return Buffer.concat([h, payload]);
}

/** An IPv4 datagram split into fragments of at most `size` payload bytes (a multiple of 8). */
export function ipv4Fragments(src: string, dst: string, protocol: number, payload: Buffer, size: number, id: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < payload.length; at += size) {
    out.push(ipv4(src, dst, protocol, payload.subarray(at, at + size), { id, fragmentOffset: at, more: at + size < payload.length }));
  }
  return out;
}

/** IPv6 with optional extension headers (each given as [type, body], body padded to 8-byte units). */
export function ipv6(src: string, dst: string, protocol: number, payload: Buffer, extensions: { type: number; body?: Buffer }[] = []): Buffer {
  const chain: Buffer[] = [];
  const types = [...extensions.map((e) => e.type), protocol];
  extensions.forEach((e, i) => {
    if (e.type === 44) {
      const f = Buffer.alloc(8);
      f[0] = types[i + 1]!;
      if (e.body) e.body.copy(f, 2);
      chain.push(f);
      return;
    }
    const body = e.body ?? Buffer.alloc(6);
    const total = Math.ceil((body.length + 2) / 8) * 8;
    const x = Buffer.alloc(total);
    x[0] = types[i + 1]!;
    x[1] = total / 8 - 1;
    body.copy(x, 2);
    chain.push(x);
  });
  const rest = Buffer.concat([...chain, payload]);
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(rest.length, 4);
  h[6] = types[0]!;
  h[7] = 64;
  v6(src).copy(h, 8);
  v6(dst).copy(h, 24);
  return Buffer.concat([h, rest]);
}

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export function tcp(sport: number, dport: number, seq: number, ack: number, flags: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(seq >>> 0, 4);
  h.writeUInt32BE(ack >>> 0, 8);
  h[12] = 5 << 4;
  h[13] = flags;
  h.writeUInt16BE(65535, 14);
  return Buffer.concat([h, payload]);
}

// ---- conversations ----

export interface Segment {
  fromClient: boolean;
  seq: number;
  ack: number;
  flags: number;
  payload: Buffer;
}

/**
 * The TCP segments of one connection, numbered as the two stacks would number them: a
 * three-way handshake, data each way (split into segments of at most `mss` bytes), and the close.
 */
export class Conversation {
  readonly segments: Segment[] = [];
  private clientSeq: number;
  private serverSeq: number;

  constructor(
    readonly clientEnd: { ip: string; port: number },
    readonly serverEnd: { ip: string; port: number },
    o: { clientIsn?: number; serverIsn?: number; open?: boolean; mss?: number } = {},
  ) {
    this.clientSeq = o.clientIsn ?? 1000;
    this.serverSeq = o.serverIsn ?? 5000;
    this.mss = o.mss ?? 1400;
    if (o.open !== false) {
      this.push(true, SYN, Buffer.alloc(0));
      this.clientSeq++;
      this.push(false, SYN | ACK, Buffer.alloc(0), this.serverSeq, this.clientSeq);
      this.serverSeq++;
      this.push(true, ACK, Buffer.alloc(0));
    }
  }

  private readonly mss: number;

  private push(fromClient: boolean, flags: number, payload: Buffer, seq?: number, ack?: number): void {
    this.segments.push({
      fromClient,
      seq: seq ?? (fromClient ? this.clientSeq : this.serverSeq),
      ack: ack ?? (fromClient ? this.serverSeq : this.clientSeq),
      flags,
      payload,
    });
  }

  say(fromClient: boolean, data: Buffer | string): this {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; at += this.mss) {
      const piece = bytes.subarray(at, at + this.mss);
      this.push(fromClient, ACK | PSH, piece);
      if (fromClient) this.clientSeq = (this.clientSeq + piece.length) >>> 0;
      else this.serverSeq = (this.serverSeq + piece.length) >>> 0;
    }
    return this;
  }

  client(data: Buffer | string): this {
    return this.say(true, data);
  }

  server(data: Buffer | string): this {
    return this.say(false, data);
  }

  close(): this {
    this.push(true, FIN | ACK, Buffer.alloc(0));
    this.clientSeq++;
    this.push(false, FIN | ACK, Buffer.alloc(0));
    this.serverSeq++;
    this.push(true, ACK, Buffer.alloc(0));
    return this;
  }

  /** Each segment as an IP packet (IPv4 or IPv6 by the addresses). */
  packets(segments: Segment[] = this.segments): Buffer[] {
    return segments.map((s) => {
      const from = s.fromClient ? this.clientEnd : this.serverEnd;
      const to = s.fromClient ? this.serverEnd : this.clientEnd;
      const t = tcp(from.port, to.port, s.seq, s.ack, s.flags, s.payload);
      return from.ip.includes(':') ? ipv6(from.ip, to.ip, 6, t) : ipv4(from.ip, to.ip, 6, t);
    });
  }

  /** Ethernet frames, one per segment, a millisecond apart from `start`. */
  frames(start = 1_700_000_000, segments: Segment[] = this.segments): Frame[] {
    return this.packets(segments).map((p, i) => ({ data: ethernet(p, this.clientEnd.ip.includes(':') ? 0x86dd : 0x0800), time: start + i / 1000 }));
  }
}

/** A plain SMTP session as Postfix and a client would exchange it. */
export function plainSmtp(c: Conversation, o: { rejectRcpt?: boolean } = {}): Conversation {
  c.server('220 mail.contoso.com ESMTP Postfix\r\n')
    .client('EHLO client.fabrikam.com\r\n')
    .server('250-mail.contoso.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n')
    .client('MAIL FROM:<alice@fabrikam.com> SIZE=120\r\n')
    .server('250 2.1.0 Ok\r\n')
    .client('RCPT TO:<bob@contoso.com>\r\n');
  if (o.rejectRcpt) {
    c.server('550 5.1.1 <bob@contoso.com>: Recipient address rejected: User unknown\r\n').client('QUIT\r\n').server('221 2.0.0 Bye\r\n');
    return c;
  }
  c.server('250 2.1.5 Ok\r\n')
    .client('DATA\r\n')
    .server('354 End data with <CR><LF>.<CR><LF>\r\n')
    .client('Subject: test\r\n\r\nHello\r\n..leading dot\r\n.\r\n')
    .server('250 2.0.0 Ok: queued as 4ABC123\r\n')
    .client('QUIT\r\n')
    .server('221 2.0.0 Bye\r\n');
  return c;
}
