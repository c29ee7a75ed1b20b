import type { SmtpSessionObservation, StatusObservation } from '../../model/evidence.js';
import { own } from './session-rows.js';
import { SmtpSessionAssembly, type ProtocolRow } from './smtp-session.js';

/**
 * Groups the interleaved rows of a protocol log by `session-id` and hands each session out when
 * its disconnect row (`-`) arrives, so memory follows the sessions open at one moment, not the
 * file. Rows are applied in `sequence-number` order: one that arrives ahead of a gap waits in a
 * small per-session buffer. A session without a disconnect for longer than Exchange keeps an idle
 * connection (receive connectors drop one after 5–10 minutes) is closed and counted as evicted.
 */

/** Log time a session may stay silent before it is closed: well beyond Exchange's own timeouts. */
export const IDLE_EVICTION_MS = 30 * 60 * 1000;

/** The day of the last time read and its start in ms: rows of a log share a day, so Date.UTC runs once a day. */
let cachedDay = -1;
let cachedDayMs = 0;

/** `2026-11-20T10:00:00.015Z` (Exchange's date-time, ISO 8601 UTC) in ms, read in place; NaN otherwise. */
export function isoTimeMs(text: string, from = 0): number {
  if (text.charCodeAt(from + 10) !== 84 /* T */ || text.charCodeAt(from + 13) !== 58 /* : */) return NaN;
  const d = (i: number) => text.charCodeAt(from + i) - 48;
  const day = (d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)) * 10000 + (d(5) * 10 + d(6)) * 100 + d(8) * 10 + d(9);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayMs = Date.UTC(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, day % 100);
  }
  const ms = text.charCodeAt(from + 19) === 46 ? d(20) * 100 + d(21) * 10 + d(22) : 0;
  const t = cachedDayMs + (((d(11) * 10 + d(12)) * 60 + d(14) * 10 + d(15)) * 60 + d(17) * 10 + d(18)) * 1000 + ms;
  return t === t ? t : NaN;
}

/** Open sessions at most; beyond, the longest-idle are closed (a log of broken sessions must not grow memory). */
export const OPEN_SESSIONS_MAX = 20_000;
/** Rows held waiting for a missing sequence number before the gap is accepted. */
const REORDER_WINDOW = 32;
const EVICTION_CHECK_EVERY = 65_536;
/** One row in this many has its time read: idle time is judged to within that many rows. */
const TIME_SAMPLE_EVERY = 1024;

interface OpenSession {
  id: string;
  /** idRest() of the id when it has a number key, -1 otherwise (then a hit is checked by text). */
  rest: number;
  assembly: SmtpSessionAssembly;
  nextSequence: number;
  waiting: ProtocolRow[] | null;
}

export interface SessionTableCounts {
  sessions: number;
  evicted: number;
  /** First few evicted sessions: id and the line of their first row. */
  evictedSamples: { sessionId: string; line: number }[];
  /** Sessions still open when the file ended (they go on in the next file, or the log was cut). */
  openAtEnd: number;
}

export class SessionTable {
  private readonly open = new Map<string, OpenSession>();
  private rowsSinceCheck = 0;
  /** `[line, timeMs, line, timeMs, …]`: the time of one row in TIME_SAMPLE_EVERY, oldest first. */
  private samples: number[] = [];
  private rowsSinceSample = TIME_SAMPLE_EVERY;
  private readonly byNumber = new Map<number, OpenSession>();
  private count = 0;
  private looked: OpenSession | undefined;
  private lookedUp = false;
  readonly counts: SessionTableCounts = { sessions: 0, evicted: 0, evictedSamples: [], openAtEnd: 0 };

  constructor(
    private readonly viewpoint: 'server' | 'client',
    private readonly file: string,
    private readonly emit: (o: SmtpSessionObservation) => void,
    /** Receives the statuses recognised in the session's refusals and `*` rows (NDR-CATALOG); absent when nobody asks. */
    private readonly onStatus: ((o: StatusObservation) => void) | null = null,
  ) {}

  /** Whether the next row's time is wanted (one row in TIME_SAMPLE_EVERY): a reader may skip parsing the others. */
  get wantsTime(): boolean {
    return this.rowsSinceSample >= TIME_SAMPLE_EVERY;
  }

  /**
   * Finds the session of the id `text[from, to)` without making a string of it (Exchange's ids
   * are 16 hex digits: the low 7 make a number key, and a hit is checked against the whole id),
   * and remembers it for the add() that follows. True when the row needs its connector and
   * endpoints read: a new session, or a send log's first row had none.
   */
  lookup(text: string, from: number, to: number): boolean {
    const key = hexKey(text, from, to);
    let s = key === null ? this.open.get(text.slice(from, to)) : this.byNumber.get(key);
    if (s && key !== null && !(s.rest >= 0 ? s.rest === idRest(text, from) : sameId(s.id, text, from, to))) s = this.open.get(text.slice(from, to));
    // A session whose number key was taken when it opened lives in the text table, also once the
    // key's first holder has closed (the key is then free, but this session does not move).
    else if (!s && key !== null && this.open.size > 0) s = this.open.get(text.slice(from, to));
    this.looked = s;
    this.lookedUp = true;
    return !s || !s.assembly.hasEndpoints;
  }

  /** Applies a row now or keeps a copy of it until its turn; the row object itself is not kept. */
  add(row: ProtocolRow): void {
    // The session lookup() just found for this row, when it ran.
    let s = this.lookedUp ? this.looked : this.find(row.sessionId);
    this.lookedUp = false;
    if (!s) {
      const id = own(row.sessionId);
      const key = hexKey(id, 0, id.length);
      s = { id, rest: key === null ? -1 : idRest(id, 0), assembly: new SmtpSessionAssembly(this.viewpoint, row, this.file), nextSequence: row.sequence, waiting: null };
      // A number key already taken by another id (same low digits): that rare session goes by its text.
      if (key !== null && !this.byNumber.has(key)) this.byNumber.set(key, s);
      else this.open.set(id, s);
      this.count++;
    }
    if (row.sequence <= s.nextSequence || Number.isNaN(row.sequence)) {
      // In order (or late, or a repeated number): applied as it comes.
      this.apply(s, row);
      if (s.waiting) this.drain(s, false);
    } else {
      // Kept for later: a copy, since a reader may reuse its row object.
      (s.waiting ??= []).push({ ...row });
      // A disconnect ends the session: whatever is still missing (a skipped malformed row) will not come.
      if (row.event === '-') this.drainAll(s);
      else if (s.waiting.length > REORDER_WINDOW) this.drain(s, true);
    }
    if (s.assembly.ended) this.close(s);
    if (this.rowsSinceSample++ >= TIME_SAMPLE_EVERY && row.timeMs === row.timeMs) {
      this.samples.push(row.line, row.timeMs);
      this.rowsSinceSample = 0;
    }
    if (++this.rowsSinceCheck >= EVICTION_CHECK_EVERY || this.count > OPEN_SESSIONS_MAX) {
      this.rowsSinceCheck = 0;
      this.evictIdle();
    }
  }

  private apply(s: OpenSession, row: ProtocolRow): void {
    s.assembly.apply(row);
    if (row.sequence >= s.nextSequence) s.nextSequence = row.sequence + 1;
  }

  /** Applies waiting rows that are now in order; with `acceptGap`, the lowest waiting row goes whatever is missing. */
  private drain(s: OpenSession, acceptGap: boolean): void {
    const waiting = s.waiting!;
    waiting.sort((a, b) => a.sequence - b.sequence);
    let i = 0;
    while (i < waiting.length && (waiting[i]!.sequence <= s.nextSequence || acceptGap)) {
      this.apply(s, waiting[i]!);
      i++;
      if (acceptGap && waiting.length - i <= REORDER_WINDOW / 2) acceptGap = false;
    }
    s.waiting = i === waiting.length ? null : waiting.slice(i);
  }

  private drainAll(s: OpenSession): void {
    const waiting = s.waiting!.sort((a, b) => a.sequence - b.sequence);
    s.waiting = null;
    for (const row of waiting) this.apply(s, row);
  }

  private find(id: string): OpenSession | undefined {
    const key = hexKey(id, 0, id.length);
    const s = key === null ? undefined : this.byNumber.get(key);
    return s && s.id === id ? s : this.open.get(id);
  }

  private close(s: OpenSession): void {
    if (s.waiting) this.drainAll(s);
    const key = hexKey(s.id, 0, s.id.length);
    if (key !== null && this.byNumber.get(key) === s) this.byNumber.delete(key);
    else this.open.delete(s.id);
    this.count--;
    this.counts.sessions++;
    const session = s.assembly.finish();
    this.emit(session);
    if (this.onStatus) for (const o of s.assembly.statusObservations(session)) this.onStatus(o);
  }

  /**
   * Closes sessions whose last row is older, in log time, than IDLE_EVICTION_MS before the latest
   * sampled time: the cut is the first sampled row at or after that moment.
   */
  private evictIdle(): void {
    const samples = this.samples;
    let cutLine = -Infinity;
    if (samples.length > 0) {
      const idleBefore = samples[samples.length - 1]! - IDLE_EVICTION_MS;
      let i = 0;
      while (i < samples.length && samples[i + 1]! < idleBefore) i += 2;
      if (i > 0 && i < samples.length) cutLine = samples[i]!;
      // Later cuts only move forward: the samples before this one are not needed again.
      if (i > 0) this.samples = samples.slice(Math.min(i, samples.length - 2));
    }
    if (this.count > OPEN_SESSIONS_MAX) {
      // Too many open: close the longest-idle quarter whatever their age.
      const lines = this.sessions().map((s) => s.assembly.lastLine).sort((a, b) => a - b);
      const cut = lines[Math.floor(lines.length / 4)]!;
      if (cut > cutLine) cutLine = cut;
    }
    if (cutLine === -Infinity) return;
    for (const s of this.sessions()) {
      if (s.assembly.lastLine < cutLine) {
        this.counts.evicted++;
        if (this.counts.evictedSamples.length < 5) this.counts.evictedSamples.push({ sessionId: s.id, line: s.assembly.firstLine });
        this.close(s);
      }
    }
  }

  /** Closes every session still open (end of file). */
  flush(): void {
    this.counts.openAtEnd += this.count;
    for (const s of this.sessions()) this.close(s);
  }

  private sessions(): OpenSession[] {
    return [...this.byNumber.values(), ...this.open.values()];
  }
}

/** The low 7 hex digits of a 16-hex-digit session id as a small integer (a V8 Smi: no allocation, cheap hashing); null for another shape. */
function hexKey(text: string, from: number, to: number): number | null {
  if (to - from !== 16) return null;
  let n = 0;
  for (let i = to - 7; i < to; i++) {
    const c = text.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (v < 0) return null;
    n = n * 16 + v;
  }
  return n;
}

/**
 * The rest of a 16-character id whose low 7 characters are hex digits (hexKey): its first 9
 * characters, 5 bits each (0-9, A-F and a-f apart), then whether each of the low 7 is a lower-case
 * letter, 1 bit each — 52 bits, exact in a double. Two such ids with the same number key are the
 * same id exactly when their rests are equal: a hit costs one number comparison instead of a
 * string comparison on every row (measured ~7 % of the reader's CPU time on the benchmark logs).
 * -1 when one of the first 9 characters is not a hex digit.
 */
function idRest(text: string, from: number): number {
  let n = 0;
  for (let i = from; i < from + 9; i++) {
    const c = text.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 81 : -1;
    if (v < 0) return -1;
    n = n * 32 + v;
  }
  for (let i = from + 9; i < from + 16; i++) n = n * 2 + (text.charCodeAt(i) >= 97 ? 1 : 0);
  return n;
}

function sameId(id: string, text: string, from: number, to: number): boolean {
  // startsWith at a position compares in native code, several times faster than a loop over the characters.
  return id.length === to - from && text.startsWith(id, from);
}
