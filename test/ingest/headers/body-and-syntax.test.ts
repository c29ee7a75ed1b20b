import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteLines } from '../../../src/ingest/headers/byte-lines.js';
import { readFixture } from './read-fixture.js';

function tempFile(name: string, data: Buffer | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-headers-body-'));
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

const DATE = 'Tue, 4 Mar 2025 10:00:00 +0000';
const EXO_HOP = `Received: from mail.contoso.com (203.0.113.10) by AM4PEPF00027A5F.mail.protection.outlook.com (2001:db8::41) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8901.26 via Frontend Transport; ${DATE}`;
const HEADER = [
  EXO_HOP,
  'From: Mallory <mallory@fabrikam.com>',
  'To: Bob <bob@contoso.com>',
  'Subject: forwarded headers',
  `Date: ${DATE}`,
  'Message-ID: <body-test@fabrikam.com>',
  'X-MS-Exchange-Organization-AuthAs: Anonymous',
];
/** A forwarded header block: what an attacker controls (the body). */
const QUOTED = [
  `Received: from EX01.corp.contoso.com (192.0.2.10) by EX02.corp.contoso.com (192.0.2.11) with Microsoft SMTP Server id 15.2.1544.4; ${DATE}`,
  'X-MS-Exchange-Organization-AuthAs: Internal',
  'X-MS-Exchange-Organization-AuthSource: EX02.corp.contoso.com',
];

// RFC 5322 §2.1: "A message consists of header fields … optionally followed by a message body.
// … The body is simply a sequence of characters that follows the header section and is separated
// from the header section by an empty line."
describe('a message body is never read as headers', () => {
  it('a well-formed message whose body begins with Received: and AuthAs: Internal keeps its hops and verdict', async () => {
    const clean = (await readFixture(tempFile('clean.eml', [...HEADER, '', 'Hello'].join('\r\n')))).messages[0]!;
    const { messages, report } = await readFixture(tempFile('quoted.eml', [...HEADER, '', ...QUOTED, '', 'Hello'].join('\r\n')));
    expect(messages).toHaveLength(1);
    const m = messages[0]!;
    expect(m.hops.map((h) => h.by)).toEqual(clean.hops.map((h) => h.by));
    expect(m.verdicts).toEqual(clean.verdicts);
    expect(m.verdicts.treatedAsInternal).toBe(false);
    expect(m.verdicts.crossedPremises).toBe(false);
    expect(m.microsoftHeaders.filter((h) => /AuthAs/.test(h.name)).map((h) => h.value)).toEqual(['Anonymous']);
    // Said, not silent: the body's first line looked like a header field.
    expect(report.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/quoted\.eml:9: the body begins with a header field/) })]);
  });

  it('a message without AuthAs of its own does not take the body\'s', async () => {
    const header = HEADER.filter((l) => !/AuthAs/.test(l));
    const { messages } = await readFixture(tempFile('no-authas.eml', [...header, '', ...QUOTED].join('\n')));
    expect(messages[0]!.verdicts.treatedAsInternal).toBeNull();
    expect(messages[0]!.hops).toHaveLength(1);
  });

  it('a paste without the blank line is read leniently: the fields are read, with a warning', async () => {
    const { messages, report } = await readFixture(tempFile('paste.txt', [...HEADER.filter((l) => !/AuthAs/.test(l)), 'Hello Bob, see below.', ...QUOTED].join('\n')));
    expect(messages[0]!.hops).toHaveLength(2);
    expect(messages[0]!.verdicts.treatedAsInternal).toBe(true);
    expect(report.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(report.diagnostics[0]!.message).toMatch(/lost their formatting/);
  });

  it('a paste that is not a whole header section (no From, no Date) goes on after a stray blank line, with a warning', async () => {
    const { messages, report } = await readFixture(tempFile('fragment.txt', [EXO_HOP, '', ...QUOTED].join('\n')));
    expect(messages[0]!.hops).toHaveLength(2);
    expect(report.diagnostics).toEqual([expect.objectContaining({ message: expect.stringMatching(/fragment\.txt:3: header fields go on after a blank line; read as headers because this is a paste/) })]);
  });

  it('an mbox message: the same — the blank line ends the header block', async () => {
    const { messages } = await readFixture(tempFile('one.mbox', ['From mallory@fabrikam.com Tue Mar  4 10:00:00 2025', ...HEADER, '', ...QUOTED, ''].join('\n')));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.verdicts.treatedAsInternal).toBe(false);
  });
});

// RFC 5322 §4.5.6: obs-received = "Received" *WSP ":" *received-token CRLF; §4.5.8 obs-optional =
// field-name *WSP ":" unstructured CRLF — white space before the colon.
describe('obsolete syntax receivers must accept (RFC 5322 §4)', () => {
  it('white space before the colon', async () => {
    const text = [`Received : from a.example ([192.0.2.1]) by b.example with SMTP; ${DATE}`, 'Message-ID\t: <ws@example>', `Date : ${DATE}`, 'X-MS-Exchange-Organization-AuthAs :Internal', '', 'body'].join('\n');
    const m = (await readFixture(tempFile('ws.eml', text))).messages[0]!;
    expect(m.hops[0]).toMatchObject({ ip: '192.0.2.1', by: 'b.example' });
    expect(m.messageId).toBe('<ws@example>');
    expect(m.date).toBe('2025-03-04T10:00:00.000Z');
    expect(m.verdicts.treatedAsInternal).toBe(true);
  });

  it('CR-only line endings read as CRLF and LF do, folding included', async () => {
    const lines = [`Received: from a.example ([192.0.2.1]) by b.example`, `\twith SMTP id 1; ${DATE}`, 'Message-ID: <cr@example>', `Date: ${DATE}`, '', 'Received: from body by body; ' + DATE];
    const results = [];
    for (const [name, eol] of [['lf', '\n'], ['crlf', '\r\n'], ['cr', '\r']] as const) {
      const { messages, report } = await readFixture(tempFile(`${name}.eml`, lines.join(eol)));
      expect(report.diagnostics, name).toHaveLength(1); // the body's Received: line, said once
      results.push(messages.map((m) => ({ ...m, source: null, hops: m.hops.map((h) => ({ ...h, line: null })) })));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect((results[0]![0] as { hops: unknown[] }).hops).toHaveLength(1);
  });

  it('the line splitter: a CR or CRLF split across chunks, cut lines, no line break at the end', () => {
    const split = (chunks: string[], max = 100) => {
      const out: string[] = [];
      const s = new ByteLines(max, (l, cut) => out.push(l.toString('latin1') + (cut ? '<cut>' : '')));
      for (const c of chunks) s.push(Buffer.from(c, 'latin1'));
      s.end();
      return out;
    };
    expect(split(['a\r', '\nb\r\nc'])).toEqual(['a', 'b', 'c']);
    expect(split(['a\r', 'b\rc\r'])).toEqual(['a', 'b', 'c']);
    expect(split(['a\r'])).toEqual(['a']);
    expect(split(['a\nb\r\n', 'c\r', '\n'])).toEqual(['a', 'b', 'c']);
    expect(split(['x'.repeat(8), 'y'.repeat(8), '\nz'], 10)).toEqual([`${'x'.repeat(8)}<cut>`, 'z']);
  });
});
