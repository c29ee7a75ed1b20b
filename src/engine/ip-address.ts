import ipaddr from 'ipaddr.js';

/**
 * IP addresses and ranges as connectors hold them (`SenderIPAddresses`, `RemoteIPRanges`):
 * a single address, CIDR, or `start-end`. IPv4 is kept as an unsigned 32-bit number so the
 * connector index can look prefixes up without allocating.
 */

export interface IpRange {
  family: 4 | 6;
  /** IPv4: numbers; IPv6: bigints. */
  start: number | bigint;
  end: number | bigint;
  /** Prefix length when the range is a CIDR block (or a single address: 32/128). */
  prefixLength: number | null;
  text: string;
}

export function ipv4ToNumber(bytes: number[]): number {
  return ((bytes[0]! << 24) >>> 0) + (bytes[1]! << 16) + (bytes[2]! << 8) + bytes[3]!;
}

function ipv6ToBigInt(parts: number[]): bigint {
  let v = 0n;
  for (const p of parts) v = (v << 16n) + BigInt(p);
  return v;
}

export interface ParsedIp {
  family: 4 | 6;
  value: number | bigint;
}

export function parseIp(text: string): ParsedIp | null {
  const t = text.trim().replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(t)) return null;
  let a = ipaddr.parse(t);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  if (a.kind() === 'ipv4') {
    if (!ipaddr.IPv4.isValidFourPartDecimal(t) && !t.includes(':')) return null;
    return { family: 4, value: ipv4ToNumber((a as ipaddr.IPv4).octets) };
  }
  return { family: 6, value: ipv6ToBigInt((a as ipaddr.IPv6).parts) };
}

export function parseIpRange(text: string): IpRange | null {
  const t = text.trim();
  if (t.includes('/')) {
    try {
      const [addr, len] = ipaddr.parseCIDR(t);
      const p = parseIp(addr.toString());
      if (!p) return null;
      if (p.family === 4) {
        const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
        const start = ((p.value as number) & mask) >>> 0;
        const end = (start | (~mask >>> 0)) >>> 0;
        return { family: 4, start, end, prefixLength: len, text: t };
      }
      const bits = 128n - BigInt(len);
      const start = ((p.value as bigint) >> bits) << bits;
      const end = start + (1n << bits) - 1n;
      return { family: 6, start, end, prefixLength: len, text: t };
    } catch {
      return null;
    }
  }
  const dash = t.indexOf('-');
  if (dash > 0) {
    const a = parseIp(t.slice(0, dash));
    const b = parseIp(t.slice(dash + 1));
    if (!a || !b || a.family !== b.family || a.value > b.value) return null;
    return { family: a.family, start: a.value, end: b.value, prefixLength: null, text: t };
  }
  const p = parseIp(t);
  if (!p) return null;
  return { family: p.family, start: p.value, end: p.value, prefixLength: p.family === 4 ? 32 : 128, text: t };
}

export function rangeContains(range: IpRange, ip: ParsedIp): boolean {
  return range.family === ip.family && ip.value >= range.start && ip.value <= range.end;
}

export function ipInRanges(ip: string, ranges: readonly string[]): boolean {
  const p = parseIp(ip);
  if (!p) return false;
  for (const r of ranges) {
    const pr = parseIpRange(r);
    if (pr && rangeContains(pr, p)) return true;
  }
  return false;
}
