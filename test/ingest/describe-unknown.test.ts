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
    expect(describeUnknown(Buffer.from([0x00, 0x01, 0x03, 0x04, 0, 0, 0, 0, 1]), 9)).toBe('binary data (9 bytes, starting 00 01 03 04 00 00 00 00)');
    expect(describeUnknown(Buffer.alloc(0), 0)).toBe('an empty file');
    expect(describeUnknown(Buffer.from('<?xml version="1.0"?><Objs/>'), 28)).toBe('XML or HTML (<xml>)');
    expect(describeUnknown(Buffer.from('Meeting notes\nbring coffee'), 26)).toBe('text starting "Meeting notes"');
  });
  it('names archives by their magic numbers (APPNOTE 4.3.7 local header, 4.3.16 end record; RFC 1952; 7z signature)', () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);
    expect(describeUnknown(zip, 1000)).toMatch(/^a zip archive, which is read only when named on the command line/);
    expect(describeUnknown(Buffer.from([0x50, 0x4b, 0x05, 0x06, 0, 0]), 22)).toMatch(/^a zip archive/);
    expect(describeUnknown(Buffer.from([0x1f, 0x8b, 0x08, 0]), 100)).toMatch(/^a gzip-compressed file/);
    expect(describeUnknown(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), 100)).toMatch(/^a 7z archive/);
    // Only the magic number counts: text starting "PK" is text.
    expect(describeUnknown(Buffer.from('PK is the primary key\n'), 22)).toBe('text starting "PK is the primary key"');
  });
  it('quotes at most a bounded part of a long first line', () => {
    const long = Buffer.from(`${'x'.repeat(100_000)}\n`);
    expect(describeUnknown(long, long.length).length).toBeLessThan(200);
  });
});
