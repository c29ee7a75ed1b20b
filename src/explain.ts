import type { FlowResult } from './engine/flow-types.js';
import { ndrEntry } from './model/ndr-catalog.js';
import { enhancedCodes, MAX_STATUSES, recogniseStatuses } from './model/ndr-recognise.js';
import { MAX_STATUS_TEXT, type NdrEntry, type RecognisedStatus } from './model/ndr.js';
import type { Finding, FindingSubject, Severity } from './rules/finding.js';

/**
 * `explain`: the statuses of the NDR catalog found in a pasted text (an NDR, a queue's LastError,
 * a log line, a trace `LED=` value), each with its catalog entry; with a diagnosed case, the
 * findings of that case the entry's rules produced and whether the simulator reproduces the code.
 * Pure: reading the text and the case is the caller's.
 */
export interface Explanation {
  /** Each distinct status (same catalog entry and code) once, in order of first appearance. */
  statuses: ExplainedStatus[];
  /**
   * Every other enhanced status code in the text (RFC 3463 `class.subject.detail`): codes the
   * catalog has no entry for, or whose words match none of its entries. Each distinct code once,
   * in order of first appearance; nothing is said of them but what the text and RFC 3463 say.
   */
  unlisted: UnlistedStatus[];
  /** The case the statuses were set against, null without `--case`. */
  caseName: string | null;
}

/** A status code found in the text that the NDR catalog does not explain. */
export interface UnlistedStatus {
  /** The SMTP reply code written before it (`550`), else null. */
  basicCode: number | null;
  /** The enhanced status code as written (`4.4.4`). */
  enhancedCode: string;
  /** RFC 3463 3.1, from the code's first digit: 2 = success, 4 = persistent transient failure, 5 = permanent failure. */
  class: 'success' | 'transient' | 'permanent';
  /** The text from the status to the end of its line, trimmed, at most MAX_STATUS_TEXT characters. */
  text: string;
  /** Character offset of the status (its reply code when written) in the text. */
  offset: number;
  /** How many times the text holds this code. */
  occurrences: number;
}

export interface ExplainedStatus {
  /** The first occurrence in the text. */
  status: RecognisedStatus;
  /** How many times the text holds this status (an NDR repeats its diagnostic code). */
  occurrences: number;
  entry: NdrEntry;
  /**
   * For an expiry (4.4.7 QUEUE.Expired, 5.4.300): the last deferral before it in the same text —
   * the catalog's root cause of an expiry ([447]) — else null.
   */
  lastDeferral: RecognisedStatus | null;
  /** Null without a case. */
  inCase: StatusInCase | null;
}

const EXPIRIES = new Set(['4.4.7-queue-expired', '5.4.300-message-expired']);

export interface StatusInCase {
  /** Findings of the case whose rule (or a rule grouped into them) is one the entry names. */
  findings: { rule: string; severity: Severity; title: string; message: string; subjects: FindingSubject[] }[];
  /** Simulated flows (or one of their smart-host targets) whose reply carries this status's code. */
  reproducedBy: { flow: string; outcome: string; target: string | null; response: string }[];
}

/** What `explain` needs of a diagnosis (src/diagnose.ts Diagnosis fits). */
export interface ExplainCase {
  name: string;
  findings: Finding[];
  flows: FlowResult[];
}

export function explainText(text: string, c: ExplainCase | null = null): Explanation {
  const statuses: ExplainedStatus[] = [];
  const byKey = new Map<string, ExplainedStatus>();
  let lastDeferral: RecognisedStatus | null = null;
  const recognised = recogniseStatuses(text);
  for (const s of recognised) {
    const entry = ndrEntry(s.entryId);
    if (!entry) continue;
    const before = lastDeferral;
    if (entry.outcome === 'deferred') lastDeferral = s;
    const key = `${s.entryId}|${s.enhancedCode ?? ''}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.occurrences++;
      continue;
    }
    const explained: ExplainedStatus = { status: s, occurrences: 1, entry, lastDeferral: EXPIRIES.has(entry.id) ? before : null, inCase: c ? statusInCase(s, entry, c) : null };
    byKey.set(key, explained);
    statuses.push(explained);
  }
  return { statuses, unlisted: unlistedStatuses(text, recognised), caseName: c?.name ?? null };
}

/** The next code in a status's words, with its reply code when written (`; and 550 5.7.1`). */
const NEXT_CODE = /(?:[245]\d\d[ -])?(?<![\d.])[245]\.\d{1,3}\.\d{1,3}(?!\d|\.\d)/;
const CLASS: Record<string, UnlistedStatus['class']> = { '2': 'success', '4': 'transient', '5': 'permanent' };
/** Distinct unlisted codes kept from one text (a hostile text cannot make the answer unbounded). */
const MAX_UNLISTED = 100;

/**
 * The enhanced codes of `text` that no recognised status stands for. A recognised status starts at
 * its enhanced code, or 4 characters before it when a reply code (`550 `) is written; a code found
 * at any other place was not recognised. One pass of a linear expression; the words of each
 * distinct code (to its line end, at most MAX_STATUS_TEXT characters) are read once.
 */
function unlistedStatuses(text: string, recognised: readonly RecognisedStatus[]): UnlistedStatus[] {
  const known = new Set<number>();
  for (const s of recognised) if (s.enhancedCode !== null) known.add(s.offset + (s.basicCode !== null ? 4 : 0));
  // The recogniser keeps at most MAX_STATUSES: past its last one, nothing can be said unlisted.
  const limit = recognised.length >= MAX_STATUSES ? recognised[recognised.length - 1]!.offset : text.length;
  const out: UnlistedStatus[] = [];
  const byCode = new Map<string, UnlistedStatus>();
  for (const m of enhancedCodes(text)) {
    if (m.start >= limit) break;
    if (known.has(m.start)) continue;
    const seen = byCode.get(m.code);
    if (seen) {
      seen.occurrences++;
      continue;
    }
    if (out.length >= MAX_UNLISTED) continue;
    const offset = m.statusStart;
    // Its words: to the line end or the next code (with its reply code), at most MAX_STATUS_TEXT characters.
    const from = m.end;
    let end = from;
    const ceiling = Math.min(text.length, offset + MAX_STATUS_TEXT);
    while (end < ceiling && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
    const next = NEXT_CODE.exec(text.slice(from, end));
    if (next) end = from + next.index;
    const u: UnlistedStatus = {
      basicCode: m.basicCode,
      enhancedCode: m.code,
      class: CLASS[m.parts[0]]!,
      // A copy: the input text is not kept alive by a slice of it.
      text: (' ' + text.slice(offset, end).trim()).slice(1),
      offset,
      occurrences: 1,
    };
    byCode.set(m.code, u);
    out.push(u);
  }
  return out;
}

function statusInCase(s: RecognisedStatus, entry: NdrEntry, c: ExplainCase): StatusInCase {
  const rules = new Set(entry.rules);
  const findings = c.findings
    .filter((f) => rules.has(f.rule) || (f.related ?? []).some((r) => rules.has(r)))
    .map((f) => ({ rule: f.rule, severity: f.severity, title: f.title, message: f.message, subjects: f.subjects }));
  return { findings, reproducedBy: reproducedBy(s, c.flows) };
}

/**
 * A flow reproduces a status when its reply (response, the NDR it ends with, or one smart-host
 * target's reply) carries the same enhanced code — compared as recognised codes, so 5.4.1 is not
 * taken for 5.4.14. A status without a code (UnknownCredentials) is compared by catalog entry.
 */
function reproducedBy(s: RecognisedStatus, flows: FlowResult[]): StatusInCase['reproducedBy'] {
  const out: StatusInCase['reproducedBy'] = [];
  const carries = (reply: string | null): boolean =>
    reply !== null && recogniseStatuses(reply).some((r) => (s.enhancedCode !== null ? r.enhancedCode === s.enhancedCode : r.entryId === s.entryId));
  for (const f of flows) {
    const flow = `${f.from} → ${f.to}`;
    if (carries(f.response)) out.push({ flow, outcome: f.outcome, target: null, response: f.response! });
    else if (carries(f.finalResponse)) out.push({ flow, outcome: f.outcome, target: null, response: f.finalResponse! });
    else {
      const t = (f.targets ?? []).find((x) => carries(x.response));
      if (t) out.push({ flow, outcome: t.outcome, target: t.host, response: t.response! });
    }
  }
  return out;
}
