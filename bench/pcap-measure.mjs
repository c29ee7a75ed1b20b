import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * Runs a command with its standard output sent to a file and measures it from the outside: wall
 * time, exit status and peak RSS — from `/usr/bin/time -v` when present, else by sampling the
 * child's VmHWM in /proc. Killed at the time limit.
 */
const TIME = '/usr/bin/time';

export function measureCommand(command, args, { stdoutFile, timeoutMs = 0, cwd = process.cwd(), env = process.env } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'mailflow-bench-pcap-'));
  const timeFile = join(scratch, 'time.txt');
  const useTime = existsSync(TIME);
  const out = openSync(stdoutFile, 'w');
  const [cmd, argv] = useTime ? [TIME, ['-v', '-o', timeFile, command, ...args]] : [command, args];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-8000)));
    let sampledKb = 0;
    const sampler = useTime ? null : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) sampledKb = Math.max(sampledKb, Number(m[1]));
      } catch {
        // Gone already.
      }
    }, 50);
    let timedOut = false;
    const timer = timeoutMs > 0 ? setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs) : null;
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - t0;
      if (timer) clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      closeSync(out);
      let peakRssMb = sampledKb ? Math.round(sampledKb / 1024) : null;
      let exitCode = code;
      // CPU time (user + system) next to wall time: on a shared machine it moves less with the load.
      let cpuMs = null;
      if (useTime) {
        const text = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
        const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
        peakRssMb = rss ? Math.round(Number(rss[1]) / 1024) : null;
        const status = /Exit status: (\d+)/.exec(text);
        if (status) exitCode = Number(status[1]);
        const user = /User time \(seconds\): ([\d.]+)/.exec(text);
        const system = /System time \(seconds\): ([\d.]+)/.exec(text);
        if (user && system) cpuMs = Math.round((Number(user[1]) + Number(system[1])) * 1000);
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ wallMs: Math.round(wallMs), cpuMs, exitCode, signal, timedOut, peakRssMb, rssSource: useTime ? '/usr/bin/time -v' : '/proc VmHWM sampling', stderr: stderr.replace(/^Running as user "root".*\n/m, '') });
    });
  });
}
