/**
 * Which Exchange Server builds Exchange Online throttles and blocks when they hand it mail over an
 * OnPremises connector — the dated table of EXO-SEMANTICS M12 ("Out-of-date Exchange servers"),
 * kept here as the one place to update when Microsoft raises the baseline again.
 *
 * Each row says, for a version family, from which day (`since`) builds below `minimumBuild` (every
 * build when null) are enforced. Several rows of one family are successive baselines: the latest
 * row whose `since` has passed at the evaluation time applies. Dates the sources give as a month
 * only are the first of that month; the 2026 baseline starts on 2026-09-07, "the second week of
 * September" [model, M12; open question 4].
 */

export type BaselineStatus =
  /** Every build of the family is blocked once `since` has passed (550 5.7.230). */
  | 'blocked'
  /** Builds below `minimumBuild` go through report-only, throttling and blocking by days since detection. */
  | 'below-baseline'
  /** Patched builds of the family pass. */
  | 'not-enforced';

export interface BaselineSource {
  /** Source key of EXO-RESEARCH-V2.md; `(3P)` marks third-party material. */
  key: string;
  url: string;
}

export interface BaselineRow {
  family: '2007' | '2010' | '2013' | '2016' | '2019' | 'SE';
  /** The builds the row covers: `major.minor.` prefix, and for 15.2 the build range (2019 below 2562, SE from it). */
  buildPrefix: string;
  /** Lowest build that passes (`15.2.1748.39`); null: no build passes. */
  minimumBuild: string | null;
  /** What the build means in Microsoft's terms (CU and SU), for messages and fixes. */
  minimumLabel: string | null;
  status: BaselineStatus;
  /** ISO date from which the row applies; null for a family that is not enforced. */
  since: string | null;
  sources: BaselineSource[];
}

const PV23: BaselineSource = { key: '[PV23]', url: 'https://techcommunity.microsoft.com/blog/exchange/throttling-and-blocking-email-from-persistently-vulnerable-exchange-servers-to-exchange-online/3815328' };
const BASE26: BaselineSource = { key: '[BASE26]', url: 'https://techcommunity.microsoft.com/blog/exchange/exchange-20162019-throttling-and-blocking-up-to-the-final-public-update-baseline/4552717' };
const BASE26_3P: BaselineSource = { key: '[BASE26] via rafaelpfister.ch (3P)', url: 'https://www.rafaelpfister.ch/exchange-online-transport-enforcement-hybrid-server' };
const ICEWOLF: BaselineSource = { key: '[ICEWOLF] (3P)', url: 'https://blog.icewolf.ch/' };
const A6N: BaselineSource = { key: '[A6N] (3P)', url: 'https://a6n.co.uk/' };

export const EXCHANGE_SERVER_BASELINE: readonly BaselineRow[] = [
  // Exchange 2007 was the first version in enforcement (Aug 2023) [PV23]; dates (3P).
  { family: '2007', buildPrefix: '8.', minimumBuild: null, minimumLabel: null, status: 'blocked', since: '2023-08-01', sources: [PV23, A6N] },
  // Exchange 2010: Sep 2023, third-party summary of the [PV23] updates.
  { family: '2010', buildPrefix: '14.', minimumBuild: null, minimumLabel: null, status: 'blocked', since: '2023-09-01', sources: [PV23, A6N] },
  // Exchange 2013 (end of life 2023-04-11): enforced Dec 2023 – Feb 2024; blocked from the end of that range [model].
  { family: '2013', buildPrefix: '15.0.', minimumBuild: null, minimumLabel: null, status: 'blocked', since: '2024-02-01', sources: [PV23, ICEWOLF] },
  // Mar 2024 (3P): "significantly behind" = 2016 below CU23 [model, M12].
  { family: '2016', buildPrefix: '15.1.', minimumBuild: '15.1.2507.6', minimumLabel: 'CU23', status: 'below-baseline', since: '2024-03-01', sources: [PV23, A6N] },
  // From the second week of September 2026: CU23 with the October 2025 SU (KB5066369).
  { family: '2016', buildPrefix: '15.1.', minimumBuild: '15.1.2507.61', minimumLabel: 'CU23 with the October 2025 SU (KB5066369)', status: 'below-baseline', since: '2026-09-07', sources: [BASE26, BASE26_3P] },
  // Mar 2024 (3P): "significantly behind" = 2019 below CU14 [model, M12].
  { family: '2019', buildPrefix: '15.2.', minimumBuild: '15.2.1544.4', minimumLabel: 'CU14', status: 'below-baseline', since: '2024-03-01', sources: [PV23, A6N] },
  // From the second week of September 2026: CU15 with the October 2025 SU (KB5066367); CU14's SU 15.2.1544.36 is not named.
  { family: '2019', buildPrefix: '15.2.', minimumBuild: '15.2.1748.39', minimumLabel: 'CU15 with the October 2025 SU (KB5066367)', status: 'below-baseline', since: '2026-09-07', sources: [BASE26, BASE26_3P] },
  // Exchange Server SE (15.2.2562 and later) passes while patched.
  { family: 'SE', buildPrefix: '15.2.', minimumBuild: null, minimumLabel: null, status: 'not-enforced', since: null, sources: [BASE26] },
];

/**
 * The announced next raise [BASE26, 2026-09-02]: "in the coming months" only ESU builds or Exchange
 * SE will pass. It has no date, so it is not enforced; flows from 2016/2019 carry it as an assumption.
 */
export const NEXT_BASELINE_RAISE = {
  announced: '2026-09-02',
  text: 'Microsoft announced on 2026-09-02 that the baseline will rise "in the coming months" above the last public update, so that only Exchange 2016/2019 builds with Extended Security Updates or Exchange Server SE pass',
  sources: [BASE26],
} as const;

/** The stages counted in days since the server was first detected [PV23][PAUSE]. */
export const ENFORCEMENT_STAGES = {
  /** Days 0–30: reported only. */
  throttleFromDay: 30,
  /** Days 30–60 throttled, 60–70 throttled and partly blocked, from 70 blocked part of each hour, from 90 always. */
  blockFromDay: 70,
  alwaysBlockedFromDay: 90,
} as const;

/** The updates page that lists every build, for fixes. */
export const EXCHANGE_BUILD_NUMBERS_URL = 'https://learn.microsoft.com/exchange/new-features/build-numbers-and-release-dates';
