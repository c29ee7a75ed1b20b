import { describe, expect, it } from 'vitest';
import { buildHops } from '../../../src/ingest/headers/hop-chain.js';
import { parseReceived } from '../../../src/ingest/headers/received.js';

/**
 * A stamp written without the `;` before its date (RFC 5321 §4.4, RFC 5322 §3.6.7) is still read
 * when the date ends it. The date may end with a comment: RFC 5322 §3.3
 *   date-time = [ day-of-week "," ] date time [CFWS]
 *   time      = time-of-day zone
 * so in `… 14:02:09.310 +0000 (UTC)` the `(UTC)` is the date-time's own CFWS, not part of a clause.
 */
describe('a date without its ";" followed by a comment', () => {
  const stamp = 'from out7.sender.example (out7.sender.example [192.0.2.71]) by in3.relay.example (RLY) with ESMTP id Zq81x Thu, 6 Feb 2025 14:02:09.310 +0000 (UTC)';

  it('is read, with its comment, and noted as lacking the ";"', () => {
    const r = parseReceived(stamp);
    expect(r.date).toBe('2025-02-06T14:02:09.310Z');
    expect(r.dateText).toMatch(/6 Feb 2025 14:02:09\.310 \+0000 \(UTC\)$/);
    expect(r.dateNote).toContain('without the ";"');
    // The date's words and comment are no clause's: the id is still the id, the by comment still the by comment.
    expect(r).toMatchObject({ from: 'out7.sender.example', ip: '192.0.2.71', by: 'in3.relay.example', byComments: ['RLY'], with: 'ESMTP', id: 'Zq81x' });
  });

  it('reads as the same stamp with the ";" does', () => {
    const withSemicolon = parseReceived(stamp.replace(' Thu,', '; Thu,'));
    expect(parseReceived(stamp).date).toBe(withSemicolon.date);
  });

  it('a zone given only by the comment (RFC 5322 §4.3 obs-zone) is read too', () => {
    expect(parseReceived('from a.example by b.example with SMTP id k2 6 Feb 2025 14:02:09 (GMT)').date).toBe('2025-02-06T14:02:09.000Z');
  });

  it('a trailing comment that follows no date is left to its clause', () => {
    const r = parseReceived('from a.example (a.example [192.0.2.5]) by b.example (Postfix)');
    expect(r).toMatchObject({ by: 'b.example', byComments: ['Postfix'], date: null, dateText: null });
  });

  it('gives the next hop its delay', () => {
    const hops = buildHops([
      { name: 'Received', value: 'from in3.relay.example (192.0.2.80) by mx.dest.example with ESMTP; Thu, 6 Feb 2025 14:02:11 +0000', line: 1 },
      { name: 'Received', value: stamp, line: 2 },
    ]);
    expect(hops[1]!.delaySeconds).toBeCloseTo(1.69, 6);
  });

  it('a hostile run of trailing comments is read in bounded time', () => {
    const nested = `from a by b with ESMTP id x 6 Feb 2025 14:02:09 +0000 ${'(('.repeat(10_000)}${'(x) '.repeat(20_000)}`.slice(0, 100_000);
    const many = `from a by b id x 6 Feb 2025 14:02:09 +0000${' (UTC)'.repeat(16_000)}`;
    // The best of three runs: linear work takes a few milliseconds, quadratic work seconds.
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      expect(parseReceived(nested).date).toBeNull();
      expect(parseReceived(many).date).toBe('2025-02-06T14:02:09.000Z');
      best = Math.min(best, performance.now() - started);
    }
    expect(best).toBeLessThan(50);
  });
});
