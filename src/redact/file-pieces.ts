import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { detectCertificate } from '../ingest/certificate/read-certificate.js';
import { hasCertificateName } from '../ingest/detect.js';
import { looksLikeMsg } from '../ingest/headers/outlook-msg.js';
import { captureFormat } from '../ingest/pcap/read-capture-file.js';

/**
 * A large plain UTF-8 input (an mbox, a log, a trace export) learned in pieces instead of as one
 * string: memory stays at a piece, and a file over the longest string a JS engine holds can still
 * be learned. A cut is made only where learning the two sides apart notes exactly what learning
 * the whole notes:
 * - after a blank line: no token (tokens never hold a line break), header field (a blank line
 *   ends folding) or UTF-8 sequence spans it;
 * - not after the blank line that opens a base64 body (`Content-Transfer-Encoding: base64` in the
 *   paragraph before it): the body would be cut from its header;
 * - not where the text before ends in `version:` and spaces (an address after it is a version
 *   number, judged by the 12 characters before it);
 * and never in a file that holds `DisplayName` (an export's display-name column is read from the
 * file's first line, and a property's value may follow its name across lines): that is learned
 * whole. Anything the plain-text reading of `fileText` would not give (a certificate, a capture,
 * an Outlook item, UTF-16 or UTF-32, binary) is learned whole too.
 */

export const MIN_PIECE_BYTES = 8 << 20;
/** A piece that finds no cut by this size: the file is learned whole (bounded work on hostile input). */
const MAX_PIECE_FACTOR = 8;
const SAMPLE_BYTES = 1 << 20;
const READ_BYTES = 4 << 20;

const BASE64_HEADER = /^content-transfer-encoding:\s*base64\s*$/im;
const VERSION_TAIL = /version[:=]?\s*$/i;

/** Byte offsets: piece k is [cuts[k], cuts[k + 1]). */
export type PiecePlan = number[];

/** Where to cut the file, or null when it is to be read whole. */
export function planPieces(file: string, minPiece: number = MIN_PIECE_BYTES): PiecePlan | null {
  const size = statSync(file).size;
  if (size < 2 * minPiece) return null;
  const fd = openSync(file, 'r');
  try {
    const sample = readAt(fd, 0, Math.min(SAMPLE_BYTES, size));
    if (!plainUtf8(file, sample, size)) return null;
    const bom = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf ? 3 : 0;
    // fileText's test for binary: no NUL among the first 4096 characters.
    if (sample.toString('utf8', bom, Math.min(sample.length, bom + 4 * 4096)).slice(0, 4096).includes('\u0000')) return null;
    const cuts = [bom];
    let start = bom;
    let buf = Buffer.alloc(0);
    let searchFrom = 0;
    while (start < size) {
      if (buf.length < minPiece || searchFrom >= buf.length - 2) {
        if (start + buf.length >= size) break;
        if (buf.length > MAX_PIECE_FACTOR * minPiece) return null;
        buf = Buffer.concat([buf, readAt(fd, start + buf.length, Math.min(READ_BYTES, size - start - buf.length))]);
        continue;
      }
      const cut = nextCut(buf, Math.max(searchFrom, minPiece - 2));
      if (cut === null) {
        searchFrom = Math.max(0, buf.length - 2);
        continue;
      }
      if (cut.at === null) {
        searchFrom = cut.next;
        continue;
      }
      if (buf.subarray(0, cut.at).includes('DisplayName')) return null;
      start += cut.at;
      cuts.push(start);
      buf = buf.subarray(cut.at);
      searchFrom = 0;
    }
    if (buf.includes('DisplayName')) return null;
    if (cuts[cuts.length - 1] !== size) cuts.push(size);
    return cuts.length > 2 ? cuts : null;
  } finally {
    closeSync(fd);
  }
}

/** The pieces' texts, read from the file one at a time. */
export function* readPieces(file: string, plan: PiecePlan): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    for (let k = 0; k + 1 < plan.length; k++) yield readAt(fd, plan[k]!, plan[k + 1]! - plan[k]!).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** What fileText reads as plain UTF-8 text (with or without a byte-order mark). */
function plainUtf8(file: string, sample: Buffer, size: number): boolean {
  // A DER certificate starts with a SEQUENCE (0x30); base64 without armour is looked for only in small files.
  if (sample[0] === 0x30 || size < SAMPLE_BYTES || sample.length < SAMPLE_BYTES) return false;
  if (hasCertificateName(file) || detectCertificate(sample) || captureFormat(sample) !== null || looksLikeMsg(sample)) return false;
  const b = sample;
  if (b[0] === 0xff && b[1] === 0xfe) return false;
  if (b[0] === 0xfe && b[1] === 0xff) return false;
  if (b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return false;
  return true;
}

/**
 * The first blank line at or after `from` (`\n\n` or `\n\r\n`): `at` is the offset after it when
 * the cut is safe there, else null with `next` where to look on; null when there is none yet.
 */
function nextCut(buf: Buffer, from: number): { at: number | null; next: number } | null {
  for (let i = buf.indexOf(10, from); i >= 0 && i + 1 < buf.length; i = buf.indexOf(10, i + 1)) {
    let end = -1;
    if (buf[i + 1] === 10) end = i + 2;
    else if (buf[i + 1] === 13 && buf[i + 2] === 10) end = i + 3;
    if (end < 0) continue;
    const paragraph = buf.toString('utf8', paragraphStart(buf, i), end);
    // The last characters before the cut, across blank lines (64 bytes hold at least 16 characters).
    const tail = buf.toString('utf8', Math.max(0, end - 64), end).slice(-16);
    const safe = !BASE64_HEADER.test(paragraph) && !VERSION_TAIL.test(tail);
    return safe ? { at: end, next: end } : { at: null, next: end };
  }
  return null;
}

/** Start of the paragraph that ends with the line break at i: after the blank line before it, or the piece's start. */
function paragraphStart(buf: Buffer, i: number): number {
  for (let j = buf.lastIndexOf(10, i - 1); j >= 0; j = buf.lastIndexOf(10, j - 1)) {
    if (buf[j + 1] === 10) return j + 2;
    if (buf[j + 1] === 13 && buf[j + 2] === 10) return j + 3;
  }
  return 0;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, b, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? b : b.subarray(0, done);
}
