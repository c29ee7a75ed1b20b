import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runNode } from './child-process.mjs';
import { createRng } from './prng.mjs';

/**
 * Benchmark (issue 13): a message trace saved the way PowerShell users save one —
 * `Get-MessageTraceV2 … | Export-Csv` (Windows PowerShell 5.1: `#TYPE` line, every field quoted,
 * PSComputerName/RunspaceId columns, en-US dates) and `… | ConvertTo-Json` (PowerShell 7: an array
 * of objects, `/Date(ms)/` not used, ISO dates) — read through `diagnose`, the whole command, beside
 * the machine's raw read speed for the same file (read into a buffer and discarded: the ceiling).
 * Each run in its own child process, peak RSS from /usr/bin/time -v.
 *
 *   node bench/ps-trace.mjs [--quick]      (after npm run build)
 */
export const PS_TRACE_GOALS = { mbPerSecond: 100, peakRssMb: 256 };
const here = dirname(fileURLToPath(import.meta.url));
const MB = 1_000_000;

const COLUMNS = ['PSComputerName', 'RunspaceId', 'PSShowComputerName', 'Organization', 'MessageId', 'Received', 'SenderAddress', 'RecipientAddress', 'Subject', 'Status', 'ToIP', 'FromIP', 'Size', 'MessageTraceId', 'StartDate', 'EndDate', 'Index'];

function traceRows(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const domains = Array.from({ length: 200 }, (_, i) => `customer${i}.example.com`);
  const statuses = ['Delivered', 'Delivered', 'Delivered', 'FilteredAsSpam', 'Failed', 'Expanded', 'Quarantined', 'GettingStatus'];
  const start = Date.UTC(2026, 10, 10);
  let n = 0;
  return () => {
    const i = n++;
    const t = new Date(start + i * 1700);
    const guid = `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-1a2b-4c3d-8e9f-${String(i).padStart(12, '0')}`;
    return {
      PSComputerName: 'outlook.office365.com',
      RunspaceId: '1b2f0c77-3a1e-4c55-9d0e-6f7a8b9c0d1e',
      PSShowComputerName: 'False',
      Organization: 'contoso.onmicrosoft.com',
      MessageId: `<${guid}@mail.${pick(domains)}>`,
      Received: t,
      SenderAddress: `user${i % 5000}@${pick(domains)}`,
      RecipientAddress: `ann${i % 300}@contoso.com`,
      Subject: i % 97 === 0 ? 'Quarterly "numbers", final' : `Order ${i}`,
      Status: pick(statuses),
      ToIP: '',
      FromIP: `203.0.113.${i % 250}`,
      Size: String(2000 + (i % 90000)),
      MessageTraceId: guid,
      StartDate: new Date(start - 86400000),
      EndDate: new Date(start + 10 * 86400000),
      Index: String(i),
    };
  };
}

/** en-US DateTime.ToString() as Windows PowerShell's Export-Csv writes it. */
function usDate(d) {
  const h = d.getUTCHours();
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

export function writePsTrace(file, targetBytes, shape, seed = 11) {
  const next = traceRows(createRng(seed).next);
  const fd = openSync(file, 'w');
  let bytes = 0;
  let rows = 0;
  const write = (s) => {
    const b = Buffer.from(s, 'utf8');
    writeSync(fd, b);
    bytes += b.length;
  };
  let batch = '';
  if (shape === 'csv') {
    batch += '#TYPE Deserialized.Microsoft.Exchange.Management.FfoReporting.MessageTrace\r\n' + COLUMNS.map((c) => `"${c}"`).join(',') + '\r\n';
    while (bytes + batch.length < targetBytes) {
      const r = next();
      rows++;
      batch += COLUMNS.map((c) => `"${String(r[c] instanceof Date ? usDate(r[c]) : r[c]).replaceAll('"', '""')}"`).join(',') + '\r\n';
      if (batch.length > 1 << 20) {
        write(batch);
        batch = '';
      }
    }
    write(batch);
  } else {
    batch = '[\n';
    let first = true;
    while (bytes + batch.length < targetBytes) {
      const r = next();
      rows++;
      const o = Object.fromEntries(COLUMNS.map((c) => [c, r[c] instanceof Date ? r[c].toISOString() : r[c]]));
      batch += `${first ? '' : ',\n'}${JSON.stringify(o, null, 4).replace(/^/gm, '    ')}`;
      first = false;
      if (batch.length > 1 << 20) {
        write(batch);
        batch = '';
      }
    }
    write(`${batch}\n]\n`);
  }
  closeSync(fd);
  return { bytes, rows };
}

export async function runPsTraceBenchmark(options = {}, log = console.log) {
  const { quick = false, sizes = quick ? [60 * MB, 20 * MB] : [300 * MB, 150 * MB], timeoutMs = 900_000 } = options;
  const outDir = join(here, 'out');
  mkdirSync(outDir, { recursive: true });
  const cli = join(process.env.BENCH_DIST ?? join(here, '..', 'dist'), 'cli', 'run.js');
  const result = { goals: PS_TRACE_GOALS, runs: [] };
  for (const shape of ['csv', 'json']) {
    for (const size of sizes) {
      const file = join(outDir, `ps-trace-${shape}-${size / MB}MB.${shape}`);
      const meta = `${file}.meta`;
      let generated = existsSync(file) && existsSync(meta) ? JSON.parse(readFileSync(meta, 'utf8')) : null;
      if (!generated || generated.target !== size || statSync(file).size !== generated.bytes) {
        generated = { target: size, ...writePsTrace(file, size, shape) };
        writeFileSync(meta, JSON.stringify(generated));
      }
      const raw = await runNode([join(here, 'ps-trace.mjs'), '--child-raw', file], { timeoutMs });
      const rawMs = Number(raw.stdout.trim().split('\n').pop());
      const run = await runNode([cli, 'diagnose', file, '--format', 'json', '--output', join(outDir, `ps-trace-${shape}.report.json`)], { timeoutMs });
      const report = existsSync(join(outDir, `ps-trace-${shape}.report.json`)) ? JSON.parse(readFileSync(join(outDir, `ps-trace-${shape}.report.json`), 'utf8')) : null;
      const input = report?.inputs?.find((i) => i.file === file || i.file.endsWith(file.split('/').pop()));
      const entry = {
        shape,
        bytes: generated.bytes,
        rows: generated.rows,
        kind: input?.kind ?? null,
        recordsRead: input?.records ?? null,
        wallMs: run.wallMs,
        mbPerSecond: Math.round((generated.bytes / MB / (run.wallMs / 1000)) * 10) / 10,
        rawMbPerSecond: Math.round((generated.bytes / MB / (rawMs / 1000)) * 10) / 10,
        peakRssMb: run.peakRssMb,
        exitCode: run.exitCode,
      };
      result.runs.push(entry);
      log(`  Export-${shape === 'csv' ? 'Csv' : 'Json'} trace ${(entry.bytes / MB).toFixed(0)} MB: diagnose ${(run.wallMs / 1000).toFixed(2)} s = ${entry.mbPerSecond} MB/s (raw read ${entry.rawMbPerSecond} MB/s), peak RSS ${entry.peakRssMb} MiB; read as ${entry.kind}, ${entry.recordsRead} of ${entry.rows} rows; exit ${entry.exitCode}`);
    }
  }
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  for (const r of result.runs) {
    log(`PowerShell ${r.shape} trace ${(r.bytes / MB).toFixed(0)} MB through diagnose: ${r.mbPerSecond} MB/s (goal ≥ ${PS_TRACE_GOALS.mbPerSecond}) ${verdict(r.mbPerSecond >= PS_TRACE_GOALS.mbPerSecond)}; peak RSS ${r.peakRssMb} MiB (goal < ${PS_TRACE_GOALS.peakRssMb}) ${verdict((r.peakRssMb ?? Infinity) < PS_TRACE_GOALS.peakRssMb)}`);
  }
  return result;
}

async function childRaw(file) {
  const t0 = performance.now();
  const b = readFileSync(file);
  if (b.length < 0) console.log('');
  return Math.round(performance.now() - t0);
}

const args = process.argv.slice(2);
if (args[0] === '--child-raw') console.log(await childRaw(args[1]));
else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runPsTraceBenchmark({ quick: args.includes('--quick') });
