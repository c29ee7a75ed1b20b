import type { StatusObservation, StatusOrigin } from '../../model/evidence.js';
import { MAX_STATUS_TEXT, type RecognisedStatus } from '../../model/ndr.js';
import { ndrEntry } from '../../model/ndr-catalog.js';
import { recogniseStatuses } from '../../model/ndr-recognise.js';
import type { Provenance } from '../../model/provenance.js';

/**
 * From a piece of evidence text (a trace row's LED, a reply, a queue's LastError, an NDR's
 * diagnostic block) to StatusObservations: every status the catalog recognises in it (RULES.md
 * v2, "Evidence: NDR code families the readers must recognise"), tied to where it was read.
 * Readers call this only on fields that can carry a status, never on every field of every row.
 */

/** What the reader knows about the place a status text was read. */
export type StatusContext = Omit<StatusObservation, 'status' | 'rules' | 'lastError'> & {
  /** The last deferral the source states beside the text (a queue's LastError, a trace's LED), for an expiry. */
  lastError?: string | null;
};

export function emptyContext(origin: StatusOrigin, source: Provenance): StatusContext {
  return { origin, at: null, sender: null, recipient: null, connector: null, remoteHost: null, remoteIp: null, clientIp: null, tenantId: null, source };
}

/** Statuses recognised in one text, at most this many (a hostile text cannot flood the case). */
export const STATUSES_PER_TEXT = 16;

/**
 * The catalog's statuses in `text`, never throwing: a recogniser failure on odd input costs the
 * statuses of that text, not the file.
 */
export function recognise(text: string | null | undefined): RecognisedStatus[] {
  if (!text) return [];
  try {
    const found = recogniseStatuses(text);
    return found.length > STATUSES_PER_TEXT ? found.slice(0, STATUSES_PER_TEXT) : found;
  } catch {
    return [];
  }
}

/**
 * Expiry statuses (NDR-CATALOG "Message expiry": `550 4.4.7 QUEUE.Expired`, `5.4.300 Message
 * expired`): their root cause is the last deferral, which the observation carries.
 */
export function isExpiry(s: RecognisedStatus): boolean {
  return s.enhancedCode === '4.4.7' || s.enhancedCode === '5.4.300' || /queue\.expired|message expired/i.test(s.text);
}

/**
 * The deferral an expiry text quotes after itself: Exchange Online writes
 * `550 4.4.7 QUEUE.Expired; message expired -> 451 4.4.0 …`, and the Exchange Server variant
 * `… Proxy session setup failed on Frontend with '451 4.4.0 …'`; otherwise the next status
 * recognised in the same text.
 */
export function quotedLastError(text: string, expiry: RecognisedStatus, all: readonly RecognisedStatus[]): string | null {
  const from = Math.min(Math.max(expiry.offset, 0), text.length);
  const window = text.slice(from, from + 4 * MAX_STATUS_TEXT);
  const arrow = window.indexOf('->');
  if (arrow >= 0) {
    const after = cutAtEnd(window.slice(arrow + 2));
    if (after !== '') return after;
  }
  const next = all.find((s) => s !== expiry && !isExpiry(s) && s.offset > expiry.offset);
  if (next) return cutAtEnd(text.slice(next.offset, next.offset + MAX_STATUS_TEXT));
  return null;
}

/** A quoted text up to its closing quote or line end, at most MAX_STATUS_TEXT characters. */
function cutAtEnd(text: string): string {
  let end = text.length;
  for (const stop of ["'", '\n', '\r', '};']) {
    const i = text.indexOf(stop);
    if (i >= 0 && i < end) end = i;
  }
  return copy(text.slice(0, Math.min(end, MAX_STATUS_TEXT)).trim());
}

/**
 * A copy that does not keep alive the large chunk a field was sliced from (V8 substrings share
 * their parent): what a collector group keeps as its sample goes through here.
 */
export function copy<T extends string | null>(s: T): T {
  return (s === null || s.length < 13 ? s : (' ' + s).slice(1)) as T;
}

function copyStatus(s: RecognisedStatus): RecognisedStatus {
  return { ...s, text: copy(s.text), markers: s.markers.map((m) => copy(m)) };
}

/** One observation of a recognised status in the given context. */
export function observation(s: RecognisedStatus, ctx: StatusContext, lastError: string | null): StatusObservation {
  return {
    status: copyStatus(s),
    rules: [...(ndrEntry(s.entryId)?.rules ?? [])],
    origin: ctx.origin,
    at: copy(ctx.at),
    sender: copy(ctx.sender),
    recipient: copy(ctx.recipient),
    connector: copy(ctx.connector),
    remoteHost: copy(ctx.remoteHost),
    remoteIp: copy(ctx.remoteIp),
    clientIp: copy(ctx.clientIp),
    lastError: lastError === null ? null : copy(lastError.length > MAX_STATUS_TEXT ? lastError.slice(0, MAX_STATUS_TEXT) : lastError),
    tenantId: copy(ctx.tenantId),
    source: { ...ctx.source },
  };
}

/**
 * Recognises the statuses in `text` and hands each to `emit` as an observation; an expiry carries
 * the last deferral (the context's, else the one the text quotes). The quoted deferral is an
 * observation of its own too: it names the root cause the expiry hides. Returns how many.
 */
export function observeStatuses(text: string | null | undefined, ctx: StatusContext, emit: (o: StatusObservation) => void): number {
  if (!text) return 0;
  const found = recognise(text);
  for (const s of found) {
    const lastError = isExpiry(s) ? (ctx.lastError ?? quotedLastError(text, s, found)) : null;
    emit(observation(s, ctx, lastError));
  }
  return found.length;
}
