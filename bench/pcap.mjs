// The pcap benchmark (issue 5): builds a capture of ≥ 500 MiB (--quick: 50 MiB) of SMTP/TLS
// sessions replayed from real-software captures among HTTP-like bulk TCP and UDP, then times
// `tshark -T fields` and `mailflow-doctor pcap --format json` reading the same facts from it (per
// session: SMTP reply codes, certificates both ways), checks they agree, and prints MB/s, peak
// memory and the ratio. mailflow-doctor also reads a capture twice the size, to show whether its
// memory stays bounded. Run alone: `npm run build && node bench/pcap.mjs [--quick] [--size-mb N]
// [--second-size-mb N] [--regenerate] [--tshark-both] [--clean] [--json]`; a private build instead of
// dist/: `BENCH_DIST=/tmp/x/dist node bench/pcap.mjs` (no snapshot is made then).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCapture, GENERATOR_VERSION } from './pcap-generator.mjs';
import { makeSnapshot } from './snapshot.mjs';
import { measureCommand } from './pcap-measure.mjs';
import { tsharkArgs, tsharkSessionsFromOutput } from './pcap-tshark.mjs';

// The code measured (bin/, dist/) is this copy's; fixtures and bench/out are the working tree's
// (BENCH_REPO, set when running from a snapshot made by bench/snapshot.mjs).
const REPO = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = process.env.BENCH_REPO ?? REPO;
const FIXTURES = join(SOURCE, 'test', 'fixtures', 'pcap', 'real');
// The distribution measured: BENCH_DIST (a private build, e.g. `tsc --outDir /tmp/x/dist`), else this copy's dist/.
const DIST = process.env.BENCH_DIST ?? join(REPO, 'dist');

// Issue 13: the pcap command ≥ 15× tshark and ≥ 400 MB/s, peak memory ≤ ×1.25 for twice the capture.
export const PCAP_GOALS = { speedupOverTshark: 15, mbPerSec: 400, memoryGrowthFactor: 1.25 };

const MIB = 1024 * 1024;

/** Builds the capture for `sizeMb`, or reuses the one already under bench/out built the same way. */
function captureFor(outDir, sizeMb, regenerate, log) {
  const fixtureHash = createHash('sha256').update(readFileSync(join(FIXTURES, 'manifest.json'))).digest('hex').slice(0, 12);
  const file = join(outDir, `capture-${sizeMb}mb.pcap`);
  const metaFile = `${file}.json`;
  const keyLog = join(outDir, 'capture.keys');
  if (!regenerate && existsSync(file) && existsSync(metaFile) && existsSync(keyLog)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.generator === GENERATOR_VERSION && meta.fixtures === fixtureHash && statSync(file).size === meta.bytes) {
      log(`  reusing ${file} (${(meta.bytes / MIB).toFixed(0)} MiB, ${meta.smtpSessions} SMTP sessions)`);
      return { ...meta, file, keyLog };
    }
  }
  const t0 = Date.now();
  const built = generateCapture(file, { sizeMb, fixtureDir: FIXTURES });
  writeFileSync(keyLog, built.keyLog);
  const meta = { generator: GENERATOR_VERSION, fixtures: fixtureHash, sizeMb, bytes: built.bytes, packets: built.packets, smtpSessions: built.smtpSessions, bytesByKind: built.bytesByKind, sessions: built.sessions, templates: built.templates };
  writeFileSync(metaFile, JSON.stringify(meta));
  log(`  built ${file}: ${(built.bytes / MIB).toFixed(0)} MiB, ${built.packets} packets, ${built.smtpSessions} SMTP sessions in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { ...meta, file, keyLog };
}

/** mailflow-doctor's sessions keyed by client `ip:port`, in the tshark side's terms. */
function mailflowSessions(json) {
  const sessions = new Map();
  for (const s of json.sessions ?? []) {
    const replies = [...(s.replies ?? []), ...(s.transactions ?? []).flatMap((t) => t.replies ?? [])];
    if (replies.every((r) => typeof r.packet === 'number')) replies.sort((a, b) => a.packet - b.packet);
    const prints = (list) => (Array.isArray(list) ? list.map((c) => c.sha256) : null);
    sessions.set(s.client, { replyCodes: replies.map((r) => r.code), serverCertificates: prints(s.tls?.serverCertificates), clientCertificates: prints(s.tls?.clientCertificates) });
  }
  return sessions;
}

/** Where two readings of the same capture differ: session counts, then per session codes and certificates. */
function compareSessions(a, b, aName, bName) {
  const differences = [];
  let compared = 0;
  for (const [client, x] of a) {
    const y = b.get(client);
    if (!y) {
      differences.push(`${client}: only ${aName} found it`);
      continue;
    }
    compared++;
    for (const field of ['replyCodes', 'serverCertificates', 'clientCertificates']) {
      if (JSON.stringify(x[field]) !== JSON.stringify(y[field])) differences.push(`${client} ${field}: ${aName} ${JSON.stringify(x[field])} vs ${bName} ${JSON.stringify(y[field])}`);
    }
  }
  for (const client of b.keys()) if (!a.has(client)) differences.push(`${client}: only ${bName} found it`);
  const fingerprints = (m) => [...new Set([...m.values()].flatMap((s) => [...(s.serverCertificates ?? []), ...(s.clientCertificates ?? [])]))].sort();
  return { compared, differences: differences.length, examples: differences.slice(0, 5), sameFingerprints: JSON.stringify(fingerprints(a)) === JSON.stringify(fingerprints(b)), distinctFingerprints: fingerprints(a).length };
}

/** The generator's record of what each replayed session is (tshark's reading of its template). */
function generatedSessions(capture) {
  const sessions = new Map();
  for (const s of capture.sessions) {
    const facts = capture.templates[s.template];
    const prints = (list) => (Array.isArray(list) ? list.map((c) => c.sha256) : null);
    sessions.set(s.client, { replyCodes: facts.replyCodes, serverCertificates: prints(facts.tls?.serverCertificates), clientCertificates: prints(facts.tls?.clientCertificates) });
  }
  return sessions;
}

async function runMailflow(capture, outDir, timeoutMs) {
  const output = join(outDir, `mailflow-${capture.sizeMb}mb.json`);
  rmSync(output, { force: true });
  const args = [join(DIST, 'cli', 'run.js'), 'pcap', capture.file, '--keylog', capture.keyLog, '--format', 'json', '--output', output];
  const run = await measureCommand(process.execPath, args, { stdoutFile: join(outDir, `mailflow-${capture.sizeMb}mb.stdout`), timeoutMs, env: { ...process.env, NO_COLOR: '1' } });
  let sessions = null;
  if (existsSync(output)) {
    try {
      sessions = mailflowSessions(JSON.parse(readFileSync(output, 'utf8')));
    } catch (err) {
      run.stderr += `\noutput is not JSON: ${err.message}`;
    }
  }
  return { run, sessions };
}

/** The library reader alone (readCaptureFile, sessions streamed out), in a child process. */
async function runReader(capture, outDir, timeoutMs) {
  const stdoutFile = join(outDir, `reader-${capture.sizeMb}mb.ndjson`);
  const run = await measureCommand(process.execPath, [join(REPO, 'bench', 'pcap-reader-child.mjs'), capture.file, capture.keyLog], { stdoutFile, timeoutMs, env: { ...process.env, BENCH_DIST: DIST } });
  let sessions = null;
  let summary = null;
  if (run.exitCode === 0) {
    sessions = new Map();
    for (const line of readFileSync(stdoutFile, 'utf8').split('\n')) {
      if (!line) continue;
      const o = JSON.parse(line);
      if (o.summary) summary = o;
      else sessions.set(o.client, o);
    }
  }
  return { run, sessions, summary };
}

/** The machine's raw read of the same file (read into one reused buffer and discarded): the ceiling. */
async function runRawRead(capture, outDir, timeoutMs) {
  const script = "const fs=require('fs');const b=Buffer.allocUnsafe(1<<20);const fd=fs.openSync(process.argv[1],'r');let n;while((n=fs.readSync(fd,b,0,b.length,null))>0);";
  return measureCommand(process.execPath, ['-e', script, capture.file], { stdoutFile: join(outDir, 'raw-read.stdout'), timeoutMs });
}

/** Load average per core when a run starts: figures taken on a busy machine say so. */
const loadPerCore = () => Math.round((loadavg()[0] / cpus().length) * 100) / 100;

const mbps = (bytes, ms) => Math.round((bytes / MIB / (ms / 1000)) * 10) / 10;

export async function runPcapBenchmark(options = {}, log = console.log) {
  const quick = options.quick ?? false;
  const sizeMb = options.sizeMb ?? (quick ? 50 : 500);
  const secondSizeMb = options.secondSizeMb ?? sizeMb * 2;
  const timeoutMs = (options.timeoutSec ?? 900) * 1000;
  const outDir = options.outDir ?? join(SOURCE, 'bench', 'out', 'pcap');
  mkdirSync(outDir, { recursive: true });
  const result = { sizeMb, secondSizeMb, goals: PCAP_GOALS, captures: [], tshark: [], reader: null, mailflow: null, agreement: {}, verdict: {} };

  log(`pcap benchmark: captures of ${sizeMb} and ${secondSizeMb} MiB`);
  const captures = [captureFor(outDir, sizeMb, options.regenerate, log), captureFor(outDir, secondSizeMb, options.regenerate, log)];
  for (const c of captures) result.captures.push({ file: c.file, bytes: c.bytes, packets: c.packets, smtpSessions: c.smtpSessions, bytesByKind: c.bytesByKind });

  {
    const run = await runRawRead(captures[0], outDir, timeoutMs);
    result.rawRead = { sizeMb: captures[0].sizeMb, wallMs: run.wallMs, cpuMs: run.cpuMs, mbPerSec: mbps(captures[0].bytes, run.wallMs), peakRssMb: run.peakRssMb };
    log(`  raw read of ${captures[0].sizeMb} MiB (the ceiling): ${run.wallMs} ms wall, ${run.cpuMs} ms CPU, ${result.rawRead.mbPerSec} MB/s`);
  }

  const mailflowBuilt = existsSync(join(DIST, 'cli', 'command-pcap.js'));
  result.mailflow = mailflowBuilt ? [] : null;
  const tsharkTargets = options.tsharkBoth ? captures : [captures[0]];
  const tsharkReadings = new Map();
  for (const capture of tsharkTargets) {
    log(`  tshark on ${capture.sizeMb} MiB …`);
    const stdoutFile = join(outDir, `tshark-${capture.sizeMb}mb.txt`);
    const load = loadPerCore();
    const run = await measureCommand('tshark', tsharkArgs(capture.file, capture.keyLog), { stdoutFile, timeoutMs });
    const sessions = run.exitCode === 0 ? await tsharkSessionsFromOutput(stdoutFile) : null;
    tsharkReadings.set(capture.sizeMb, sessions);
    const entry = { sizeMb: capture.sizeMb, wallMs: run.wallMs, cpuMs: run.cpuMs, mbPerSec: mbps(capture.bytes, run.wallMs), mbPerCpuSec: run.cpuMs ? mbps(capture.bytes, run.cpuMs) : null, peakRssMb: run.peakRssMb, exitCode: run.exitCode, timedOut: run.timedOut, sessions: sessions?.size ?? null, loadPerCoreAtStart: load };
    if (run.exitCode !== 0) entry.stderr = run.stderr.slice(-1000);
    result.tshark.push(entry);
    log(`    ${entry.wallMs} ms wall, ${entry.cpuMs} ms CPU, ${entry.mbPerSec} MB/s, peak RSS ${entry.peakRssMb} MB, ${entry.sessions} SMTP sessions (load ${load}/core)`);
    if (sessions) result.agreement[`tshark-vs-generator-${capture.sizeMb}mb`] = compareSessions(sessions, generatedSessions(capture), 'tshark', 'generator');
  }

  const readerBuilt = existsSync(join(DIST, 'ingest', 'pcap', 'read-capture-file.js'));
  result.reader = readerBuilt ? [] : null;
  for (const capture of readerBuilt ? captures : []) {
    log(`  readCaptureFile on ${capture.sizeMb} MiB …`);
    const load = loadPerCore();
    const { run, sessions, summary } = await runReader(capture, outDir, timeoutMs);
    const entry = { sizeMb: capture.sizeMb, wallMs: run.wallMs, cpuMs: run.cpuMs, readMs: summary?.readMs ?? null, mbPerSec: mbps(capture.bytes, run.wallMs), mbPerCpuSec: run.cpuMs ? mbps(capture.bytes, run.cpuMs) : null, peakRssMb: run.peakRssMb, exitCode: run.exitCode, timedOut: run.timedOut, sessions: sessions?.size ?? null, loadPerCoreAtStart: load };
    if (!sessions) entry.stderr = run.stderr.slice(-1000);
    result.reader.push(entry);
    log(`    ${entry.wallMs} ms wall (read ${entry.readMs} ms), ${entry.cpuMs} ms CPU, ${entry.mbPerSec} MB/s, peak RSS ${entry.peakRssMb} MB, ${entry.sessions} SMTP sessions (load ${load}/core)`);
    const reference = tsharkReadings.get(capture.sizeMb);
    if (sessions && reference) result.agreement[`reader-vs-tshark-${capture.sizeMb}mb`] = compareSessions(sessions, reference, 'readCaptureFile', 'tshark');
    if (sessions) result.agreement[`reader-vs-generator-${capture.sizeMb}mb`] = compareSessions(sessions, generatedSessions(capture), 'readCaptureFile', 'generator');
  }

  if (!mailflowBuilt) {
    log('  mailflow-doctor pcap: the command is not built (dist/cli/command-pcap.js): run `npm run build` once it exists');
  } else {
    for (const capture of captures) {
      log(`  mailflow-doctor pcap on ${capture.sizeMb} MiB …`);
      const load = loadPerCore();
      const { run, sessions } = await runMailflow(capture, outDir, timeoutMs);
      const entry = { sizeMb: capture.sizeMb, wallMs: run.wallMs, cpuMs: run.cpuMs, mbPerSec: mbps(capture.bytes, run.wallMs), mbPerCpuSec: run.cpuMs ? mbps(capture.bytes, run.cpuMs) : null, peakRssMb: run.peakRssMb, exitCode: run.exitCode, timedOut: run.timedOut, sessions: sessions?.size ?? null, loadPerCoreAtStart: load };
      if (!sessions) entry.stderr = run.stderr.slice(-1000);
      result.mailflow.push(entry);
      log(`    ${entry.wallMs} ms wall, ${entry.cpuMs} ms CPU, ${entry.mbPerSec} MB/s, peak RSS ${entry.peakRssMb} MB, ${entry.sessions} SMTP sessions (exit ${entry.exitCode}${entry.timedOut ? ', timed out' : ''}, load ${load}/core)`);
      const reference = tsharkReadings.get(capture.sizeMb);
      if (sessions && reference) result.agreement[`mailflow-vs-tshark-${capture.sizeMb}mb`] = compareSessions(sessions, reference, 'mailflow-doctor', 'tshark');
      if (sessions) result.agreement[`mailflow-vs-generator-${capture.sizeMb}mb`] = compareSessions(sessions, generatedSessions(capture), 'mailflow-doctor', 'generator');
    }
  }

  const tshark = result.tshark[0];
  log('');
  log(`  tshark            ${tshark ? `${tshark.sizeMb} MiB: ${tshark.mbPerSec} MB/s (${tshark.mbPerCpuSec} per CPU second), ${tshark.peakRssMb} MB peak` : 'n/a'}`);
  // Verdicts for what an admin runs (the pcap command) and for the reader alone.
  for (const [name, runs, key] of [['mailflow-doctor pcap', result.mailflow, 'mailflow'], ['readCaptureFile', result.reader, 'reader']]) {
    if (!runs || runs.length === 0) continue;
    const [first, second] = runs;
    const v = {};
    if (tshark && first.sessions !== null) {
      v.speedup = Math.round((tshark.wallMs / first.wallMs) * 10) / 10;
      if (tshark.cpuMs && first.cpuMs) v.cpuSpeedup = Math.round((tshark.cpuMs / first.cpuMs) * 10) / 10;
      v.speedupGoal = v.speedup >= PCAP_GOALS.speedupOverTshark ? 'PASS' : 'MISS';
      v.mbPerSec = first.mbPerSec;
      v.mbPerSecGoal = first.mbPerSec >= PCAP_GOALS.mbPerSec ? 'PASS' : 'MISS';
    }
    if (first.peakRssMb && second?.peakRssMb) {
      v.memoryGrowth = Math.round((second.peakRssMb / first.peakRssMb) * 100) / 100;
      v.memoryGoal = v.memoryGrowth <= PCAP_GOALS.memoryGrowthFactor ? 'PASS' : 'MISS';
    }
    const agreement = result.agreement[`${key}-vs-tshark-${sizeMb}mb`];
    if (agreement) v.agreesWithTshark = agreement.differences === 0 && agreement.sameFingerprints ? 'PASS' : 'MISS';
    result.verdict[key] = v;
    for (const r of runs) log(`  ${name.padEnd(17)} ${r.sizeMb} MiB: ${r.mbPerSec} MB/s (${r.mbPerCpuSec} per CPU second), ${r.peakRssMb} MB peak, ${r.sessions} sessions`);
    if (v.speedup !== undefined) log(`    ${v.speedup}× tshark by wall time (${v.cpuSpeedup ?? 'n/a'}× by CPU time; goal ≥ ${PCAP_GOALS.speedupOverTshark}×: ${v.speedupGoal}), ${v.mbPerSec} MB/s (goal ≥ ${PCAP_GOALS.mbPerSec}: ${v.mbPerSecGoal}), agrees with tshark: ${v.agreesWithTshark ?? 'n/a'}`);
    if (v.memoryGrowth !== undefined) log(`    peak RSS ×${v.memoryGrowth} for ×${(secondSizeMb / sizeMb).toFixed(1)} the capture (goal ≤ ×${PCAP_GOALS.memoryGrowthFactor}: ${v.memoryGoal})`);
  }
  for (const [name, a] of Object.entries(result.agreement)) log(`  ${name}: ${a.compared} sessions compared, ${a.differences} differences, same fingerprints: ${a.sameFingerprints}${a.examples.length ? `\n    ${a.examples.join('\n    ')}` : ''}`);

  if (options.clean) {
    for (const c of captures) {
      for (const f of [c.file, `${c.file}.json`, ...['tshark-%.txt', 'reader-%.ndjson', 'mailflow-%.json', 'mailflow-%.stdout'].map((n) => join(outDir, n.replace('%', `${c.sizeMb}mb`)))]) rmSync(f, { force: true });
    }
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  // Others rebuild dist/ while this runs: run from a private copy of the build, as bench/run.mjs does.
  if (!argv.includes('--in-snapshot') && !process.env.BENCH_REPO && !process.env.BENCH_DIST) {
    const snapshot = join(REPO, 'bench', 'out', 'snapshot-pcap');
    makeSnapshot(REPO, snapshot);
    const r = spawnSync(process.execPath, [join(snapshot, 'bench', 'pcap.mjs'), '--in-snapshot', ...argv], { stdio: 'inherit', cwd: snapshot, env: { ...process.env, BENCH_REPO: REPO } });
    process.exit(r.status ?? 1);
  }
  const num = (name) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : undefined);
  const result = await runPcapBenchmark({
    quick: argv.includes('--quick'),
    sizeMb: num('--size-mb'),
    secondSizeMb: num('--second-size-mb'),
    timeoutSec: num('--timeout'),
    regenerate: argv.includes('--regenerate'),
    tsharkBoth: argv.includes('--tshark-both'),
    clean: argv.includes('--clean'),
  });
  if (argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  writeFileSync(join(SOURCE, 'bench', 'out', 'pcap', 'results.json'), JSON.stringify(result, null, 2));
}
