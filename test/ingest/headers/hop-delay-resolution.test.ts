import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodedMessage } from '../../../src/ingest/headers/decode-message.js';
import { buildHops, observedHops } from '../../../src/ingest/headers/hop-chain.js';
import { readHeaderFile } from '../../../src/ingest/headers/read-header-file.js';
import { caseDirs } from '../../helpers/case-dir.js';

/**
 * A stamp dates its hop only as finely as it is written. RFC 5322 §3.3:
 *   time-of-day = hour ":" minute [ ":" second ]
 * so `10:00:05` says "some instant of the second 10:00:05", and `10:00` some instant of the minute;
 * a fraction (`10:00:05.412`, the obsolete form Exchange and SendGrid write) narrows it further.
 * A later stamp (RFC 5321 §4.4: each server prepends its own, so a stamp is later than the one
 * below it) that reads earlier by less than the coarser of the two resolutions is consistent with
 * it — a delay of 0 s, not clock skew. By a whole step or more, the clocks do disagree.
 */
function chain(...datesOldestFirst: string[]) {
  // Received fields as a message holds them: newest first.
  return datesOldestFirst
    .map((date, i) => ({ name: 'Received', value: `from h${i}.example (192.0.2.${i + 1}) by h${i + 1}.example with ESMTP id q${i}; ${date}`, line: datesOldestFirst.length - i }))
    .reverse();
}

function delays(...datesOldestFirst: string[]) {
  const hops = buildHops(chain(...datesOldestFirst));
  const observed = observedHops(chain(...datesOldestFirst));
  // The evidence path computes the same delays and the same skew.
  expect(observed.map((h) => [h.delaySeconds, h.clockSkew ?? false])).toEqual(hops.map((h) => [h.delaySeconds, h.clockSkew]));
  return hops.slice(1).map((h) => ({ delay: h.delaySeconds, skew: h.clockSkew }));
}

describe('hop delays within the resolution of the stamps', () => {
  it('milliseconds, then whole seconds of the same second: 0 s, no skew', () => {
    expect(delays('Mon, 10 Feb 2025 16:20:07.412 +0000', 'Mon, 10 Feb 2025 16:20:07 +0000')).toEqual([{ delay: 0, skew: false }]);
  });

  it('the same in another zone: the resolution is the written time\'s, whatever the offset', () => {
    expect(delays('Mon, 10 Feb 2025 16:20:07.999 +0000', 'Mon, 10 Feb 2025 17:20:07 +0100')).toEqual([{ delay: 0, skew: false }]);
  });

  it('milliseconds, then whole seconds a second earlier: skew (more than the 1 s resolution)', () => {
    expect(delays('Mon, 10 Feb 2025 16:20:07.412 +0000', 'Mon, 10 Feb 2025 16:20:06 +0000')).toEqual([{ delay: -1.412, skew: true }]);
  });

  it('two whole-second stamps one second apart the wrong way: skew', () => {
    expect(delays('Mon, 10 Feb 2025 16:20:07 +0000', 'Mon, 10 Feb 2025 16:20:06 +0000')).toEqual([{ delay: -1, skew: true }]);
  });

  it('two millisecond stamps a few milliseconds apart the wrong way: skew', () => {
    expect(delays('Mon, 10 Feb 2025 16:20:07.412 +0000', 'Mon, 10 Feb 2025 16:20:07.400 +0000')).toEqual([{ delay: -0.012, skew: true }]);
  });

  it('hundredths, then milliseconds within the hundredth: 0 s (the coarser resolution counts)', () => {
    expect(delays('Mon, 10 Feb 2025 16:20:07.27 +0000', 'Mon, 10 Feb 2025 16:20:07.265 +0000')).toEqual([{ delay: 0, skew: false }]);
  });

  it('a time without seconds is a whole minute: 16:20 holds 16:20:30, not 16:19:30', () => {
    expect(delays('Mon, 10 Feb 2025 16:20:30 +0000', 'Mon, 10 Feb 2025 16:20 +0000')).toEqual([{ delay: 0, skew: false }]);
    expect(delays('Mon, 10 Feb 2025 16:20:30 +0000', 'Mon, 10 Feb 2025 16:19 +0000')).toEqual([{ delay: -90, skew: true }]);
  });

  it('positive delays are as they were', () => {
    expect(delays('Mon, 10 Feb 2025 16:20:07.412 +0000', 'Mon, 10 Feb 2025 16:20:08 +0000')).toEqual([{ delay: 0.588, skew: false }]);
  });

  it('the message verdict lists no clock skew', async () => {
    const dir = caseDirs('mfd-resolution-')({
      'm.eml': [
        'Received: from relay.example (192.0.2.20) by mx.example (198.51.100.5) with ESMTP id R1; Mon, 10 Feb 2025 16:20:07 +0000',
        'Received: from client.example (client.example [203.0.113.7])',
        '\tby relay.example with ESMTP id R0; Mon, 10 Feb 2025 16:20:07.412 +0000',
        'Date: Mon, 10 Feb 2025 16:20:06 +0000',
        'From: a@example.com',
        '',
        '',
      ].join('\r\n'),
    });
    const messages: DecodedMessage[] = [];
    await readHeaderFile(join(dir, 'm.eml'), (m) => messages.push(m));
    expect(messages[0]!.hops.map((h) => h.delaySeconds)).toEqual([null, 0]);
    expect(messages[0]!.verdicts.clockSkewHops).toEqual([]);
  });
});
