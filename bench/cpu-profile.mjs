import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and the time spent in
 * and under each function (total), so the report can say where the time goes.
 */
export function summarizeCpuProfile(file, { top = 15, root = process.cwd(), focus = null, under = null } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfTicks = new Map();
  for (const id of profile.samples) selfTicks.set(id, (selfTicks.get(id) ?? 0) + 1);
  const totalSamples = profile.samples.length;
  const durationMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = durationMs / Math.max(1, totalSamples);

  const label = (n) => {
    const f = n.callFrame;
    const name = f.functionName || '(anonymous)';
    if (!f.url) return name;
    let path = f.url.startsWith('file://') ? relative(root, new URL(f.url).pathname) : f.url;
    // node_modules may be a link (the bench's snapshot): name packages from node_modules/ on.
    const nm = path.lastIndexOf('node_modules/');
    if (nm > 0) path = path.slice(nm);
    return `${name} ${path}:${f.lineNumber + 1}`;
  };
  const self = new Map();
  const total = new Map();
  // `under`: count only samples taken inside a function of that name (e.g. the timed loop).
  const inside = (id) => {
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (nodes.get(cur).callFrame.functionName === under) return true;
    return false;
  };
  let counted = 0;
  for (const [id, ticks] of selfTicks) {
    if (under && !inside(id)) continue;
    counted += ticks;
    const n = nodes.get(id);
    const key = label(n);
    self.set(key, (self.get(key) ?? 0) + ticks);
    // Count each function once per sample on the stack (recursion not double-counted).
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(nodes.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + ticks);
    }
  }
  const rows = (m) =>
    [...m.entries()]
      .filter(([k]) => !/^\((root|program|idle)\)|^evaluate$|node:internal\//.test(k) && (!focus || focus(k)))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ticks]) => ({ function: fn, ms: Math.round(ticks * msPerSample), percent: Math.round((ticks / base) * 1000) / 10 }));
  // GC samples sit at the root, outside any function: with `under`, report GC against the whole profile.
  const base = under ? Math.max(1, counted) : totalSamples;
  return {
    file,
    durationMs: Math.round(durationMs),
    measuredMs: Math.round(base * msPerSample),
    under,
    samples: totalSamples,
    gcPercent: pct(selfTicksOfGc(profile, selfTicks), totalSamples),
    self: rows(self),
    total: rows(total),
  };
}

function selfTicksOfGc(profile, selfTicks) {
  let t = 0;
  for (const n of profile.nodes) if (n.callFrame.functionName === '(garbage collector)') t += selfTicks.get(n.id) ?? 0;
  return t;
}

const pct = (t, all) => Math.round(((t ?? 0) / Math.max(1, all)) * 1000) / 10;

export function newestProfile(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  return files.length > 0 ? join(dir, files[files.length - 1]) : null;
}

export function formatProfile(summary, title) {
  const scope = summary.under ? `${summary.measuredMs} ms inside ${summary.under}() of ${summary.durationMs} ms profiled` : `${summary.durationMs} ms profiled`;
  const lines = [`${title} — ${scope}, GC ${summary.gcPercent}% of all samples (${summary.file})`, '  self time:'];
  for (const r of summary.self) lines.push(`    ${String(r.percent).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.function}`);
  lines.push('  total time (inclusive):');
  for (const r of summary.total) lines.push(`    ${String(r.percent).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.function}`);
  return lines.join('\n');
}
