import type { SmtpSessionObservation } from '../../model/evidence.js';
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
/** Open sessions at most; beyond, the longest-idle are closed (a log of broken sessions must not grow memory). */
export const OPEN_SESSIONS_MAX = 20_000;
/** Rows held waiting for a missing sequence number before the gap is accepted. */
const REORDER_WINDOW = 32;
const EVICTION_CHECK_EVERY = 65_536;

interface OpenSession {
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
  private looked: OpenSession | undefined;
  private lookedId: string | null = null;
  readonly counts: SessionTableCounts = { sessions: 0, evicted: 0, evictedSamples: [], openAtEnd: 0 };

  constructor(
    private readonly viewpoint: 'server' | 'client',
    private readonly file: string,
    private readonly emit: (o: SmtpSessionObservation) => void,
  ) {}

  /** Whether rows of this session still need their connector and endpoints (a new session, or a send log's first row had none). */
  wantsEndpoints(sessionId: string): boolean {
    const s = this.open.get(sessionId);
    this.looked = s;
    this.lookedId = sessionId;
    return !s || !s.assembly.hasEndpoints;
  }

  add(row: ProtocolRow): void {
    // The lookup wantsEndpoints just made for this row, when it did.
    let s = this.lookedId === row.sessionId ? this.looked : this.open.get(row.sessionId);
    this.lookedId = null;
    if (!s) {
      s = { assembly: new SmtpSessionAssembly(this.viewpoint, row, this.file), nextSequence: row.sequence, waiting: null };
      this.open.set(row.sessionId, s);
    }
    if (row.sequence <= s.nextSequence || Number.isNaN(row.sequence)) {
      // In order (or late, or a repeated number): applied as it comes.
      this.apply(s, row);
      if (s.waiting) this.drain(s, false);
    } else {
      (s.waiting ??= []).push(row);
      // A disconnect ends the session: whatever is still missing (a skipped malformed row) will not come.
      if (row.event === '-') this.drainAll(s);
      else if (s.waiting.length > REORDER_WINDOW) this.drain(s, true);
    }
    if (s.assembly.ended) this.close(row.sessionId, s);
    if (++this.rowsSinceCheck >= EVICTION_CHECK_EVERY || this.open.size > OPEN_SESSIONS_MAX) {
      this.rowsSinceCheck = 0;
      this.evictIdle(row.time);
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

  private close(id: string, s: OpenSession): void {
    if (s.waiting) this.drainAll(s);
    this.open.delete(id);
    this.counts.sessions++;
    this.emit(s.assembly.finish());
  }

  private evictIdle(now: string): void {
    const nowMs = Date.parse(now);
    let idleBefore = Number.isNaN(nowMs) ? '' : new Date(nowMs - IDLE_EVICTION_MS).toISOString();
    if (this.open.size > OPEN_SESSIONS_MAX) {
      // Too many open: close the longest-idle quarter whatever their age.
      const times = [...this.open.values()].map((s) => s.assembly.lastTime).sort();
      const cut = times[Math.floor(times.length / 4)]!;
      if (cut > idleBefore) idleBefore = cut;
    }
    if (idleBefore === '') return;
    for (const [id, s] of this.open) {
      // ISO 8601 UTC times of one shape order as text.
      if (s.assembly.lastTime < idleBefore) {
        this.counts.evicted++;
        if (this.counts.evictedSamples.length < 5) this.counts.evictedSamples.push({ sessionId: id, line: s.assembly.firstLine });
        this.close(id, s);
      }
    }
  }

  /** Closes every session still open (end of file). */
  flush(): void {
    this.counts.openAtEnd += this.open.size;
    for (const [id, s] of this.open) this.close(id, s);
  }
}
