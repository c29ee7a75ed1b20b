import { describe, expect, it } from 'vitest';
import { JsonElementSplitter } from '../../../src/ingest/trace/json-elements.js';

/** What the splitter hands over, for the document pushed in chunks of `size` characters. */
function split(doc: string, size: number): Array<{ text: string; line: number; parsed?: unknown }> {
  const out: Array<{ text: string; line: number; parsed?: unknown }> = [];
  const s = new JsonElementSplitter({
    element(text, line, parsed) {
      out.push(parsed === undefined ? { text, line } : { text, line, parsed });
    },
    fatal(line, reason) {
      out.push({ text: `fatal: ${reason}`, line });
    },
  });
  for (let i = 0; i < doc.length; i += size) s.push(doc.slice(i, i + size));
  s.end();
  return out;
}

/** Same elements and lines whether the items are read whole (one chunk) or scanned (tiny chunks). */
function expectSameSplit(doc: string): Array<{ text: string; line: number; parsed?: unknown }> {
  const whole = split(doc, doc.length);
  const scanned = split(doc, 3);
  expect(whole.map(({ text, line }) => ({ text, line }))).toEqual(scanned.map(({ text, line }) => ({ text, line })));
  // Whatever is handed over parsed is what JSON.parse makes of its text (FORMATS.md 4.3: items parsed alone).
  for (const e of whole) if ('parsed' in e) expect(e.parsed).toEqual(JSON.parse(e.text));
  return whole;
}

describe('JsonElementSplitter: items handed over parsed', () => {
  it('hands flat ConvertTo-Json objects over parsed, with the line each starts on', () => {
    const doc = '[\r\n    {\r\n        "Status":  "Delivered",\r\n        "Size":  2000\r\n    },\r\n    {\r\n        "Status":  "Failed",\r\n        "ToIP":  null\r\n    }\r\n]\r\n';
    const got = expectSameSplit(doc);
    expect(got.map((e) => [e.line, e.parsed])).toEqual([
      [2, { Status: 'Delivered', Size: 2000 }],
      [6, { Status: 'Failed', ToIP: null }],
    ]);
  });

  it('scans an item whose first } lies inside a string, or that holds an object', () => {
    const doc = '[{"Subject": "a } b", "Status": "Failed"},\n{"Received": {"value": "/Date(1)/", "DateTime": "x"}, "Status": "Delivered"},\n{"Subject": "{ c }"}]';
    const got = expectSameSplit(doc);
    expect(got.map((e) => e.text)).toEqual([
      '{"Subject": "a } b", "Status": "Failed"}',
      '{"Received": {"value": "/Date(1)/", "DateTime": "x"}, "Status": "Delivered"}',
      '{"Subject": "{ c }"}',
    ]);
    expect(got.map((e) => e.line)).toEqual([1, 2, 3]);
    // The first is scanned (its text up to the first } is no JSON): handed over as text alone.
    expect('parsed' in got[0]!).toBe(false);
  });

  it('hands an item that is not valid JSON over as text, for the reader to report', () => {
    const got = expectSameSplit('[{"Status": tru},\n{"Status": "Failed"}]');
    expect(got[0]).toEqual({ text: '{"Status": tru}', line: 1 });
    expect(got[1]!.parsed).toEqual({ Status: 'Failed' });
  });

  it('keeps escapes and a cut-short end as before', () => {
    const got = expectSameSplit('[{"Subject": "say \\"hi\\""},\n{"a": 1');
    expect(got[0]!.parsed).toEqual({ Subject: 'say "hi"' });
    expect(got.map((e) => e.text)).toEqual(['{"Subject": "say \\"hi\\""}', 'fatal: the file ends inside an object (cut short); that object is skipped']);
  });
});
