import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from './prng.mjs';

/**
 * Builds a large capture for the pcap benchmark: SMTP sessions replayed from the captures real
 * software made (test/fixtures/pcap/real/: Postfix, swaks, openssl s_client, tcpdump), each copy
 * given new addresses, ports and sequence numbers, interleaved with filler a mail gateway's link
 * also carries — HTTP-like bulk TCP (some of it VLAN-tagged), DNS and syslog over UDP — between
 * many hosts. Written as classic pcap (microseconds, Ethernet). TCP checksums are left as the
 * templates had them (tools that do not validate them, as tshark by default, do not mind); IPv4
 * header checksums are recomputed.
 */
export const GENERATOR_VERSION = 4;

const PCAP_GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
const ETHERNET_BYTES = 14;

/** Per-session captures of the real-software fixtures, replayed as SMTP sessions. */
export const TEMPLATE_NAMES = [
  'tls12-client-cert', 'tls12-no-client-cert', 'tls12-keylog', 'tls13-keylog', 'tls13-keylog-no-client-cert',
  'tls12-untrusted-client-cert', 'implicit-tls13-keylog', 'tls13-no-keys', 'plain', 'rejected-recipient',
];
const SMTPS_PORT = 465;

/** Share of the file's bytes per kind of traffic. */
const BYTE_SHARES = { smtp: 0.1, bulk: 0.82, udp: 0.08 };
/** Flows in progress at once, per kind: their packets interleave. */
const CONCURRENT_FLOWS = { smtp: 32, bulk: 8, udp: 8 };

function readPcapPackets(file) {
  const b = readFileSync(file);
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  if (!le && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) throw new Error(`${file}: not a pcap file`);
  const u32 = (at) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  if (u32(20) !== 1) throw new Error(`${file}: link type ${u32(20)}, expected Ethernet`);
  const packets = [];
  for (let at = PCAP_GLOBAL_HEADER_BYTES; at + RECORD_HEADER_BYTES <= b.length;) {
    const sec = u32(at);
    const frac = u32(at + 4);
    const captured = u32(at + 8);
    const frame = b.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + captured);
    packets.push({ usec: sec * 1e6 + (nano ? frac / 1000 : frac), frame });
    at += RECORD_HEADER_BYTES + captured;
  }
  return packets;
}

/** The fixtures' SMTP sessions as packet lists, each packet marked with its direction. */
export function loadTemplates(fixtureDir) {
  const manifest = JSON.parse(readFileSync(join(fixtureDir, 'manifest.json'), 'utf8'));
  const templates = [];
  const keyLogs = [];
  for (const name of TEMPLATE_NAMES) {
    const entry = manifest.captures.find((c) => c.file === `${name}.pcap`);
    if (!entry) throw new Error(`${fixtureDir}: ${name}.pcap is not in manifest.json`);
    const serverPort = Number(entry.sessions[0].server.split(':').pop());
    const packets = readPcapPackets(join(fixtureDir, entry.file)).map(({ frame }) => {
      if (frame.readUInt16BE(12) !== 0x0800) throw new Error(`${name}: a frame that is not IPv4`);
      const ipHeader = (frame[ETHERNET_BYTES] & 0x0f) * 4;
      const tcp = ETHERNET_BYTES + ipHeader;
      return { frame, tcp, fromServer: frame.readUInt16BE(tcp) === serverPort };
    });
    templates.push({ name, implicitTls: serverPort === SMTPS_PORT, packets, bytes: packets.reduce((n, p) => n + p.frame.length + RECORD_HEADER_BYTES, 0), facts: entry.sessions[0] });
    if (entry.keylog) keyLogs.push(readFileSync(join(fixtureDir, entry.keylog), 'utf8'));
  }
  return { templates, keyLog: keyLogs.join('') };
}

function ipv4Checksum(frame, ipStart, headerBytes) {
  frame.writeUInt16BE(0, ipStart + 10);
  let sum = 0;
  for (let i = 0; i < headerBytes; i += 2) sum += frame.readUInt16BE(ipStart + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  frame.writeUInt16BE(~sum & 0xffff, ipStart + 10);
}

function macFor(ip) {
  return Buffer.from([0x02, 0x00, (ip >>> 24) & 0xff, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff]);
}

const ip4 = (a, b, c, d) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
const ipText = (n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** Sequential writer of pcap records through one large buffer. */
class PcapWriter {
  constructor(file) {
    this.fd = openSync(file, 'w');
    this.buffer = Buffer.allocUnsafe(16 << 20);
    this.used = 0;
    this.bytes = 0;
    this.packets = 0;
    const header = Buffer.alloc(PCAP_GLOBAL_HEADER_BYTES);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(262144, 16);
    header.writeUInt32LE(1, 20);
    this.write(header);
  }

  write(b) {
    if (this.used + b.length > this.buffer.length) this.flush();
    if (b.length > this.buffer.length) writeSync(this.fd, b);
    else {
      b.copy(this.buffer, this.used);
      this.used += b.length;
    }
    this.bytes += b.length;
  }

  /** Reserves a record for a frame of `length` bytes and returns the buffer slice to fill. */
  record(usec, length) {
    if (this.used + RECORD_HEADER_BYTES + length > this.buffer.length) this.flush();
    const b = this.buffer;
    const at = this.used;
    b.writeUInt32LE(Math.floor(usec / 1e6), at);
    b.writeUInt32LE(usec % 1e6, at + 4);
    b.writeUInt32LE(length, at + 8);
    b.writeUInt32LE(length, at + 12);
    this.used += RECORD_HEADER_BYTES + length;
    this.bytes += RECORD_HEADER_BYTES + length;
    this.packets++;
    return b.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length);
  }

  flush() {
    if (this.used > 0) writeSync(this.fd, this.buffer, 0, this.used);
    this.used = 0;
  }

  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/** An SMTP session: a template's packets with this session's addresses, ports and sequence numbers. */
function smtpFlow(template, session) {
  let i = 0;
  return {
    kind: 'smtp',
    emit(writer, usec) {
      const p = template.packets[i++];
      const out = writer.record(usec, p.frame.length);
      p.frame.copy(out);
      const ip = ETHERNET_BYTES;
      const [src, dst, srcPort, dstPort] = p.fromServer ? [session.serverIp, session.clientIp, session.serverPort, session.clientPort] : [session.clientIp, session.serverIp, session.clientPort, session.serverPort];
      macFor(dst).copy(out, 0);
      macFor(src).copy(out, 6);
      out.writeUInt32BE(src, ip + 12);
      out.writeUInt32BE(dst, ip + 16);
      ipv4Checksum(out, ip, p.tcp - ip);
      out.writeUInt16BE(srcPort, p.tcp);
      out.writeUInt16BE(dstPort, p.tcp + 2);
      const [seqShift, ackShift] = p.fromServer ? [session.serverShift, session.clientShift] : [session.clientShift, session.serverShift];
      out.writeUInt32BE((out.readUInt32BE(p.tcp + 4) + seqShift) >>> 0, p.tcp + 4);
      if (out[p.tcp + 13] & 0x10) out.writeUInt32BE((out.readUInt32BE(p.tcp + 8) + ackShift) >>> 0, p.tcp + 8);
      return p.frame.length + RECORD_HEADER_BYTES;
    },
    done: () => i >= template.packets.length,
  };
}

function ethernetIpv4(out, src, dst, vlan, protocol, payloadBytes, ipId) {
  macFor(dst).copy(out, 0);
  macFor(src).copy(out, 6);
  let ip = 12;
  if (vlan) {
    out.writeUInt16BE(0x8100, 12);
    out.writeUInt16BE(vlan, 14);
    ip = 16;
  }
  out.writeUInt16BE(0x0800, ip);
  ip += 2;
  out[ip] = 0x45;
  out[ip + 1] = 0;
  out.writeUInt16BE(20 + payloadBytes, ip + 2);
  out.writeUInt16BE(ipId & 0xffff, ip + 4);
  out.writeUInt16BE(0x4000, ip + 6);
  out[ip + 8] = 64;
  out[ip + 9] = protocol;
  out.writeUInt32BE(src, ip + 12);
  out.writeUInt32BE(dst, ip + 16);
  ipv4Checksum(out, ip, 20);
  return ip + 20;
}

const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
const TCP_PSH_ACK = 0x18;
const TCP_FIN_ACK = 0x11;

/** An HTTP-like download: handshake, GET, 200 with a body in full-size segments, client ACKs, FIN. */
function bulkFlow(rng, hosts, pool) {
  const client = hosts.bulkClient();
  const server = hosts.bulkServer();
  const serverPort = rng.pick([80, 8080, 8000]);
  const clientPort = 1024 + rng.int(60000);
  const vlan = rng.chance(0.2) ? 100 + rng.int(8) : 0;
  const bodyBytes = rng.between(64 << 10, 4 << 20);
  const request = Buffer.from(`GET /files/${rng.int(1e9)}.bin HTTP/1.1\r\nHost: files${server & 0xff}.example.net\r\nUser-Agent: bench/1\r\nAccept: */*\r\n\r\n`);
  const responseHead = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bodyBytes}\r\n\r\n`);
  let clientSeq = rng.int(2 ** 32);
  let serverSeq = rng.int(2 ** 32);
  let ipId = rng.int(65536);
  let sent = -responseHead.length;
  let segmentsSinceAck = 0;
  const steps = ['syn', 'synack', 'ack', 'get', 'data'];
  let step = 0;
  const tcp = (writer, usec, fromServer, flags, payload, payloadAt, payloadBytes) => {
    const headerBytes = (vlan ? 18 : 14) + 20 + 20;
    const out = writer.record(usec, headerBytes + payloadBytes);
    const [src, dst, sp, dp, seq, ack] = fromServer ? [server, client, serverPort, clientPort, serverSeq, clientSeq] : [client, server, clientPort, serverPort, clientSeq, serverSeq];
    const t = ethernetIpv4(out, src, dst, vlan, 6, 20 + payloadBytes, ipId++);
    out.writeUInt16BE(sp, t);
    out.writeUInt16BE(dp, t + 2);
    out.writeUInt32BE(seq >>> 0, t + 4);
    out.writeUInt32BE(flags & TCP_ACK ? ack >>> 0 : 0, t + 8);
    out[t + 12] = 0x50;
    out[t + 13] = flags;
    out.writeUInt16BE(65535, t + 14);
    out.writeUInt32BE(0, t + 16);
    if (payloadBytes > 0) payload.copy(out, t + 20, payloadAt, payloadAt + payloadBytes);
    const consumed = payloadBytes + (flags & (TCP_SYN | 0x01) ? 1 : 0);
    if (fromServer) serverSeq = (serverSeq + consumed) >>> 0;
    else clientSeq = (clientSeq + consumed) >>> 0;
    return out.length + RECORD_HEADER_BYTES;
  };
  let finished = false;
  return {
    kind: 'bulk',
    emit(writer, usec) {
      const s = steps[step];
      if (s === 'syn') return step++, tcp(writer, usec, false, TCP_SYN, null, 0, 0);
      if (s === 'synack') return step++, tcp(writer, usec, true, TCP_SYN | TCP_ACK, null, 0, 0);
      if (s === 'ack') return step++, tcp(writer, usec, false, TCP_ACK, null, 0, 0);
      if (s === 'get') return step++, tcp(writer, usec, false, TCP_PSH_ACK, request, 0, request.length);
      if (segmentsSinceAck >= 2) {
        segmentsSinceAck = 0;
        return tcp(writer, usec, false, TCP_ACK, null, 0, 0);
      }
      if (sent >= bodyBytes) {
        finished = true;
        return tcp(writer, usec, true, TCP_FIN_ACK, null, 0, 0);
      }
      segmentsSinceAck++;
      if (sent < 0) {
        sent = 0;
        return tcp(writer, usec, true, TCP_PSH_ACK, responseHead, 0, responseHead.length);
      }
      const bytes = Math.min(1460, bodyBytes - sent);
      const at = rng.int(pool.length - 1460);
      sent += bytes;
      return tcp(writer, usec, true, TCP_ACK, pool, at, bytes);
    },
    done: () => finished,
  };
}

/** DNS lookups and syslog lines over UDP. */
function udpFlow(rng, hosts) {
  const client = hosts.bulkClient();
  const dns = rng.chance(0.6);
  const server = dns ? ip4(192, 0, 2, 53) : ip4(198, 51, 100, 514 & 0xff);
  const clientPort = 1024 + rng.int(60000);
  let left = dns ? 2 * rng.between(1, 4) : rng.between(5, 60);
  let ipId = rng.int(65536);
  let id = rng.int(65536);
  const name = `host${rng.int(100000)}.contoso.com`;
  const udp = (writer, usec, fromServer, payload) => {
    const out = writer.record(usec, 14 + 20 + 8 + payload.length);
    const [src, dst, sp, dp] = fromServer ? [server, client, dns ? 53 : 514, clientPort] : [client, server, clientPort, dns ? 53 : 514];
    const u = ethernetIpv4(out, src, dst, 0, 17, 8 + payload.length, ipId++);
    out.writeUInt16BE(sp, u);
    out.writeUInt16BE(dp, u + 2);
    out.writeUInt16BE(8 + payload.length, u + 4);
    out.writeUInt16BE(0, u + 6);
    payload.copy(out, u + 8);
    return out.length + RECORD_HEADER_BYTES;
  };
  return {
    kind: 'udp',
    emit(writer, usec) {
      left--;
      if (!dns) return udp(writer, usec, false, Buffer.from(`<134>Nov 22 10:00:00 gw${client & 0xff} app[${rng.int(9999)}]: event ${rng.int(1e9)} ${'x'.repeat(rng.int(300))}`));
      const query = left % 2 === 1;
      if (query) id = (id + 1) & 0xffff;
      return udp(writer, usec, !query, dnsMessage(id, name, !query));
    },
    done: () => left <= 0,
  };
}

function dnsMessage(id, name, response) {
  const labels = name.split('.').flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]);
  const question = Buffer.concat([...labels, Buffer.from([0, 0, 1, 0, 1])]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(response ? 0x8180 : 0x0100, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(response ? 1 : 0, 6);
  if (!response) return Buffer.concat([header, question]);
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 203, 0, 113, id & 0xff]);
  return Buffer.concat([header, question, answer]);
}

/**
 * Writes `file` of at least `sizeMb` MiB. Returns what it holds, SMTP sessions listed with the
 * endpoints each copy got and the template it came from (whose facts tshark recorded).
 */
export function generateCapture(file, { sizeMb, fixtureDir, seed = 25 }) {
  const { templates, keyLog } = loadTemplates(fixtureDir);
  const rng = createRng(seed);
  const pool = Buffer.alloc(1 << 20);
  for (let i = 0; i < pool.length; i += 4) pool.writeUInt32LE(Math.floor(rng.next() * 2 ** 32), i);
  let smtpIndex = 0;
  const smtpServers = [ip4(192, 0, 2, 25), ip4(192, 0, 2, 26), ip4(198, 51, 100, 25), ip4(203, 0, 113, 25)];
  const hosts = {
    bulkClient: () => ip4(172, 16 + rng.int(16), rng.int(256), 1 + rng.int(254)),
    bulkServer: () => ip4(203, 0, 113, 100 + rng.int(100)),
  };
  const sessions = [];
  const newSmtp = () => {
    const n = smtpIndex++;
    const template = templates[n % templates.length];
    const session = {
      clientIp: (ip4(10, 0, 0, 1) + (n % 250000)) >>> 0,
      clientPort: 20000 + (Math.floor(n / 250000) % 40000),
      serverIp: smtpServers[n % smtpServers.length],
      // SMTPS is known by its port (465); STARTTLS sessions go to 25, or 587 now and then.
      serverPort: template.implicitTls ? SMTPS_PORT : n % 7 === 6 ? 587 : 25,
      clientShift: rng.int(2 ** 32),
      serverShift: rng.int(2 ** 32),
    };
    sessions.push({ client: `${ipText(session.clientIp)}:${session.clientPort}`, server: `${ipText(session.serverIp)}:${session.serverPort}`, template: template.name });
    return smtpFlow(template, session);
  };
  const create = { smtp: newSmtp, bulk: () => bulkFlow(rng, hosts, pool), udp: () => udpFlow(rng, hosts) };
  // Each kind has its own flows in progress; the next packet comes from the kind furthest below
  // its byte share, from one of its flows at random, so flows interleave and shares hold.
  const active = Object.fromEntries(Object.entries(CONCURRENT_FLOWS).map(([kind, n]) => [kind, Array.from({ length: n }, create[kind])]));
  const bytesByKind = { smtp: 0, bulk: 0, udp: 0 };
  const target = sizeMb * 1024 * 1024;
  const partial = `${file}.partial`;
  const writer = new PcapWriter(partial);
  let usec = Date.UTC(2026, 10, 20, 9, 0, 0) * 1000;
  const emitFrom = (kind) => {
    const flows = active[kind];
    const slot = rng.int(flows.length);
    bytesByKind[kind] += flows[slot].emit(writer, usec);
    usec += 5 + rng.int(40);
    if (flows[slot].done()) flows[slot] = create[kind]();
  };
  while (writer.bytes < target) {
    const total = writer.bytes + 1;
    let kind = 'bulk';
    let most = -Infinity;
    for (const [k, share] of Object.entries(BYTE_SHARES)) {
      const deficit = share - bytesByKind[k] / total;
      if (deficit > most) [kind, most] = [k, deficit];
    }
    emitFrom(kind);
  }
  // SMTP sessions half-way at the end are played out, so every SMTP session in the file is whole;
  // bulk and UDP flows simply stop, as at the end of any capture.
  for (const flow of active.smtp) {
    while (!flow.done()) {
      bytesByKind.smtp += flow.emit(writer, usec);
      usec += 5 + rng.int(40);
    }
  }
  writer.close();
  renameSync(partial, file);
  return { file, bytes: writer.bytes, packets: writer.packets, smtpSessions: sessions.length, bytesByKind, sessions, keyLog, templates: Object.fromEntries(templates.map((t) => [t.name, t.facts])) };
}

export function captureReady(file) {
  return existsSync(file);
}
