/**
 * RFC 5322 §3.3 date-time, with the obsolete forms of §4.3 that old MTAs still write: two-digit
 * years, named zones (UT, GMT, EST…), and Exchange's `04 Mar 2025 10:00:00.1234 (UTC)` (fractional
 * seconds, the zone given only as a comment) in X-MS-Exchange-*-OriginalArrivalTime.
 */

import { ownEntry } from './header-meanings.js';

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** RFC 5322 §4.3 obs-zone; military letters are "-0000" (unknown), read as UTC. */
const NAMED_ZONES: Record<string, number> = { ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };

const DATE = /^(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?\s*([+-]\d{4}|[A-Za-z]{1,5})?\s*$/;

/**
 * Whether white space must be collapsed before DATE: a run of two or more, or any white space
 * other than a plain space (tab, CR, LF, and the Unicode spaces `\s` covers — all outside
 * 0x21–0x7E). Most dates are single-spaced ASCII and skip the replace.
 */
function needsCollapse(text: string): boolean {
  let previousSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (previousSpace) return true;
      previousSpace = true;
    } else if (c < 0x21 || c > 0x7e) return true;
    else previousSpace = false;
  }
  return false;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** Date.UTC(0, 0, 1) (year 0000, not 1900) and Date.UTC(10000, 0, 1): the times isoFromEpochMs writes out itself. */
const YEAR_0_MS = -62_167_219_200_000;
const YEAR_10000_MS = 253_402_300_800_000;
const DAY_MS = 86_400_000;

/** The date part (`2025-03-04T`) of the last day written: the stamps of a mailbox fall on few days. */
let lastDay = NaN;
let lastDayText = '';

/** `YYYY-MM-DDT` of a day counted from 1970-01-01 (proleptic Gregorian, as Date counts; H. Hinnant's civil_from_days). */
function dayText(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const y = year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1000 ? `0${year}` : `${year}`;
  return `${y}-${pad2(month)}-${pad2(day)}T`;
}

/**
 * `new Date(t).toISOString()`, written out directly for whole milliseconds in years 0–9999 (the
 * engine's own formatting is several times slower, and every Received stamp's date goes through
 * here) by integer arithmetic, without a Date; other years, fractions and invalid times take the
 * engine's path, so results (and errors) are the same.
 */
export function isoFromEpochMs(t: number): string {
  if (!(t >= YEAR_0_MS && t < YEAR_10000_MS) || !Number.isInteger(t)) return new Date(t).toISOString();
  const days = Math.floor(t / DAY_MS);
  if (days !== lastDay) {
    lastDayText = dayText(days);
    lastDay = days;
  }
  const msOfDay = t - days * DAY_MS;
  const ms = msOfDay % 1000;
  const seconds = (msOfDay - ms) / 1000;
  const second = seconds % 60;
  const minutes = (seconds - second) / 60;
  const minute = minutes % 60;
  const hour = (minutes - minute) / 60;
  return `${lastDayText}${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days of a month (0–11) as Date.UTC counts them — it reads a year 0–99 as 1900–1999 — without
 * building a Date (every Received stamp's date is checked here).
 */
function daysInMonth(year: number, month: number): number {
  if (month !== 1) return DAYS_IN_MONTH[month]!;
  const y = year >= 0 && year <= 99 ? 1900 + year : year;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** Two digits at `i` as a number, -1 when they are not digits. */
const twoDigits = (t: string, i: number) => (isDigit(t.charCodeAt(i)) && isDigit(t.charCodeAt(i + 1)) ? (t.charCodeAt(i) - 0x30) * 10 + t.charCodeAt(i + 1) - 0x30 : -1);

/**
 * MONTHS[t.slice(at, at + 3).toLowerCase()] without the copies: every month name is three ASCII
 * letters, so any other character (whatever toLowerCase would make of it) names no month.
 */
function monthAt(t: string, at: number): number | undefined {
  const a = t.charCodeAt(at);
  const b = t.charCodeAt(at + 1);
  const c = t.charCodeAt(at + 2);
  if (!isLetter(a) || !isLetter(b) || !isLetter(c)) return undefined;
  return MONTH_CODES.get(((a | 0x20) << 16) | ((b | 0x20) << 8) | (c | 0x20));
}

/** MONTHS by the three lower-case letter codes packed in one number. */
const MONTH_CODES = new Map(Object.entries(MONTHS).map(([name, n]) => [(name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2), n]));

/**
 * The form nearly every stamp is written in, `Tue, 4 Mar 2025 09:00:04 +0000` (day name optional,
 * single spaces, four-digit year, seconds, numeric zone), read without the general pattern; every
 * Received stamp's date passes here. A text it reads is one DATE reads the same way; anything
 * else, and any value the checks below refuse, is left to the general path (undefined).
 */
function canonicalMailDate(t: string): number | undefined {
  let i = 0;
  if (isLetter(t.charCodeAt(0))) {
    if (!isLetter(t.charCodeAt(1)) || !isLetter(t.charCodeAt(2)) || t.charCodeAt(3) !== 0x2c || t.charCodeAt(4) !== 0x20) return undefined;
    i = 5;
  }
  if (!isDigit(t.charCodeAt(i))) return undefined;
  let day = t.charCodeAt(i++) - 0x30;
  if (isDigit(t.charCodeAt(i))) day = day * 10 + t.charCodeAt(i++) - 0x30;
  if (t.charCodeAt(i) !== 0x20 || t.charCodeAt(i + 4) !== 0x20) return undefined;
  const month = monthAt(t, i + 1);
  i += 5;
  const century = twoDigits(t, i);
  const yy = twoDigits(t, i + 2);
  // Exactly `YYYY HH:MM:SS ±HHMM` to the end: 4 + 1 + 8 + 1 + 5 characters.
  if (month === undefined || century < 0 || yy < 0 || t.length !== i + 19 || t.charCodeAt(i + 4) !== 0x20) return undefined;
  const hour = twoDigits(t, i + 5);
  const minute = twoDigits(t, i + 8);
  const second = twoDigits(t, i + 11);
  if (t.charCodeAt(i + 7) !== 0x3a || t.charCodeAt(i + 10) !== 0x3a || t.charCodeAt(i + 13) !== 0x20) return undefined;
  const sign = t.charCodeAt(i + 14);
  const zh = twoDigits(t, i + 15);
  const zm = twoDigits(t, i + 17);
  if ((sign !== 0x2b && sign !== 0x2d) || hour < 0 || minute < 0 || second < 0 || zh < 0 || zm < 0) return undefined;
  const year = century * 100 + yy;
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || zh > 23 || zm > 59 || day > daysInMonth(year, month)) return undefined;
  const offsetMinutes = (sign === 0x2d ? -1 : 1) * (zh * 60 + zm);
  return Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - offsetMinutes * 60_000;
}

/** DATE's match on the text without its comments, and the zone a comment named (`(UTC)`), if any. */
function matchDate(text: string): { m: RegExpExecArray | null; zoneFromComment: number | null } {
  let zoneFromComment: number | null = null;
  // The comment pass runs only when there is a comment (most dates have none). White space is
  // collapsed so that DATE's adjacent `\s*` never split a long run in every way (quadratic).
  const uncommented = !text.includes('(')
    ? text
    : text.replace(/\(([^()]*)\)/g, (_, inner: string) => {
        const z = ownEntry(NAMED_ZONES, inner.trim().toLowerCase());
        if (z !== undefined) zoneFromComment = z;
        return ' ';
      });
  const m = DATE.exec((needsCollapse(uncommented) ? uncommented.replace(/\s+/g, ' ') : uncommented).trim());
  return { m, zoneFromComment };
}

/**
 * How finely a time is written, in milliseconds: RFC 5322 §3.3 `time-of-day = hour ":" minute
 * [ ":" second ]` — without seconds a minute, with whole seconds a second; a fraction (the
 * obsolete form Exchange and SendGrid write) of n digits 10^-n s, at best the 1 ms times are kept in.
 */
export function timeResolutionMs(seconds: string | undefined, fraction: string | undefined): number {
  if (seconds === undefined) return 60_000;
  if (fraction === undefined) return 1000;
  return fraction.length >= 3 ? 1 : 10 ** (3 - fraction.length);
}

/**
 * The resolution (timeResolutionMs) of a date parseMailDate reads, null when it reads none. Only
 * needed when two stamps disagree (hop-chain.ts), so the date is matched again rather than kept.
 */
export function mailDateResolutionMs(text: string): number | null {
  if (parseMailDate(text) === null) return null;
  // canonicalMailDate's form always has whole seconds.
  if (canonicalMailDate(text) !== undefined) return 1000;
  const { m } = matchDate(text);
  return m ? timeResolutionMs(m[6], m[7]) : null;
}

/** Milliseconds since the epoch, or null when the text is not a date these forms cover. */
export function parseMailDate(text: string): number | null {
  const canonical = canonicalMailDate(text);
  if (canonical !== undefined) return canonical;
  const { m, zoneFromComment } = matchDate(text);
  if (!m) return null;
  const day = Number(m[1]);
  const month = ownEntry(MONTHS, m[2]!.toLowerCase());
  let year = Number(m[3]);
  if (month === undefined) return null;
  // §4.3: a two-digit year below 50 is 20xx, otherwise 19xx; three digits add 1900.
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (m[3]!.length === 3) year += 1900;
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`);
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let offsetMinutes: number;
  const zone = m[8];
  if (zone === undefined) {
    if (zoneFromComment === null) return null;
    offsetMinutes = zoneFromComment;
  } else if (/^[+-]\d{4}$/.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    const hh = Number(zone.slice(1, 3));
    const mm = Number(zone.slice(3, 5));
    if (hh > 23 || mm > 59) return null;
    offsetMinutes = sign * (hh * 60 + mm);
  } else {
    const named = ownEntry(NAMED_ZONES, zone.toLowerCase());
    if (named !== undefined) offsetMinutes = named;
    else if (/^[A-IK-Za-ik-z]$/.test(zone)) offsetMinutes = 0;
    else return null;
  }
  // A day that does not exist in that month (31 Feb) would roll over in Date.UTC: refuse it.
  if (day > daysInMonth(year, month)) return null;
  const utc = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) + Math.round(fraction * 1000);
  return utc - offsetMinutes * 60_000;
}

export function mailDateToIso(text: string): string | null {
  const t = parseMailDate(text);
  return t === null ? null : isoFromEpochMs(t);
}
