import { MAX_STATUS_TEXT, type RecognisedStatus } from './ndr.js';
import { KEYWORD_ENTRY, optionsFor, type EntryOption } from './ndr-recognise-table.js';

/**
 * Finds every status of the NDR catalog in a piece of text (an NDR's diagnostic block, a trace
 * row's `LED=` detail, a queue's LastError, a protocol log reply), in order of appearance.
 *
 * Readers call this on every trace row and log reply, so it is built to be linear: one regular
 * expression test rejects text without anything shaped like `d.d.d` or a credentials keyword;
 * the scan uses only bounded quantifiers; every look around a code reads at most WINDOW
 * characters; at most MAX_STATUSES statuses are kept from one text.
 */

/** How far after a code its words are read (texts in NDR-CATALOG are shorter than this). */
const WINDOW = 300;
/** How many statuses one text can yield (a hostile text cannot make the result unbounded). */
export const MAX_STATUSES = 1000;

const SHAPED = /\d\.\d{1,3}\.\d|(?:unknown|no)credentials/i;
// An enhanced status code: class.subject.detail, not part of a longer dotted number (an IP address,
// a build number) — one character of look-behind and two of look-ahead, so no backtracking.
const CODE = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)/g;
const CREDENTIALS = /(?:unknown|no)credentials/gi;
const BASIC_BEFORE = /(?:^|\D)([245]\d\d)[ -]$/;

interface Candidate {
  /** Where the status starts: its basic code (`550 `) when written, else the enhanced code. */
  statusStart: number;
  basicCode: number | null;
  start: number;
  end: number;
  code: string;
  options: readonly EntryOption[];
}

export function recogniseStatuses(text: string): RecognisedStatus[] {
  if (typeof text !== 'string' || text.length === 0 || !SHAPED.test(text)) return [];
  const candidates = findCodes(text);
  const found: RecognisedStatus[] = [];
  // The status whose words are still being read (an outer deferral quoting an inner reply).
  let outer: { code: string; windowEnd: number } | null = null;
  for (let i = 0; i < candidates.length && found.length < MAX_STATUSES; i++) {
    const c = candidates[i]!;
    const windowEnd = windowEndAfter(text, c, candidates, i + 1);
    const words = text.slice(c.end, windowEnd).toLowerCase();
    const before = text.slice(Math.max(0, c.statusStart - 12), c.statusStart).toLowerCase();
    const insideExo = (outer !== null && c.start < outer.windowEnd && outer.code === '4.4.317') || before.includes('message=');
    const option = c.options.find((o) => (o.insideExoDeferral ? insideExo : true) && (!o.when || o.when.some((w) => words.includes(w))));
    if (outer === null || c.start >= outer.windowEnd) outer = { code: c.code, windowEnd };
    if (!option) continue;
    found.push({
      entryId: option.entryId,
      basicCode: c.basicCode,
      enhancedCode: c.code,
      markers: markersIn(text.slice(c.start, windowEnd)),
      text: clip(text.slice(c.statusStart, windowEnd)),
      offset: c.statusStart,
    });
  }
  return mergeByOffset(found, keywordStatuses(text));
}

/** An enhanced status code found in a text, with the SMTP reply code written just before it. */
export interface EnhancedCodeMatch {
  /** Where the status starts: its reply code (`550 `) when written, else the enhanced code. */
  statusStart: number;
  basicCode: number | null;
  start: number;
  end: number;
  /** As written (`5.7.64`), and its three parts. */
  code: string;
  parts: [string, string, string];
}

/** Every enhanced status code of `text` in order: the one scan the recogniser and `explain` share. */
export function* enhancedCodes(text: string): Generator<EnhancedCodeMatch> {
  // Its own copy: two scans may run interleaved.
  const re = new RegExp(CODE);
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const basic = BASIC_BEFORE.exec(text.slice(Math.max(0, m.index - 5), m.index));
    const statusStart = basic ? m.index - basic[1]!.length - 1 : m.index;
    yield { statusStart, basicCode: basic ? Number(basic[1]) : null, start: m.index, end: m.index + m[0].length, code: m[0], parts: [m[1]!, m[2]!, m[3]!] };
  }
}

/** Codes the catalog knows, in order; at most a few times MAX_STATUSES are collected. */
function findCodes(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of enhancedCodes(text)) {
    if (out.length >= MAX_STATUSES * 4) break;
    const options = optionsFor(...m.parts);
    if (!options) continue;
    out.push({ statusStart: m.statusStart, basicCode: m.basicCode, start: m.start, end: m.end, code: m.code, options });
  }
  return out;
}

const QUOTE = 34; // "
const APOSTROPHE = 39; // '
const CLOSER: Record<number, number> = { 91: 93, 123: 125 }; // [ → ], { → }

/**
 * Where a status's words end: at a line break; at a bracket, brace or quote that closes one opened
 * before the status (`{LED=…}`, `[Message=…]`, `"421 4.4.1 …"`); at the next status that is not
 * quoted inside this one's own brackets or quotes; or WINDOW characters on. So a reply quoted in
 * `[Message=…]` or `responded with: "…"` stays in its outer status's words and is a status itself.
 */
function windowEndAfter(text: string, c: Candidate, candidates: Candidate[], next: number): number {
  const limit = Math.min(text.length, c.end + WINDOW);
  const quotedBy = c.statusStart > 0 ? text.charCodeAt(c.statusStart - 1) : -1;
  const stack: number[] = [];
  let k = next;
  for (let j = c.end; j < limit; j++) {
    while (k < candidates.length && candidates[k]!.statusStart < j) k++;
    const nextStartsHere = k < candidates.length && candidates[k]!.statusStart === j;
    if (stack.length === 0 && nextStartsHere) return j;
    const ch = text.charCodeAt(j);
    if (ch === 10 || ch === 13) return j;
    const closer = CLOSER[ch];
    if (closer !== undefined) stack.push(closer);
    else if (ch === 93 || ch === 125) {
      if (stack.length === 0) return j;
      stack.pop();
    } else if (ch === QUOTE || ch === APOSTROPHE) {
      if (stack.length > 0 && stack[stack.length - 1] === ch) stack.pop();
      else if (stack.length === 0 && ch === quotedBy) return j;
      else if (k < candidates.length && candidates[k]!.statusStart === j + 1) stack.push(ch);
    }
  }
  return limit;
}

const MARKERS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/ATTR(\d{2})/gi, (m) => `ATTR${m[1]}`],
  [/\bAS\((\d{1,12})\)|\(AS(\d{1,12})\)/gi, (m) => `AS(${m[1] ?? m[2]})`],
  [/SubjectMismatch/gi, () => 'SubjectMismatch'],
  [/UntrustedRoot/gi, () => 'UntrustedRoot'],
  [/QUEUE\.Expired/gi, () => 'QUEUE.Expired'],
];

/** Markers that refine a status (RULES.md v2 evidence table), once each, in a fixed order. */
function markersIn(words: string): string[] {
  const out: string[] = [];
  for (const [re, name] of MARKERS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(words)) !== null) {
      const v = name(m);
      if (!out.includes(v)) out.push(v);
    }
  }
  return out;
}

/** `TLS negotiation failed with error UnknownCredentials` (or NoCredentials): a status without a code. */
function keywordStatuses(text: string): RecognisedStatus[] {
  const out: RecognisedStatus[] = [];
  CREDENTIALS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CREDENTIALS.exec(text)) !== null && out.length < MAX_STATUSES) {
    const start = lineStartNear(text, m.index);
    const end = lineEndNear(text, m.index + m[0].length);
    out.push({
      entryId: KEYWORD_ENTRY,
      basicCode: null,
      enhancedCode: null,
      markers: [m[0].toLowerCase().startsWith('unknown') ? 'UnknownCredentials' : 'NoCredentials'],
      text: clip(text.slice(start, end)),
      offset: m.index,
    });
  }
  return out;
}

function lineStartNear(text: string, at: number): number {
  const floor = Math.max(0, at - 120);
  for (let j = at - 1; j >= floor; j--) {
    const ch = text.charCodeAt(j);
    if (ch === 10 || ch === 13) return j + 1;
  }
  return floor;
}

function lineEndNear(text: string, at: number): number {
  const ceiling = Math.min(text.length, at + 120);
  for (let j = at; j < ceiling; j++) {
    const ch = text.charCodeAt(j);
    if (ch === 10 || ch === 13) return j;
  }
  return ceiling;
}

function clip(s: string): string {
  const t = s.trim();
  return t.length <= MAX_STATUS_TEXT ? t : t.slice(0, MAX_STATUS_TEXT);
}

function mergeByOffset(a: RecognisedStatus[], b: RecognisedStatus[]): RecognisedStatus[] {
  if (b.length === 0) return a;
  return [...a, ...b].sort((x, y) => x.offset - y.offset).slice(0, MAX_STATUSES);
}
