import { afterAll, describe, expect, it } from 'vitest';
import { ACK, Conversation, ethernet, ipv4, ipv4Fragments, ipv6, loopback, PcapngWriter, pcapFile, plainSmtp, sll, sll2, tcp, type Frame } from './capture-builder.js';
import { readBytes, removeCaptureDirs } from './capture-files.js';

afterAll(removeCaptureDirs);

const CLIENT = { ip: '192.0.2.10', port: 49152 };
const SERVER = { ip: '198.51.100.25', port: 25 };

function smtpPackets(c = new Conversation(CLIENT, SERVER)): Buffer[] {
  return plainSmtp(c).close().packets();
}

describe('pcap files', () => {
  const packets = smtpPackets();
  const frames = (start: number): Frame[] => packets.map((p, i) => ({ data: ethernet(p, 0x0800), time: start + i * 0.25 }));

  for (const littleEndian of [true, false]) {
    for (const nanoseconds of [false, true]) {
      it(`reads ${littleEndian ? 'little' : 'big'}-endian ${nanoseconds ? 'nanosecond' : 'microsecond'} pcap`, async () => {
        const r = await readBytes(pcapFile(frames(1_700_000_000.5), { littleEndian, nanoseconds }));
        expect(r.error).toBeNull();
        expect(r.summary.format).toBe('pcap');
        expect(r.summary.packets).toBe(packets.length);
        expect(r.summary.linkTypes).toEqual(['ETHERNET']);
        expect(r.summary.firstPacketAt).toBe('2023-11-14T22:13:20.500Z');
        expect(r.sessions).toHaveLength(1);
        const s = r.sessions[0]!;
        expect(s.client).toBe('192.0.2.10:49152');
        expect(s.server).toBe('198.51.100.25:25');
        expect(s.start).toBe('2023-11-14T22:13:20.500Z');
        // The connection ends with the second FIN; the last ACK only closes it.
        expect(s.packets).toEqual({ first: 1, last: packets.length - 1, count: packets.length - 1 });
        expect(s.closedBy).toBe('fin');
      });
    }
  }

  it('says a cut-short file was cut short and keeps the sessions before the cut', async () => {
    const whole = pcapFile(frames(1_700_000_000).slice(0, -2));
    const r = await readBytes(whole.subarray(0, whole.length - 30));
    expect(r.error).toBeNull();
    expect(r.summary.truncated).toBe(true);
    expect(r.summary.packets).toBe(packets.length - 3);
    expect(r.diagnostics.some((d) => /cut short/.test(d.message))).toBe(true);
    expect(r.sessions[0]!.banner).toBe('mail.contoso.com ESMTP Postfix');
    expect(r.sessions[0]!.closedBy).toBe('end-of-capture');
  });

  it('refuses a file that is no capture', async () => {
    const r = await readBytes(Buffer.from('Received: from a\r\n\r\nnot a capture at all'));
    expect(r.error).toMatch(/not a packet capture/);
    expect(r.sessions).toEqual([]);
  });
});

describe('pcapng files', () => {
  const packets = smtpPackets();

  it('reads sections of both byte orders, several interfaces with their link types and resolutions, EPB, SPB and obsolete packet blocks, skipping NRB and unknown blocks', async () => {
    const w = new PcapngWriter().section(false).iface(1, { tsresol: 9 }).iface(113).nameResolution('198.51.100.25', 'mail.contoso.com');
    // Nanosecond interface 0 (Ethernet), microsecond interface 1 (Linux cooked).
    packets.slice(0, 4).forEach((p, i) => w.epb(i % 2, i % 2 ? sll(p, 0x0800) : ethernet(p, 0x0800), i % 2 ? 1_700_000_000_000_000n + BigInt(i) : 1_700_000_000_000_000_000n + BigInt(i)));
    w.unknown(0x0bad, Buffer.from('custom block'));
    w.section(true).iface(101, { tsresol: 0x80 | 10 });
    w.spb(packets[4]!);
    packets.slice(5).forEach((p, i) => w.obsoletePacket(0, p, BigInt(i) * 1024n));
    const r = await readBytes(w.build(), {}, 'capture.pcapng');
    expect(r.error).toBeNull();
    expect(r.summary.format).toBe('pcapng');
    expect(r.summary.packets).toBe(packets.length);
    expect(r.summary.skipped).toBe(0);
    expect(r.summary.linkTypes).toEqual(['ETHERNET', 'LINUX_SLL (Linux cooked v1)', 'RAW (IP)']);
    expect(r.summary.firstPacketAt).toBe('1970-01-01T00:00:00.000Z');
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]!.transactions[0]!.outcome).toBe('accepted');
    // 2023-11-14T22:13:20Z in nanoseconds and microseconds both.
    expect(r.sessions[0]!.start).toBe('2023-11-14T22:13:20.000Z');
  });

  it('counts packets of an interface no block described as skipped, with their numbers', async () => {
    const w = new PcapngWriter().section().iface(1);
    w.epb(0, ethernet(packets[0]!, 0x0800), 0n).epb(3, ethernet(packets[1]!, 0x0800), 0n);
    const r = await readBytes(w.build(), {}, 'x.pcapng');
    expect(r.summary.packets).toBe(2);
    expect(r.summary.skipped).toBe(1);
    expect(r.diagnostics.find((d) => d.location.endsWith(':2'))?.message).toMatch(/packet 2: skipped/);
  });
});

describe('link layers and IP', () => {
  const conversation = () => plainSmtp(new Conversation(CLIENT, SERVER)).close();

  async function sessionOf(linkType: number, wrap: (p: Buffer) => Buffer, c = conversation()) {
    const r = await readBytes(pcapFile(c.packets().map((p) => ({ data: wrap(p) })), { linkType }));
    return r;
  }

  it('Ethernet with 802.1Q and 802.1ad (QinQ) tags', async () => {
    const r = await sessionOf(1, (p) => ethernet(p, 0x0800, [{ tpid: 0x88a8, id: 100 }, { tpid: 0x8100, id: 20 }]));
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]!.ehlo).toBe('client.fabrikam.com');
  });

  for (const [name, linkType, wrap] of [
    ['raw IP (101)', 101, (p: Buffer) => p],
    ['IPv4 link type (228)', 228, (p: Buffer) => p],
    ['Linux cooked v1 (113)', 113, (p: Buffer) => sll(p, 0x0800)],
    ['Linux cooked v2 (276)', 276, (p: Buffer) => sll2(p, 0x0800)],
    ['BSD loopback, little-endian host (0)', 0, (p: Buffer) => loopback(p, 2, true)],
    ['BSD loopback, big-endian host (0)', 0, (p: Buffer) => loopback(p, 2, false)],
    ['OpenBSD loopback (108)', 108, (p: Buffer) => loopback(p, 2, false)],
  ] as const) {
    it(name, async () => {
      const r = await sessionOf(linkType, wrap);
      expect(r.summary.skipped).toBe(0);
      expect(r.sessions.map((s) => s.server)).toEqual(['198.51.100.25:25']);
    });
  }

  it('IPv6 with extension headers (hop-by-hop, destination options) and the address in RFC 5952 form', async () => {
    const c = plainSmtp(new Conversation({ ip: '2001:db8::10', port: 50000 }, { ip: '2001:db8:0:1::25', port: 25 })).close();
    const frames = c.segments.map((s) => {
      const from = s.fromClient ? c.clientEnd : c.serverEnd;
      const to = s.fromClient ? c.serverEnd : c.clientEnd;
      return { data: ethernet(ipv6(from.ip, to.ip, 6, tcp(from.port, to.port, s.seq, s.ack, s.flags, s.payload), [{ type: 0 }, { type: 60 }]), 0x86dd) };
    });
    const r = await readBytes(pcapFile(frames));
    expect(r.sessions).toHaveLength(1);
    expect(r.sessions[0]!.client).toBe('[2001:db8::10]:50000');
    expect(r.sessions[0]!.server).toBe('[2001:db8:0:1::25]:25');
    expect(r.sessions[0]!.transactions[0]!.outcome).toBe('accepted');
  });

  it('reassembles IPv4 fragments, out of order, and drops a datagram missing a fragment', async () => {
    const c = new Conversation(CLIENT, SERVER).server('220 mail.contoso.com ESMTP\r\n').client(`EHLO ${'a'.repeat(60)}.fabrikam.com\r\n`).close();
    const frames: Frame[] = [];
    let id = 100;
    let dropped = 0;
    for (const s of c.segments) {
      const from = s.fromClient ? c.clientEnd : c.serverEnd;
      const to = s.fromClient ? c.serverEnd : c.clientEnd;
      const t = tcp(from.port, to.port, s.seq, s.ack, s.flags, s.payload);
      if (s.payload.length > 40) {
        const pieces = ipv4Fragments(from.ip, to.ip, 6, t, 32, id++);
        frames.push(...[...pieces].reverse().map((p) => ({ data: ethernet(p, 0x0800) })));
        // A second, unrelated datagram of which only the first fragment was captured.
        frames.push({ data: ethernet(ipv4Fragments(from.ip, to.ip, 6, t, 32, 999)[0]!, 0x0800) });
        dropped++;
      } else frames.push({ data: ethernet(ipv4(from.ip, to.ip, 6, t), 0x0800) });
    }
    const r = await readBytes(pcapFile(frames));
    expect(r.summary.ipFragments).toEqual({ reassembled: 1, dropped });
    expect(r.sessions[0]!.ehlo).toBe(`${'a'.repeat(60)}.fabrikam.com`);
  });

  it('counts non-TCP packets apart from damaged ones', async () => {
    const arp = ethernet(Buffer.alloc(28), 0x0806);
    const udp = ethernet(ipv4('192.0.2.1', '192.0.2.2', 17, Buffer.alloc(8)), 0x0800);
    const bad = ethernet(Buffer.from([0x45, 0, 0, 10]), 0x0800);
    const r = await readBytes(pcapFile([{ data: arp }, { data: udp }, { data: bad }]));
    expect(r.summary.notTcp).toBe(2);
    expect(r.summary.skipped).toBe(1);
    expect(Object.keys(r.summary.skippedReasons)).toEqual(['IP header cut short (snap length or damaged frame)']);
    expect(r.sessions).toEqual([]);
  });

  it('ACKs alone do not make an SMTP session; other TCP traffic is not taken for SMTP', async () => {
    const http = new Conversation({ ip: '192.0.2.20', port: 50001 }, { ip: '203.0.113.80', port: 80 }).client('GET / HTTP/1.1\r\nHost: contoso.com\r\n\r\n').server('HTTP/1.1 200 OK\r\n\r\n').close();
    const r = await readBytes(pcapFile(http.frames()));
    expect(r.summary.tcpConnections).toBe(1);
    expect(r.sessions).toEqual([]);
    void ACK;
  });
});
