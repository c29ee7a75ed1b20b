/**
 * Times in message traces, all UTC (FORMATS.md 1): ISO 8601 with up to 7 fractional digits
 * (`2025-03-04T09:15:03.6050000Z`, historical search and EAC reports), PowerShell 5.1 JSON
 * `/Date(1720919582928)/`, PowerShell 7 JSON ISO with or without an offset, and Export-Csv's
 * culture-formatted DateTime (`3/4/2025 9:15:02 AM` en-US, `04/03/2025 09:15:02` en-GB,
 * `04.03.2025 09:15:02` de-DE, `2025-03-04 09:15:02`). A DateTime without a zone is UTC, as
 * the cmdlets return it. Results are `Date#toISOString()` so that they order as text.
 */

/** How a file writes day and month in `a/b/yyyy` dates; decided by the first unambiguous one. */
export type SlashOrder = 'month-first' | 'day-first' | null;

export interface DateContext {
  slashOrder: SlashOrder;
  /** Set when the order had to be guessed from a 24-hour clock (for one diagnostic). */
  guessed: boolean;
}

export function newDateContext(): DateContext {
  return { slashOrder: null, guessed: false };
}

const MS_DATE = /^\\?\/Date\((-?\d+)(?:[+-]\d{4})?\)\\?\/$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const CULTURE = /^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AaPp]\.?\s?[Mm]\.?)?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** ISO string (UTC, milliseconds) or null when the text is not a time this knows. */
export function parseTraceDate(text: string | null, ctx: DateContext = newDateContext()): string | null {
  if (text === null) return null;
  const t = text.trim();
  if (t === '') return null;
  // The common case first, without a regular expression: 2025-03-04T09:15:03.6050000Z.
  if (t.length >= 20 && t.charCodeAt(4) === 45 && t.charCodeAt(10) === 84 && t.charCodeAt(t.length - 1) === 90) {
    const ms = fastIso(t);
    if (ms !== null) return iso(ms);
  }
  // Export-Csv's `3/4/2025 9:15:02 AM` (and `04.03.2025 09:15:02`) without the regular expressions:
  // a text opening with one or two digits and `/` or `.` can only be a culture date.
  const c1 = t.charCodeAt(1);
  const c2 = t.charCodeAt(2);
  if (c1 === 47 || c1 === 46 || ((c2 === 47 || c2 === 46) && c1 >= 48 && c1 <= 57)) {
    const fast = fastCulture(t, ctx);
    if (fast !== undefined) return fast;
  }
  let m = MS_DATE.exec(t);
  if (m) return iso(Number(m[1]));
  m = ISO.exec(t);
  if (m) {
    const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0), fraction(m[7]));
    const zone = m[8];
    let offset = 0;
    if (zone && zone.toUpperCase() !== 'Z') {
      const z = zone.replace(':', '');
      offset = (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
    }
    return valid(+m[2]!, +m[3]!, +m[4]!, +m[5]!) ? iso(ms - offset * 60_000) : null;
  }
  m = DATE_ONLY.exec(t);
  if (m) return valid(+m[2]!, +m[3]!, 0, 0) ? iso(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : null;
  m = CULTURE.exec(t);
  if (m) return cultureDate(m, ctx);
  return null;
}

function cultureDate(m: RegExpExecArray, ctx: DateContext): string | null {
  const ampm = m[9]?.toLowerCase().replace(/[.\s]/g, '');
  return culture(m[1]!.length === 4, +m[1]!, m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +(m[7] ?? 0), fraction(m[8]), ampm, ctx);
}

/**
 * The CULTURE pattern's commonest shapes read by hand — `d{1,2}/d{1,2}/yyyy h{1,2}:mm:ss` with an
 * optional ` AM`/` PM` — giving what cultureDate gives for them; undefined for any other text
 * (the regular expression then decides).
 */
/** Where fastCulture reads (module state: no closure per date). */
let pos = 0;

/** Up to `max` digits of t from pos (advancing pos); -1 when there is none. */
function num(t: string, max: number): number {
  let v = 0;
  const from = pos;
  while (pos < t.length && pos - from < max) {
    const d = t.charCodeAt(pos) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    pos++;
  }
  return pos === from ? -1 : v;
}

function fastCulture(t: string, ctx: DateContext): string | null | undefined {
  const len = t.length;
  pos = 0;
  const a = num(t, 2);
  if (a < 0) return undefined;
  const sep = t.charCodeAt(pos);
  if (sep !== 47 && sep !== 46) return undefined;
  pos++;
  const b = num(t, 2);
  if (b < 0 || t.charCodeAt(pos) !== sep) return undefined;
  pos++;
  const yearAt = pos;
  const c = num(t, 4);
  if (c < 0 || pos - yearAt !== 4 || t.charCodeAt(pos) !== 32) return undefined;
  pos++;
  const hour = num(t, 2);
  if (hour < 0 || t.charCodeAt(pos) !== 58) return undefined;
  pos++;
  const minuteAt = pos;
  const minute = num(t, 2);
  if (pos - minuteAt !== 2 || t.charCodeAt(pos) !== 58) return undefined;
  pos++;
  const secondAt = pos;
  const second = num(t, 2);
  if (pos - secondAt !== 2) return undefined;
  let ampm: string | undefined;
  if (pos < len) {
    if (len - pos !== 3 || t.charCodeAt(pos) !== 32) return undefined;
    const p = t.charCodeAt(pos + 1) | 32;
    if ((p !== 97 && p !== 112) || (t.charCodeAt(pos + 2) | 32) !== 109) return undefined;
    ampm = p === 97 ? 'am' : 'pm';
  }
  return culture(false, a, sep === 46 ? '.' : '/', b, c, hour, minute, second, 0, ampm, ctx);
}

function culture(yearFirst: boolean, a: number, sep: string, b: number, c: number, hour: number, minute: number, second: number, ms: number, ampm: string | undefined, ctx: DateContext): string | null {
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (ampm === 'pm' ? 12 : 0);
  }
  let year: number;
  let month: number;
  let day: number;
  if (yearFirst) {
    // yyyy/MM/dd (ja-JP, zh-CN, sv-SE with dashes).
    [year, month, day] = [a, b, c];
  } else {
    year = c < 100 ? 2000 + c : c;
    if (sep === '.') [day, month] = [a, b];
    else {
      // The first unambiguous date decides for the whole file; a 12-hour clock means en-US.
      if (ctx.slashOrder === null) {
        if (a > 12) ctx.slashOrder = 'day-first';
        else if (b > 12) ctx.slashOrder = 'month-first';
        else if (ampm) ctx.slashOrder = 'month-first';
      }
      const order = ctx.slashOrder ?? (ampm ? 'month-first' : 'day-first');
      if (ctx.slashOrder === null && !ampm) ctx.guessed = true;
      [month, day] = order === 'month-first' ? [a, b] : [b, a];
    }
  }
  if (!valid(month, day, hour, minute)) return null;
  return iso(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}

function valid(month: number, day: number, hour: number, minute: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59;
}

function fraction(digits: string | undefined): number {
  return digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0;
}

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from there on toISOString writes a six-digit year. */
const FOUR_DIGIT_YEARS_END = 253_402_300_800_000;
/** Characters of the last time written: `yyyy-mm-ddT` stays while rows stay in one day. */
const isoCodes: number[] = Array.from('0000-00-00T00:00:00.000Z', (c) => c.charCodeAt(0));
let cachedDay = NaN;

/**
 * `Date#toISOString()` of a time, written from its digits — toISOString costs about a microsecond
 * a call, a whole row's worth — as one flat string (a `+` chain would keep the pieces, several
 * times the size, in every group that keeps the time). Years outside 0–9999 go through toISOString.
 */
function iso(ms: number): string | null {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  if (ms < 0 || ms >= FOUR_DIGIT_YEARS_END) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    const text = new Date(day * DAY_MS).toISOString();
    for (let k = 0; k < 11; k++) isoCodes[k] = text.charCodeAt(k);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = Math.floor(rest - second * 1000);
  isoCodes[11] = 48 + Math.floor(hour / 10);
  isoCodes[12] = 48 + (hour % 10);
  isoCodes[14] = 48 + Math.floor(minute / 10);
  isoCodes[15] = 48 + (minute % 10);
  isoCodes[17] = 48 + Math.floor(second / 10);
  isoCodes[18] = 48 + (second % 10);
  isoCodes[20] = 48 + Math.floor(milli / 100);
  isoCodes[21] = 48 + (Math.floor(milli / 10) % 10);
  isoCodes[22] = 48 + (milli % 10);
  return String.fromCharCode.apply(null, isoCodes);
}

function digits(t: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** `yyyy-MM-ddTHH:mm:ss[.f…]Z` without allocations; null when the shape differs. */
function fastIso(t: string): number | null {
  if (t.charCodeAt(7) !== 45 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return null;
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  const hour = digits(t, 11, 2);
  const minute = digits(t, 14, 2);
  const second = digits(t, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return null;
  let ms = 0;
  const end = t.length - 1;
  if (end > 19) {
    if (t.charCodeAt(19) !== 46) return null;
    const n = Math.min(end - 20, 3);
    const f = digits(t, 20, n);
    if (f < 0 || digits(t, 20, end - 20) < 0) return null;
    ms = n === 3 ? f : n === 2 ? f * 10 : f * 100;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}
