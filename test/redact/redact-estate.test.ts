import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module of the benchmarks, without types
import { writeTopologyEstate } from '../../bench/topology-generator.mjs';
import { redactPaths } from '../../src/redact/redact-files.js';

/**
 * Redaction is one tokenizer pass per file with a map lookup per token (issue 15: no quadratic
 * replacement). A provider's estate of many tenants redacts in time linear in its size: the
 * time per tenant of a 1,200-tenant estate stays close to that of a 300-tenant one.
 * (10,000 tenants: REDACT_ESTATE=10000.)
 */
const work = mkdtempSync(join(tmpdir(), 'redact-estate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

function size(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + (statSync(join(dir, f)).isDirectory() ? size(join(dir, f)) : statSync(join(dir, f)).size), 0);
}

async function timed(n: number): Promise<{ ms: number; out: string; input: string }> {
  const input = join(work, `in-${n}`);
  writeTopologyEstate(input, n, { format: 'yaml' });
  const out = join(work, `out-${n}`);
  const t0 = performance.now();
  await redactPaths([input], out);
  return { ms: performance.now() - t0, out, input };
}

describe('redaction of a large estate', () => {
  it('scales linearly with the number of tenants, and leaves no tenant domain behind', async () => {
    const big = Number(process.env.REDACT_ESTATE ?? 1200);
    const small = await timed(300);
    const large = await timed(big);
    const perTenantSmall = small.ms / 300;
    const perTenantLarge = large.ms / big;
    console.log(`redact: 300 tenants ${Math.round(small.ms)} ms; ${big} tenants ${Math.round(large.ms)} ms (${(size(large.input) / 1e6).toFixed(1)} MB in)`);
    expect(perTenantLarge).toBeLessThan(perTenantSmall * 2.5);
    // The generator's domains are already reserved (.example) and stay; tenant ids and labels do not.
    const first = readdirSync(large.input).find((f) => f.startsWith('tenant-'))!;
    const original = readFileSync(join(large.input, first), 'utf8');
    const tenantId = /TenantId: (\S+)/.exec(original)![1]!;
    const everything = readdirSync(large.out).map((f) => readFileSync(join(large.out, f), 'utf8')).join('\n');
    expect(everything).not.toContain(tenantId);
    expect(everything).toMatch(/TenantId: [0-9a-f-]{36}/);
  }, 900_000);
});
