import { describe, expect, it } from 'vitest';
import { PcapSessionStore } from '../../src/cli/pcap-session-store.js';

/** Sessions arrive as their connections end; `pcap --format json` lists them by first packet. */
function fill(store: PcapSessionStore, count: number, textOf: (i: number) => string): string[] {
  const expected: { first: number; i: number; text: string }[] = [];
  for (let i = 0; i < count; i++) {
    // Reversed blocks of first-packet numbers, with ties (several sessions with the same first packet).
    const first = (count - i) >> 1;
    const text = textOf(i);
    store.add(first, text);
    expected.push({ first, i, text });
  }
  expected.sort((a, b) => a.first - b.first || a.i - b.i);
  return expected.map((e) => e.text);
}

describe('PcapSessionStore', () => {
  it('gives small sets back in first-packet order, ties in arrival order', () => {
    const store = new PcapSessionStore();
    const expected = fill(store, 50, (i) => `{"n": ${i}}`);
    expect([...store.sorted()]).toEqual(expected);
    store.close();
  });

  it('gives the same texts back once they have moved to the temporary file (multi-byte UTF-8 included)', () => {
    const store = new PcapSessionStore();
    // ~12 MB of text: past what is kept in memory.
    const expected = fill(store, 3000, (i) => `{"n": ${i}, "banner": "mx.contoso.com ESMTP – Grüße ✉ ${'x'.repeat(4000)}"}`);
    const got = [...store.sorted()];
    store.close();
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
  });

  it('lists the stores of several shards together by first packet, one of them handed over from another thread (spilled or not)', () => {
    for (const count of [40, 3000]) {
      const worker = new PcapSessionStore();
      const here = new PcapSessionStore();
      const all: { first: number; text: string }[] = [];
      for (let i = 0; i < count; i++) {
        // Shards own disjoint connections, so no first packet is in two stores; each gets them as connections end.
        const first = i % 2 === 0 ? count * 2 - i : i;
        const text = `{"first": ${first}, "banner": "Grüße ${'x'.repeat(6000)}"}`; // 3000 of them: ~9 MB a store, past what stays in memory
        (i % 2 === 0 ? worker : here).add(first, text);
        all.push({ first, text });
      }
      const handed = PcapSessionStore.takeOver(structuredClone(worker.handOver()));
      worker.close();
      const got = [...PcapSessionStore.sortedAll([here, handed])];
      here.close();
      handed.close();
      expect(got).toEqual(all.sort((a, b) => a.first - b.first).map((e) => e.text));
    }
  });
});
