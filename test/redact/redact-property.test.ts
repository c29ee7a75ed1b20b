import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnoseCase } from '../../src/diagnose.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { renderJson } from '../../src/report/report-json.js';
import { redactPaths } from '../../src/redact/redact-files.js';
import type { RedactionMap } from '../../src/redact/redaction-map.js';
import { redactText } from '../../src/redact/redact-text.js';
import { originalIdentifiers } from './leak-collector.js';

/**
 * Issue 15, "How it must behave": for every example and fixture case, diagnose(redact(case))
 * equals redact(diagnose(case)) — same rule ids, severities, flow outcomes and responses, names
 * mapped — and no original name, address, GUID or thumbprint appears in the redacted files or the
 * redacted report.
 */

/** The moment the examples' README judges at (README.md "--at 2026-11-22"; the demo's DEMO_AT). */
const AT = new Date('2026-11-22T12:00:00Z');

const work = mkdtempSync(join(tmpdir(), 'redact-property-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function dirs(root: string): string[] {
  return readdirSync(root)
    .map((n) => join(root, n))
    .filter((p) => statSync(p).isDirectory());
}

function files(root: string): string[] {
  return readdirSync(root).map((n) => join(root, n)).filter((p) => statSync(p).isFile());
}

/** One case per example, per fixture folder, and per fixture file that loads on its own. */
const CASES: string[] = [
  ...dirs('examples'),
  ...files('test/fixtures/topology').filter((f) => /\.(ya?ml|json)$/.test(f)),
  ...dirs('test/fixtures/topology'),
  ...files('test/fixtures/rules'),
  ...dirs('test/fixtures/powershell'),
  ...files('test/fixtures/trace').filter((f) => !f.endsWith('.mjs')),
  ...files('test/fixtures/exchange-log'),
  ...files('test/fixtures/headers').filter((f) => !f.endsWith('.msg') && !f.endsWith('.bin')),
  ...files('test/fixtures/ndr'),
  ...files('test/fixtures/queue'),
];

async function report(path: string): Promise<{ json: string | null; fatal: string | null }> {
  const loaded = await loadCase([path]);
  if (loaded.fatal) return { json: null, fatal: loaded.fatal };
  return { json: renderJson(diagnoseCase(loaded.case, { at: AT })), fatal: null };
}

/** Paths in a report point into the case's folder; relative to it, both sides name the same files. */
function withoutRoot(json: string, root: string): unknown {
  const rootJson = JSON.stringify(root).slice(1, -1);
  // A quotation the report cuts to a fixed length (`"Obtain a … fro…"`) cuts a pseudonym at
  // another place than the real name it stands for: such a quotation is left out of the comparison.
  const cut = json.split(rootJson).join('<case>').replace(/\\"[^"\\]*…\\"/g, '\\"…\\"');
  // A parser's error names the character position, which moves with the length of names.
  const report = JSON.parse(cut.replace(/at position \d+/g, 'at position N')) as Record<string, unknown>;
  // Findings and flows are listed in name order: pseudonyms sort differently from the names.
  for (const key of ['findings', 'flows', 'inputs']) {
    const list = report[key];
    if (Array.isArray(list)) list.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return report;
}

function everyOutputText(outDir: string): string {
  const parts: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else {
        parts.push(relative(outDir, p));
        const b = readFileSync(p);
        // UTF-16 files are searched in their text.
        parts.push(b[0] === 0xff && b[1] === 0xfe ? b.subarray(2).toString('utf16le').replace(/\0/g, '') : b.toString('utf8'));
      }
    }
  };
  walk(outDir);
  return parts.join('\n');
}

function leaks(identifiers: readonly string[], text: string): string[] {
  const lower = text.toLowerCase();
  return identifiers.filter((id) => {
    const needle = id.toLowerCase();
    let at = lower.indexOf(needle);
    while (at >= 0) {
      // A whole token: `10.0.0.1` is not found inside `10.0.0.12`, `ex01` not inside `vgex01`.
      const before = at === 0 ? '' : lower[at - 1]!;
      const after = lower[at + needle.length] ?? '';
      if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after) && !(before === '.' && /^\d/.test(needle)) && !(after === '.' && /\d$/.test(needle) && /\d/.test(lower[at + needle.length + 1] ?? ''))) return true;
      at = lower.indexOf(needle, at + 1);
    }
    return false;
  });
}

describe('redaction property (issue 15): diagnose(redact(case)) = redact(diagnose(case)), nothing leaks', () => {
  for (const [i, path] of CASES.entries()) {
    it(path, async () => {
      const original = await report(path);
      if (original.fatal !== null) return; // a fixture that is broken on purpose has no report to compare
      // The folder's name must not carry the case's name into the redacted report's paths.
      const out = join(work, `case-${i}`);
      const { map } = await redactPaths([path], out);
      const redacted = await report(out);
      expect(redacted.fatal).toBeNull();
      const root = statSync(path).isDirectory() ? path : join(path, '..');
      const expected = withoutRoot(redactText(original.json!, map), root);
      const actual = withoutRoot(redacted.json!, out);
      expect(stripFiles(actual, map)).toEqual(stripFiles(expected, map));

      const ids = await originalIdentifiers(path, map);
      expect(leaks(ids, everyOutputText(out))).toEqual([]);
      expect(leaks(ids, redacted.json!)).toEqual([]);
    });
  }
});

/** A single-file case is read from its folder on one side and as the lone file on the other: paths compared by name. */
function stripFiles(report: unknown, _map: RedactionMap): unknown {
  return JSON.parse(JSON.stringify(report).replace(/<case>[\\/]+/g, '<case>/'));
}
