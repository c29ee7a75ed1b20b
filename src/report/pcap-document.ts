import type { CaptureReadResult, CapturedSession } from '../model/capture.js';

/**
 * A `pcap` text or Markdown report as the parts it is made of, so a capture of any size is written
 * from sessions kept as text (a temporary file past a few MB) instead of as objects: the document
 * is `head(r, count)`, then for each listing of the sessions (the text report lists them once,
 * Markdown in a table and then one by one) the sessions' parts in report order (by first packet)
 * followed by `after(listing, count)`. Joined, the parts are the whole-document rendering byte for
 * byte. A part never splits a path or a name, so the output step (relative paths, `--redact`) may
 * finish each part on its own.
 */
export interface PcapDocumentParts {
  /** The text before the sessions: written once the capture is read, it states their number. */
  head(r: CaptureReadResult, sessions: number): string;
  readonly listings: readonly SessionListing[];
  /** The text after listing `listing` (an index into `listings`). */
  after(listing: number, sessions: number): string;
}

/**
 * A session's part in one listing. The part is made when the session's connection ends, before its
 * place in the report is known: its number is left as SESSION_NUMBER in the first `slots` places it
 * goes, for `numbered` to fill in. Those places come before any text taken from the capture, so a
 * NUL the capture holds is never taken for one.
 */
export interface SessionListing {
  part(x: CapturedSession): string;
  readonly slots: number;
}

export const SESSION_NUMBER = '\u0000';

/** `part` with its first `slots` SESSION_NUMBERs replaced by `n`. */
export function numbered(part: string, n: number, slots: number): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < slots; i++) {
    const at = part.indexOf(SESSION_NUMBER, from);
    if (at < 0) break;
    out += `${part.slice(from, at)}${n}`;
    from = at + SESSION_NUMBER.length;
  }
  return out + part.slice(from);
}

/** The whole document from its parts, for sessions held in memory (in report order). */
export function wholePcapDocument(parts: PcapDocumentParts, r: CaptureReadResult): string {
  const out = [parts.head(r, r.sessions.length)];
  parts.listings.forEach((listing, i) => {
    r.sessions.forEach((x, k) => out.push(numbered(listing.part(x), k + 1, listing.slots)));
    out.push(parts.after(i, r.sessions.length));
  });
  return out.join('');
}
