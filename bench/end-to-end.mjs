import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runNode } from './child-process.mjs';
import { formatProfile, summarizeCpuProfile } from './cpu-profile.mjs';
import { writeTopologyEstate } from './topology-generator.mjs';

/**
 * Benchmark 2: `mailflow-doctor diagnose` as a user runs it — a child process, start-up included —
 * on generated provider estates of 1,000 and 10,000 tenants, and on the S1 example. When a goal
 * is missed, diagnose's stages are timed in-process at both sizes (which stage grows faster than
 * the estate) and CPU-profiled, so the report says where the time goes.
 */

/** Issue goals for the 10,000-tenant estate: ≤ 15 s wall, < 600 MiB peak RSS, ≤ 15× the 1,000-tenant time. */
export const E2E_GOALS = { tenK_ms: 15_000, tenK_rssMb: 600, ratio10kTo1k: 15 };
const AT = '2026-11-22T00:00:00Z';

function cliArgs(dir, output) {
  return ['bin/mailflow-doctor.js', 'diagnose', dir, '--format', 'json', '--output', output, '--at', AT];
}

export async function runEndToEnd(options, log) {
  const { sizes = [1000, 10_000], timeoutMs = 150_000, stageTimeoutMs = 420_000, profile = true, keep = false, format = 'yaml', s1Runs = 5, profileRoot = null } = options;
  const root = mkdtempSync(join(tmpdir(), 'mailflow-bench-'));
  const result = { root: keep ? root : null, format, timeoutMs, estates: [], s1: null, stages: [], profiles: [] };
  try {
    for (const n of sizes) {
      const t0 = performance.now();
      const estate = writeTopologyEstate(join(root, `estate-${n}`), n, { format });
      estate.generateMs = Math.round(performance.now() - t0);
      log(`End-to-end: ${n} tenants → ${estate.files} files, ${(estate.bytes / 2 ** 20).toFixed(1)} MiB (${estate.generateMs} ms); running diagnose (time limit ${timeoutMs / 1000} s)…`);
      const run = await runNode(cliArgs(estate.dir, join(root, `report-${n}.json`)), { timeoutMs });
      const { stdout, ...cli } = run;
      log(`  ${cli.timedOut ? `stopped at the time limit after ${cli.wallMs} ms` : `${cli.wallMs} ms, exit ${cli.exitCode}`}, peak RSS ${cli.peakRssMb} MiB`);
      if (!cli.timedOut && cli.exitCode !== 0 && cli.exitCode !== 1) log(`  diagnose failed: ${cli.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      result.estates.push({ ...estate, dir: undefined, cli });
    }

    log(`End-to-end: S1 example, ${s1Runs} runs…`);
    const runs = [];
    for (let i = 0; i < s1Runs; i++) runs.push(await runNode(['bin/mailflow-doctor.js', 'diagnose', 'examples/s1-provider-wildcard', '--format', 'json', '--at', AT], { timeoutMs: 60_000 }));
    const walls = runs.map((r) => r.wallMs).sort((a, b) => a - b);
    result.s1 = { runsMs: runs.map((r) => r.wallMs), medianMs: walls[Math.floor(walls.length / 2)], exitCodes: [...new Set(runs.map((r) => r.exitCode))], peakRssMb: Math.max(...runs.map((r) => r.peakRssMb ?? 0)) };
    log(`  median ${result.s1.medianMs} ms (runs: ${result.s1.runsMs.join(', ')} ms)`);

    const missed = endToEndMisses(result);
    if (profile && missed.length > 0) {
      log(`End-to-end missed (${missed.join('; ')}): timing and profiling diagnose's stages in-process…`);
      let order = [];
      for (const estate of result.estates) {
        const dir = join(root, `estate-${estate.tenants}`);
        const profileDir = join(profileRoot ?? root, `e2e-${estate.tenants}`);
        rmSync(profileDir, { recursive: true, force: true });
        mkdirSync(profileDir, { recursive: true });
        const stages = await timeStages(dir, profileDir, order, stageTimeoutMs, log);
        // At the larger size, run the cheap rules first so a rule that outlasts the limit hides nothing.
        order = stages.list.filter((s) => s.stage.startsWith('rule ')).sort((a, b) => a.ms - b.ms).map((s) => s.stage.slice(5));
        result.stages.push({ tenants: estate.tenants, ...stages });
        for (const s of [...stages.list].sort((a, b) => b.ms - a.ms).slice(0, 2)) {
          if (!s.profile || s.ms < 500) continue;
          const summary = summarizeCpuProfile(s.profile, { top: 10 });
          result.profiles.push({ tenants: estate.tenants, stage: s.stage, ms: s.ms, ...summary });
          log(formatProfile({ ...summary, file: `${estate.tenants} tenants` }, `Profile of stage "${s.stage}"`));
        }
      }
    }
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
  return result;
}

async function timeStages(dir, profileDir, order, timeoutMs, log) {
  const list = [];
  const args = ['bench/e2e-stages.mjs', dir, '--profile-dir', profileDir];
  if (order.length > 0) args.push('--order', order.join(','));
  let done = null;
  let running = null;
  const run = await runNode(args, {
    timeoutMs,
    onLine(line) {
      try {
        const o = JSON.parse(line);
        if (o.start) running = o.start;
        else if (o.stage) {
          running = null;
          list.push(o);
          if (o.ms >= 1000) log(`  ${o.stage}: ${o.ms} ms`);
        } else if (o.done) done = o;
      } catch {
        // Not a stage line.
      }
    },
  });
  const finished = list.reduce((s, x) => s + x.ms, 0);
  const unfinished = run.timedOut ? { stage: running ?? '(start-up)', runningMs: run.wallMs - finished } : null;
  if (unfinished) log(`  stopped at the time limit: stage "${unfinished.stage}" ran ≥ ${unfinished.runningMs} ms without finishing`);
  return { list, unfinished, totalMs: run.wallMs, peakRssMb: run.peakRssMb, completed: done !== null };
}

export function endToEndMisses(r) {
  const misses = [];
  const big = r.estates.find((e) => e.tenants === 10_000);
  const small = r.estates.find((e) => e.tenants === 1000);
  if (big && (big.cli.timedOut || big.cli.wallMs > E2E_GOALS.tenK_ms)) misses.push(`10k: ${big.cli.timedOut ? '>' : ''}${big.cli.wallMs} ms`);
  if (big && big.cli.peakRssMb !== null && big.cli.peakRssMb >= E2E_GOALS.tenK_rssMb) misses.push(`10k peak RSS ${big.cli.peakRssMb} MiB`);
  if (big && small && big.cli.wallMs / small.cli.wallMs > E2E_GOALS.ratio10kTo1k) misses.push(`10k/1k ${big.cli.timedOut ? '>' : ''}${(big.cli.wallMs / small.cli.wallMs).toFixed(1)}×`);
  return misses;
}
