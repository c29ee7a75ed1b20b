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

  it('gives the same order as UTF-8 bytes, in memory and from the temporary file', () => {
    for (const size of [4, 4000]) {
      const store = new PcapSessionStore();
      const expected = fill(store, 3000, (i) => `{"n": ${i}, "banner": "Grüße ✉ ${'x'.repeat(size)}"}`);
      // Each buffer is valid until the next is asked for: decode it at once.
      const got = Array.from(store.sortedBytes(), (b) => Buffer.from(b).toString('utf8'));
      store.close();
      expect(got).toEqual(expected);
    }
  });

  it('keeps one text per listing (Markdown: a table row, then the conversation), each given back in the same order', () => {
    const store = new PcapSessionStore(['rows.md', 'sections.md']);
    const expected: { first: number; i: number }[] = [];
    for (let i = 0; i < 3000; i++) {
      const first = (3000 - i) >> 1;
      // The sections outgrow the in-memory spool; the rows stay in memory.
      store.add(first, `row ${i}`, `section ${i} ${'y'.repeat(4000)}`);
      expected.push({ first, i });
    }
    expected.sort((a, b) => a.first - b.first || a.i - b.i);
    expect(store.size).toBe(3000);
    expect([...store.sorted(0)]).toEqual(expected.map((e) => `row ${e.i}`));
    expect([...store.sorted(1)]).toEqual(expected.map((e) => `section ${e.i} ${'y'.repeat(4000)}`));
    store.close();
  });
});
