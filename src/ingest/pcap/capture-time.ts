/** 10000-01-01T00:00:00.000Z: from here on Date#toISOString prints a sign and six year digits. */
const YEAR_10000_MS = 253_402_300_800_000;
const MINUTE_MS = 60_000;

/**
 * The ISO 8601 text Date#toISOString prints for a capture time, or null for a time outside what
 * Date holds (a damaged interface option can put one there: ±8.64e15 ms). Every session prints
 * its start and end, and toISOString costs about a microsecond; a capture's times fall in few
 * minutes, so the text of the last minute is kept and only seconds and milliseconds are written.
 */
export class CaptureTimeText {
  /** The minute (ms since the epoch / 60 000) whose text `prefix` holds ("2026-11-20T09:00:"). */
  private minute = Number.NaN;
  private prefix = '';

  text(t: number): string | null {
    if (!Number.isFinite(t) || Math.abs(t) > 8.64e15) return null;
    // Date keeps whole milliseconds, cut toward zero (TimeClip).
    const ms = Math.trunc(t);
    if (!(ms >= 0 && ms < YEAR_10000_MS)) return new Date(t).toISOString();
    const minute = Math.floor(ms / MINUTE_MS);
    if (minute !== this.minute) {
      this.minute = minute;
      this.prefix = new Date(minute * MINUTE_MS).toISOString().slice(0, 17);
    }
    const inMinute = ms - minute * MINUTE_MS;
    const seconds = Math.floor(inMinute / 1000);
    const millis = inMinute % 1000;
    return `${this.prefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  }
}
