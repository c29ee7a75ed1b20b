import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runNode } from './child-process.mjs';
import { writeProtocolLogs } from './protocol-log-generator.mjs';

/**
 * Benchmark (issue 4): reading a folder of Exchange SMTP protocol logs and rebuilding every SMTP
 * session. Generated logs (protocol-log-generator.mjs, ~10 MiB files as Exchange rolls them,
 * interleaved sessions) are read in a child process — peak RSS measured from outside
 * (child-process.mjs) — twice: with mailflow-doctor's reader (readProtocolLog) and, as the
 * baseline, with csv-parse streaming the same files into the same session table. Both must
 * rebuild the same number of sessions. Two sizes show that memory does not grow with the input.
 * The largest size is also read raw (into a buffer, discarded): the machine's ceiling for the files.
 * Wall and CPU time are both reported: on a shared machine the wall clock counts others' turns.
 *
 *   node bench/protocol-log.mjs [--quick]      (after npm run build; --quick: 100 MB instead of 1 GB)
 *   BENCH_DIST=/tmp/snapshot/dist node bench/protocol-log.mjs   (measures another build)
 */

export const PROTOCOL_LOG_GOALS = { mbPerSecond: 200, ratioToCsvParse: 3, peakRssMb: 256 };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MB = 1024 * 1024;

export async function runProtocolLogBenchmark(options = {}, log = console.log) {
  const { quick = false, timeoutMs = 900_000 } = options;
  const big = options.sizeMb ?? (quick ? 100 : 1024);
  const sizes = [Math.max(10, Math.round(big / 10)), big];
  const result = { goals: PROTOCOL_LOG_GOALS, runs: [], baseline: null, raw: null, ok: true, problems: [] };
  for (const sizeMb of sizes) {
    const dir = join(ROOT, 'bench', 'out', `protocol-log-${sizeMb}mb`);
    const t0 = performance.now();
    const gen = writeProtocolLogs(dir, sizeMb * MB);
    log(`Protocol logs: ${gen.files} files, ${(gen.bytes / MB).toFixed(0)} MiB, ${gen.sessions} sessions (${gen.reused ? 'reused' : `generated in ${Math.round(performance.now() - t0)} ms`}) in ${dir}`);
    const run = await measure('reader', dir, timeoutMs);
    result.runs.push({ sizeMb, generated: gen, ...run });
    report(log, 'mailflow-doctor reader', run);
    if (run.child && run.child.sessions !== gen.sessions) result.problems.push(`${sizeMb} MB: the reader rebuilt ${run.child.sessions} sessions, ${gen.sessions} were written`);
    if (sizeMb === big) {
      // The ceiling: the same files read into a buffer and discarded, in the same run.
      const raw = await measure('raw', dir, timeoutMs);
      result.raw = { sizeMb, ...raw };
      report(log, 'raw read (ceiling)', raw);
      const baseline = await measure('csv-parse', dir, timeoutMs);
      result.baseline = { sizeMb, ...baseline };
      report(log, 'csv-parse baseline', baseline);
      if (baseline.child && run.child && baseline.child.sessions !== run.child.sessions) {
        result.problems.push(`csv-parse rebuilt ${baseline.child.sessions} sessions, the reader ${run.child.sessions}`);
      }
    }
  }
  const largest = result.runs[result.runs.length - 1];
  const rate = largest?.child?.mbPerSecond ?? 0;
  const ratio = result.baseline?.child ? rate / result.baseline.child.mbPerSecond : null;
  const peak = Math.max(...result.runs.map((r) => r.peakRssMb ?? Infinity));
  result.summary = {
    mbPerSecond: rate,
    mbPerCpuSecond: largest?.child?.mbPerCpuSecond ?? 0,
    rawReadMbPerSecond: result.raw?.child?.mbPerSecond ?? null,
    ratioToCsvParse: ratio === null ? null : Number(ratio.toFixed(2)),
    peakRssMbBySize: Object.fromEntries(result.runs.map((r) => [`${r.sizeMb}MB`, r.peakRssMb])),
    met: {
      mbPerSecond: rate >= PROTOCOL_LOG_GOALS.mbPerSecond,
      ratioToCsvParse: ratio !== null && ratio >= PROTOCOL_LOG_GOALS.ratioToCsvParse,
      peakRssMb: peak < PROTOCOL_LOG_GOALS.peakRssMb,
    },
  };
  for (const r of [...result.runs, result.raw, result.baseline]) if (r && !r.child) result.problems.push(`a ${r.mode} run reported nothing: ${r.stderr ?? ''}`);
  result.ok = result.problems.length === 0;
  log(
    `Protocol logs: ${rate.toFixed(0)} MB/s (goal ≥ ${PROTOCOL_LOG_GOALS.mbPerSecond}; raw read ${result.summary.rawReadMbPerSecond?.toFixed(0) ?? '?'} MB/s), ${ratio === null ? '?' : ratio.toFixed(1)}× csv-parse (goal ≥ ${PROTOCOL_LOG_GOALS.ratioToCsvParse}), ` +
      `peak RSS ${result.runs.map((r) => `${r.peakRssMb} MiB at ${r.sizeMb} MB`).join(', ')} (goal < ${PROTOCOL_LOG_GOALS.peakRssMb})`,
  );
  for (const p of result.problems) log(`  problem: ${p}`);
  return result;
}

async function measure(mode, dir, timeoutMs) {
  const run = await runNode([fileURLToPath(import.meta.url), '--child', mode, dir], { cwd: ROOT, timeoutMs });
  const line = run.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return { mode, wallMs: run.wallMs, peakRssMb: run.peakRssMb, rssSource: run.rssSource, timedOut: run.timedOut, child: line ? JSON.parse(line) : null, stderr: line ? undefined : run.stderr };
}

function report(log, label, run) {
  if (!run.child) {
    log(`  ${label}: no result (exit ${run.timedOut ? 'time limit' : 'error'}): ${run.stderr}`);
    return;
  }
  const c = run.child;
  log(`  ${label}: ${c.mbPerSecond.toFixed(0)} MB/s (${(c.bytes / MB).toFixed(0)} MiB in ${c.readMs} ms; ${c.mbPerCpuSecond.toFixed(0)} MB per CPU second), ${c.sessions} sessions, ${c.rows} rows, ${c.skipped} skipped; peak RSS ${run.peakRssMb} MiB`);
}

/** The distribution to measure: BENCH_DIST (a snapshot), else this checkout's dist/. */
function dist(path) {
  return pathToFileURL(join(process.env.BENCH_DIST ?? join(ROOT, 'dist'), path)).href;
}

function logFiles(dir) {
  return readdirSync(dir)
    .filter((f) => /\.LOG$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

async function child(mode, dir) {
  const files = logFiles(dir);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  let sessions = 0;
  let rows = 0;
  let skipped = 0;
  const onSession = () => sessions++;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  if (mode === 'raw') {
    for (const file of files) readFileSync(file);
  } else if (mode === 'reader') {
    const { readProtocolLog } = await import(dist('ingest/exchange-log/read-protocol-log.js'));
    for (const file of files) {
      const { report } = await readProtocolLog(file, onSession);
      rows += report.records;
      skipped += report.skipped;
    }
  } else {
    const { parse } = await import('csv-parse');
    const { SessionTable, isoTimeMs } = await import(dist('ingest/exchange-log/session-table.js'));
    for (const file of files) {
      // The baseline is told the columns (Exchange's #Fields order) and the log type by file name.
      const table = new SessionTable(/[\\/]RECV[^\\/]*$/i.test(file) ? 'server' : 'client', file, onSession);
      const parser = createReadStream(file).pipe(parse({ bom: true, comment: '#', comment_no_infix: true, relax_column_count: true, skip_empty_lines: true }));
      let line = 5;
      for await (const r of parser) {
        line++;
        if (r.length !== 9) {
          skipped++;
          continue;
        }
        rows++;
        table.add({ time: r[0], timeMs: isoTimeMs(r[0]), connector: r[1], sessionId: r[2], sequence: Number(r[3]), local: r[4], remote: r[5], event: r[6], data: r[7], context: r[8], line });
      }
      table.flush();
    }
  }
  const readMs = Math.round(performance.now() - t0);
  const cpu = process.cpuUsage(cpu0);
  // CPU time as well as wall time: on a shared machine the wall clock also counts other processes' turns.
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  process.stdout.write(JSON.stringify({ mode, files: files.length, bytes, readMs, cpuMs, mbPerSecond: bytes / MB / (readMs / 1000), mbPerCpuSecond: bytes / MB / (cpuMs / 1000), sessions, rows, skipped, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else if (isMain) {
  const result = await runProtocolLogBenchmark({ quick: process.argv.includes('--quick') });
  process.exitCode = result.ok ? 0 : 1;
}
