import ipaddr from 'ipaddr.js';
import { EXCHANGE_ONLINE_SMTP_RANGES } from '../data/exchange-online-ip-ranges.js';

/**
 * IP addresses become addresses of the same class in ranges reserved for documentation
 * (RFC 5737, RFC 3849): public IPv4 → 192.0.2.0/24, then 198.18.0.0/15 (RFC 2544) when an estate
 * has more, then 203.0.113.0/24; private ranges stay in their own range (10/8 within 10/8 …);
 * IPv6 → 2001:db8::/32 (ULA and link-local within theirs). 198.51.100.0/24 is left out: the
 * simulator's own internet sender lives there.
 *
 * The mapping is by block, not by address: every range the case names (a CIDR, or an address
 * as a /32) that no other range contains is a root block, moved whole to an aligned block of the
 * same size with the host bits unchanged. So containment (an address in a connector's
 * SenderIPAddresses), equality and, within one run, order (`first-last` ranges) are preserved,
 * and any address inside a root — even one the case never wrote, such as the /24s a report
 * splits a /22 into — maps the same way.
 */

export interface IpBlockRecord {
  /** Original network `a.b.c.d/n`. */
  from: string;
  /** Pseudonym network of the same length. */
  to: string;
}

type Family = 4 | 6;

interface Block {
  family: Family;
  from: bigint;
  to: bigint;
  size: bigint;
  prefix: number;
}

interface Net {
  start: bigint;
  end: bigint;
}

const bitsOf = (f: Family): number => (f === 4 ? 32 : 128);

function parse(text: string): { family: Family; value: bigint } | null {
  if (text.includes(':')) {
    // Eight groups, or six before an IPv4 tail, unless `::` stands for some: the count of colons
    // rules out most non-addresses (times such as 10:00:00) before the full parse.
    if (!text.includes('::')) {
      let colons = 0;
      for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) colons++;
      if (colons !== 7 && !(colons === 6 && text.includes('.'))) return null;
    }
    if (!ipaddr.IPv6.isValid(text)) return null;
    const parts = ipaddr.IPv6.parse(text).parts;
    let v = 0n;
    for (const p of parts) v = (v << 16n) | BigInt(p);
    return { family: 6, value: v };
  }
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const s = m[i]!;
    // Leading zeros are version numbers (15.02.1544.004), not addresses.
    if ((s.length > 1 && s.startsWith('0')) || Number(s) > 255) return null;
    v = (v << 8n) | BigInt(s);
  }
  return { family: 4, value: v };
}

function format(family: Family, v: bigint, upper: boolean): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const parts: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) parts.push(Number((v >> s) & 0xffffn));
  const text = new ipaddr.IPv6(parts).toString();
  return upper ? text.toUpperCase() : text;
}

function cidr(text: string): { family: Family; net: Net; prefix: number } | null {
  const slash = text.indexOf('/');
  const ip = parse(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return null;
  const bits = bitsOf(ip.family);
  const prefix = slash < 0 ? bits : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return null;
  const size = 1n << BigInt(bits - prefix);
  const start = ip.value - (ip.value % size);
  return { family: ip.family, net: { start, end: start + size - 1n }, prefix };
}

const nets = (list: readonly string[]): { family: Family; net: Net }[] => list.map((t) => cidr(t)!).map((c) => ({ family: c.family, net: c.net }));

/** Never changed: special-purpose ranges, documentation ranges, and Microsoft's own (EOP) ranges. */
const KEPT = nets([
  '0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3', '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '198.18.0.0/15',
  '::/127', '2001:db8::/32', 'ff00::/8', '::ffff:0:0/96', '64:ff9b::/96',
  // Microsoft's address space beyond the published SMTP ranges (internal hops, cafe:: front doors).
  '2a01:111::/32', '2603:1000::/24',
  ...EXCHANGE_ONLINE_SMTP_RANGES.ranges,
]);

/** Address classes and where their pseudonyms go (segments in ascending order). */
const CLASSES: { name: string; family: Family; member: Net | null; pool: Net[] }[] = [
  { name: '10/8', ...one('10.0.0.0/8'), pool: [net('10.0.0.0/8')] },
  { name: '172.16/12', ...one('172.16.0.0/12'), pool: [net('172.16.0.0/12')] },
  { name: '192.168/16', ...one('192.168.0.0/16'), pool: [net('192.168.0.0/16')] },
  { name: '100.64/10', ...one('100.64.0.0/10'), pool: [net('100.64.0.0/10')] },
  { name: '169.254/16', ...one('169.254.0.0/16'), pool: [net('169.254.0.0/16')] },
  { name: 'public4', family: 4, member: null, pool: [net('192.0.2.0/24'), net('198.18.0.0/15'), net('203.0.113.0/24')] },
  { name: 'ula', ...one('fc00::/7'), pool: [net('fd00::/8')] },
  { name: 'link-local6', ...one('fe80::/10'), pool: [net('fe80::/10')] },
  { name: 'public6', family: 6, member: null, pool: [net('2001:db8::/32')] },
];

function net(text: string): Net {
  return cidr(text)!.net;
}

function one(text: string): { family: Family; member: Net } {
  const c = cidr(text)!;
  return { family: c.family, member: c.net };
}

function classOf(family: Family, v: bigint): (typeof CLASSES)[number] | null {
  for (const k of KEPT) if (k.family === family && v >= k.net.start && v <= k.net.end) return null;
  for (const c of CLASSES) if (c.family === family && (c.member === null || (v >= c.member.start && v <= c.member.end))) return c;
  return null;
}

/** Finds the block whose range (on the `from` or the `to` side) holds v. */
function findIn(sorted: readonly Block[], v: bigint, side: 'from' | 'to'): Block | null {
  let lo = 0;
  let hi = sorted.length - 1;
  let best: Block | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = sorted[mid]!;
    if (b[side] <= v) {
      best = b;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best !== null && v < best[side] + best.size ? best : null;
}

export class IpPseudonyms {
  private blocks: Block[] = [];
  /** Blocks by family, sorted by original and by pseudonym start (binary search). */
  private byFrom: Record<Family, Block[]> = { 4: [], 6: [] };
  private byTo: Record<Family, Block[]> = { 4: [], 6: [] };
  private pending = new Map<string, { family: Family; net: Net; prefix: number }>();
  private cache = new Map<string, string | null>();
  /** Ranges too large for their class's pool: left as they are (reported in the map). */
  readonly unmapped: string[] = [];

  constructor(records: readonly IpBlockRecord[] = []) {
    for (const r of records) {
      const a = cidr(r.from);
      const b = cidr(r.to);
      if (!a || !b || a.prefix !== b.prefix) continue;
      this.blocks.push({ family: a.family, from: a.net.start, to: b.net.start, size: a.net.end - a.net.start + 1n, prefix: a.prefix });
    }
    this.index();
  }

  /** True when the text is an address this module would map (not a kept one). */
  static isAddress(text: string): boolean {
    return parse(text) !== null;
  }

  /** Notes an address or CIDR of the case, before `allocate`. */
  register(text: string): void {
    const c = cidr(text);
    if (!c) return;
    if (classOf(c.family, c.net.start) === null) {
      this.keptOriginalsList.push({ family: c.family, net: c.net });
      return;
    }
    if (findIn(this.byFrom[c.family], c.net.start, 'from') && findIn(this.byFrom[c.family], c.net.end, 'from')) return;
    this.pending.set(`${c.family}:${c.net.start}/${c.prefix}`, { family: c.family, net: c.net, prefix: c.prefix });
  }

  /**
   * A `first-last` range: the smallest CIDR block covering it is registered, so every address
   * between first and last stays between their pseudonyms.
   */
  registerRange(first: string, last: string): void {
    const a = parse(first);
    const b = parse(last);
    if (!a || !b || a.family !== b.family || b.value < a.value) {
      this.register(first);
      this.register(last);
      return;
    }
    let prefix = bitsOf(a.family);
    while (prefix > 0 && a.value >> BigInt(bitsOf(a.family) - prefix) !== b.value >> BigInt(bitsOf(a.family) - prefix)) prefix--;
    this.register(`${first}/${prefix}`);
  }

  /** Gives every registered root range a pseudonym block (see the module comment). */
  allocate(): void {
    for (const klass of CLASSES) {
      const items = [...this.pending.values()]
        .filter((p) => p.family === klass.family && classOf(p.family, p.net.start) === klass)
        .sort((a, b) => (a.net.start < b.net.start ? -1 : a.net.start > b.net.start ? 1 : a.prefix - b.prefix));
      const roots: { net: Net; prefix: number }[] = [];
      for (const it of items) {
        const last = roots[roots.length - 1];
        if (last && it.net.start >= last.net.start && it.net.end <= last.net.end) continue;
        roots.push(it);
      }
      // Pseudonym space already taken: blocks of an earlier run, and kept originals such as
      // documentation addresses the case already used (a pseudonym must never equal an original).
      // Originals of the class too: a pseudonym block never equals (or overlaps) a real one.
      const occupied = [...this.blocks.filter((b) => b.family === klass.family).map((b) => ({ start: b.to, end: b.to + b.size - 1n })), ...this.keptOriginals(klass.family), ...roots.map((r) => r.net)];
      occupied.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      let segment = 0;
      let cursor = klass.pool[0]!.start;
      const clashes = { occupied, next: 0 };
      for (const root of roots) {
        const size = root.net.end - root.net.start + 1n;
        const placed = this.place(klass.pool, clashes, size, segment, cursor);
        if (!placed) {
          this.unmapped.push(`${format(klass.family, root.net.start, false)}/${root.prefix}`);
          continue;
        }
        segment = placed.segment;
        cursor = placed.at + size;
        this.blocks.push({ family: klass.family, from: root.net.start, to: placed.at, size, prefix: root.prefix });
      }
    }
    this.pending.clear();
    this.cache.clear();
    this.index();
  }

  /** Originals that stay as they are (documentation addresses): no pseudonym may equal one. */
  private keptOriginalsList: { family: Family; net: Net }[] = [];

  private keptOriginals(family: Family): Net[] {
    return this.keptOriginalsList.filter((n) => n.family === family).map((n) => n.net);
  }

  /**
   * The first aligned place at or after the cursor that overlaps nothing occupied. The cursor only
   * moves forward, and so does the index into the sorted occupied ranges: linear over a run.
   */
  private place(pool: readonly Net[], clashes: { occupied: readonly Net[]; next: number }, size: bigint, segment: number, cursor: bigint): { segment: number; at: bigint } | null {
    for (let s = segment; s < pool.length; s++) {
      const seg = pool[s]!;
      let at = s === segment && cursor > seg.start ? cursor : seg.start;
      for (;;) {
        at = ((at + size - 1n) / size) * size;
        // A single address never lands on a .0 or .255 (reads as a network or broadcast address).
        if (size === 1n && (at & 255n) === 0n) at += 1n;
        if (size === 1n && (at & 255n) === 255n) at += 2n;
        if (at + size - 1n > seg.end) break;
        while (clashes.next < clashes.occupied.length && clashes.occupied[clashes.next]!.end < at) clashes.next++;
        const o = clashes.occupied[clashes.next];
        if (!o || o.start > at + size - 1n) return { segment: s, at };
        at = o.end + 1n;
      }
    }
    return null;
  }

  private index(): void {
    const cmp = (k: 'from' | 'to') => (a: Block, b: Block) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0);
    for (const f of [4, 6] as const) {
      const mine = this.blocks.filter((b) => b.family === f);
      this.byFrom[f] = [...mine].sort(cmp('from'));
      this.byTo[f] = [...mine].sort(cmp('to'));
    }
  }

  /** The pseudonym of an address (no prefix), or null when it stays as it is. */
  map(text: string): string | null {
    return this.lookup(text, 'from');
  }

  /** The original of a pseudonym address, or null. */
  reverse(text: string): string | null {
    return this.lookup(text, 'to');
  }

  private lookup(text: string, side: 'from' | 'to'): string | null {
    const key = side + text;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const ip = parse(text);
    let out: string | null = null;
    if (ip) {
      const b = findIn((side === 'from' ? this.byFrom : this.byTo)[ip.family], ip.value, side);
      if (b) out = format(ip.family, (side === 'from' ? b.to : b.from) + (ip.value - b[side]), /[A-F]/.test(text));
    }
    if (this.cache.size > 200000) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }

  records(): IpBlockRecord[] {
    return this.blocks.map((b) => ({ from: `${format(b.family, b.from, false)}/${b.prefix}`, to: `${format(b.family, b.to, false)}/${b.prefix}` }));
  }
}
