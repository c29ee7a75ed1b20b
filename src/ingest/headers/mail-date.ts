/**
 * RFC 5322 §3.3 date-time, with the obsolete forms of §4.3 that old MTAs still write: two-digit
 * years, named zones (UT, GMT, EST…), and Exchange's `04 Mar 2025 10:00:00.1234 (UTC)` (fractional
 * seconds, the zone given only as a comment) in X-MS-Exchange-*-OriginalArrivalTime.
 */

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** RFC 5322 §4.3 obs-zone; military letters are "-0000" (unknown), read as UTC. */
const NAMED_ZONES: Record<string, number> = { ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };

const DATE = /^(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?\s*([+-]\d{4}|[A-Za-z]{1,5})?\s*$/;

/** Milliseconds since the epoch, or null when the text is not a date these forms cover. */
export function parseMailDate(text: string): number | null {
  let zoneFromComment: number | null = null;
  const bare = text
    .replace(/\(([^()]*)\)/g, (_, inner: string) => {
      const z = NAMED_ZONES[inner.trim().toLowerCase()];
      if (z !== undefined) zoneFromComment = z;
      return ' ';
    })
    .replace(/\s+/g, ' ')
    .trim();
  const m = DATE.exec(bare);
  if (!m) return null;
  const day = Number(m[1]);
  const month = MONTHS[m[2]!.toLowerCase()];
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
    const named = NAMED_ZONES[zone.toLowerCase()];
    if (named !== undefined) offsetMinutes = named;
    else if (/^[A-IK-Za-ik-z]$/.test(zone)) offsetMinutes = 0;
    else return null;
  }
  const utc = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) + Math.round(fraction * 1000);
  // A day that does not exist in that month (31 Feb) rolls over in Date.UTC: refuse it.
  if (new Date(Date.UTC(year, month, day)).getUTCDate() !== day) return null;
  return utc - offsetMinutes * 60_000;
}

export function mailDateToIso(text: string): string | null {
  const t = parseMailDate(text);
  return t === null ? null : new Date(t).toISOString();
}
