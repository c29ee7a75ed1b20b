import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const AT = '2026-11-22T00:00:00Z';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built command exactly as an admin would (node bin/mailflow-doctor.js …). */
export function cli(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, ['bin/mailflow-doctor.js', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliJson<T = any>(...args: string[]): { code: number; json: T; stderr: string } {
  const r = cli(...args, '--format', 'json');
  let json: T;
  try {
    json = JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout.slice(0, 500)} ${r.stderr}`);
  }
  return { code: r.code, json, stderr: r.stderr };
}
