import { describe, expect, it } from 'vitest';
import { CaptureTimeText } from '../../../src/ingest/pcap/capture-time.js';

/** What the session's start and end must read: exactly Date#toISOString, null outside Date's range (ECMA-262 §21.4.1.31 TimeClip). */
function reference(t: number): string | null {
  return Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : null;
}

describe('capture time text', () => {
  it('prints what Date#toISOString prints, minute after minute and back', () => {
    const text = new CaptureTimeText();
    const base = Date.UTC(2026, 10, 20, 9, 0, 0);
    // Steps that cross seconds, minutes, hours, days and years, forwards and backwards, with fractions of a millisecond.
    const times = [0, 0.9, 59_999.999, 60_000, base, base + 999.5, base + 1_000, base + 59_999, base + 60_000, base - 1, base + 86_399_999, Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1), base + 7, Date.UTC(2024, 1, 29, 12, 34, 56, 78)];
    for (const t of times) expect(text.text(t), String(t)).toBe(reference(t));
  });

  it('leaves times before 1970, past year 9999 and outside Date to Date (or null)', () => {
    const text = new CaptureTimeText();
    for (const t of [-0, -0.5, -1, -1.5, -86_400_000, -62_198_755_200_000, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, -8.64e15, 8.64e15 + 1, Number.NaN, Infinity, -Infinity]) {
      expect(text.text(t), String(t)).toBe(reference(t));
    }
  });

  it('agrees with Date#toISOString on random times across the whole range', () => {
    const text = new CaptureTimeText();
    let seed = 12345;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20_000; i++) {
      // Mostly close together (as in a capture), sometimes anywhere in Date's range.
      const t = i % 10 === 0 ? (next() * 2 - 1) * 8.7e15 : 1.7e12 + next() * 3_600_000 + (i % 3 === 0 ? next() : 0);
      expect(text.text(t)).toBe(reference(t));
    }
  });
});
