import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { builtIsFresh, ROOT } from '../helpers/built-dist.js';

// A short bounded fuzz round (about 60 s) on every test run, so that no reader lands without facing
// mutated input. The harness's workers load the built readers: `npm test` builds dist/ first. A
// bare `vitest run` with no build, or a build older than the sources, would judge other code, so
// the round is skipped then — except in CI, where it must run.

const fresh = builtIsFresh('dist/ingest/load-case.js');
const required = process.env.CI_REQUIRE_INTEGRATION === '1';

describe('fuzz harness, short round', () => {
  it.skipIf(!fresh && !required)('finds no reader that throws, hangs, runs out of memory or floods diagnostics', () => {
    expect(fresh, 'dist/ is missing or older than src/: run npm run build first').toBe(true);
    const r = spawnSync(process.execPath, ['fuzz/run.mjs', '--seconds', '60', '--seed', '20261206', '--no-save'], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).toMatch(/executions/);
    expect(out.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.status).toBe(0);
  }, 660_000);
});
