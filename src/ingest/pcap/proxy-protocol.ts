import { ipv4Text, ipv6Text } from './ip.js';
import { PROXY_V2_SIGNATURE } from './smtp-detect.js';

/**
 * The PROXY protocol header a load balancer (HAProxy, AWS NLB, …) writes before the client's
 * first byte (haproxy.org proxy-protocol.txt): version 1 is one text line
 * `PROXY TCP4 src dst sport dport\r\n` of at most 107 bytes; version 2 is a 16-byte binary header
 * (12-byte signature, version/command, family/transport, length) and then the addresses. The
 * server (Postfix `smtpd_upstream_proxy_protocol = haproxy`, Exchange does not) then treats the
 * address in it as the SMTP client.
 */

export interface ProxyHeader {
  version: 1 | 2;
  /** `PROXY` (addresses follow), `LOCAL` (v2: the proxy's own connection, e.g. a health check), `UNKNOWN` (v1). */
  command: 'PROXY' | 'LOCAL' | 'UNKNOWN';
  /** `TCP4`, `TCP6`, `UNIX`, … as far as the header says. */
  family: string;
  sourceIp: string | null;
  sourcePort: number | null;
  destinationIp: string | null;
  destinationPort: number | null;
}

/** v1 lines are at most 107 bytes with CRLF (proxy-protocol.txt §2.1). */
const V1_MAX = 107;
/** v2 headers larger than this are not read (the spec allows 64 KiB; real ones are well under). */
const V2_MAX = 4096;

export class ProxyHeaderReader {
  private held: Buffer | null = null;
  /** Whether the start of the stream has been read (a header found, or none there). */
  done = false;
  header: ProxyHeader | null = null;
  /** Why a header that began like one could not be read. */
  problem: string | null = null;

  /** The client's first bytes: returns those after the header (all when there is none), or null while it is incomplete. */
  feed(b: Buffer): Buffer | null {
    const data = this.held ? Buffer.concat([this.held, b]) : b;
    this.held = null;
    const signature = Math.min(data.length, PROXY_V2_SIGNATURE.length);
    if (data.compare(PROXY_V2_SIGNATURE, 0, signature, 0, signature) === 0) return this.v2(data);
    const prefix = data.toString('latin1', 0, Math.min(data.length, 6));
    if ('PROXY '.startsWith(prefix) && prefix.length < 6) return this.hold(data);
    if (prefix === 'PROXY ') return this.v1(data);
    return this.finish(data);
  }

  /** The stream ended (or went on without more bytes): what was held is the client's. */
  flush(): Buffer | null {
    const held = this.held;
    this.held = null;
    this.done = true;
    return held;
  }

  private hold(data: Buffer): null {
    this.held = Buffer.from(data);
    return null;
  }

  private finish(rest: Buffer): Buffer {
    this.done = true;
    return rest;
  }

  private v1(data: Buffer): Buffer | null {
    const lf = data.indexOf(0x0a);
    if (lf < 0) {
      if (data.length < V1_MAX) return this.hold(data);
      this.problem = 'a PROXY v1 line with no end within 107 bytes';
      return this.finish(data);
    }
    const line = data.toString('latin1', 0, lf).replace(/\r$/, '');
    const parts = line.split(' ');
    const family = parts[1] ?? '';
    if (family === 'UNKNOWN') {
      this.header = { version: 1, command: 'UNKNOWN', family, sourceIp: null, sourcePort: null, destinationIp: null, destinationPort: null };
    } else if ((family === 'TCP4' || family === 'TCP6') && parts.length === 6) {
      const [, , src, dst, sport, dport] = parts as [string, string, string, string, string, string];
      this.header = { version: 1, command: 'PROXY', family, sourceIp: src, sourcePort: port(sport), destinationIp: dst, destinationPort: port(dport) };
    } else {
      this.problem = `a PROXY v1 line that does not follow the grammar ("${line.slice(0, 60)}")`;
    }
    return this.finish(data.subarray(lf + 1));
  }

  private v2(data: Buffer): Buffer | null {
    if (data.length < 16) return this.hold(data);
    const versionCommand = data[12]!;
    const length = data.readUInt16BE(14);
    if (versionCommand >> 4 !== 2) {
      this.problem = `a PROXY v2 signature with version ${versionCommand >> 4}`;
      return this.finish(data.subarray(16));
    }
    if (16 + length > V2_MAX) {
      this.problem = `a PROXY v2 header of ${length} bytes (not read)`;
      this.done = true;
      return data.length >= 16 + length ? data.subarray(16 + length) : Buffer.alloc(0);
    }
    if (data.length < 16 + length) return this.hold(data);
    const command = versionCommand & 0x0f;
    const familyByte = data[13]!;
    const body = data.subarray(16, 16 + length);
    const header: ProxyHeader = { version: 2, command: command === 0 ? 'LOCAL' : 'PROXY', family: v2Family(familyByte), sourceIp: null, sourcePort: null, destinationIp: null, destinationPort: null };
    if (command === 1) {
      // Addresses by family (§2.2): INET 4+4+2+2 bytes, INET6 16+16+2+2; TLVs may follow.
      if (familyByte >> 4 === 1 && body.length >= 12) {
        Object.assign(header, { sourceIp: ipv4Text(body.readUInt32BE(0)), destinationIp: ipv4Text(body.readUInt32BE(4)), sourcePort: body.readUInt16BE(8), destinationPort: body.readUInt16BE(10) });
      } else if (familyByte >> 4 === 2 && body.length >= 36) {
        Object.assign(header, { sourceIp: ipv6Text(body.subarray(0, 16)), destinationIp: ipv6Text(body.subarray(16, 32)), sourcePort: body.readUInt16BE(32), destinationPort: body.readUInt16BE(34) });
      } else if (command === 1 && familyByte >> 4 !== 0 && familyByte >> 4 !== 3) {
        this.problem = `a PROXY v2 header whose ${length}-byte address block is too short for ${header.family}`;
      }
    } else if (command !== 0) {
      this.problem = `a PROXY v2 header with unknown command ${command}`;
    }
    this.header = header;
    return this.finish(data.subarray(16 + length));
  }
}

function port(text: string): number | null {
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535 ? Number(text) : null;
}

function v2Family(b: number): string {
  const family = ['UNSPEC', 'INET', 'INET6', 'UNIX'][b >> 4] ?? `family ${b >> 4}`;
  const transport = ['UNSPEC', 'STREAM', 'DGRAM'][b & 0x0f] ?? `transport ${b & 0x0f}`;
  if (family === 'INET' && transport === 'STREAM') return 'TCP4';
  if (family === 'INET6' && transport === 'STREAM') return 'TCP6';
  return `${family}/${transport}`;
}

/** One line for the session's notes. */
export function proxyNote(h: ProxyHeader): string {
  const from = h.sourceIp === null ? null : `${h.sourceIp.includes(':') ? `[${h.sourceIp}]` : h.sourceIp}:${h.sourcePort ?? '?'}`;
  const to = h.destinationIp === null ? null : `${h.destinationIp.includes(':') ? `[${h.destinationIp}]` : h.destinationIp}:${h.destinationPort ?? '?'}`;
  if (h.command === 'PROXY' && from) {
    return `The client is a proxy: it sent a PROXY protocol v${h.version} header (${h.family}) before SMTP, for a connection from ${from} to ${to ?? '?'}. A server that expects the header (Postfix smtpd_upstream_proxy_protocol = haproxy) treats ${h.sourceIp} as the SMTP client; one that does not reads the header as a bad command.`;
  }
  return `The client sent a PROXY protocol v${h.version} header (${h.command}${h.command === 'LOCAL' ? ': the proxy\'s own connection, e.g. a health check' : ', no addresses'}) before SMTP.`;
}
