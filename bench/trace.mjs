import { existsSync, mkdirSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runNode } from './child-process.mjs';
import { writeExtendedReport } from './trace-generator.mjs';

/**
 * Benchmark (issue 4): reading and summarising a historical search extended report — UTF-16LE,
 * 27 quoted columns, line breaks inside quoted fields (trace-generator.mjs) — with the trace
 * reader (`readTraceFile` + `TraceSummarizer`, from dist/) and, as the baseline, with csv-parse
 * doing the same summary (its records fed through the same EventGrouper and TraceSummarizer, so
 * the difference is the reading: decoding, tokenizing, field access). Each runs in its own child
 * process (child-process.mjs: peak RSS from /usr/bin/time -v), default heap limits. Two sizes, to
 * show memory does not follow the file size.
 *
 *   node bench/trace.mjs [--quick]      (after npm run build; --quick: 100 MB and 20 MB instead of 1 GB and 100 MB)
 */

export const TRACE_GOALS = { mbPerSecond: 200, ratio: 3, peakRssMb: 200 };
const here = dirname(fileURLToPath(import.meta.url));
const MB = 1_000_000;

export async function runTraceBenchmark(options = {}, log = console.log) {
  const { quick = false, sizes = quick ? [100 * MB, 20 * MB] : [1000 * MB, 100 * MB], baseline = true, timeoutMs = 900_000 } = options;
  const outDir = join(here, 'out');
  mkdirSync(outDir, { recursive: true });
  const result = { goals: TRACE_GOALS, loadAverage: (await import('node:os')).loadavg(), runs: [] };
  log(`Trace benchmark; load average ${result.loadAverage.map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} CPUs (others' work slows wall-clock figures; CPU-second figures are less affected)`);
  for (const size of sizes) {
    const file = join(outDir, `trace-extended-${size / MB}MB.csv`);
    const meta = `${file}.json`;
    let generated = existsSync(file) && existsSync(meta) ? JSON.parse(readFileSync(meta, 'utf8')) : null;
    if (!generated || generated.target !== size || statSync(file).size !== generated.bytes) {
      const t0 = performance.now();
      generated = { target: size, ...writeExtendedReport(file, size) };
      writeFileSync(meta, JSON.stringify(generated));
      log(`Trace: generated ${file} (${(generated.bytes / MB).toFixed(0)} MB UTF-16LE, ${generated.rows} rows, ${generated.messages} messages) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } else log(`Trace: reusing ${file} (${(generated.bytes / MB).toFixed(0)} MB, ${generated.rows} rows)`);
    const entry = { bytes: generated.bytes, rows: generated.rows, messages: generated.messages, reader: null, csvParse: null, problems: [] };
    for (const which of baseline ? ['reader', 'csv-parse'] : ['reader']) {
      const run = await runNode([join(here, 'trace.mjs'), `--child-${which}`, file], { timeoutMs });
      const child = lastJson(run.stdout);
      if (!child) {
        entry.problems.push(`${which}: no result (exit ${run.exitCode}${run.timedOut ? ', timed out' : ''}): ${run.stderr.slice(-300)}`);
        continue;
      }
      const mbps = generated.bytes / MB / (child.readMs / 1000);
      const cpuMbps = generated.bytes / MB / (child.cpuMs / 1000);
      const m = { ...child, mbPerSecond: Math.round(mbps * 10) / 10, mbPerCpuSecond: Math.round(cpuMbps * 10) / 10, peakRssMb: run.peakRssMb, rssSource: run.rssSource, wallMs: run.wallMs };
      if (which === 'reader') entry.reader = m;
      else entry.csvParse = m;
      log(`  ${which.padEnd(9)} ${(child.readMs / 1000).toFixed(2)} s, ${m.mbPerSecond} MB/s (${m.mbPerCpuSecond} MB per CPU second), peak RSS ${run.peakRssMb} MiB; ${child.rows} rows, ${child.skipped} skipped, ${child.messages} messages, ${child.groups} groups`);
    }
    if (entry.reader && entry.reader.rows !== generated.rows) entry.problems.push(`reader read ${entry.reader.rows} rows of ${generated.rows}`);
    if (entry.reader && entry.reader.messages !== generated.messages) entry.problems.push(`reader found ${entry.reader.messages} messages of ${generated.messages}`);
    if (entry.reader && entry.csvParse) {
      entry.ratio = Math.round((entry.reader.mbPerSecond / entry.csvParse.mbPerSecond) * 10) / 10;
      if (entry.csvParse.messages !== entry.reader.messages || entry.csvParse.groups !== entry.reader.groups) entry.problems.push(`summaries differ: reader ${entry.reader.messages} messages / ${entry.reader.groups} groups, csv-parse ${entry.csvParse.messages} / ${entry.csvParse.groups}`);
      log(`  ratio ${entry.ratio}× csv-parse`);
    }
    for (const p of entry.problems) log(`  PROBLEM: ${p}`);
    result.runs.push(entry);
  }
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  for (const r of result.runs) {
    if (!r.reader) continue;
    log(`Trace ${(r.bytes / MB).toFixed(0)} MB: ${r.reader.mbPerSecond} MB/s (goal ≥ ${TRACE_GOALS.mbPerSecond}) ${verdict(r.reader.mbPerSecond >= TRACE_GOALS.mbPerSecond)}; ${r.ratio ?? '-'}× csv-parse (goal ≥ ${TRACE_GOALS.ratio}) ${r.ratio === undefined ? '-' : verdict(r.ratio >= TRACE_GOALS.ratio)}; peak RSS ${r.reader.peakRssMb} MiB (goal < ${TRACE_GOALS.peakRssMb}) ${verdict((r.reader.peakRssMb ?? Infinity) < TRACE_GOALS.peakRssMb)}`);
  }
  return result;
}

function lastJson(text) {
  for (const line of text.trim().split('\n').reverse()) {
    try {
      return JSON.parse(line);
    } catch {
      // not the result line
    }
  }
  return null;
}

/** The distribution to measure: BENCH_DIST (a snapshot), else this checkout's dist/. */
function dist(path) {
  return pathToFileURL(join(process.env.BENCH_DIST ?? join(here, '..', 'dist'), path)).href;
}

const noFilters = { connectors: [], senderDomains: [], since: null, until: null };

async function childReader(file) {
  const { readTraceFile } = await import(dist('ingest/trace/read-trace.js'));
  const { TraceSummarizer } = await import(dist('ingest/trace/trace-summary.js'));
  const summarizer = new TraceSummarizer(noFilters, null);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const report = await readTraceFile(file, (m) => summarizer.add(m));
  const summary = summarizer.finish();
  const readMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { readMs: Math.round(readMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000), rows: report.records, skipped: report.skipped, messages: summary.totals.messages, groups: summary.groups.length, heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20) };
}

async function childCsvParse(file) {
  const { parse } = await import('csv-parse');
  const { EventGrouper } = await import(dist('ingest/trace/event-grouping.js'));
  const { traceLayout } = await import(dist('ingest/trace/trace-columns.js'));
  const { newRowContext } = await import(dist('ingest/trace/trace-rows.js'));
  const { TraceSummarizer } = await import(dist('ingest/trace/trace-summary.js'));
  const summarizer = new TraceSummarizer(noFilters, null);
  const grouper = new EventGrouper(newRowContext(file, 'extended'), (m) => summarizer.add(m));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let layout = null;
  let record = null;
  let rows = 0;
  let skipped = 0;
  const view = {
    get(field) {
      const i = layout.columns[field];
      if (i === undefined) return null;
      const v = record[i].trim();
      return v === '' ? null : v;
    },
  };
  const parser = createReadStream(file).pipe(parse({ bom: true, encoding: 'utf16le', relax_column_count: true, info: true }));
  for await (const { record: r, info } of parser) {
    if (layout === null) {
      layout = traceLayout(r);
      continue;
    }
    rows++;
    if (r.length !== layout.width) {
      skipped++;
      continue;
    }
    record = r;
    grouper.add(view, info.lines);
  }
  grouper.flush();
  const summary = summarizer.finish();
  const cpu = process.cpuUsage(c0);
  return { readMs: Math.round(performance.now() - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000), rows, skipped, messages: summary.totals.messages, groups: summary.groups.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [flag, file] = process.argv.slice(2);
  if (flag === '--child-reader') console.log(JSON.stringify(await childReader(file)));
  else if (flag === '--child-csv-parse') console.log(JSON.stringify(await childCsvParse(file)));
  else {
    const result = await runTraceBenchmark({ quick: process.argv.includes('--quick') });
    mkdirSync(join(here, 'out'), { recursive: true });
    writeFileSync(join(here, 'out', 'trace-results.json'), JSON.stringify(result, null, 2));
  }
}
