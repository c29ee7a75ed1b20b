import { ENFORCEMENT_STAGES, EXCHANGE_SERVER_BASELINE, type BaselineRow } from '../data/exchange-server-baseline.js';
import type { ExchangeServer, Tenant } from '../model/case.js';
import { compareBuilds, familyName, familyOf, formatBuild, parseExchangeVersion, type ExchangeBuild } from './exchange-version.js';

/**
 * How Exchange Online treats an on-premises server that hands it mail over an OnPremises
 * connector, at a given moment (EXO-SEMANTICS M12, [PV23][BASE26]): the build against the dated
 * baseline table (src/data/exchange-server-baseline.ts), and the stage — reported, throttled
 * (450 4.7.230) or blocked (550 5.7.230) — from `Get-OnPremServerReportInfo` when the case holds it.
 */

export const OUT_OF_DATE_THROTTLED = '450 4.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online throttled for n mins/hr.';
export const OUT_OF_DATE_BLOCKED = '550 5.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online blocked for n mins/hr.';

/** One server of a `Get-OnPremServerReportInfo` export (names as the cmdlet prints them [A6N]). */
export interface ServerReportEntry {
  ServerFQDN: string;
  Build: string | null;
  FirstDetectedDate: string | null;
  ThrottleEnabledDate: string | null;
  BlockingEnabledDate: string | null;
  RecommendedBuildVersions: string | null;
}

export type EnforcementStage = 'report-only' | 'throttled' | 'blocked';

export type ServerJudgement =
  /** No version in the case (or not an Exchange build): nothing is judged. */
  | { kind: 'unknown-version'; server: ExchangeServer }
  | { kind: 'up-to-date'; server: ExchangeServer; build: ExchangeBuild; row: BaselineRow | null; report: ServerReportEntry | null }
  /**
   * AdminDisplayVersion names the CU the baseline needs but not its SU (it shows the CU's build
   * only, 3P): whether the server passes depends on an update the case does not show.
   */
  | { kind: 'su-unknown'; server: ExchangeServer; build: ExchangeBuild; row: BaselineRow }
  | { kind: 'out-of-date'; server: ExchangeServer; build: ExchangeBuild; row: BaselineRow; stage: EnforcementStage; stageFrom: 'report' | 'version-blocked' | 'days-since-baseline' | 'model-default'; report: ServerReportEntry | null };

const DAY = 24 * 3600 * 1000;

function rowAt(build: ExchangeBuild, at: Date): BaselineRow | null {
  const family = familyOf(build);
  return family ? familyRowAt(family, at) : null;
}

/** The baseline row of a version family in force at `at`, or null when none applies yet. */
export function familyRowAt(family: BaselineRow['family'], at: Date): BaselineRow | null {
  let best: BaselineRow | null = null;
  for (const row of EXCHANGE_SERVER_BASELINE) {
    if (row.family !== family) continue;
    if (row.since !== null && Date.parse(row.since) > at.getTime()) continue;
    if (!best || (row.since ?? '') > (best.since ?? '')) best = row;
  }
  return best;
}

function dateOf(v: string | null): number | null {
  if (!v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** The report's entry for a server: its FQDN, or its name as the first label. */
export function reportEntryFor(entries: readonly ServerReportEntry[], server: ExchangeServer): ServerReportEntry | null {
  const names = [server.Fqdn, server.Name].filter((n): n is string => !!n).map((n) => n.toLowerCase());
  for (const e of entries) {
    const fqdn = e.ServerFQDN.toLowerCase();
    if (names.includes(fqdn) || names.includes(fqdn.split('.')[0]!)) return e;
  }
  return null;
}

/** Stage from the report's dates at `at`; only FirstDetectedDate known: counted in days [PV23]. */
function stageFromReport(e: ServerReportEntry, at: Date): EnforcementStage | null {
  const t = at.getTime();
  const blocking = dateOf(e.BlockingEnabledDate);
  const throttle = dateOf(e.ThrottleEnabledDate);
  const first = dateOf(e.FirstDetectedDate);
  if (blocking !== null && blocking <= t) return 'blocked';
  if (throttle !== null && throttle <= t) return 'throttled';
  if (blocking !== null || throttle !== null) return first !== null && first <= t ? 'report-only' : null;
  if (first === null || first > t) return null;
  return stageByDays((t - first) / DAY);
}

function stageByDays(days: number): EnforcementStage {
  if (days >= ENFORCEMENT_STAGES.blockFromDay) return 'blocked';
  if (days >= ENFORCEMENT_STAGES.throttleFromDay) return 'throttled';
  return 'report-only';
}

/**
 * Judges one server at `at`. `report` is the tenant's Get-OnPremServerReportInfo export (null when
 * the case has none).
 */
export function judgeServer(server: ExchangeServer, at: Date, report: readonly ServerReportEntry[] | null): ServerJudgement {
  const entry = report ? reportEntryFor(report, server) : null;
  // The report's Build is Exchange Online's own reading of the server (exact, with the SU).
  const reported = parseExchangeVersion(entry?.Build ?? null);
  const shown = parseExchangeVersion(server.AdminDisplayVersion);
  const build = reported ?? shown;
  if (!build) return { kind: 'unknown-version', server };
  const row = rowAt(build, at);
  if (!row || row.status === 'not-enforced') return { kind: 'up-to-date', server, build, row, report: entry };
  const minimum = row.minimumBuild ? parseExchangeVersion(row.minimumBuild) : null;
  if (minimum && compareBuilds(build, minimum) >= 0) return { kind: 'up-to-date', server, build, row, report: entry };
  // Exchange Online lists the server: its dates give the stage.
  if (entry) {
    const stage = stageFromReport(entry, at);
    if (stage) return { kind: 'out-of-date', server, build, row, stage, stageFrom: 'report', report: entry };
  }
  // AdminDisplayVersion shows the CU's release build, never the SU (3P, M12): the same CU as the
  // minimum with a lower revision may carry the SU. A reported build is exact.
  if (!reported && minimum && build.build === minimum.build && build.minor === minimum.minor && build.major === minimum.major) {
    // A report that does not list the server says Exchange Online has not flagged it [model].
    if (report && !entry) return { kind: 'up-to-date', server, build, row, report: null };
    return { kind: 'su-unknown', server, build, row };
  }
  if (row.status === 'blocked') return { kind: 'out-of-date', server, build, row, stage: 'blocked', stageFrom: 'version-blocked', report: entry };
  // Count from the earliest baseline in force that the build also misses (a 2016 CU22 has been
  // below the baseline since 2024, not only since the 2026 raise).
  const days = (at.getTime() - Date.parse(earliestMissed(build, at) ?? row.since!)) / DAY;
  // Detection cannot precede the baseline: within its first 30 days the server is only reported.
  if (days < ENFORCEMENT_STAGES.throttleFromDay) return { kind: 'out-of-date', server, build, row, stage: 'report-only', stageFrom: 'days-since-baseline', report: entry };
  // [model, M12] Without Get-OnPremServerReportInfo the day of first detection is unknown (and a
  // pause with New-TenantExemptionInfo holds the stage): the simulator takes the throttling stage,
  // the first that refuses mail (450 4.7.230, deferred), and says the message may already be
  // blocked (550 5.7.230) from day 70.
  return { kind: 'out-of-date', server, build, row, stage: 'throttled', stageFrom: 'model-default', report: entry };
}

/** The `since` of the earliest row in force at `at` whose minimum the build is below. */
function earliestMissed(build: ExchangeBuild, at: Date): string | null {
  const family = familyOf(build);
  let earliest: string | null = null;
  for (const row of EXCHANGE_SERVER_BASELINE) {
    if (row.family !== family || row.since === null || Date.parse(row.since) > at.getTime() || row.status === 'not-enforced') continue;
    const min = row.minimumBuild ? parseExchangeVersion(row.minimumBuild) : null;
    if (min && compareBuilds(build, min) >= 0) continue;
    if (earliest === null || row.since < earliest) earliest = row.since;
  }
  return earliest;
}

/** `Exchange 2019 15.2.1544.4` */
export function buildText(build: ExchangeBuild): string {
  const f = familyOf(build);
  return `${f ? familyName(f) + ' ' : ''}${formatBuild(build)}`;
}

/** What the server needs to pass, in words: `Exchange 2019 CU15 with the October 2025 SU (KB5066367), build 15.2.1748.39 or later`. */
export function requiredUpdate(row: BaselineRow): string {
  if (row.status === 'blocked') return `${familyName(row.family)} is no longer accepted at any build: move the mail flow to Exchange Server SE (or a supported Exchange 2016/2019 build while it is still accepted)`;
  return `${familyName(row.family)} ${row.minimumLabel ?? ''}, build ${row.minimumBuild} or later (or Exchange Server SE)`.replace(/\s+,/, ',');
}

/** The tenant's Get-OnPremServerReportInfo entries (export or topology), null when the case has none. */
export function serverReportOf(tenant: Tenant): ServerReportEntry[] | null {
  const raw = tenant.extra.OnPremServerReportInfo;
  if (raw === undefined || raw === null) return null;
  const items = Array.isArray(raw) ? raw : [raw];
  const out: ServerReportEntry[] = [];
  for (const item of items) {
    if (item === null || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    const text = (k: string): string | null => (typeof o[k] === 'string' && (o[k] as string).trim() !== '' ? (o[k] as string).trim() : o[k] instanceof Date ? (o[k] as Date).toISOString() : null);
    const fqdn = text('ServerFQDN') ?? text('ServerFqdn') ?? text('ServerName');
    if (!fqdn) continue;
    out.push({
      ServerFQDN: fqdn,
      Build: text('Build'),
      FirstDetectedDate: psDate(text('FirstDetectedDate')),
      ThrottleEnabledDate: psDate(text('ThrottleEnabledDate')),
      BlockingEnabledDate: psDate(text('BlockingEnabledDate')),
      RecommendedBuildVersions: text('RecommendedBuildVersions'),
    });
  }
  return out;
}

/** `/Date(1735689600000)/` (Windows PowerShell ConvertTo-Json) or any parseable date → ISO. */
function psDate(v: string | null): string | null {
  if (!v) return null;
  const m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(v);
  const t = m ? Number(m[1]) : Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * An exact build (a `Received:` header's `id`, ExSetup.exe's file version) against the baseline
 * valid at `at`: the row it falls below, or null when it passes or is not an on-premises build.
 */
export function baselineMissed(build: ExchangeBuild, at: Date): BaselineRow | null {
  const row = rowAt(build, at);
  if (!row || row.status === 'not-enforced') return null;
  const minimum = row.minimumBuild ? parseExchangeVersion(row.minimumBuild) : null;
  return minimum && compareBuilds(build, minimum) >= 0 ? null : row;
}
