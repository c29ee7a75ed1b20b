import { describe, expect, it } from 'vitest';
import { EventGrouper, RECIPIENTS_KEPT } from '../../../src/ingest/trace/event-grouping.js';
import type { TraceField } from '../../../src/ingest/trace/trace-columns.js';
import { newRowContext } from '../../../src/ingest/trace/trace-rows.js';
import type { TraceMessage } from '../../../src/ingest/trace/trace-message.js';

/** An extended-report row (FORMATS.md 1d) with only the fields these cases need. */
function row(fields: Partial<Record<TraceField, string>>) {
  return { get: (f: TraceField) => fields[f] ?? null };
}

function group(rows: Partial<Record<TraceField, string>>[]): { messages: TraceMessage[]; grouper: EventGrouper } {
  const messages: TraceMessage[] = [];
  const grouper = new EventGrouper(newRowContext('x.csv', 'extended'), (m) => messages.push(m));
  rows.forEach((r, i) => grouper.add(row(r), i + 2));
  grouper.flush();
  return { messages, grouper };
}

describe('event grouping: one message per recipient (Get-MessageTrace has a row per recipient)', () => {
  it('keeps recipients in the order first seen, matches them case-insensitively, and gives each its latest status, past a handful of recipients too', () => {
    const id = '3c2b1a00-0000-4aaa-9bbb-000000000001';
    const n = 20;
    const addresses = Array.from({ length: n }, (_, i) => `User${i}@Contoso.com`);
    const rows: Partial<Record<TraceField, string>>[] = [{ networkMessageId: id, event: 'RECEIVE', time: '2026-11-10T00:00:00.0000000Z', sender: 'a@fabrikam.com' }];
    for (const a of addresses) rows.push({ networkMessageId: id, event: 'DEFER', time: '2026-11-10T00:00:01.0000000Z', recipient: a });
    // Later rows spell the address in lowercase: the same recipient, delivered (the latest status event decides).
    for (const a of addresses.slice(0, n / 2)) rows.push({ networkMessageId: id, event: 'DELIVER', time: '2026-11-10T00:00:02.0000000Z', recipient: a.toLowerCase() });
    const { messages } = group(rows);
    expect(messages.map((m) => m.recipient)).toEqual(addresses);
    expect(messages.map((m) => m.status)).toEqual(addresses.map((_, i) => (i < n / 2 ? 'Delivered' : 'Pending')));
  });

  it(`reports at most ${RECIPIENTS_KEPT} recipients of one message and counts the rest`, () => {
    const id = '3c2b1a00-0000-4aaa-9bbb-000000000002';
    const rows = Array.from({ length: RECIPIENTS_KEPT + 5 }, (_, i) => ({ networkMessageId: id, event: 'DELIVER', time: '2026-11-10T00:00:01.0000000Z', recipient: `r${i}@contoso.com` }));
    const { messages, grouper } = group(rows);
    expect(messages).toHaveLength(RECIPIENTS_KEPT);
    expect(grouper.recipientsNotKept).toBe(5);
  });
});
