import { isoFromEpochMs, mailDateResolutionMs, parseMailDate, timeResolutionMs } from './mail-date.js';

/**
 * The date of a Received stamp. RFC 5322 §3.6.7: `received = "Received:" [1*received-token / CFWS]
 * ";" date-time CRLF` — the date follows the last `;` and is an RFC 5322 §3.3 date-time. Some
 * relays write something else whose meaning is still plain; it is read, and the hop says how:
 *
 *   SendGrid   `by filter0225p1las1.sendgrid.net with SMTP id filter0225p1las1-15469-5AB8F7A8-1B
 *              2018-03-26 13:35:36.27 +0000 UTC` — no `;`, and Go's time.Time.String() format
 *   others     `; 2018-03-26T13:35:36Z` — ISO 8601 after the `;`
 */
export interface StampDate {
  /** As written. */
  dateText: string | null;
  /** ISO 8601 UTC; null when absent or not a date these forms cover. */
  date: string | null;
  /** Set when the date was read from a form RFC 5322 does not allow: what was read and why. */
  note: string | null;
  /** `date` as milliseconds since the epoch (what Date.parse(date) gives), null when date is null. */
  time: number | null;
}

/**
 * `2018-03-26 13:35:36.27 +0000 UTC` (Go), `2018-03-26T13:35:36Z`, `2018-03-26 13:35:36 +00:00`:
 * a zone offset (or Z, UTC, GMT) is required — without one the instant is unknown.
 */
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?: ?(Z|[+-]\d{2}:?\d{2}))?(?: \(?([A-Za-z]{1,5})\)?)?$/;

/** Milliseconds since the epoch of an ISO 8601 / Go-style date, or null. */
export function parseIsoLikeDate(text: string): number | null {
  const m = ISO_LIKE.exec(text.trim().replace(/\s+/g, ' '));
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  let offset: number;
  const zone = m[8];
  const name = m[9]?.toUpperCase();
  if (zone === undefined || zone === 'Z') {
    if (zone === undefined && name !== 'UTC' && name !== 'GMT' && name !== 'UT') return null;
    offset = 0;
  } else {
    const digits = zone.replace(':', '');
    const hh = Number(digits.slice(1, 3));
    const mm = Number(digits.slice(3, 5));
    if (hh > 23 || mm > 59) return null;
    offset = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  const fraction = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) + fraction - offset * 60_000;
}

/**
 * How finely a stamp's date is written, in milliseconds (mail-date.ts timeResolutionMs), read as
 * readStampDate and trailingDate read it (RFC 5322 first, then the ISO-like form); null when it
 * holds no date they read.
 */
export function stampResolutionMs(dateText: string | null): number | null {
  if (dateText === null) return null;
  const rfc = mailDateResolutionMs(dateText);
  if (rfc !== null) return rfc;
  if (parseIsoLikeDate(dateText) === null) return null;
  const m = ISO_LIKE.exec(dateText.trim().replace(/\s+/g, ' '));
  return m ? timeResolutionMs(m[6], m[7]) : null;
}

/**
 * The last date read, returned again for the same text: the stamps of one message often carry
 * the same second (a server hands the message on within it). Callers only read a StampDate.
 */
let lastDate: StampDate | null = null;

/** The date after the `;`: RFC 5322, else an ISO-like date read with a note. */
export function stampDate(dateText: string | null): StampDate {
  if (dateText === null) return { dateText: null, date: null, note: null, time: null };
  if (lastDate !== null && lastDate.dateText === dateText) return lastDate;
  lastDate = readStampDate(dateText);
  return lastDate;
}

function readStampDate(dateText: string): StampDate {
  // mailDateToIso, keeping the time: the hop's delay is computed from it.
  const rfc = parseMailDate(dateText);
  if (rfc !== null) return { dateText, date: isoFromEpochMs(rfc), note: null, time: rfc };
  const t = parseIsoLikeDate(dateText);
  if (t === null) return { dateText, date: null, note: null, time: null };
  return { dateText, date: isoFromEpochMs(t), note: 'the date is in ISO 8601 form, not the RFC 5322 §3.3 date-time a Received field holds; read as written', time: t };
}

/** How many words a date at the end of a stamp can take: `Tue, 4 Mar 2025 10:00:00 +0000` is six. */
const MAX_DATE_WORDS = 6;

/**
 * A date at the end of a stamp written without its `;` (SendGrid): the longest run of the last
 * words (at most six) that is a date, and how many words it took. Bounded work per stamp.
 * `comments` are the comments after those words (without their parentheses): RFC 5322 §3.3 ends a
 * date-time with `[CFWS]`, so `10:00:05 +0000 (UTC)` is one date, read with its comment as after a `;`.
 */
export function trailingDate(words: readonly string[], comments: readonly string[] = []): { taken: number; date: StampDate } | null {
  // parseMailDate removes innermost comments only, so a nested one leaves a date it refuses after a
  // `;` too: refused here at once, instead of once per k on what may be a long hostile comment.
  if (comments.some((c) => c.includes('(') || c.includes(')'))) return null;
  const after = comments.length === 0 ? '' : ` (${comments.join(') (')})`;
  for (let k = Math.min(MAX_DATE_WORDS, words.length); k >= 2; k--) {
    const text = words.slice(words.length - k).join(' ') + after;
    // A date starts with a digit or a day name; anything else (`id`, a host) is no date.
    if (!/^(?:\d|[A-Za-z]{3},?$)/.test(words[words.length - k]!)) continue;
    const rfc = parseMailDate(text);
    const time = rfc ?? parseIsoLikeDate(text);
    if (time === null) continue;
    const form = rfc !== null ? 'an RFC 5322 date-time' : 'an ISO 8601 date (Go\'s time format, as SendGrid writes it)';
    return {
      taken: k,
      date: { dateText: text, date: isoFromEpochMs(time), note: `the date (${form}) follows the stamp without the ";" RFC 5322 §3.6.7 puts before it; read as written`, time },
    };
  }
  return null;
}
