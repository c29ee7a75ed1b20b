import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, readAll, tempFile, utf16be, utf16le } from './trace-helpers.js';

describe('malformed rows', () => {
  it('counts and reports each with its line; the rest is read', async () => {
    const { report, messages } = await readAll(fixture('malformed-extended.csv'));
    // Data rows on lines 2, 3, 4, 5–6, 7 and 8 (cut short, no line break at the end).
    expect(report).toMatchObject({ format: 'extended', records: 6, skipped: 3 });
    expect(report.diagnostics.map((d) => [d.severity, d.location])).toEqual([
      ['error', `${fixture('malformed-extended.csv')}:3`],
      ['error', `${fixture('malformed-extended.csv')}:4`],
      ['error', `${fixture('malformed-extended.csv')}:8`],
    ]);
    expect(report.diagnostics[0]!.message).toMatch(/closing quote of field 19/);
    expect(report.diagnostics[1]!.message).toMatch(/25 fields where the header has 27/);
    expect(report.diagnostics[2]!.message).toMatch(/ends inside a quoted field/);
    expect(messages.map((m) => [m.sender, m.source.line, m.subject])).toEqual([
      ['user1@fabrikam.com', 2, 'Report'],
      ['user4@fabrikam.com', 5, 'two\nlines'],
      ['user5@fabrikam.com', 7, 'Report'],
    ]);
  });

  it('a last row cut between fields is reported as cut short', async () => {
    const text = '"Received","SenderAddress","RecipientAddress","Status"\r\n"2025-03-04 09:15:02","a@fabrikam.com","b@contoso.com","Delivered"\r\n"2025-03-04 09:16:00","c@fabrikam.com",';
    const { report, messages } = await readAll(tempFile('cut.csv', text));
    expect(report).toMatchObject({ records: 2, skipped: 1 });
    expect(report.diagnostics[0]).toMatchObject({ location: expect.stringMatching(/cut\.csv:3$/), message: expect.stringMatching(/last row is cut short: 3 of 4 fields/) });
    expect(messages).toHaveLength(1);
  });

  it('JSON: an object that does not parse and a file cut short', async () => {
    const { report, messages } = await readAll(fixture('malformed-messagetrace.json'));
    expect(report).toMatchObject({ records: 4, skipped: 2 });
    expect(report.diagnostics.map((d) => d.location.split(':').at(-1))).toEqual(['9', '21']);
    expect(messages.map((m) => m.sender)).toEqual(['bob@fabrikam.com', 'eve@fabrikam.com']);
  });

  it('keeps 100 diagnostics word for word and counts the rest', async () => {
    const lines = ['"Received","SenderAddress","RecipientAddress","Status"'];
    for (let i = 0; i < 250; i++) lines.push(i % 2 === 0 ? '"2025-03-04 09:15:02","a@fabrikam.com","b@contoso.com","Delivered"' : '"only","three","fields"');
    const { report, messages } = await readAll(tempFile('many.csv', lines.join('\n')));
    expect(report).toMatchObject({ records: 250, skipped: 125 });
    expect(messages).toHaveLength(125);
    expect(report.diagnostics).toHaveLength(101);
    expect(report.diagnostics[0]!.location).toMatch(/many\.csv:3$/);
    expect(report.diagnostics[100]!.message).toMatch(/^25 more problems/);
  });

  it('a quote that never closes costs its row, not the file', async () => {
    const head = '"Received","SenderAddress","RecipientAddress","Status"\n';
    const good = '"2025-03-04 09:15:02","a@fabrikam.com","b@contoso.com","Delivered"\n';
    const broken = '"2025-03-04 09:15:02","a@fabrikam.com,"b@contoso.com","Delivered"\n';
    const { report, messages } = await readAll(tempFile('open-quote.csv', head + good + broken + good.repeat(3)));
    expect(messages).toHaveLength(4);
    expect(report.skipped).toBe(1);
    expect(report.diagnostics[0]!.location).toMatch(/:3$/);
  });
});

describe('encodings', () => {
  const csv = readFileSync(fixture('get-messagetrace-ps51.csv'), 'utf8').replace('"Hello"', '"Grüße 📬"');
  const expectRead = async (name: string, bytes: Buffer, encoding: string) => {
    const { report, messages } = await readAll(tempFile(name, bytes));
    expect(report).toMatchObject({ encoding, records: 3, skipped: 0, messages: 3 });
    expect(messages[0]!.subject).toBe('Grüße 📬');
    expect(messages[2]!.source.line).toBe(5);
    return report;
  };

  it('UTF-8 with and without BOM, UTF-16LE and UTF-16BE with BOM', async () => {
    await expectRead('u8.csv', Buffer.from(csv), 'utf-8');
    await expectRead('u8bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]), 'utf-8');
    await expectRead('u16le.csv', utf16le(csv), 'utf-16le');
    await expectRead('u16be.csv', utf16be(csv), 'utf-16be');
  });

  it('UTF-16 without BOM is recognised by its NUL bytes, with a note', async () => {
    const report = await expectRead('u16le-nobom.csv', utf16le(csv, false), 'utf-16le');
    expect(report.diagnostics[0]).toMatchObject({ severity: 'warning', message: expect.stringMatching(/without a byte-order mark/) });
  });

  it('characters and rows cut by chunk boundaries, in every chunk size', async () => {
    const text = readFileSync(fixture('s1-extended-report.csv'));
    const whole = await readAll(fixture('s1-extended-report.csv'));
    for (const chunkBytes of [7, 64, 4099]) {
      const small = await readAll(tempFile(`s1-${chunkBytes}.csv`, text), { chunkBytes });
      expect(small.report.records).toBe(whole.report.records);
      expect(small.messages).toEqual(whole.messages.map((m) => ({ ...m, source: { ...m.source, file: small.messages[0]!.source.file } })));
    }
    const be = await readAll(tempFile('u16be-small.csv', utf16be(csv)), { chunkBytes: 5 });
    expect(be.messages[0]!.subject).toBe('Grüße 📬');
  });

  it('reports an unknown encoding clearly and reads nothing', async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ['u32.csv', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('"\0\0\0R\0\0\0', 'latin1')]), /UTF-32LE/],
      ['zip.csv', Buffer.from('PK\x03\x04rest', 'latin1'), /ZIP archive/],
      ['bin.csv', Buffer.from([0x41, 0x00, 0x00, 0x42, 0x43, 0x00, 0x00, 0x00, 0x17]), /unknown encoding/],
    ];
    for (const [name, bytes, why] of cases) {
      const { report, messages } = await readAll(tempFile(name, bytes));
      expect(messages).toEqual([]);
      expect(report.encoding).toBeNull();
      expect(report.diagnostics).toHaveLength(1);
      expect(report.diagnostics[0]).toMatchObject({ severity: 'error', message: expect.stringMatching(/^unknown encoding/) });
      expect(report.diagnostics[0]!.message).toMatch(why);
    }
  });

  it('reads Windows-1252 (Export-Csv -Encoding Default) with a note', async () => {
    const { report, messages } = await readAll(tempFile('ansi.csv', Buffer.from(csv.replace(' 📬', ''), 'latin1')));
    expect(report.encoding).toBe('windows-1252');
    expect(messages[0]!.subject).toBe('Grüße');
  });

  it('a file that is not a trace, and a missing file, are one error each', async () => {
    const a = await readAll(tempFile('other.csv', '"Name","Identity"\n"x","y"\n'));
    expect(a.report.diagnostics).toEqual([{ severity: 'error', location: expect.stringMatching(/other\.csv:1$/), message: expect.stringMatching(/^not a message trace/) }]);
    const b = await readAll('/nonexistent/trace.csv');
    expect(b.report.diagnostics[0]!.message).toMatch(/cannot be read/);
  });
});
