import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runNode } from './child-process.mjs';
import { formatProfile, newestProfile, summarizeCpuProfile } from './cpu-profile.mjs';
import { writeProviderExports } from './export-generator.mjs';

/**
 * Benchmark 3 (issue 3): loading a service provider's PowerShell exports — 10,000 tenants'
 * Get-InboundConnector / Get-OutboundConnector / Get-AcceptedDomain output and 5,000
 * Get-ExchangeCertificate objects with the Get-ExchangeServer output that places them, all as
 * PowerShell 7 ConvertTo-Json (export-generator.mjs). `loadCase()` runs in a child process
 * (`node bench/exports-load.mjs --child DIR EXPECTED`): the child reports its start-up, the
 * import of load-case.js and the load itself; the parent reports wall time and peak RSS
 * (child-process.mjs). The loaded case is checked against what was generated — counts of
 * tenants, connectors, domains, servers and certificates, every certificate on a known server,
 * no error diagnostic, no fatal — and any difference fails the run. On a missed goal the load is
 * profiled with `node --cpu-prof`.
 */

export const EXPORTS_GOALS = { loadMs: 3000, peakRssMb: 1024 };

/** The distribution to measure: BENCH_DIST (a private build), else this checkout's dist/. */
const here = fileURLToPath(new URL('.', import.meta.url));
function dist(path) {
  return pathToFileURL(join(process.env.BENCH_DIST ?? join(here, '..', 'dist'), path)).href;
}

export async function runExportsLoad(options, log) {
  const { tenants = 10_000, certificates = 5000, layouts = ['per-tenant'], timeoutMs = 120_000, profile = true, keep = false, profileRoot = null } = options;
  const root = mkdtempSync(join(tmpdir(), 'mailflow-bench-exports-'));
  const result = { root: keep ? root : null, tenants, certificates, runs: [], profiles: [] };
  try {
    for (const layout of layouts) {
      const dir = join(root, layout);
      const t0 = performance.now();
      const gen = writeProviderExports(dir, { tenants, certificates, layout });
      const generateMs = Math.round(performance.now() - t0);
      const expectedFile = join(root, `expected-${layout}.json`);
      writeFileSync(expectedFile, JSON.stringify(gen.expected));
      log(`Exports load (${layout}): ${tenants} tenants, ${certificates} certificates → ${gen.files} files, ${(gen.bytes / 2 ** 20).toFixed(1)} MiB of PowerShell 7 JSON (${generateMs} ms); loading in a child process (time limit ${timeoutMs / 1000} s)…`);
      const run = await runNode(['bench/exports-load.mjs', '--child', dir, expectedFile], { timeoutMs });
      const child = lastJsonLine(run.stdout);
      const { stdout, ...cli } = run;
      const entry = { layout, files: gen.files, bytes: gen.bytes, generateMs, expected: { ...gen.expected, serverFqdns: undefined }, cli, child, ok: false, problems: [] };
      if (cli.timedOut) entry.problems.push(`stopped at the time limit (${timeoutMs / 1000} s)`);
      else if (!child) entry.problems.push(`the child reported nothing (exit ${cli.exitCode}): ${cli.stderr.trim().split('\n').slice(-5).join(' | ')}`);
      else entry.problems.push(...child.problems);
      entry.ok = entry.problems.length === 0;
      if (child) {
        log(`  load ${child.loadMs} ms, CPU ${child.loadCpuMs} ms (process start ${child.startupMs} ms, import of load-case.js ${child.importMs} ms; wall ${cli.wallMs} ms), peak RSS ${cli.peakRssMb} MiB (${cli.rssSource}); heap after load ${child.heapUsedMb} MiB`);
        const mb = gen.bytes / 1e6;
        log(`  ${(mb / (child.loadMs / 1000)).toFixed(1)} MB/s loaded (${(mb / (child.loadCpuMs / 1000)).toFixed(1)} MB/s of CPU) against the raw read of the same files: ${child.rawReadMs} ms wall, ${child.rawReadCpuMs} ms CPU = ${(mb / (child.rawReadMs / 1000)).toFixed(1)} MB/s`);
        log(`  case: ${child.found.tenants} tenants, ${child.found.inboundConnectors} inbound + ${child.found.outboundConnectors} outbound connectors, ${child.found.acceptedDomains} accepted domains, ${child.found.organizations} organizations, ${child.found.servers} servers, ${child.found.certificates} certificates (${child.found.certificatesOnKnownServers} on a known server); ${child.inputs} inputs, ${child.diagnostics.error} error / ${child.diagnostics.warning} warning / ${child.diagnostics.info} info diagnostics`);
      }
      if (!entry.ok) {
        log(`\n*** EXPORTS LOAD CHECK FAILED (${layout}) ***`);
        for (const p of entry.problems) log(`  ${p}`);
        log('');
      }
      const missed = child && (child.loadMs >= EXPORTS_GOALS.loadMs || (cli.peakRssMb ?? 0) >= EXPORTS_GOALS.peakRssMb);
      if (profile && (missed || cli.timedOut)) {
        const profileDir = join(profileRoot ?? root, `exports-${layout}`);
        rmSync(profileDir, { recursive: true, force: true });
        log(`  missed the goal: profiling loadCase() with node --cpu-prof…`);
        const prof = await runNode(['--cpu-prof', '--cpu-prof-dir', profileDir, 'bench/exports-load.mjs', '--child', dir, expectedFile], { timeoutMs: timeoutMs * 2 });
        const file = prof.exitCode === 0 ? newestProfile(profileDir) : null;
        if (file) {
          const summary = summarizeCpuProfile(file, { top: 14 });
          log(formatProfile({ ...summary, file: profileDir }, `Profile of loadCase() (${layout})`));
          entry.profile = summary;
        } else log(`  profiling failed: ${prof.stderr.slice(-500)}`);
      }
      result.runs.push(entry);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
  return result;
}

function lastJsonLine(text) {
  const lines = text.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      const o = JSON.parse(l);
      if (o && o.exportsLoad) return o;
    } catch {
      // not ours
    }
  }
  return null;
}

/** In the child: load, count, check; one JSON line on stdout. Exit 0 even when the check fails (the parent judges). */
async function child(dir, expectedFile) {
  const startupMs = performance.now();
  const expected = JSON.parse(readFileSync(expectedFile, 'utf8'));
  const t0 = performance.now();
  const { loadCase } = await import(dist('ingest/load-case.js'));
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const loaded = await loadCase([dir]);
  const t2 = performance.now();
  const loadCpu = process.cpuUsage(cpu0);
  // The ceiling: every file read into a buffer and discarded (after the load, so the page cache is as warm for both).
  const raw = rawRead(dir);
  const c = loaded.case;
  const sum = (list, f) => list.reduce((s, x) => s + f(x), 0);
  const fqdns = new Set(c.organizations.flatMap((o) => o.Servers.map((s) => (s.Fqdn ?? s.Name).toLowerCase())));
  const found = {
    tenants: c.tenants.length,
    inboundConnectors: sum(c.tenants, (t) => t.InboundConnectors.length),
    outboundConnectors: sum(c.tenants, (t) => t.OutboundConnectors.length),
    acceptedDomains: sum(c.tenants, (t) => t.AcceptedDomains.length),
    organizations: c.organizations.length,
    servers: sum(c.organizations, (o) => o.Servers.length),
    certificates: c.certificates.length,
    certificatesOnKnownServers: c.certificates.filter((x) => x.Server !== null && fqdns.has(x.Server)).length,
  };
  const problems = [];
  if (loaded.fatal) problems.push(`fatal: ${loaded.fatal.slice(0, 500)}`);
  for (const k of ['tenants', 'inboundConnectors', 'outboundConnectors', 'acceptedDomains', 'organizations', 'servers', 'certificates']) {
    if (found[k] !== expected[k]) problems.push(`${k}: expected ${expected[k]}, loaded ${found[k]}`);
  }
  if (found.certificatesOnKnownServers !== expected.certificates) problems.push(`certificates on a server of the case: expected ${expected.certificates}, found ${found.certificatesOnKnownServers}`);
  const missingServers = expected.serverFqdns.filter((f) => !fqdns.has(f));
  if (missingServers.length > 0) problems.push(`${missingServers.length} servers missing, e.g. ${missingServers.slice(0, 3).join(', ')}`);
  const diagnostics = { error: 0, warning: 0, info: 0 };
  const samples = [];
  for (const r of c.inputs) {
    for (const d of r.diagnostics) {
      diagnostics[d.severity] = (diagnostics[d.severity] ?? 0) + 1;
      if (samples.length < 5 && d.severity !== 'info') samples.push(`${d.severity} ${d.location}: ${d.message}`.slice(0, 400));
    }
  }
  if (diagnostics.error > 0) problems.push(`${diagnostics.error} error diagnostics, e.g.:\n    ${samples.join('\n    ')}`);
  const mem = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({
      exportsLoad: true,
      startupMs: Math.round(startupMs),
      importMs: Math.round(t1 - t0),
      loadMs: Math.round(t2 - t1),
      loadCpuMs: Math.round((loadCpu.user + loadCpu.system) / 1000),
      rawReadMs: raw.wallMs,
      rawReadCpuMs: raw.cpuMs,
      inputs: c.inputs.length,
      found,
      diagnostics,
      diagnosticSamples: samples,
      problems,
      heapUsedMb: Math.round(mem.heapUsed / 2 ** 20),
      rssAfterLoadMb: Math.round(mem.rss / 2 ** 20),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }) + '\n',
  );
}

function rawRead(dir) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else readFileSync(p);
    }
  };
  walk(dir);
  const c = process.cpuUsage(c0);
  return { wallMs: Math.round(performance.now() - t0), cpuMs: Math.round((c.user + c.system) / 1000) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
}
