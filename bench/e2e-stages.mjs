// Runs diagnose's stages in-process on a case folder and prints one JSON line per stage as it
// finishes (so a parent that stops a run at its time limit still knows every finished stage):
// load, simulate, rule context, each rule, sort, render. With --profile-dir, each stage is
// CPU-profiled through the inspector and its .cpuprofile written as soon as the stage ends.
// Usage: node bench/e2e-stages.mjs DIR [--order rule-a,rule-b,…] [--profile-dir DIR]
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { simulateCase } from '../dist/engine/simulate.js';
import { loadCase } from '../dist/ingest/load-case.js';
import { renderJson } from '../dist/report/report-json.js';
import { SEVERITY_ORDER } from '../dist/rules/finding.js';
import { RULES, ruleContext, runRules } from '../dist/rules/index.js';

const args = process.argv.slice(2);
const dir = args[0];
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : null;
};
const order = opt('--order')?.split(',') ?? [];
const profileDir = opt('--profile-dir');
const at = new Date('2026-11-22T00:00:00Z');

let session = null;
const post = (method, params = {}) => new Promise((res, rej) => session.post(method, params, (e, r) => (e ? rej(e) : res(r))));
if (profileDir) {
  session = new Session();
  session.connect();
  await post('Profiler.enable');
}

const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
async function stage(name, fn) {
  emit({ start: name });
  if (session) await post('Profiler.start');
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  let profile = null;
  if (session) {
    const r = await post('Profiler.stop');
    profile = join(profileDir, `${name.replace(/[^a-z0-9-]+/gi, '_')}.cpuprofile`);
    writeFileSync(profile, JSON.stringify(r.profile));
  }
  emit({ stage: name, ms: Math.round(ms), profile, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
  return value;
}

const loaded = await stage('load', () => loadCase([dir]));
if (loaded.fatal) {
  emit({ error: loaded.fatal });
  process.exit(2);
}
const c = loaded.case;
const simulation = await stage('simulate', () => simulateCase(c, { at }));
const ctx = await stage('rule context (presenters)', () => ruleContext(c, simulation));
const rules = [...RULES].sort((a, b) => rank(a.id) - rank(b.id));
const findings = [];
for (const r of rules) findings.push(...(await stage(`rule ${r.id}`, () => runRules(ctx, [r]))));
await stage('sort findings', () => findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message)));
await stage('render json', () => renderJson({ case: c, simulation, findings, at }).length);
emit({ done: true, tenants: c.tenants.length, flows: simulation.flows.length, findings: findings.length, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) });

function rank(id) {
  const i = order.indexOf(id);
  return i < 0 ? order.length + RULES.findIndex((r) => r.id === id) : i;
}
