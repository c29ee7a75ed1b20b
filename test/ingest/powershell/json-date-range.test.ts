import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCase } from '../../../src/ingest/load-case.js';
import { cleanValue } from '../../../src/ingest/powershell/read-json-export.js';

// Issue 13 ("bad input gets a clear error, nothing is lost, never crash"): found by the fuzz
// harness — a ConvertTo-Json date `\/Date(ms)\/` with more digits than a Date holds threw
// "Invalid time value" and the queue export was lost.
describe('Windows PowerShell 5.1 JSON dates beyond the Date range', () => {
  it('are kept as written; dates in range still become ISO 8601', () => {
    expect(cleanValue('/Date(1741079702000)/')).toBe('2025-03-04T09:15:02.000Z');
    const huge = `/Date(${'9'.repeat(40)})/`;
    expect(cleanValue(huge)).toBe(huge);
    expect(cleanValue('/Date(8640000000000001)/')).toBe('/Date(8640000000000001)/');
  });

  it('a queue export holding one is read, not lost', async () => {
    const text = readFileSync('test/fixtures/queue/get-message-4.4.0.json', 'utf8').replace(/\\\/Date\(\d+\)\\\//, `\\/Date(${'9'.repeat(400)})\\/`);
    expect(text).toContain('9'.repeat(400));
    const dir = mkdtempSync(join(tmpdir(), 'mfd-json-date-'));
    const file = join(dir, 'get-message.json');
    writeFileSync(file, text);
    const { case: c, fatal } = await loadCase([file]);
    expect(fatal).toBeNull();
    expect(c.inputs[0]!.kind).toBe('queue');
    expect(c.inputs[0]!.diagnostics.map((d) => d.message).join('\n')).not.toMatch(/Invalid time value/);
  });
});
