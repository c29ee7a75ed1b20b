// npm run bench — attribution throughput (ConnectorIndex vs a linear scan) and end-to-end
// diagnose timing on generated service-provider estates. Prints a report and writes
// bench/out/results.json. Options: --quick, --skip-attribution, --skip-e2e, --no-profile,
// --keep (keep the generated estates), --sample N, --connections N, --passes N,
// --e2e-timeout SECONDS, --stage-timeout SECONDS, --json (JSON topology files instead of YAML),
// --continue-on-mismatch (time attribution even when the index and the linear scan disagree),
// --skip-exports, --exports-layout per-tenant|combined|both, --exports-timeout SECONDS,
// --skip-evidence (all evidence readers) or --skip-<name> for one (names in evidence-benchmarks.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attributionBreakdown } from './attribution-breakdown.mjs';
import { ATTRIBUTION_GOALS, runAttributionBenchmark } from './attribution.mjs';
import { formatProfile, newestProfile, summarizeCpuProfile } from './cpu-profile.mjs';
import { runEndToEnd } from './end-to-end.mjs';
import { runExportsLoad } from './exports-load.mjs';
import { EVIDENCE_BENCHMARKS } from './evidence-benchmarks.mjs';
import { formatStages, formatTable, summaryRows } from './report.mjs';
import { distHash, makeSnapshot } from './snapshot.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flag = (n) => argv.includes(n);
// First run: copy the fresh build aside and run the benchmark from the copy (snapshot.mjs).
if (!flag('--in-snapshot')) {
  const snapshot = join(here, 'bench', 'out', 'snapshot');
  makeSnapshot(here, snapshot);
  const r = spawnSync(process.execPath, [join(snapshot, 'bench', 'run.mjs'), '--in-snapshot', ...argv], { stdio: 'inherit', cwd: snapshot, env: { ...process.env, BENCH_REPO: here } });
  process.exit(r.status ?? 1);
}
const repo = process.env.BENCH_REPO ?? here;
const out = join(repo, 'bench', 'out');
const num = (n, dflt) => (argv.includes(n) ? Number(argv[argv.indexOf(n) + 1]) : dflt);
const quick = flag('--quick');
const options = {
  connections: num('--connections', quick ? 200_000 : 1_000_000),
  sample: num('--sample', quick ? 2000 : 20_000),
  passes: num('--passes', quick ? 1 : 3),
  profile: !flag('--no-profile'),
  continueOnMismatch: flag('--continue-on-mismatch'),
};
const log = (s) => process.stdout.write(s + '\n');
process.chdir(here);
mkdirSync(out, { recursive: true });

const results = { startedAt: new Date().toISOString(), environment: environment(), options: { ...options, quick }, attribution: null, endToEnd: null };
log(`mailflow-doctor bench — node ${process.version}, ${results.environment.cpus}× ${results.environment.cpuModel}, load average ${results.environment.loadAverageAtStart.join(' ')}`);
log(`Code measured: build ${results.environment.distHash} of ${results.environment.head}${results.environment.sourceChanges > 0 ? ` plus ${results.environment.sourceChanges} uncommitted change(s) under src/` : ''} (a private copy: later rebuilds of dist/ do not affect this run)`);
let failed = false;

if (!flag('--skip-attribution')) {
  try {
    const { result, setup } = runAttributionBenchmark(options, log);
    results.attribution = result;
    if (result.check.mismatchCount > 0) failed = true;
    if (options.profile && Math.min(result.indexed.explainOff.medianRate, result.indexed.explainOn.medianRate) < ATTRIBUTION_GOALS.ratePerSecond) {
      log('Attribution misses the rate goal: cost of each step alone (ns per connection, 200,000 connections)…');
      result.breakdown = attributionBreakdown(setup);
      for (const b of result.breakdown) log(`  ${String(b.nsPerConnection).padStart(6)} ns  ${b.step}`);
      result.profiles = profileAttribution(log);
    }
  } catch (e) {
    failed = true;
    log(`\n*** ATTRIBUTION CHECK FAILED ***\n${e.message}`);
    results.attribution = { error: e.message, details: e.details ?? null };
  }
}

if (!flag('--skip-e2e')) {
  results.endToEnd = await runEndToEnd(
    {
      sizes: quick ? [100, 1000] : [1000, 10_000],
      timeoutMs: num('--e2e-timeout', 150) * 1000,
      stageTimeoutMs: num('--stage-timeout', 420) * 1000,
      profile: options.profile,
      keep: flag('--keep'),
      format: flag('--json') ? 'json' : 'yaml',
      profileRoot: join(out, 'profiles'),
    },
    log,
  );
  if (results.endToEnd.estates.some((x) => !x.cli.timedOut && x.cli.exitCode !== 0 && x.cli.exitCode !== 1)) failed = true;
}

if (!flag('--skip-exports')) {
  const layout = argv.includes('--exports-layout') ? argv[argv.indexOf('--exports-layout') + 1] : 'per-tenant';
  results.exportsLoad = await runExportsLoad(
    {
      tenants: quick ? 1000 : 10_000,
      certificates: quick ? 500 : 5000,
      layouts: layout === 'both' ? ['per-tenant', 'combined'] : [layout],
      timeoutMs: num('--exports-timeout', 180) * 1000,
      profile: options.profile,
      keep: flag('--keep'),
      profileRoot: join(out, 'profiles'),
    },
    log,
  );
  if (results.exportsLoad.runs.some((r) => !r.ok)) failed = true;
}

// Evidence readers (issues 4–6): each prints its own table and returns its figures.
results.evidence = {};
for (const b of EVIDENCE_BENCHMARKS) {
  if (flag(`--skip-${b.name}`) || flag('--skip-evidence')) continue;
  log(`\n== ${b.title} ==`);
  try {
    results.evidence[b.name] = await b.run({ quick }, log);
  } catch (e) {
    failed = true;
    log(`*** ${b.title} FAILED: ${e.message}`);
    results.evidence[b.name] = { error: e.message };
  }
}

results.environment.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
results.finishedAt = new Date().toISOString();
results.summary = summaryRows(results);
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n');

log('');
const stages = formatStages(results.endToEnd?.stages);
if (stages) log(stages + '\n');
log(formatTable(results.summary));
const busy = Math.max(...results.environment.loadAverageAtStart, ...results.environment.loadAverageAtEnd) > results.environment.cpus * 0.75;
if (busy) log(`\nNote: the machine was busy (load average ${results.environment.loadAverageAtStart.join(' ')} at start, ${results.environment.loadAverageAtEnd.join(' ')} at end, ${results.environment.cpus} CPUs): figures are pessimistic.`);
log(`\nResults: ${join('bench', 'out', 'results.json')}; build measured: ${results.environment.distHash}`);
process.exitCode = failed ? 1 : 0;

function profileAttribution(log) {
  const dir = join(out, 'profiles');
  const profiles = [];
  for (const mode of ['off', 'on']) {
    const modeDir = join(dir, `attribution-explain-${mode}`);
    rmSync(modeDir, { recursive: true, force: true });
    log(`Profiling attribute() (explain ${mode}) with node --cpu-prof…`);
    const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', modeDir, 'bench/attribution-profile.mjs', mode, '300000'], { encoding: 'utf8' });
    const file = r.status === 0 ? newestProfile(modeDir) : null;
    if (!file) {
      log(`  profiling failed: ${r.stderr.slice(-500)}`);
      continue;
    }
    const summary = summarizeCpuProfile(file, { top: 12, under: 'attributionPass' });
    log(formatProfile({ ...summary, file: join('bench', 'out', 'profiles', `attribution-explain-${mode}`) }, `Profile of attribute(), explain ${mode}`));
    profiles.push({ explain: mode === 'on', ...summary });
  }
  return profiles;
}

function environment() {
  const git = (...a) => {
    try {
      return execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    head: git('rev-parse', '--short', 'HEAD'),
    distHash: distHash(here),
    sourceChanges: (git('status', '--porcelain', '--', 'src') ?? '').split('\n').filter(Boolean).length,
  };
}
