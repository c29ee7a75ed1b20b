import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.js';

/**
 * A reader that stops early (`mailflow-doctor pcap x.pcap | head -1`) closes the pipe; the
 * command's next write fails with EPIPE. Like any Unix filter it then ends quietly, exit 0, no
 * stack trace — for every command. Runs the built command (`npm run build`, done by `npm ci`).
 */

const BIN = join(ROOT, 'bin/mailflow-doctor.js');
const DIST = join(ROOT, 'dist/cli/run.js');
// A build older than the source it runs would test old code: that is not a pass or a fail of this one.
const problem = !existsSync(DIST)
  ? 'dist/cli/run.js is missing (npm run build)'
  : statSync(DIST).mtimeMs < statSync(join(ROOT, 'src/cli/run.ts')).mtimeMs
    ? 'dist/cli/run.js is older than src/cli/run.ts (npm run build)'
    : null;
const required = process.env.CI_REQUIRE_INTEGRATION === '1';

/** Runs the command with its standard output closed before it writes anything. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    // The read end goes away at once: the child's first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

if (problem && required) {
  describe('closed standard output', () => {
    it('has a current build of the command (CI_REQUIRE_INTEGRATION=1)', () => {
      throw new Error(`cannot run: ${problem}`);
    });
  });
}

describe.skipIf(problem !== null)(problem ? `closed standard output — skipped: ${problem}` : 'closed standard output (EPIPE)', () => {
  const cases: [string, string[]][] = [
    ['pcap, text', ['pcap', 'test/fixtures/pcap/smtp-plain.pcap']],
    ['pcap, json', ['pcap', 'test/fixtures/pcap/smtp-plain.pcap', '--format', 'json']],
    ['headers', ['headers', 'test/fixtures/headers/cross-premises-internal.eml']],
    ['diagnose', ['diagnose', 'examples/clean-hybrid']],
    ['help', ['help']],
  ];
  it.each(cases)('%s: ends quietly with exit 0', async (_name, args) => {
    const r = await withClosedStdout(args);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
    expect(r.code).toBe(0);
  }, 60_000);
});
