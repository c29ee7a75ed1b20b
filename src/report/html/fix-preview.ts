import type { Diagnosis } from '../../diagnose.js';
import { applyChanges, CmdletError } from '../../engine/cmdlet-change.js';
import { generateFlows } from '../../engine/generate-flows.js';
import { simulateCase } from '../../engine/simulate.js';
import { qualifyIdentity } from '../../fix-verification.js';
import type { Finding } from '../../rules/finding.js';
import { flowToJson, type JsonFlow } from '../report-json.js';

/**
 * "Now" and "after the fix" for the mail-path diagrams: a verified fix's commands applied to a
 * copy of the case and the same flows simulated again (what fix-verification.ts proved, kept
 * for the diagram). Only for the first few verified fixes and a bounded estate: each costs one
 * simulation of the whole case.
 */

export interface FixPreview {
  /** Index of the finding in report.findings. */
  finding: number;
  rule: string;
  commands: string[];
  /** Flagged flows (index in report.flows) and how each goes after the fix; null: no longer produced. */
  flows: { index: number; after: JsonFlow | null }[];
}

export const MAX_PREVIEWS = 6;
export const MAX_PREVIEW_FLOWS = 5_000;

const READ_ONLY = /^(get|test)-/i;

/** The same key for a flow before and after (whatif-flows.ts flowKey, in JSON terms). */
export function jsonFlowKey(f: JsonFlow): string {
  return [f.kind, f.from, f.to, f.origin, f.destination ?? '', f.journalOf?.from ?? '', f.journalOf?.to ?? ''].join('\u0000');
}

/** Keys with an occurrence number, so identical flows pair up in order. */
export function numberedKeys(flows: readonly JsonFlow[]): string[] {
  const seen = new Map<string, number>();
  return flows.map((f) => {
    const k = jsonFlowKey(f);
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    return `${k}\u0000${n}`;
  });
}

function commandsOf(f: Finding): string[] {
  return f.fix.map((s) => s.command).filter((c): c is string => typeof c === 'string' && !READ_ONLY.test(c.trim()));
}

/** Whether two flows read the same in a diagram: outcome, answer, and every hop's attribution and trust. */
export function samePath(a: JsonFlow, b: JsonFlow): boolean {
  const sig = (f: JsonFlow) => JSON.stringify([f.outcome, f.response, f.tenants, f.hops.map((h) => [h.from, h.to, h.attribution.tenant, h.attribution.connector, h.attribution.step, h.authAs, h.tls?.validation ?? null])]);
  return sig(a) === sig(b);
}

export function buildFixPreviews(d: Diagnosis, flows: readonly JsonFlow[], flagged: readonly number[]): FixPreview[] {
  if (d.simulation.flows.length > MAX_PREVIEW_FLOWS || flagged.length === 0) return [];
  const generated = d.case.flows.length === 0 ? generateFlows(d.case) : null;
  const specs = generated?.flows ?? d.case.flows;
  const beforeKeys = numberedKeys(flows);
  const out: FixPreview[] = [];
  d.findings.forEach((finding, i) => {
    if (out.length >= MAX_PREVIEWS || finding.fixVerification?.status !== 'verified') return;
    const commands = commandsOf(finding);
    if (commands.length === 0) return;
    let changed;
    try {
      changed = apply(d, commands, finding);
    } catch (e) {
      if (e instanceof CmdletError) return;
      throw e;
    }
    const after = simulateCase({ ...changed, flows: specs }, { at: d.at, extraMx: generated?.extraMx ?? {} }).flows.map(flowToJson);
    const afterByKey = new Map(numberedKeys(after).map((k, j) => [k, after[j]!]));
    const pairs = flagged.map((index) => ({ index, after: afterByKey.get(beforeKeys[index]!) ?? null })).filter((p) => p.after === null || !samePath(flows[p.index]!, p.after));
    if (pairs.length > 0) out.push({ finding: i, rule: finding.rule, commands, flows: pairs });
  });
  return out;
}

/** As fix verification applies them: bare names qualified with the finding's scope when ambiguous. */
function apply(d: Diagnosis, commands: string[], finding: Finding) {
  try {
    return applyChanges(d.case, commands).case;
  } catch (e) {
    const scope = finding.subjects[0]?.organization ?? finding.subjects[0]?.tenant;
    if (!(e instanceof CmdletError) || !scope) throw e;
    return applyChanges(d.case, commands.map((c) => qualifyIdentity(c, scope))).case;
  }
}
