import { describe, expect, it } from 'vitest';
import { CsvTokenizer } from '../../../src/ingest/trace/csv-tokenizer.js';

/**
 * A file is read in chunks (read-trace.ts): where the chunks are cut must never change the rows,
 * their lines or what is reported malformed. Every text below is tokenized whole and cut at every
 * point (and at every pair of points), and the results compared.
 */

type Event = string;

function tokenize(pieces: string[], maxRowChars?: number): Event[] {
  const out: Event[] = [];
  const tok = new CsvTokenizer(
    {
      row: (t, line) => out.push(`${line}:${JSON.stringify(Array.from({ length: t.count }, (_, i) => t.field(i)))}`),
      malformed: (line, reason) => out.push(`${line}:malformed:${reason}`),
    },
    ',',
    maxRowChars,
  );
  for (const p of pieces) tok.push(p);
  tok.end();
  return out;
}

const TEXTS = [
  // CRLF rows, every field quoted (Export-Csv), a quote doubled inside one.
  '"a","b","c"\r\n"1","say ""hi""","3"\r\n"4","5","6"\r\n',
  // A line break inside a quoted field (a multi-line subject), LF and CRLF.
  'a,b\n"x\ny",z\n"p\r\nq",r\nlast,row',
  // Bare CR between rows, then LF rows.
  'a,b\rc,d\re,f\ng,h\n',
  // Blank lines, a trailing empty field, a row ending in CR at the very end.
  'a,b\n\n1,\n\n2,3\r',
  // Text after a closing quote (malformed), then a good row.
  'a,b\n"x"y,z\n1,2\n',
  // A quote that never closes.
  'a,b\n1,2\n"open,3\n4,5\n',
  // Unicode text and a delimiter-only row.
  'name,v\n"Zoë, ü",é\n,\n',
];

function cuts(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let i = 1; i < text.length; i++) {
    out.push([text.slice(0, i), text.slice(i)]);
    for (let j = i + 1; j < text.length; j++) out.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return out;
}

describe('CSV tokenizer: chunk boundaries change nothing', () => {
  it.each(TEXTS.map((t) => [JSON.stringify(t), t]))('%s', (_, text) => {
    const whole = tokenize([text]);
    expect(whole.length).toBeGreaterThan(0);
    for (const pieces of cuts(text)) expect(tokenize(pieces)).toEqual(whole);
  });

  it('a row carried over from one chunk to the next past the bound is given up, and reading resumes', () => {
    const text = 'a,b\n"long\nfield\nthat\ngoes",on\n1,2\n';
    // Whole, nothing is carried over: the bound does not apply.
    expect(tokenize([text], 12).some((e) => e.includes('malformed'))).toBe(false);
    const pieces = ['a,b\n"long\nfield\nth', 'at\ngoes",on\n1,2\n'];
    const cut = tokenize(pieces, 12);
    expect(cut[0]).toBe('1:["a","b"]');
    expect(cut[1]).toMatch(/^2:malformed:a quoted field opened here is not closed within 12 characters/);
    expect(cut.slice(2)).toEqual(['3:["field"]', '4:["that"]', '5:["goes\\"","on"]', '6:["1","2"]']);
    // Under the bound the same cut reads as whole.
    expect(tokenize(pieces)).toEqual(tokenize([text]));
    // Carried in a short piece, then joined with a chunk that takes it past the bound while still open.
    const late = tokenize(['a,b\n"lo', 'ng\nfield\nthat', '\nand on and on and on\n1,2\n'], 30);
    expect(late[1]).toMatch(/^2:malformed:a quoted field opened here is not closed within 30 characters/);
    expect(late.slice(2)).toEqual(['3:["field"]', '4:["that"]', '5:["and on and on and on"]', '6:["1","2"]']);
  });
});
