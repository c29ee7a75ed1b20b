import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { builtIsFresh, ROOT } from '../helpers/built-dist.js';
import { readInput, type InputFile } from '../../src/ingest/registry/read-input.js';
// @ts-expect-error -- a plain ES module of the benchmarks: a provider's exports as PowerShell writes them
import { writeProviderExports } from '../../bench/export-generator.mjs';

// A provider's case of hundreds of files is read and detected on a worker thread
// (src/ingest/registry/detect-inputs.ts) while the main thread parses. The worker runs only from
// the built code (next to its compiled module), so these tests use dist/: `npm test` builds it
// first. They check that the worker's results are what the main thread would have read itself,
// and that a whole diagnose through the worker prints the same report as one without it.
// The end-to-end test below leaves the race as it is in use (this thread reads the chunks the worker
// has not claimed yet); the first one makes every chunk cross from the worker.

const fresh = builtIsFresh('dist/ingest/registry/detect-worker.js');
const required = process.env.CI_REQUIRE_INTEGRATION === '1';
const scratch = mkdtempSync(join(tmpdir(), 'mailflow-detect-worker-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A provider's exports (about 640 files) plus evidence, an empty file and one nothing reads. */
function providerCase(): string {
  const dir = join(scratch, 'case');
  mkdirSync(dir, { recursive: true });
  writeProviderExports(dir, { tenants: 200, certificates: 100 });
  copyFileSync(join(ROOT, 'test/fixtures/headers/internet-inbound.eml'), join(dir, 'internet-inbound.eml'));
  copyFileSync(join(ROOT, 'test/fixtures/headers/garbage.bin'), join(dir, 'garbage.bin'));
  const trace = readdirSync(join(ROOT, 'test/fixtures/trace')).find((f) => f.endsWith('.csv'))!;
  copyFileSync(join(ROOT, 'test/fixtures/trace', trace), join(dir, trace));
  writeFileSync(join(dir, 'empty.json'), '');
  return dir;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe('reading and detection on a worker thread', () => {
  it.skipIf(!fresh && !required)('every file that crosses from the worker is what this thread reads itself', async () => {
    expect(fresh, 'dist/ is missing or older than src/: run npm run build first').toBe(true);
    const dir = providerCase();
    const placed = ['internet-inbound.eml', 'garbage.bin', 'empty.json'].map((f) => join(dir, f));
    const files = filesUnder(dir).filter((f) => !placed.includes(f));
    // Evidence, an empty file, bytes nothing reads and a missing file, spread over several chunks.
    files.splice(70, 0, join(dir, 'internet-inbound.eml'), join(dir, 'garbage.bin'));
    files.splice(200, 0, join(dir, 'empty.json'), join(dir, 'no-such-file.json'));
    const built = (await import(`${ROOT}dist/ingest/registry/detect-inputs.js`)) as {
      detectInputs(files: string[], options: { minFilesForWorker: number; workerFirst: boolean }): AsyncGenerator<InputFile>;
    };
    const plain = (f: InputFile) => ({
      file: f.file,
      kind: f.kind,
      readError: f.readError,
      evidence: f.evidence?.kind ?? null,
      bytes: f.bytes === null ? null : createHash('sha256').update(f.bytes).digest('hex'),
      looksLike: f.looksLike ?? null,
    });
    const crossed: ReturnType<typeof plain>[] = [];
    for await (const f of built.detectInputs(files, { minFilesForWorker: 1, workerFirst: true })) crossed.push(plain(f));
    const here = files.map((f) => plain(readInput(f)));
    expect(crossed).toEqual(here);
    // What the list holds: exports read whole, evidence only named, the rest described.
    expect(here.filter((f) => f.evidence !== null).map((f) => f.evidence).sort()).toEqual(['headers', 'message-trace'].sort());
    expect(here.filter((f) => f.looksLike !== null).length).toBeGreaterThanOrEqual(1);
    expect(here.filter((f) => f.readError !== null).map((f) => f.file)).toEqual([join(dir, 'no-such-file.json')]);
  }, 120_000);

  it.skipIf(!fresh && !required)('diagnose of a provider case through the built CLI (worker) prints the report the sources print without it', async () => {
    expect(fresh, 'dist/ is missing or older than src/: run npm run build first').toBe(true);
    const dir = existsSync(join(scratch, 'case')) ? join(scratch, 'case') : providerCase();
    expect(filesUnder(dir).length).toBeGreaterThan(512);
    const at = '2026-11-22T12:00:00Z';
    const built = join(scratch, 'built.json');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/mailflow-doctor.js'), 'diagnose', dir, '--format', 'json', '--output', built, '--at', at], { encoding: 'utf8', timeout: 300_000 });
    const inProcess = join(scratch, 'in-process.json');
    const stderr = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    let exitCode: number;
    try {
      exitCode = await main(['diagnose', dir, '--format', 'json', '--output', inProcess, '--at', at]);
    } finally {
      process.stderr.write = stderr;
    }
    expect(r.status).toBe(exitCode);
    const report = readFileSync(built, 'utf8');
    expect(report).toBe(readFileSync(inProcess, 'utf8'));
    // The evidence beside the exports was detected as evidence through the worker, and the unknown file named.
    const inputs = (JSON.parse(report) as { inputs: { file: string; kind: string }[] }).inputs;
    expect(inputs.find((i) => i.file.endsWith('internet-inbound.eml'))?.kind).toBe('headers');
    expect(inputs.find((i) => i.file.endsWith('garbage.bin'))?.kind).toBe('unknown');
  }, 600_000);
});
