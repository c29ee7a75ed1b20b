import { describe, expect, it } from 'vitest';
import { RememberedKeys } from '../../../src/ingest/trace/remembered-keys.js';

/** The behaviour it replaces: a Set of the last `capacity` keys, the oldest forgotten first. */
class ReferenceKeys {
  private readonly order: string[] = [];
  private readonly set = new Set<string>();
  constructor(private readonly capacity: number) {}
  has(k: string): boolean {
    return this.set.has(k);
  }
  add(k: string): void {
    this.order.push(k);
    this.set.add(k);
    if (this.order.length > this.capacity) this.set.delete(this.order.shift()!);
  }
}

function randomKey(next: () => number): string {
  const n = Math.floor(next() * 40);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = next();
    // Mostly ASCII, some Latin-1, some wider characters (a key of one byte per character and its wide twin must differ).
    s += String.fromCharCode(r < 0.8 ? 48 + Math.floor(next() * 8) : r < 0.9 ? 0xe0 + Math.floor(next() * 4) : 0x3000 + Math.floor(next() * 4));
  }
  return s;
}

describe('RememberedKeys (the late-row check of event grouping)', () => {
  it('answers exactly as a Set of the last N keys would, through eviction, wrap-around, growth (5000 keys pass the first 64 KiB) and wide characters', () => {
    let seed = 12345;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 0x100000000);
    for (const capacity of [1, 7, 300, 5000]) {
      const keys = new RememberedKeys(capacity);
      const ref = new ReferenceKeys(capacity);
      const recent: string[] = [];
      for (let step = 0; step < 20_000; step++) {
        const k = next() < 0.5 && recent.length > 0 ? recent[Math.floor(next() * recent.length)]! : randomKey(next);
        expect(keys.has(k)).toBe(ref.has(k));
        if (!ref.has(k)) {
          keys.add(k);
          ref.add(k);
          recent.push(k);
          if (recent.length > capacity * 2) recent.shift();
        }
      }
    }
  });

  it('tells apart keys of the same length whose characters differ only above one byte', () => {
    const keys = new RememberedKeys(10);
    keys.add('a\u0100');
    expect(keys.has('a\u0100')).toBe(true);
    expect(keys.has('a\u0000')).toBe(false);
    expect(keys.has('a\u0200')).toBe(false);
    keys.add('');
    expect(keys.has('')).toBe(true);
  });
});
