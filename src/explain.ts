import type { FlowResult } from './engine/flow-types.js';
import { ndrEntry } from './model/ndr-catalog.js';
import { recogniseStatuses } from './model/ndr-recognise.js';
import type { NdrEntry, RecognisedStatus } from './model/ndr.js';
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
  /** The case the statuses were set against, null without `--case`. */
  caseName: string | null;
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
  for (const s of recogniseStatuses(text)) {
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
  return { statuses, caseName: c?.name ?? null };
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
