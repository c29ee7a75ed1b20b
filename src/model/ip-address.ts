import ipaddr from 'ipaddr.js';

/**
 * IP address text, the one place ipaddr.js is wrapped: checking and normalising what a topology
 * or an export holds (ingest), and parsing addresses and ranges for lookups (engine, rules,
 * endpoints lists). Two parsers on purpose: the checks follow what Exchange accepts in a
 * property; the lookup parser is allocation-free for dotted quads (the per-connection hot path).
 */

/**
 * IP address text as Exchange accepts it in SenderIPAddresses, RemoteIPRanges and the like:
 * one address, a CIDR range, or `first-last`. IPv4 must be dotted four-part decimal: ipaddr.js
 * would also take `10.1` or hex forms, which Exchange rejects.
 */
export function isIpAddress(text: string): boolean {
  const t = text.trim();
  return isFourPartDecimal(t) || (t.includes(':') && ipaddr.IPv6.isValid(t));
}

/**
 * What ipaddr.IPv4.isValidFourPartDecimal accepts — four decimal parts without leading zeros,
 * each 0–255 — checked by hand: a provider's topology holds hundreds of thousands of addresses,
 * and the library builds an address object (in a try/catch) for each check.
 */
export function isFourPartDecimal(t: string): boolean {
  const n = t.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let i = 0;
  while (i < n) {
    const start = i;
    let value = 0;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || value > 255 || (digits > 1 && t.charCodeAt(start) === 48)) return false;
    parts++;
    if (i === n) break;
    if (t.charCodeAt(i) !== 46 || parts === 4) return false;
    i++;
    if (i === n) return false;
  }
  return parts === 4;
}

export function isIpRange(text: string): boolean {
  const t = text.trim();
  if (isIpAddress(t)) return true;
  const slash = t.indexOf('/');
  if (slash > 0) {
    const bits = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits) || !isIpAddress(t.slice(0, slash))) return false;
    return ipaddr.isValidCIDR(t);
  }
  const dash = t.indexOf('-');
  if (dash > 0) {
    const first = t.slice(0, dash).trim();
    const last = t.slice(dash + 1).trim();
    if (!isIpAddress(first) || !isIpAddress(last)) return false;
    return ipaddr.parse(first).kind() === ipaddr.parse(last).kind();
  }
  return false;
}

/** Canonical text of an address or range (IPv6 compacted, spaces removed); input kept when it does not parse. */
export function normalizeIpText(text: string): string {
  const t = text.trim();
  const canonical = (a: string): string => (isIpAddress(a) ? ipaddr.parse(a.trim()).toString() : a.trim());
  const slash = t.indexOf('/');
  if (slash > 0) return `${canonical(t.slice(0, slash))}/${t.slice(slash + 1).trim()}`;
  const dash = t.indexOf('-');
  if (dash > 0) return `${canonical(t.slice(0, dash))}-${canonical(t.slice(dash + 1))}`;
  return canonical(t);
}


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

/**
 * Dotted-quad IPv4 without allocation: this runs for every simulated connection, and the general
 * parser (ipaddr.js, which also accepts octal and hex forms Exchange never writes) costs ~3 µs.
 */
function parseDottedQuad(t: string): number | null {
  let value = 0;
  let part = -1;
  let parts = 0;
  let digits = 0;
  for (let i = 0; i <= t.length; i++) {
    const ch = i < t.length ? t.charCodeAt(i) : 46;
    if (ch >= 48 && ch <= 57) {
      // A leading zero reads as octal in some parsers: refuse it rather than guess.
      if (++digits > 3 || (digits === 2 && part === 0)) return null;
      part = (part < 0 ? 0 : part) * 10 + (ch - 48);
    } else if (ch === 46) {
      if (part < 0 || part > 255) return null;
      value = value * 256 + part;
      parts++;
      part = -1;
      digits = 0;
    } else return null;
  }
  return parts === 4 ? value : null;
}

/** A dotted-quad IPv4 address as an unsigned 32-bit number, or null (no allocation: per-connection hot path). */
export function ipv4Number(text: string): number | null {
  return parseDottedQuad(text);
}

export function parseIp(text: string): ParsedIp | null {
  const quad = parseDottedQuad(text);
  if (quad !== null) return { family: 4, value: quad };
  const t = text.trim().replace(/^\[|\]$/g, '');
  if (t !== text) return parseIp(t);
  if (!t.includes(':') || !ipaddr.IPv6.isValid(t)) return null;
  const a = ipaddr.IPv6.parse(t);
  if (a.isIPv4MappedAddress()) return { family: 4, value: ipv4ToNumber(a.toIPv4Address().octets) };
  return { family: 6, value: ipv6ToBigInt(a.parts) };
}

const rangeCache = new Map<string, IpRange | null>();

/** Parsed once per distinct text: connector lists repeat across flows and rules. */
export function parseIpRange(text: string): IpRange | null {
  let r = rangeCache.get(text);
  if (r === undefined) {
    if (rangeCache.size > 100_000) rangeCache.clear();
    r = parseIpRangeUncached(text);
    rangeCache.set(text, r);
  }
  return r;
}

function parseIpRangeUncached(text: string): IpRange | null {
  const t = text.trim();
  if (t.includes('/')) {
    try {
      const slash = t.indexOf('/');
      const len = Number(t.slice(slash + 1));
      const p = parseIp(t.slice(0, slash));
      if (!p || !/^\d{1,3}$/.test(t.slice(slash + 1)) || len > (p.family === 4 ? 32 : 128)) return null;
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
