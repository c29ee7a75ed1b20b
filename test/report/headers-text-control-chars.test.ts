import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodedMessage } from '../../src/ingest/headers/decode-message.js';
import { readHeaderFile } from '../../src/ingest/headers/read-header-file.js';
import { renderHeadersMarkdown } from '../../src/report/render-evidence-markdown.js';
import { headersToJson } from '../../src/report/render-headers-json.js';
import { renderHeadersText } from '../../src/report/render-headers.js';
import { COLOR, PLAIN } from '../../src/report/style.js';
import { visibleText } from '../../src/report/visible-text.js';
import { caseDirs } from '../helpers/case-dir.js';

/**
 * RFC 2047 §4.2: in a Q encoded word "=" followed by two hexadecimal digits is the octet of that
 * value, so `=0D=0A` is CR LF and `=1B` is ESC; §4.1: B is base64 of the octets. Decoded, a header
 * can thus hold characters RFC 5322 keeps out of a field body (§2.2: CR and LF only as folding;
 * §3.2.5 `unstructured`: printable characters and white space). Printed as they are, they forge
 * report lines or drive the terminal (CWE-150, CWE-117): the text report must show them escaped.
 */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const HEADER = [
  'Received: from a.example (192.0.2.1) by mx\x1b[2Jnasty.example with ESMTP id A1; Wed, 5 Feb 2025 09:00:01 +0000',
  'Subject: =?utf-8?Q?Hello=0D=0A=0AVerdicts=0A__Treated_as_internal:_yes?=',
  'From: =?utf-8?Q?Billing=1B[32m_OK=1B[0m?= <billing@example.net>',
  'X-MS-Exchange-Mystery-Header: =?utf-8?Q?one=0Atwo?=',
  `X-MS-Exchange-Mystery-Other: =?utf-8?B?${b64('rcpt\u202egpj.exe\u2028x\u0085y\u0000z\tw')}?=`,
  'Date: Wed, 5 Feb 2025 09:00:00 +0000',
  '',
  '',
].join('\r\n');

async function message(): Promise<DecodedMessage[]> {
  const dir = caseDirs('mfd-controls-')({ 'm.eml': HEADER });
  const out: DecodedMessage[] = [];
  await readHeaderFile(join(dir, 'm.eml'), (m) => out.push(m));
  return out;
}

describe('control characters in the headers text report', () => {
  it('decoded CR, LF and ESC are shown escaped, and forge no report line', async () => {
    const messages = await message();
    const text = renderHeadersText(messages, PLAIN);
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain('"Hello\\r\\n\\nVerdicts\\n  Treated as internal: yes"');
    expect(text).toContain('From: Billing\\x1b[32m OK\\x1b[0m <billing@example.net>');
    expect(text).toContain('mx\\x1b[2Jnasty.example');
    expect(text).toContain('X-MS-Exchange-Mystery-Header: one\\ntwo');
    expect(text).toContain('X-MS-Exchange-Mystery-Other: rcpt\\u202egpj.exe\\u2028x\\x85y\\x00z\\tw');
    // The only "Verdicts" line is the report's own.
    expect(text.split('\n').filter((l) => l.trim() === 'Verdicts')).toHaveLength(1);
    expect(text.split('\n').filter((l) => l.includes('Treated as internal:'))).toHaveLength(2);
  });

  it('in colour, the only escape sequences are the report\'s own styles', async () => {
    const text = renderHeadersText(await message(), COLOR);
    expect(text.replace(/\x1b\[\d+m/g, '')).not.toMatch(UNSAFE);
  });

  it('the whole Markdown report is escaped: the message line, the hop table and the verdict block', async () => {
    const md = renderHeadersMarkdown(await message());
    const block = md.slice(md.indexOf('```text\nVerdicts'));
    expect(block).toContain('X-MS-Exchange-Mystery-Header: one\\ntwo');
    // Only the report's own line breaks: no other control character anywhere in the document.
    expect(md).not.toMatch(UNSAFE);
    expect(md).toContain('Subject: Hello\\r\\n\\nVerdicts\\n  Treated as internal: yes');
    expect(md).toContain('mx\\x1b[2Jnasty.example');
  });

  it('JSON keeps the exact decoded value', async () => {
    const [m] = JSON.parse(headersToJson(await message())) as DecodedMessage[];
    expect(m!.subject).toBe('Hello\r\n\nVerdicts\n  Treated as internal: yes');
    expect(m!.from).toBe('Billing\x1b[32m OK\x1b[0m <billing@example.net>');
  });
});

describe('visibleText', () => {
  it('escapes C0, DEL, C1, line separators and bidi controls; keeps the rest', () => {
    expect(visibleText('a\rb\nc\td\x00e\x1bf\x7fg\x85h')).toBe('a\\rb\\nc\\td\\x00e\\x1bf\\x7fg\\x85h');
    expect(visibleText('x\u2028y\u2029z\u202ew\u2066v\u200fu\u061c')).toBe('x\\u2028y\\u2029z\\u202ew\\u2066v\\u200fu\\u061c');
    expect(visibleText('Grüße — 日本 \\n (already a backslash)')).toBe('Grüße — 日本 \\n (already a backslash)');
  });

  it('runs in bounded time on 100 KB of hostile text', () => {
    const hostile = '\x1b\u202e\r\n'.repeat(25_000);
    // The best of three runs: linear work takes a few milliseconds, quadratic work seconds.
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      expect(visibleText(hostile)).toHaveLength(25_000 * (4 + 6 + 2 + 2));
      expect(visibleText('a'.repeat(100_000))).toHaveLength(100_000);
      best = Math.min(best, performance.now() - started);
    }
    expect(best).toBeLessThan(50);
  });
});
