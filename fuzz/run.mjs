#!/usr/bin/env node
// Fuzz harness: `npm run fuzz -- [--reader NAME] [--seconds N] [--seed N] [--no-save]`.
// Feeds mutated copies of the fixtures (mutate.mjs) to every reader through loadCase, in a worker
// with a time and memory watchdog; a failing input (oracle.mjs) is minimised and saved under
// fuzz/corpus/<reader>/, which test/fuzz/corpus-replay.test.ts replays on every test run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { mutate, prng } from './mutate.mjs';
import { READERS } from './readers.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const seconds = Number(opt('seconds', '60'));
const seed = Number(opt('seed', String(Date.now() % 1e9)));
const only = opt('reader', null);
const save = !args.includes('--no-save');
/** Per input: far above what any reader needs for a fixture-sized file (milliseconds). */
const TIMEOUT_MS = Number(opt('timeout-ms', '20000'));
const MEMORY_MB = Number(opt('memory-mb', '1024'));

const ROOT = new URL('..', import.meta.url).pathname;
/** The built readers (`npm run build`); `--dist DIR` points at another build. */
const DIST = opt('dist', join(ROOT, 'dist'));
if (!existsSync(join(DIST, 'ingest/load-case.js'))) {
  console.error(`fuzz: ${DIST} holds no build; run "npm run build" first`);
  process.exit(2);
}
const names = Object.keys(READERS).filter((n) => only === null || n === only);
if (names.length === 0) {
  console.error(`fuzz: unknown reader "${only}"; readers: ${Object.keys(READERS).join(', ')}`);
  process.exit(2);
}

class Runner {
  constructor() {
    this.worker = null;
    this.id = 0;
  }
  async start() {
    this.worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { dist: DIST }, resourceLimits: { maxOldGenerationSizeMb: MEMORY_MB, stackSizeMb: 4 } });
    await new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
    });
  }
  async run(file) {
    if (!this.worker) await this.start();
    const id = ++this.id;
    const w = this.worker;
    return await new Promise((resolve) => {
      const done = (v) => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        resolve(v);
      };
      const onMessage = (m) => m.id === id && done(m.verdict);
      const onError = (e) => {
        this.worker = null;
        done({ kind: e?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out-of-memory' : 'crash', problem: String(e?.message ?? e).slice(0, 500) });
      };
      const onExit = (code) => {
        this.worker = null;
        done({ kind: 'crash', problem: `worker exited with code ${code}` });
      };
      const timer = setTimeout(() => {
        this.worker = null;
        w.terminate();
        done({ kind: 'timeout', problem: `no answer within ${TIMEOUT_MS} ms` });
      }, TIMEOUT_MS);
      w.on('message', onMessage);
      w.once('error', onError);
      w.once('exit', onExit);
      w.postMessage({ id, file });
    });
  }
  async stop() {
    await this.worker?.terminate();
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'mfd-fuzz-'));
const runner = new Runner();
const r = prng(seed);
const perReader = (seconds * 1000) / names.length;
const totals = [];
let failures = 0;

async function fails(bytes, name, kind) {
  const file = join(tmp, name);
  writeFileSync(file, bytes);
  const v = await runner.run(file);
  return v !== null && v.kind === kind;
}

/** Shrinks a failing input while it fails the same way: cut chunks, halving their size (bounded). */
async function minimise(bytes, name, kind) {
  let best = bytes;
  // A timeout costs TIMEOUT_MS per try: only a few halvings for those.
  const deadline = Date.now() + (kind === 'timeout' ? 4 * TIMEOUT_MS : 60_000);
  for (let chunk = best.length >> 1; chunk >= 1 && Date.now() < deadline; chunk >>= 1) {
    for (let at = 0; at < best.length && Date.now() < deadline; ) {
      const candidate = Buffer.concat([best.subarray(0, at), best.subarray(at + chunk)]);
      if (candidate.length > 0 && (await fails(candidate, name, kind))) best = candidate;
      else at += chunk;
    }
  }
  return best;
}

for (const reader of names) {
  const seeds = READERS[reader]();
  if (seeds.length === 0) {
    totals.push({ reader, executions: 0, failures: 0, note: 'no seed files' });
    continue;
  }
  const loaded = seeds.map((f) => ({ name: basename(f), bytes: readFileSync(f) }));
  const end = Date.now() + perReader;
  let executions = 0;
  let found = 0;
  while (Date.now() < end) {
    const s = r.pick(loaded);
    const { bytes, applied } = mutate(s.bytes, r);
    const file = join(tmp, s.name);
    writeFileSync(file, bytes);
    const verdict = await runner.run(file);
    executions++;
    if (verdict === null) continue;
    found++;
    failures++;
    // Without saving (the test run's short round) there is nothing to minimise for: report and go on.
    const small = save ? await minimise(bytes, s.name, verdict.kind) : bytes;
    const hash = createHash('sha1').update(small).digest('hex').slice(0, 12);
    console.log(`FAIL ${reader} ${verdict.kind}: ${verdict.problem.split('\n')[0]} (seed ${s.name}, ${applied.join('+')}, ${bytes.length} → ${small.length} bytes)`);
    if (save) {
      const dir = join(ROOT, 'fuzz/corpus', reader);
      mkdirSync(dir, { recursive: true });
      const ext = s.name.includes('.') ? s.name.slice(s.name.lastIndexOf('.')) : '';
      writeFileSync(join(dir, `${hash}${ext}`), small);
      writeFileSync(join(dir, `${hash}${ext}.json`), `${JSON.stringify({ reader, kind: verdict.kind, problem: verdict.problem, seedFile: s.name, mutations: applied, seed }, null, 2)}\n`);
    }
  }
  totals.push({ reader, executions, failures: found });
}
await runner.stop();
rmSync(tmp, { recursive: true, force: true });
console.log(`fuzz: seed ${seed}, ${seconds} s`);
for (const t of totals) console.log(`  ${t.reader.padEnd(18)} ${String(t.executions).padStart(7)} executions  ${t.failures} failures${t.note ? ` (${t.note})` : ''}`);
process.exit(failures > 0 ? 1 : 0);
