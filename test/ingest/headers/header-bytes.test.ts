import { describe, expect, it } from 'vitest';
import { HeaderBlock } from '../../../src/ingest/headers/header-fields.js';

/**
 * HeaderBlock.addLineBytes must take a line exactly as addLine takes its decoded text (RFC 5322
 * §2.2.3 unfolding, the paste repairs of header-fields.ts), or leave it to addLine; with a
 * `readsField`, the fields it reads come out as they would without it.
 */

/** The block of `lines` fed as the reader feeds it: bytes first, decoded text when the bytes path declines. */
function viaBytes(lines: string[], readsField: ((name: string) => boolean) | null = null): HeaderBlock {
  const block = new HeaderBlock(readsField);
  const chunk = Buffer.from(lines.join('\n'), 'latin1');
  let start = 0;
  lines.forEach((text, k) => {
    const end = start + text.length;
    if (!block.addLineBytes(chunk, start, end, 'latin1', k + 1)) block.addLine(chunk.toString('latin1', start, end), k + 1);
    start = end + 1;
  });
  return block;
}

function viaText(lines: string[]): HeaderBlock {
  const block = new HeaderBlock();
  lines.forEach((text, k) => block.addLine(text, k + 1));
  return block;
}

const shape = (b: HeaderBlock) => ({ fields: b.fields, garbled: b.garbled, junk: b.junkLines, wellFormed: b.wellFormed, empty: b.isEmpty, firstLine: b.firstLine });

/** Indented lines a folded value may hold, and indented lines that name a field or are Outlook's title. */
const INDENTED = [
  ' by EX02.contoso.com (192.0.2.11) with',
  ' 09:00:04 +0000',
  ' 2025 09:00:04 +0000',
  ' Microsoft SMTP Server (version=TLS1_2,',
  ' Microsoft Mail Internet Headers Version 2.0',
  ' MICROSOFT MAIL INTERNET HEADERS VERSION 2',
  ' Microsoft Mail Internet Headers Version x',
  ' Subject: indented known field',
  ' Subject:unspaced',
  ' X-Custom : spaced after obsolete white space',
  ' From :',
  ' CIP:203.0.113.10;CTRY:NL;SFV:SKN;',
  ' name:\tvalue',
  ' name:',
  ' name :x',
  ' h=From:Date:Subject:Message-ID;',
  '\tcipher=TLS_AES_256_GCM_SHA384) id 15.20.8901.26; Tue,',
  ' a:\u000bb',
  '  ',
];

describe('header lines from bytes (HeaderBlock.addLineBytes) = addLine of the decoded line (RFC 5322 §2.2.3)', () => {
  it.each(INDENTED)('indented line %j after a field', (line) => {
    const lines = ['Received: from a.contoso.com (192.0.2.1)', line, 'Date: Tue, 4 Mar 2025 09:00:00 +0000', ' 10:00:00 +0100'];
    expect(shape(viaBytes(lines))).toEqual(shape(viaText(lines)));
  });

  it('a readsField leaves out the fields it does not read, and the rest come out unchanged', () => {
    const lines = ['Thread-Index: AQHb', ' jOq3k1Y2c3Vf', 'Received: from a.contoso.com', ' by b.contoso.com with', ' Microsoft SMTP Server; Tue, 4 Mar 2025', ' 09:00:04 +0000', 'X-Custom: x', ' Subject: folded into X-Custom', 'Subject: hi', 'Date: Tue, 4 Mar 2025 09:00:00 +0000'];
    const reads = (name: string) => name === 'Received' || name === 'Subject';
    const all = shape(viaText(lines));
    expect(shape(viaBytes(lines, reads))).toEqual({ ...all, fields: all.fields.filter((f) => reads(f.name)) });
    // Nothing read: still a block of fields, starting at the first one (wellFormed: it has a Date).
    const none = viaBytes(lines, () => false);
    expect(none.fields).toEqual([]);
    expect([none.isEmpty, none.firstLine, none.wellFormed]).toEqual([false, 1, true]);
  });

  it('field names keep their spelling however many names (and cases of one name) are met', () => {
    const names = [...Array.from({ length: 3000 }, (_, k) => `X-Name-${k}`), 'received', 'Received', 'RECEIVED', 'Received'];
    const lines = names.map((n) => `${n}: v`);
    expect(viaBytes(lines, () => true).fields.map((f) => f.name)).toEqual(names);
  });
});
