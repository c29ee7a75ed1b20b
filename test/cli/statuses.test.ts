import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AT, ROOT } from '../helpers/run-cli.js';
import { runMain } from './in-process.js';

/**
 * Issue 11 ("The NDR catalog in every evidence reader"): an extended message trace holding Defer
 * rows with 4.7.320, 4.4.317 … 5.7.3, 4.4.316, 4.4.312 and rows with 5.4.1, 5.4.14 ATTR34, 5.7.68,
 * 4.4.62 was read and nothing of it was recognised. `diagnose` on a folder holding it now counts
 * the statuses in the report's evidence summary.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function caseOf(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-statuses-'));
  dirs.push(dir);
  for (const f of files) copyFileSync(join(ROOT, f), join(dir, basename(f)));
  return dir;
}

describe('diagnose counts the statuses of the evidence', () => {
  it('the extended trace with Defer and Fail rows: 7 or more statuses in the evidence summary', async () => {
    const dir = caseOf('test/fixtures/trace/extended-defer-exo-onprem.csv');
    const { stdout } = await runMain('diagnose', dir, '--at', AT, '--format', 'json');
    const json = JSON.parse(stdout) as { inputs: { file: string; kind: string }[]; evidence?: { statuses?: number; statusGroups?: number } };
    expect(json.inputs.find((i) => i.file.endsWith('extended-defer-exo-onprem.csv'))?.kind).toBe('message-trace');
    // Eight rows that did not deliver; 4.4.317 quotes 5.7.3: nine statuses, each its own group.
    expect(json.evidence?.statuses).toBeGreaterThanOrEqual(7);
    expect(json.evidence?.statuses).toBe(9);
    expect(json.evidence?.statusGroups).toBe(9);
  });

  it('NDRs, a send log and a queue export beside it are counted too, and the text report says so', async () => {
    const dir = caseOf('test/fixtures/ndr/expired-4.4.7.eml', 'test/fixtures/ndr/dbeb-5.4.1.eml', 'test/fixtures/exchange-log/send-out-of-date-4.7.230.log', 'test/fixtures/queue/get-queue-4.7.5.csv');
    const { stdout } = await runMain('diagnose', dir, '--at', AT, '--format', 'json');
    const json = JSON.parse(stdout) as { inputs: { file: string; kind: string }[]; evidence?: { statuses?: number } };
    expect(json.inputs.filter((i) => i.kind === 'ndr')).toHaveLength(2);
    expect(json.inputs.find((i) => i.file.endsWith('get-queue-4.7.5.csv'))?.kind).toBe('queue');
    // 4.4.7 with the 4.4.316 it quotes, 5.4.1, 4.7.230, and 454 4.7.5 on two queues.
    expect(json.evidence?.statuses).toBe(6);
    const text = await runMain('diagnose', dir, '--at', AT);
    expect(text.stdout).toContain('6 recognised status code(s)');
  });
});
