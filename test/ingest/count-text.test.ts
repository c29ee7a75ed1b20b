import { describe, expect, it } from 'vitest';
import { countText } from '../../src/ingest/count-text.js';

describe('countText', () => {
  it("writes counts as toLocaleString('en-US') does", () => {
    const counts = [0, 1, 12, 123, 999, 1000, 1234, 12345, 123456, 999999, 1000000, 1234567, 2 ** 31, Number.MAX_SAFE_INTEGER];
    for (let x = 1; x < 1e15; x = x * 7 + 3) counts.push(x);
    for (const n of counts) expect(countText(n)).toBe(n.toLocaleString('en-US'));
  });
});
