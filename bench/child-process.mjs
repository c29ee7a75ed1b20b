import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

/**
 * Runs `node …` as a child and measures it from the outside: wall time (process start
 * included), exit status, and peak RSS — from `/usr/bin/time -v` when present, else from a probe
 * preloaded into the child that records process.resourceUsage().maxRSS at exit. A child still
 * running at the time limit is killed (SIGKILL) and reported as timed out.
 */
const TIME = '/usr/bin/time';
const PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));

export function runNode(nodeArgs, { cwd = process.cwd(), timeoutMs = 0, onLine = null } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'mailflow-bench-run-'));
  const timeFile = join(scratch, 'time.txt');
  const probeFile = join(scratch, 'rss.txt');
  const useTime = existsSync(TIME);
  const [cmd, args] = useTime ? [TIME, ['-v', '-o', timeFile, process.execPath, ...nodeArgs]] : [process.execPath, ['--import', PROBE, ...nodeArgs]];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, BENCH_RSS_FILE: probeFile, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!onLine) return;
      pending += d;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = timeoutMs > 0 ? setTimeout(() => {
      timedOut = true;
      killNode(child.pid, useTime);
    }, timeoutMs) : null;
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - t0;
      if (timer) clearTimeout(timer);
      const peakRssMb = useTime ? rssFromTime(timeFile) : rssFromProbe(probeFile);
      const exit = useTime ? exitFromTime(timeFile, code) : { code, signal };
      rmSync(scratch, { recursive: true, force: true });
      resolve({ wallMs: Math.round(wallMs), exitCode: exit.code, signal: exit.signal ?? signal, timedOut, peakRssMb, rssSource: useTime ? '/usr/bin/time -v' : 'process.resourceUsage() probe', stdout, stderr: stderr.slice(-4000) });
    });
  });
}

/** With /usr/bin/time the node process is time's child: kill that one, so time still reports. */
function killNode(pid, viaTime) {
  let target = pid;
  if (viaTime) {
    try {
      const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      if (kids.length > 0) target = Number(kids[0]);
    } catch {
      // No /proc: kill time itself.
    }
  }
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function rssFromTime(file) {
  try {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(file, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

function exitFromTime(file, fallback) {
  try {
    const text = readFileSync(file, 'utf8');
    const sig = /Command terminated by signal (\d+)/.exec(text);
    if (sig) return { code: null, signal: Number(sig[1]) };
    const m = /Exit status: (\d+)/.exec(text);
    return { code: m ? Number(m[1]) : fallback, signal: null };
  } catch {
    return { code: fallback, signal: null };
  }
}

function rssFromProbe(file) {
  try {
    return Math.round(Number(readFileSync(file, 'utf8')) / 1024);
  } catch {
    return null;
  }
}
