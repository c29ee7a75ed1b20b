import { describe, expect, it } from 'vitest';
import { describeUnknown } from '../../src/ingest/describe-unknown.js';

// Issue 13 item 6: an unknown file gets one message saying what it looks like.
describe('what an unrecognised file looks like', () => {
  it('names the columns of a CSV nobody documented', () => {
    const csv = Buffer.from('Date,From,To,Subject,Status,Bytes,Gateway Node\r\n2026-12-01 10:00,a@contoso.com,b@fabrikam.com,Hi,Sent,1234,gw1\r\n');
    expect(describeUnknown(csv, csv.length)).toBe('a CSV with columns Date, From, To, Subject, Status, Bytes, Gateway Node — not an Exchange export or message trace');
  });
  it('reads a semicolon header as columns too', () => {
    const csv = Buffer.from('Datum;Von;An;Betreff\n');
    expect(describeUnknown(csv, csv.length)).toBe('a CSV with columns Datum, Von, An, Betreff — not an Exchange export or message trace');
  });
  it('says binary, empty, XML and plain text plainly', () => {
    expect(describeUnknown(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1]), 9)).toBe('binary data (9 bytes, starting 50 4b 03 04 00 00 00 00)');
    expect(describeUnknown(Buffer.alloc(0), 0)).toBe('an empty file');
    expect(describeUnknown(Buffer.from('<?xml version="1.0"?><Objs/>'), 28)).toBe('XML or HTML (<xml>)');
    expect(describeUnknown(Buffer.from('Meeting notes\nbring coffee'), 26)).toBe('text starting "Meeting notes"');
  });
  it('quotes at most a bounded part of a long first line', () => {
    const long = Buffer.from(`${'x'.repeat(100_000)}\n`);
    expect(describeUnknown(long, long.length).length).toBeLessThan(200);
  });
});
