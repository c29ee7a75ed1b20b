import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { diagnoseCase, type Diagnosis } from '../../src/diagnose.js';
import { checkCaseReferences } from '../../src/ingest/topology/check-references.js';
import { readTopology } from '../../src/ingest/topology/read-topology.js';
import type { Case } from '../../src/model/case.js';
import type { Finding } from '../../src/rules/finding.js';
import { RULES } from '../../src/rules/index.js';

/**
 * Small estates for the rule tests: a topology written inline (or a fixture under
 * test/fixtures/rules/), read the way the CLI reads it, diagnosed at a fixed moment so
 * certificate validity does not depend on the day the tests run.
 */

export const AT = new Date('2026-11-22T00:00:00Z');

export const RULE_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rules');

/** Reads a topology and fails the test on any error or warning, so a typo cannot make a case silently different. */
export function loadTopology(yaml: string, file = 'case.yaml'): Case {
  const r = readTopology(yaml, file, RULE_FIXTURES);
  if (r.fatal) throw new Error(r.fatal);
  checkCaseReferences(r.case);
  const problems = r.case.inputs.flatMap((i) => i.diagnostics).map((d) => `${d.severity} ${d.location}: ${d.message}`);
  expect(problems, 'the test topology reads cleanly').toEqual([]);
  return r.case;
}

export function fixtureTopology(name: string): string {
  return readFileSync(join(RULE_FIXTURES, name), 'utf8');
}

export function diagnose(yaml: string, at: Date = AT): Diagnosis {
  return diagnoseCase(loadTopology(yaml), { at });
}

/** The findings one rule produces on the case (through the whole pipeline: simulation, every rule). */
export function findingsOf(yaml: string, ruleId: string, at: Date = AT): Finding[] {
  expect(RULES.map((r) => r.id)).toContain(ruleId);
  return diagnose(yaml, at).findings.filter((f) => f.rule === ruleId);
}

/** The single finding of a rule, failing when there is none or several. */
export function onlyFinding(yaml: string, ruleId: string, at: Date = AT): Finding {
  const found = findingsOf(yaml, ruleId, at);
  expect(found, `${ruleId} findings`).toHaveLength(1);
  return found[0]!;
}

/**
 * The same topology with one piece of text replaced — the near-identical case. The text must
 * occur exactly once (or `count` times), so a test never passes because the change did not happen.
 */
export function variant(yaml: string, from: string, to: string, count = 1): string {
  const n = yaml.split(from).length - 1;
  if (n !== count) throw new Error(`"${from}" occurs ${n} times in the topology, expected ${count}`);
  return yaml.split(from).join(to);
}

export function commands(f: Finding): string[] {
  return f.fix.map((s) => s.command).filter((c): c is string => typeof c === 'string');
}

export function ruleSeverity(ruleId: string): string {
  const r = RULES.find((x) => x.id === ruleId);
  if (!r) throw new Error(`${ruleId} is not in the catalog`);
  return r.severity;
}

/** A shipped example case (examples/<name>/topology.yaml). */
export function exampleTopology(name: string): string {
  return readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', name, 'topology.yaml'), 'utf8');
}

/**
 * The same topology with one property of one certificate (found by thumbprint in `certificates:`)
 * set to `value` — added when absent, removed when `value` is null.
 */
export function withCertificate(yaml: string, thumbprint: string, property: string, value: string | null): string {
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => l.trim() === `- Thumbprint: ${thumbprint}`);
  if (start < 0) throw new Error(`no certificate ${thumbprint} in the topology`);
  const indent = lines[start]!.indexOf('-') + 2;
  let end = start + 1;
  while (end < lines.length && lines[end]!.length - lines[end]!.trimStart().length >= indent && lines[end]!.trim() !== '') end++;
  const at = lines.slice(start + 1, end).findIndex((l) => l.trimStart().startsWith(`${property}:`));
  const line = `${' '.repeat(indent)}${property}: ${value}`;
  if (at >= 0) {
    if (value === null) lines.splice(start + 1 + at, 1);
    else lines[start + 1 + at] = line;
  } else {
    if (value === null) throw new Error(`certificate ${thumbprint} has no ${property}`);
    lines.splice(end, 0, line);
  }
  return lines.join('\n');
}
