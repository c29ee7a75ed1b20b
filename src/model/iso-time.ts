/** The largest distance from 1970 a JavaScript Date holds (±100,000,000 days, ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

/**
 * ISO 8601 text of a time in milliseconds, or null when no Date can hold it: times read from
 * input (`/Date(…)/` values, capture timestamps) can be anything, and toISOString throws on them.
 */
export function isoTime(ms: number): string | null {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : null;
}
