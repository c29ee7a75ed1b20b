import { describe, expect, it } from 'vitest';
import { explainText } from '../../src/explain.js';
import { runMain } from './in-process.js';

/**
 * `explain` reports every enhanced status code in the text: the catalog's with their entries, the
 * others as "not in the catalog" with what the text says and their class. RFC 3463 3.1: "2.X.XXX
 * Success", "4.X.XXX Persistent Transient Failure", "5.X.XXX Permanent Failure". NDR-CATALOG
 * Summary: `451 4.4.62 | Mail sent to the wrong Office 365 region. ATTR35.` (the only one below it lists).
 */
const KNOWN = '451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.';
const UNKNOWN_A = '550 4.4.4 Hosted tenant has no mail-enabled subscriptions. ATTR5';
const UNKNOWN_B = '451 4.4.3 Temporary server error. Please try again later ATTR55.1';
const TEXT = `${KNOWN}\n${UNKNOWN_A}\n${UNKNOWN_B}\n`;

describe('explain: status codes the catalog does not know are reported, not dropped', () => {
  it('text: the known one explained, the two others listed as not in the catalog with their class', async () => {
    const r = await runMain('explain', TEXT);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1 status recognised; 2 more status codes not in the catalog/);
    expect(r.stdout).toContain('1. 451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.');
    const tail = r.stdout.slice(r.stdout.indexOf('2 status codes not in the catalog'));
    expect(tail).toContain(`1. ${UNKNOWN_A}\n   Code: 550 4.4.4   class 4.x.x (RFC 3463): persistent transient failure`);
    // The reply code 550 is a permanent failure (RFC 5321 4.2.1): the disagreement is said, not resolved.
    expect(tail).toContain('the reply code 550 says permanent failure');
    expect(tail).toContain(`2. ${UNKNOWN_B}\n   Code: 451 4.4.3   class 4.x.x (RFC 3463): persistent transient failure`);
    expect(tail).toContain('Catalog: not in the catalog');
    expect(tail).not.toMatch(/Meaning:|Rules:/);
  });

  it('json: an `unlisted` list beside the recognised statuses', async () => {
    const j = JSON.parse((await runMain('explain', '--format', 'json', TEXT)).stdout);
    expect(j).toMatchObject({ recognised: true, message: null });
    expect(j.statuses.map((s: { enhancedCode: string }) => s.enhancedCode)).toEqual(['4.4.62']);
    expect(j.unlisted).toEqual([
      { basicCode: 550, enhancedCode: '4.4.4', class: 'transient', text: UNKNOWN_A, offset: KNOWN.length + 1, occurrences: 1, catalog: null },
      { basicCode: 451, enhancedCode: '4.4.3', class: 'transient', text: UNKNOWN_B, offset: KNOWN.length + UNKNOWN_A.length + 2, occurrences: 1, catalog: null },
    ]);
  });

  it('no known code: the plain "not recognised" message stays, and each code is still listed (5 = permanent)', async () => {
    const r = await runMain('explain', '550 5.2.2 mailbox full; and 550 5.7.1 Client host blocked using Spamhaus; again 5.2.2');
    expect(r.stdout).toContain('No status in the NDR catalog was recognised');
    expect(r.stdout).toContain('1. 550 5.2.2 mailbox full; and (2 times in the text)');
    expect(r.stdout).toContain('2. 550 5.7.1 Client host blocked using Spamhaus; again\n   Code: 550 5.7.1   class 5.x.x (RFC 3463): permanent failure');
    const j = JSON.parse((await runMain('explain', '--format', 'json', '550 5.7.1 Client host blocked')).stdout);
    expect(j).toMatchObject({ recognised: false, statuses: [], unlisted: [{ enhancedCode: '5.7.1', class: 'permanent', basicCode: 550 }] });
    const m = await runMain('explain', '--format', 'markdown', TEXT);
    expect(m.stdout).toContain('## Not in the catalog');
    expect(m.stdout).toContain(`- \`${UNKNOWN_A}\``);
  });

  it('a recognised code is not listed again; an IP address or a version number is not a code', () => {
    const x = explainText(`Remote Server returned '${KNOWN}' from 10.4.4.4 build 15.2.1118.4.5 and 4.4.62 again`);
    expect(x.statuses).toHaveLength(1);
    expect(x.statuses[0]!.occurrences).toBe(2);
    expect(x.unlisted).toEqual([]);
  });

  it('linear on hostile input: 200 000 distinct codes answer fast and bounded', () => {
    const text = Array.from({ length: 200_000 }, (_, i) => `550 5.${i % 1000}.${Math.floor(i / 1000)}`).join(' ');
    const t0 = performance.now();
    const x = explainText(text);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(x.unlisted.length).toBeLessThanOrEqual(100);
    expect(x.unlisted[0]).toMatchObject({ enhancedCode: '5.0.0', text: '550 5.0.0' });
  });
});
