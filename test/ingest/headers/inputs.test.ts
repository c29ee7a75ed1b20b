import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodedMessage } from '../../../src/ingest/headers/decode-message.js';
import { draftMsg, msgWithHeaders } from './msg-writer.js';
import { readFixture } from './read-fixture.js';

/** What must not depend on how the headers were delivered: everything but lines and the paste flag. */
function content(m: DecodedMessage): unknown {
  return {
    ...m,
    source: null,
    garbled: null,
    hops: m.hops.map((h) => ({ ...h, line: null })),
    microsoftHeaders: m.microsoftHeaders.map((h) => ({ ...h, line: null })),
    unknownMicrosoftHeaders: m.unknownMicrosoftHeaders.map((h) => ({ ...h, line: null })),
    authenticationResults: m.authenticationResults.map((a) => ({ ...a, line: null })),
  };
}

function tempFile(name: string, data: Buffer | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-headers-'));
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

describe('pasted headers that lost their formatting decode as the original message does', () => {
  it('Outlook "Internet headers": title line, folding whitespace lost, stray blank lines', async () => {
    const clean = (await readFixture('cross-premises-anonymous-gateway.eml')).messages[0]!;
    const { messages, report } = await readFixture('pasted-outlook-lost-folding.txt');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.garbled).toBe(true);
    expect(content(messages[0]!)).toEqual(content(clean));
    expect(messages[0]!.source.line).toBe(2);
    expect(report.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(report.diagnostics[0]!.message).toMatch(/pasted-outlook-lost-folding\.txt:2: .*lost their formatting/);
  });

  it('Outlook on the web: every line indented, CRLF, a blank line between fields', async () => {
    const clean = (await readFixture('internet-inbound.eml')).messages[0]!;
    const { messages } = await readFixture('pasted-owa-indented.txt');
    expect(messages).toHaveLength(1);
    expect(content(messages[0]!)).toEqual(content(clean));
  });

  it('UTF-16LE with a BOM (Notepad "Unicode") reads like the UTF-8 file', async () => {
    const clean = (await readFixture('internet-inbound.eml')).messages[0]!;
    const text = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from((await import('node:fs')).readFileSync(new URL('../../fixtures/headers/internet-inbound.eml', import.meta.url), 'utf8'), 'utf16le')]);
    const { messages } = await readFixture(tempFile('utf16.txt', text));
    expect(content(messages[0]!)).toEqual(content(clean));
  });
});

describe('mbox', () => {
  it('three messages; >From quoting and a body "From " line without a date do not split', async () => {
    const { messages, report } = await readFixture('three-messages.mbox');
    expect(report).toMatchObject({ records: 3, skipped: 0, diagnostics: [] });
    expect(messages.map((m) => [m.messageId, m.source.line, m.hops.length])).toEqual([
      ['<mbox-1@fabrikam.com>', 2, 1],
      ['<mbox-2@fabrikam.com>', 18, 1],
      ['<mbox-3@fabrikam.com>', 28, 1],
    ]);
    expect(messages[0]!.hops[0]).toMatchObject({ tls: { version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' }, ip: '203.0.113.26', date: '2025-03-04T09:00:00.000Z' });
    expect(messages[1]!.hops[0]!.tls).toBeNull();
    // A raw 8-bit byte (0xE9, not UTF-8) is kept as Latin-1.
    expect(messages[1]!.subject).toBe('Caf\u00e9 au lait');
    // A valid UTF-8 Q word is decoded; an unknown charset and malformed base64 are kept as written.
    expect(messages[2]!.subject).toBe('R\u00e9sum\u00e9 =?bogus-charset?Q?kept_as_is?= =?utf-8?B?not*base64?=');
  });
});

describe('Outlook .msg', () => {
  it('the committed fixture: the root transport headers, not the attached message\'s', async () => {
    const clean = (await readFixture('cross-premises-anonymous-gateway.eml')).messages[0]!;
    const { messages, report } = await readFixture('cross-premises-anonymous-gateway.msg');
    expect(report).toMatchObject({ kind: 'headers', records: 1, skipped: 0, diagnostics: [] });
    expect(content(messages[0]!)).toEqual(content(clean));
  });

  it('PT_STRING8 headers in the mini stream (under 4096 bytes), 8-bit kept', async () => {
    const msg = msgWithHeaders('Received: from a.fabrikam.com (203.0.113.5) by b.fabrikam.com with ESMTP; Tue, 4 Mar 2025 10:00:00 +0000\r\nSubject: caf\u00e9\r\nMessage-ID: <s8@fabrikam.com>\r\n', { string8: true });
    const { messages } = await readFixture(tempFile('small.msg', msg));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.subject).toBe('caf\u00e9');
    expect(messages[0]!.hops[0]).toMatchObject({ from: 'a.fabrikam.com', ip: '203.0.113.5', by: 'b.fabrikam.com', with: 'ESMTP', tls: null });
  });

  it('a draft without transport headers: a clear error, not the attachment\'s headers', async () => {
    const { messages, report } = await readFixture(tempFile('draft.msg', draftMsg('Received: from x by y; Tue, 4 Mar 2025 10:00:00 +0000\r\n')));
    expect(messages).toHaveLength(0);
    expect(report.diagnostics[0]!.severity).toBe('error');
    expect(report.diagnostics[0]!.message).toMatch(/no transport headers \(PR_TRANSPORT_MESSAGE_HEADERS, 0x007D\)/);
  });

  it('a truncated or damaged compound file: an error naming the file, no throw', async () => {
    const msg = msgWithHeaders('Received: from a by b; Tue, 4 Mar 2025 10:00:00 +0000\r\n'.repeat(100));
    for (const broken of [msg.subarray(0, 700), Buffer.concat([msg.subarray(0, 0x30), Buffer.from([0xff, 0xff, 0xff, 0x7f]), msg.subarray(0x34)])]) {
      const path = tempFile('broken.msg', broken);
      const { messages, report } = await readFixture(path);
      expect(messages).toHaveLength(0);
      expect(report.diagnostics[0]!.message).toContain(path);
      expect(report.diagnostics[0]!.message).toMatch(/not a readable Outlook message/);
    }
  });
});

describe('nothing to read', () => {
  it('an empty file', async () => {
    const { messages, report } = await readFixture('empty.eml');
    expect(messages).toHaveLength(0);
    expect(report.diagnostics).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringMatching(/empty\.eml: the file is empty/) })]);
  });

  it('garbage bytes', async () => {
    const { messages, report } = await readFixture('garbage.bin');
    expect(messages).toHaveLength(0);
    expect(report.diagnostics.at(-1)).toMatchObject({ severity: 'error', message: expect.stringMatching(/no message headers found/) });
  });
});

describe('a stray blank line inside a folded field', () => {
  it('the indented rest of the field is kept when the header block goes on', async () => {
    const text = [
      'Received: from a.fabrikam.com (203.0.113.5) by',
      '',
      '  b.fabrikam.com with ESMTP; Tue, 4 Mar 2025 10:00:00 +0000',
      '',
      'Message-ID: <stray@fabrikam.com>',
      '',
      '  An indented first body line, then prose: the body has begun',
      'Dear Bob,',
      'Subject: not a header, a line of the body',
      '',
    ].join('\n');
    const { messages } = await readFixture(tempFile('stray.txt', text));
    expect(messages).toHaveLength(1);
    const m = messages[0]!;
    expect(m.hops[0]).toMatchObject({ from: 'a.fabrikam.com', by: 'b.fabrikam.com', with: 'ESMTP', date: '2025-03-04T10:00:00.000Z' });
    expect(m.messageId).toBe('<stray@fabrikam.com>');
    expect(m.subject).toBeNull();
  });
});
