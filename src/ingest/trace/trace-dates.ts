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
  const a = +m[1]!;
  const b = +m[3]!;
  const c = +m[4]!;
  let hour = +m[5]!;
  const ampm = m[9]?.toLowerCase().replace(/[.\s]/g, '');
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (ampm === 'pm' ? 12 : 0);
  }
  let year: number;
  let month: number;
  let day: number;
  if (m[1]!.length === 4) {
    // yyyy/MM/dd (ja-JP, zh-CN, sv-SE with dashes).
    [year, month, day] = [a, b, c];
  } else {
    year = c < 100 ? 2000 + c : c;
    if (m[2] === '.') [day, month] = [a, b];
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
  const minute = +m[6]!;
  if (!valid(month, day, hour, minute)) return null;
  return iso(Date.UTC(year, month - 1, day, hour, minute, +(m[7] ?? 0), fraction(m[8])));
}

function valid(month: number, day: number, hour: number, minute: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59;
}

function fraction(digits: string | undefined): number {
  return digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0;
}

function iso(ms: number): string | null {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
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
