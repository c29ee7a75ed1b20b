import type { IndexedConnector } from './indexed-connector.js';

/**
 * The connectors' supported IPv4 SenderIPAddresses values (single addresses and /24–/31 blocks,
 * all Exchange Online accepts: EXO-SEMANTICS M3) laid out for the attribution hot path: every
 * accepted value lies within one /24, so a connection costs one probe by its /24 and a scan of
 * a few small integers.
 */

/** The connectors' IPv4 values within one /24: single addresses by last octet, blocks /24–/31 longest first. */
interface Block24 {
  /**
   * Single addresses: last octets and their connectors side by side (a short list of small
   * integers scans without loading an object per address), or past SMALL_BLOCK a 256-slot table.
   */
  exactLows: number[];
  exactEntries: IndexedConnector[][];
  exactByLow: (IndexedConnector[] | undefined)[] | null;
  ranges: { start: number; end: number; prefixLength: number; entry: IndexedConnector; alone: IndexedConnector[] }[];
}

/** Blocks with more single addresses than this get a table by last octet (a provider's shared relay /24). */
const SMALL_BLOCK = 8;
const NO_ENTRIES: IndexedConnector[] = [];

function addExact(block: Block24, low: number, entry: IndexedConnector): void {
  let at = block.exactLows.indexOf(low);
  if (at < 0) {
    at = block.exactLows.length;
    block.exactLows.push(low);
    block.exactEntries.push([]);
  }
  const entries = block.exactEntries[at]!;
  if (entries.includes(entry)) return;
  entries.push(entry);
  if (block.exactLows.length > SMALL_BLOCK) {
    block.exactByLow = new Array<IndexedConnector[] | undefined>(256);
    for (let i = 0; i < block.exactLows.length; i++) block.exactByLow[block.exactLows[i]!] = block.exactEntries[i];
  }
}

/** Multiplicative hash of a /24 number into a power-of-two table. */
function slotOf(key: number, mask: number): number {
  return (Math.imul(key, 0x9e3779b1) >>> 8) & mask;
}

export class Ipv4BlockTable {
  /** The blocks by their /24 (a small integer, so the map needs no boxed key) while the index is built; let go by build(). */
  private by24: Map<number, Block24> | null = new Map<number, Block24>();
  /**
   * The same blocks in an open-addressing table built once the index is complete: per slot two
   * integers side by side, the /24 number + 1 (0 = empty) and where the block starts in `data`.
   * A miss — most internet sources — costs one typed-array probe, and a hit finds its block's
   * offset on the same cache line.
   */
  private slots: Int32Array = new Int32Array(0);
  /**
   * Every block flattened into one integer array: [E, E last octets of single addresses, R, then
   * first/last octet of each of the R ranges] (E = -1: single addresses in the block's 256-slot
   * table, kept in lowTables at the block's offset). listAt holds, at the position of each last
   * octet and of each range's first octet, its connector list. A match then loads these flat
   * arrays and the list, where per-block arrays cost several cache misses per connection.
   */
  private data: Int32Array = new Int32Array(0);
  private listAt: IndexedConnector[][] = [];
  private lowTables: ((IndexedConnector[] | undefined)[] | undefined)[] = [];
  private mask = 0;

  /** Adds a supported value (`start`..`end` within one /24, prefix /24–/32) of the entry's connector. */
  add(start: number, end: number, prefixLength: number, entry: IndexedConnector): void {
    const by24 = this.by24!;
    const key = start >>> 8;
    let block = by24.get(key);
    if (!block) by24.set(key, (block = { exactLows: [], exactEntries: [], exactByLow: null, ranges: [] }));
    if (prefixLength === 32) addExact(block, start & 255, entry);
    else {
      // Longest prefix first, then case order: the most specific range decides between connectors of one tenant.
      const item = { start, end, prefixLength, entry, alone: [entry] };
      let at = block.ranges.length;
      while (at > 0 && block.ranges[at - 1]!.prefixLength < item.prefixLength) at--;
      block.ranges.splice(at, 0, item);
    }
  }

  /** Lays the blocks out for lookups; called once, after the last add(). */
  build(): void {
    const by24 = this.by24!;
    let size = 16;
    while (size < by24.size * 2) size *= 2;
    this.slots = new Int32Array(size * 2);
    this.mask = size - 1;
    const data: number[] = [];
    const listAt: IndexedConnector[][] = [];
    const lowTables: ((IndexedConnector[] | undefined)[] | undefined)[] = [];
    for (const [key, block] of by24) {
      let slot = slotOf(key, this.mask);
      while (this.slots[slot * 2] !== 0) slot = (slot + 1) & this.mask;
      const at = data.length;
      this.slots[slot * 2] = key + 1;
      this.slots[slot * 2 + 1] = at;
      if (block.exactByLow !== null) {
        data.push(-1);
        for (let i = 0; i < block.exactLows.length; i++) block.exactByLow[block.exactLows[i]!] = block.exactEntries[i]!.slice();
        lowTables[at] = block.exactByLow;
      } else {
        data.push(block.exactLows.length);
        for (let i = 0; i < block.exactLows.length; i++) {
          // Copied to its exact length: a list grown by push() keeps room for ~17 connectors.
          listAt[data.length] = block.exactEntries[i]!.slice();
          data.push(block.exactLows[i]!);
        }
      }
      data.push(block.ranges.length);
      for (const r of block.ranges) {
        listAt[data.length] = r.alone;
        data.push(r.start & 255, r.end & 255);
      }
    }
    this.data = Int32Array.from(data);
    // Filled densely (an empty list where no list starts) so the array keeps one element kind.
    const lists = new Array<IndexedConnector[]>(data.length);
    for (let i = 0; i < data.length; i++) lists[i] = listAt[i] ?? NO_ENTRIES;
    this.listAt = lists;
    this.lowTables = lowTables;
    // The build-time blocks are laid out above; keeping them would hold ~3 objects per address for the case's lifetime.
    this.by24 = null;
  }

  /** Where the /24's block starts in `data`, or -1. */
  private offsetOf24(key: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
      const k = slots[slot * 2]!;
      if (k === key + 1) return slots[slot * 2 + 1]!;
      if (k === 0) return -1;
    }
  }

  /**
   * The connectors whose values contain the address (an unsigned 32-bit number), most specific
   * range first; allocates only when several ranges match. The result may be shared: callers must
   * not change it.
   */
  match(v: number): IndexedConnector[] {
    const at = this.offsetOf24(v >>> 8);
    if (at < 0) return NO_ENTRIES;
    const data = this.data;
    const lists = this.listAt;
    const low = v & 255;
    const exactCount = data[at]!;
    let out: IndexedConnector[] | null = null;
    let i = at + 1;
    if (exactCount < 0) out = this.lowTables[at]![low] ?? null;
    else {
      // The last octets of a block's single addresses are distinct (addExact): the first equal one is the only one.
      const end = i + exactCount;
      for (; i < end; i++) {
        if (data[i] === low) {
          out = lists[i]!;
          i = end;
          break;
        }
      }
    }
    const stop = i + 1 + 2 * data[i]!;
    let shared = true;
    for (i++; i < stop; i += 2) {
      if (low < data[i]! || low > data[i + 1]!) continue;
      const alone = lists[i]!;
      if (out === null) out = alone;
      else if (!out.includes(alone[0]!)) {
        if (shared) {
          out = out.slice();
          shared = false;
        }
        out.push(alone[0]!);
      }
    }
    return out ?? NO_ENTRIES;
  }
}
