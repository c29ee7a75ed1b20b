import { describe, expect, it } from 'vitest';
import { JsonElementSplitter } from '../../../src/ingest/trace/json-elements.js';
import { readAll, tempFile } from './trace-helpers.js';

// FORMATS.md 4.3: "N objects -> JSON array, one -> object". A file of several such documents one
// after another (NDJSON: `$t | ConvertTo-Json -Compress >> trace.json` per record, or daily runs
// appended with `>>`) holds every record of every document; each is read and counted as one record.
// FORMATS.md 1a: Get-MessageTrace gives one row per recipient.
const rec = (id: number, recipient: string, status: string): Record<string, unknown> => ({
  Received: `2025-03-04T09:15:0${id}Z`,
  SenderAddress: 'bob@fabrikam.com',
  RecipientAddress: recipient,
  Subject: `m${id}`,
  Status: status,
  MessageId: `<m${id}@fabrikam.com>`,
  MessageTraceId: `00000000-0000-0000-0000-00000000000${id}`,
});

describe('message trace JSON: several documents in one file', () => {
  it('NDJSON: every line is a record', async () => {
    const text = [rec(1, 'ann@contoso.com', 'Delivered'), rec(2, 'joe@contoso.com', 'Failed'), rec(3, 'kim@contoso.com', 'Delivered')].map((o) => JSON.stringify(o)).join('\n') + '\n';
    const { report, messages } = await readAll(tempFile('ndjson.json', text));
    expect(report).toMatchObject({ records: 3, skipped: 0 });
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(messages.map((m) => [m.recipient, m.source.line])).toEqual([
      ['ann@contoso.com', 1],
      ['joe@contoso.com', 2],
      ['kim@contoso.com', 3],
    ]);
  });

  it('appended ConvertTo-Json runs: an array, then an object, then an array, pretty-printed', async () => {
    const pretty = (v: unknown): string => JSON.stringify(v, null, 4).replace(/\n/g, '\r\n') + '\r\n';
    const text = pretty([rec(1, 'a@contoso.com', 'Delivered'), rec(2, 'b@contoso.com', 'Delivered')]) + pretty(rec(3, 'c@contoso.com', 'Failed')) + pretty([rec(4, 'd@contoso.com', 'Delivered')]);
    const { report, messages } = await readAll(tempFile('appended.json', text));
    expect(report).toMatchObject({ records: 4, skipped: 0 });
    expect(messages.map((m) => m.recipient)).toEqual(['a@contoso.com', 'b@contoso.com', 'c@contoso.com', 'd@contoso.com']);
    const lines = text.split('\n');
    expect(messages.map((m) => m.source.line)).toEqual(['"m1"', '"m2"', '"m3"', '"m4"'].map((s) => lines.findIndex((l) => l.includes(s)) + 1 - 4));
  });

  it('text that is no JSON after a document still stops reading, said once', async () => {
    const text = JSON.stringify(rec(1, 'a@contoso.com', 'Delivered')) + '\nPS C:\\> Get-MessageTrace\n';
    const { report, messages } = await readAll(tempFile('junk.json', text));
    expect(messages).toHaveLength(1);
    expect(report).toMatchObject({ records: 2, skipped: 1 });
    expect(report.diagnostics[0]).toMatchObject({ severity: 'error', location: expect.stringMatching(/junk\.json:2$/) });
  });

  it('stays linear on many tiny documents without line breaks', () => {
    let elements = 0;
    const s = new JsonElementSplitter({ element: () => void elements++, fatal: () => expect.unreachable() });
    const doc = '{"a":{}}[{"b":[]}]{}'.repeat(200_000);
    const t = performance.now();
    for (let i = 0; i < doc.length; i += 32 * 1024) s.push(doc.slice(i, i + 32 * 1024));
    s.end();
    expect(elements).toBe(600_000);
    // Quadratic work within each 32 K chunk took seconds; linear work takes well under one.
    expect(performance.now() - t).toBeLessThan(3000);
  });
});
