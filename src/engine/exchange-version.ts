/**
 * Exchange Server version numbers as admins and messages show them (EXO-SEMANTICS M12):
 * `Get-ExchangeServer`'s AdminDisplayVersion (`Version 15.2 (Build 1544.4)`), the dotted form
 * (`15.2.1544.4`, as `ExSetup.exe`'s file version and `Get-OnPremServerReportInfo`'s Build print
 * it) and the build a `Received:` header names (`… with Microsoft SMTP Server … id 15.2.1544.36`).
 * Linear-time patterns only: the text may come from any evidence file.
 */

export interface ExchangeBuild {
  major: number;
  minor: number;
  build: number;
  /** Null when the text gave three parts only. */
  revision: number | null;
}

export type ExchangeFamily = '2007' | '2010' | '2013' | '2016' | '2019' | 'SE';

const ADMIN_DISPLAY = /Version\s+(\d{1,3})\.(\d{1,3})\s*\(\s*Build\s+(\d{1,5})\.(\d{1,5})\s*\)/i;
const DOTTED = /(?:^|[^\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,5})(?:\.(\d{1,5}))?(?!\d|\.\d)/;
const RECEIVED_ID = /\bid\s+(\d{1,3})\.(\d{1,3})\.(\d{1,5})(?:\.(\d{1,5}))?/i;

/** Exchange Server SE starts at 15.2.2562 (RTM 15.2.2562.17); lower 15.2 builds are Exchange 2019. */
export const EXCHANGE_SE_FIRST_BUILD = 2562;

function fromMatch(m: RegExpExecArray | null): ExchangeBuild | null {
  if (!m) return null;
  const major = Number(m[1]);
  // Exchange 2007 is 8.x, 2010 14.x, 2013 and later 15.x; anything else is not an Exchange build.
  if (major !== 8 && major !== 14 && major !== 15) return null;
  return { major, minor: Number(m[2]), build: Number(m[3]), revision: m[4] !== undefined ? Number(m[4]) : null };
}

/** Reads AdminDisplayVersion in either form; null when the text holds no Exchange version. */
export function parseExchangeVersion(text: string | null | undefined): ExchangeBuild | null {
  if (typeof text !== 'string' || text.length > 200) return null;
  return fromMatch(ADMIN_DISPLAY.exec(text)) ?? fromMatch(DOTTED.exec(text.trim()));
}

/** The build a `Received:` header's `id 15.x.y.z` clause names (Exchange writes it after `with … SMTP Server`). */
export function parseReceivedBuild(header: string | null | undefined): ExchangeBuild | null {
  if (typeof header !== 'string') return null;
  return fromMatch(RECEIVED_ID.exec(header.slice(0, 2000)));
}

/** Negative when a is lower; a missing revision counts as 0. */
export function compareBuilds(a: ExchangeBuild, b: ExchangeBuild): number {
  return a.major - b.major || a.minor - b.minor || a.build - b.build || (a.revision ?? 0) - (b.revision ?? 0);
}

export function familyOf(b: ExchangeBuild): ExchangeFamily | null {
  if (b.major === 8) return '2007';
  if (b.major === 14) return '2010';
  if (b.minor === 0) return '2013';
  if (b.minor === 1) return '2016';
  if (b.minor === 2) return b.build >= EXCHANGE_SE_FIRST_BUILD ? 'SE' : '2019';
  return null;
}

export function formatBuild(b: ExchangeBuild): string {
  return `${b.major}.${b.minor}.${b.build}${b.revision !== null ? `.${b.revision}` : ''}`;
}

export function familyName(f: ExchangeFamily): string {
  return f === 'SE' ? 'Exchange Server SE' : `Exchange ${f}`;
}
