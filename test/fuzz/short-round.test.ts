import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// A short bounded fuzz round (about 60 s) on every test run, so that no reader lands without facing
// mutated input: `npm test` builds dist/ first, which the harness's workers load. Without a build
// (a bare `vitest run`) the round is skipped, except in CI.
const ROOT = new URL('../../', import.meta.url).pathname;
const built = existsSync(`${ROOT}dist/ingest/load-case.js`);
const required = process.env.CI_REQUIRE_INTEGRATION === '1';

describe('fuzz harness, short round', () => {
  it.skipIf(!built && !required)('finds no reader that throws, hangs, runs out of memory or floods diagnostics', () => {
    const r = spawnSync(process.execPath, ['fuzz/run.mjs', '--seconds', '60', '--seed', '20261206', '--no-save'], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(out).toMatch(/executions/);
    expect(out.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.status).toBe(0);
  }, 660_000);
});
