import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
// @ts-expect-error -- a plain ES module shared with the recorder (record-golden.mjs)
import { canonical, goldenCases, goldenFile } from './golden-cases.mjs';

// Issue 13, "How it must behave": every fixture and example gives the same report before and
// after the ingest redesign, and speed work must not change a report. The golden reports were
// recorded with `node test/golden/record-golden.mjs` from a build of the commit before that work
// (cad6e44); a difference here is a changed report — intended ones are re-recorded and explained
// in their commit.

interface GoldenCase {
  name: string;
  argv: string[];
}

const ROOT = resolve('.');
const CASES = goldenCases(ROOT) as GoldenCase[];
const scratch = mkdtempSync(join(tmpdir(), 'mailflow-golden-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the command in-process as the recorder ran it in a child: the report to a file, stderr kept. */
async function run(argv: string[]): Promise<{ exitCode: number; output: string }> {
  const target = join(scratch, 'report.json');
  rmSync(target, { force: true });
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  const stdout = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  let exitCode: number;
  try {
    exitCode = await main([...argv, '--output', target]);
  } finally {
    process.stderr.write = write;
    process.stdout.write = stdout;
  }
  let output: string;
  try {
    output = readFileSync(target, 'utf8');
  } catch {
    output = `(no report)\n${stderr}`;
  }
  return canonical(ROOT, exitCode, output) as { exitCode: number; output: string };
}

describe('reports are the same as the recorded ones', () => {
  it('covers every example and fixture', () => {
    expect(CASES.filter((c) => c.name.startsWith('diagnose/examples/')).length).toBeGreaterThanOrEqual(15);
    expect(CASES.length).toBeGreaterThanOrEqual(200);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const golden = JSON.parse(readFileSync(join(ROOT, 'test/golden/reports', goldenFile(c.name)), 'utf8')) as { exitCode: number; output: string };
    const now = await run(c.argv);
    expect(now.exitCode).toBe(golden.exitCode);
    // Compared parsed when both are JSON, so a difference is shown field by field.
    if (now.output.startsWith('{') && golden.output.startsWith('{')) expect(JSON.parse(now.output)).toEqual(JSON.parse(golden.output));
    else expect(now.output).toBe(golden.output);
  });
});
