/**
 * The keys of the last `capacity` messages reported, to recognise a late row of one of them
 * (event-grouping.ts). Kept outside the JavaScript heap, exactly: 100 000 keys as strings in a Set
 * cost ~9 MB of live heap, and the heap grows to several times what is live before it collects,
 * so they weighed ~30 MB of peak memory on a large extended report.
 *
 * Each key's characters go into a circular byte buffer in the order remembered (one byte a
 * character when every character fits in one, else two), so forgetting the oldest key frees the
 * front of the buffer. An open-addressing table (linear probing, backward-shift deletion) maps a
 * hash to the key's slot; a hit is confirmed by comparing the characters themselves.
 */
export class RememberedKeys {
  /** Per slot (in the order remembered, circular): where its characters start (a running offset), their count, wide or not, hash. */
  private readonly starts: Float64Array;
  private readonly lengths: Int32Array;
  private readonly wide: Uint8Array;
  private readonly hashes: Int32Array;
  /** Slot + 1 per table entry; 0 is empty. Twice the capacity at least, so probes stay short. */
  private readonly table: Int32Array;
  private readonly tableMask: number;
  private bytes = new Uint8Array(1 << 16);
  /** Running offsets of the oldest remembered byte and of the next one to write. */
  private head = 0;
  private tail = 0;
  private count = 0;
  private next = 0;
  /** A per-run seed: keys chosen to collide cannot be planned ahead. */
  private readonly seed = (Math.random() * 0x100000000) | 0;

  constructor(private readonly capacity: number) {
    this.starts = new Float64Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.wide = new Uint8Array(capacity);
    this.hashes = new Int32Array(capacity);
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    this.tableMask = size - 1;
  }

  has(key: string): boolean {
    const h = this.hash(key);
    for (let i = h & this.tableMask; ; i = (i + 1) & this.tableMask) {
      const e = this.table[i]!;
      if (e === 0) return false;
      if (this.hashes[e - 1] === h && this.equals(e - 1, key)) return true;
    }
  }

  /** Remembers `key` (not remembered yet), forgetting the oldest key when full. */
  add(key: string): void {
    if (this.capacity === 0) return;
    const slot = this.next;
    if (this.count === this.capacity) this.forget(slot);
    else this.count++;
    this.next = (slot + 1) % this.capacity;
    let wide = 0;
    for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 0xff) wide = 1;
    const need = key.length << wide;
    if (this.tail - this.head + need > this.bytes.length) this.grow(this.tail - this.head + need);
    const mask = this.bytes.length - 1;
    let at = this.tail;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      this.bytes[at++ & mask] = c & 0xff;
      if (wide) this.bytes[at++ & mask] = c >>> 8;
    }
    this.starts[slot] = this.tail;
    this.lengths[slot] = key.length;
    this.wide[slot] = wide;
    const h = this.hash(key);
    this.hashes[slot] = h;
    this.tail = at;
    let i = h & this.tableMask;
    while (this.table[i] !== 0) i = (i + 1) & this.tableMask;
    this.table[i] = slot + 1;
  }

  /** Drops the oldest key (in `slot`): its table entry, then its bytes from the front. */
  private forget(slot: number): void {
    let i = this.hashes[slot]! & this.tableMask;
    while (this.table[i] !== slot + 1) i = (i + 1) & this.tableMask;
    // Backward-shift deletion: later entries of the probe run move into the hole, so lookups never need tombstones.
    for (let j = (i + 1) & this.tableMask; this.table[j] !== 0; j = (j + 1) & this.tableMask) {
      const home = this.hashes[this.table[j]! - 1]! & this.tableMask;
      // Movable when its home is not in the cyclic range (i, j].
      if (((j - home) & this.tableMask) >= ((j - i) & this.tableMask)) {
        this.table[i] = this.table[j]!;
        i = j;
      }
    }
    this.table[i] = 0;
    this.head = this.starts[slot]! + (this.lengths[slot]! << this.wide[slot]!);
  }

  private grow(need: number): void {
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const old = this.bytes;
    const oldMask = old.length - 1;
    const bytes = new Uint8Array(size);
    const mask = size - 1;
    // Running offsets stay valid: each byte moves to its offset under the new mask.
    for (let at = this.head; at < this.tail; at++) bytes[at & mask] = old[at & oldMask]!;
    this.bytes = bytes;
  }

  private equals(slot: number, key: string): boolean {
    if (this.lengths[slot] !== key.length) return false;
    const mask = this.bytes.length - 1;
    const wide = this.wide[slot]!;
    let at = this.starts[slot]!;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      let stored = this.bytes[at++ & mask]!;
      if (wide) stored |= this.bytes[at++ & mask]! << 8;
      else if (c > 0xff) return false;
      if (stored !== c) return false;
    }
    return true;
  }

  /** FNV-1a over the characters, seeded. */
  private hash(key: string): number {
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return h ^ (h >>> 15);
  }
}
