import { describe, expect, it } from 'vitest';
import { EXCHANGE_SERVER_BASELINE, NEXT_BASELINE_RAISE } from '../../src/data/exchange-server-baseline.js';
import { compareBuilds, familyOf, parseExchangeVersion, parseReceivedBuild } from '../../src/engine/exchange-version.js';
import { baselineMissed, familyRowAt } from '../../src/engine/server-enforcement.js';

/** The dated table of EXO-SEMANTICS M12 ("Out-of-date Exchange servers"), quoted row by row. */
const row = (family: string, since: string | null) => EXCHANGE_SERVER_BASELINE.find((r) => r.family === family && r.since === since);
const build = (text: string) => parseExchangeVersion(text)!;

describe('the M12 baseline table', () => {
  it('Exchange 2007 (8.x): blocked, any build, first in enforcement Aug 2023 [PV23]', () => {
    expect(row('2007', '2023-08-01')).toMatchObject({ buildPrefix: '8.', minimumBuild: null, status: 'blocked' });
  });
  it('Exchange 2010 (14.x): blocked, any build, Sep 2023', () => {
    expect(row('2010', '2023-09-01')).toMatchObject({ buildPrefix: '14.', minimumBuild: null, status: 'blocked' });
  });
  it('Exchange 2013 (15.0.x): blocked, any build, Dec 2023 – Feb 2024 [ICEWOLF]', () => {
    const r = EXCHANGE_SERVER_BASELINE.find((x) => x.family === '2013')!;
    expect(r).toMatchObject({ buildPrefix: '15.0.', minimumBuild: null, status: 'blocked' });
    expect(r.since! >= '2023-12-01' && r.since! <= '2024-02-29').toBe(true);
  });
  it('Exchange 2016 from the 2nd week of September 2026 ([model] 2026-09-07): CU23 + Oct 2025 SU KB5066369 = 15.1.2507.61 [BASE26]', () => {
    expect(row('2016', '2026-09-07')).toMatchObject({ minimumBuild: '15.1.2507.61', status: 'below-baseline' });
    expect(row('2016', '2026-09-07')!.minimumLabel).toContain('KB5066369');
  });
  it('Exchange 2019 (build < 2562) from 2026-09-07: CU15 + Oct 2025 SU KB5066367 = 15.2.1748.39 [BASE26]', () => {
    expect(row('2019', '2026-09-07')).toMatchObject({ minimumBuild: '15.2.1748.39', status: 'below-baseline' });
    expect(row('2019', '2026-09-07')!.minimumLabel).toContain('KB5066367');
  });
  it('before the 2026 baseline, 2016 < CU23 and 2019 < CU14 count as "significantly behind" ([model], Mar 2024)', () => {
    expect(familyRowAt('2016', new Date('2026-09-06T00:00:00Z'))!.minimumLabel).toBe('CU23');
    expect(familyRowAt('2019', new Date('2026-09-06T00:00:00Z'))!.minimumLabel).toBe('CU14');
    expect(familyRowAt('2019', new Date('2026-09-07T00:00:00Z'))!.minimumBuild).toBe('15.2.1748.39');
  });
  it('Exchange SE (15.2.2562.x+): not enforced while patched; the next raise is announced 2026-09-02 without a date', () => {
    expect(row('SE', null)).toMatchObject({ status: 'not-enforced' });
    expect(familyOf(build('15.2.2562.17'))).toBe('SE');
    expect(familyOf(build('15.2.2561.1'))).toBe('2019');
    expect(NEXT_BASELINE_RAISE.announced).toBe('2026-09-02');
  });
  it('CU14 with its SU 15.2.1544.36 is below the 2026 baseline (not named by [BASE26])', () => {
    expect(baselineMissed(build('15.2.1544.36'), new Date('2026-12-01T00:00:00Z'))?.minimumBuild).toBe('15.2.1748.39');
    expect(baselineMissed(build('15.2.1748.39'), new Date('2026-12-01T00:00:00Z'))).toBeNull();
  });
  it('every row names its sources with https URLs', () => {
    for (const r of EXCHANGE_SERVER_BASELINE) {
      expect(r.sources.length).toBeGreaterThan(0);
      for (const s of r.sources) expect(s.url).toMatch(/^https:\/\//);
    }
  });
});

describe('Exchange version texts (M12)', () => {
  it('AdminDisplayVersion "Version 15.2 (Build 1544.4)" and the dotted 15.2.1544.4 read the same', () => {
    expect(parseExchangeVersion('Version 15.2 (Build 1544.4)')).toEqual({ major: 15, minor: 2, build: 1544, revision: 4 });
    expect(parseExchangeVersion('15.2.1544.4')).toEqual({ major: 15, minor: 2, build: 1544, revision: 4 });
    expect(parseExchangeVersion('Version 8.3 (Build 83.6)')).toMatchObject({ major: 8 });
    expect(parseExchangeVersion('Exchange')).toBeNull();
    expect(parseExchangeVersion('1.2.3.4')).toBeNull();
  });
  it('a Received header names the build after "id"', () => {
    const header = 'from ex01.corp.contoso.com (10.0.0.10) by ex02.corp.contoso.com (10.0.0.11) with Microsoft SMTP Server (version=TLS1_2) id 15.2.1544.36; Mon, 2 Nov 2026 10:00:00 +0000';
    expect(parseReceivedBuild(header)).toEqual({ major: 15, minor: 2, build: 1544, revision: 36 });
  });
  it('orders builds by every part', () => {
    expect(compareBuilds(build('15.2.1748.10'), build('15.2.1748.39'))).toBeLessThan(0);
    expect(compareBuilds(build('15.1.2507.61'), build('15.1.2507.61'))).toBe(0);
    expect(compareBuilds(build('15.2.1544.4'), build('15.1.2507.61'))).toBeGreaterThan(0);
  });
  it('a long dotted text parses in linear time', () => {
    const t = Date.now();
    parseExchangeVersion('1.'.repeat(100_000));
    parseReceivedBuild('id 1.'.repeat(100_000));
    expect(Date.now() - t).toBeLessThan(500);
  });
});
