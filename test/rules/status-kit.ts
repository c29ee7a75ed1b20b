import { diagnoseCase, type Diagnosis } from '../../src/diagnose.js';
import { EvidenceCollector } from '../../src/ingest/evidence/evidence-collector.js';
import type { Observed, StatusObservation, TraceObservation, SmtpSessionObservation } from '../../src/model/evidence.js';
import type { RecognisedStatus } from '../../src/model/ndr.js';
import { ndrEntry } from '../../src/model/ndr-catalog.js';
import { recogniseStatuses } from '../../src/model/ndr-recognise.js';
import type { Finding } from '../../src/rules/finding.js';
import { AT, loadTopology } from './rule-test-kit.js';

/**
 * Status observations as the evidence readers hand them to the rules (src/model/evidence.ts), built
 * from the exact texts of NDR-CATALOG.md, so each evidence rule is tested on the observation and
 * not on a file format. The text is recognised with the shared catalog (recogniseStatuses) and
 * carries the rule ids its entry names; `rules` is only for a text the catalog gives no code to.
 */

export interface StatusSpec extends Partial<Omit<StatusObservation, 'status' | 'rules'>> {
  /** Rule ids, for a text the catalog does not recognise (RULES.md v2 table). */
  rules?: string[];
  /** Of several statuses in the text, the one whose entry names this rule. */
  rule?: string;
  markers?: string[];
  count?: number;
  first?: string | null;
  last?: string | null;
}

/** `450 4.7.320 Certificate validation failed …` → the reply code, the enhanced code and the markers written in it. */
export function recognisedByHand(text: string, markers: string[] = []): RecognisedStatus {
  const m = /^(?:(\d{3})[ -])?(?:#?([245]\.\d{1,3}\.\d{1,3})\b)?/.exec(text.trim());
  const found = [...text.matchAll(/\b(ATTR\d{2}|SubjectMismatch|UntrustedRoot|AS\(\d+\))/g)].map((x) => x[1]!);
  return {
    entryId: 'by-hand',
    basicCode: m?.[1] ? Number(m[1]) : null,
    enhancedCode: m?.[2] ?? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1] ?? null,
    markers: [...new Set([...found, ...markers])],
    text: text.trim().slice(0, 400),
    offset: 0,
  };
}

let line = 2;

/** One group of identical status observations (count, first/last time, where read). */
export function statusGroup(text: string, spec: StatusSpec = {}): Observed<StatusObservation> {
  const { rules, rule, markers, count = 1, first, last, ...rest } = spec;
  const at = rest.at ?? '2026-11-20T09:00:00Z';
  const source = rest.source ?? { file: 'evidence.csv', line: line++ };
  const recognised = recogniseStatuses(text);
  const chosen = rule ? recognised.find((r) => ndrEntry(r.entryId)?.rules.includes(rule)) : recognised[0];
  if (!chosen && !rules) throw new Error(`the catalog recognises no status${rule ? ` for ${rule}` : ''} in "${text}"`);
  const sample: StatusObservation = {
    status: chosen ?? recognisedByHand(text, markers),
    rules: chosen ? [...(ndrEntry(chosen.entryId)?.rules ?? [])] : rules!,
    origin: 'message-trace',
    at,
    sender: null,
    recipient: null,
    connector: null,
    remoteHost: null,
    remoteIp: null,
    clientIp: null,
    lastError: null,
    tenantId: null,
    ...rest,
    source,
  };
  return { sample, count, first: first === undefined ? at : first, last: last === undefined ? at : last, sources: [source] };
}

export interface StatusEvidenceInput {
  statuses: Observed<StatusObservation>[];
  traces?: TraceObservation[];
  sessions?: SmtpSessionObservation[];
}

/** The topology (may be empty) with the statuses (and any traces/sessions) as its evidence, diagnosed at the tests' moment. */
export function diagnoseWithStatuses(yaml: string | null, input: StatusEvidenceInput): Diagnosis {
  const c = loadTopology(yaml ?? 'kind: mailflow-topology\nversion: 1\n');
  const collector = new EvidenceCollector();
  for (const o of input.traces ?? []) collector.trace(o);
  for (const o of input.sessions ?? []) collector.session(o);
  c.evidence = { ...collector.finish(), statuses: input.statuses };
  return diagnoseCase(c, { at: AT });
}

/** The findings of one rule (before grouping, as the rule produced them). */
export function statusFindings(yaml: string | null, input: StatusEvidenceInput, ruleId: string): Finding[] {
  return diagnoseWithStatuses(yaml, input).ruleFindings!.filter((f) => f.rule === ruleId);
}
