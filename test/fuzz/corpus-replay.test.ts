import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — the harness's oracle is plain JavaScript, shared with fuzz/run.mjs.
import { judge } from '../../fuzz/oracle.mjs';
import { loadCase } from '../../src/ingest/load-case.js';

// Every input the fuzz harness (npm run fuzz) found failing and minimised is kept in fuzz/corpus/
// and must now be read with diagnostics, without losing the case, an internal error or unbounded
// diagnostics. The sidecar .json says how it failed when found.
const CORPUS = new URL('../../fuzz/corpus/', import.meta.url).pathname;

function corpusFiles(): { reader: string; file: string; found: { kind: string; problem: string } }[] {
  const out = [];
  for (const reader of readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const name of readdirSync(join(CORPUS, reader)).sort()) {
      if (name.endsWith('.json') && readdirSync(join(CORPUS, reader)).includes(name.slice(0, -5))) continue;
      const file = join(CORPUS, reader, name);
      const sidecar = `${file}.json`;
      let found = { kind: 'unknown', problem: '' };
      try {
        found = JSON.parse(readFileSync(sidecar, 'utf8')) as typeof found;
      } catch {
        // A corpus file added by hand needs no sidecar.
      }
      out.push({ reader, file, found });
    }
  }
  return out;
}

const cases = corpusFiles();

describe('fuzz regression corpus', () => {
  it('holds the inputs found so far', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    it(`${c.reader}: ${c.file.slice(CORPUS.length)} (found as ${c.found.kind})`, async () => {
      const verdict = (await judge(loadCase, c.file)) as { kind: string; problem: string } | null;
      expect(verdict).toBeNull();
    }, 30_000);
  }
});
