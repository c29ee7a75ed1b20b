import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArcSets, parseAuthenticationResults, parseTagList } from '../../../src/ingest/headers/authentication-results.js';
import { AUTH_RESULT_VALUES, DMARC_ACTIONS } from '../../../src/ingest/headers/header-meanings.js';
import { parseMailDate } from '../../../src/ingest/headers/mail-date.js';
import { decodeMicrosoftHeaders } from '../../../src/ingest/headers/microsoft-headers.js';
import { readFixture } from './read-fixture.js';

function tempFile(name: string, data: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-authres-rfc-'));
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

const parse = (value: string) => parseAuthenticationResults('Authentication-Results', value, 1);
const methods = (results: { method: string; result: string }[]) => results.map((r) => `${r.method}=${r.result}`);

// RFC 5322 §4.2: obs-FWS = 1*WSP *(CRLF 1*WSP) — a line of white space alone is folding of the
// field before it. §2.1: the header section is separated from the body "by an empty line" (a line
// with nothing before its CRLF), and §4: obsolete syntax "MUST" be accepted when parsing.
describe('a line of white space alone is folding (RFC 5322 §4.2 obs-FWS), not the end of the header section', () => {
  const message = (eol: string, blankish: string[]) =>
    [
      'From: a@example.com',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      'Authentication-Results: mx.example.net;',
      blankish[0],
      ' spf=fail smtp.mailfrom=example.com;',
      blankish[1],
      ' dmarc=fail header.from=example.com',
      'Subject: invoice',
      '',
      'body',
    ].join(eol);

  for (const [label, eol, blankish] of [
    ['CRLF, a space and a tab line', '\r\n', [' ', '\t']],
    ['LF, runs of spaces and tabs', '\n', ['    ', ' \t \t']],
  ] as const) {
    it(`${label}: the folded results and the fields after them are read`, async () => {
      const { messages, report } = await readFixture(tempFile('fold.eml', message(eol, [...blankish])));
      expect(messages).toHaveLength(1);
      const m = messages[0]!;
      expect(m.authenticationResults).toHaveLength(1);
      expect(m.authenticationResults[0]!.authservId).toBe('mx.example.net');
      expect(methods(m.authenticationResults[0]!.results)).toEqual(['spf=fail', 'dmarc=fail']);
      expect(m.subject).toBe('invoice');
      // A real message's header section: nothing to warn about.
      expect(report.diagnostics).toEqual([]);
    });
  }

  it('the empty line still ends the header section: a body that looks like headers stays body (§2.1)', async () => {
    const text = ['From: a@example.com', 'Date: Mon, 1 Jan 2024 00:00:00 +0000', 'Subject: one', ' ', '', 'Subject: two', 'X-MS-Exchange-Organization-AuthAs: Internal', ''].join('\r\n');
    const m = (await readFixture(tempFile('end.eml', text))).messages[0]!;
    expect(m.subject).toBe('one');
    expect(m.verdicts.treatedAsInternal).toBeNull();
  });

  it('an mbox message folded by a white space line keeps its later fields, and the next message is still found', async () => {
    const text = [
      'From a@example.com Mon Jan  1 00:00:00 2024',
      'From: a@example.com',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      'Authentication-Results: mx.example.net;',
      '  ',
      ' spf=pass smtp.mailfrom=example.com',
      'Subject: first',
      '',
      'body one',
      '',
      'From b@example.com Mon Jan  1 00:00:01 2024',
      'From: b@example.com',
      'Date: Mon, 1 Jan 2024 00:00:01 +0000',
      'Subject: second',
      '',
      'body two',
      '',
    ].join('\n');
    const { messages } = await readFixture(tempFile('two.mbox', text));
    expect(messages.map((m) => m.subject)).toEqual(['first', 'second']);
    expect(methods(messages[0]!.authenticationResults[0]!.results)).toEqual(['spf=pass']);
  });

  it('hostile: 100 KB of white space fold lines is read in linear time and keeps the result after them', async () => {
    const folds = ' \r\n'.repeat(34_000);
    const text = `From: a@example.com\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nAuthentication-Results: mx.example.net;\r\n${folds} spf=pass smtp.mailfrom=example.com\r\nSubject: x\r\n\r\n`;
    expect(text.length).toBeGreaterThan(100_000);
    const path = tempFile('folds.eml', text);
    await readFixture(path);
    const t0 = performance.now();
    const { messages } = await readFixture(path);
    const ms = performance.now() - t0;
    expect(methods(messages[0]!.authenticationResults[0]!.results)).toEqual(['spf=pass']);
    expect(messages[0]!.subject).toBe('x');
    expect(ms).toBeLessThan(50);
  });
});

// RFC 5234 §2.3: "ABNF strings are case insensitive"; RFC 8601 §2.2: reasonspec = "reason" [CFWS]
// "=" [CFWS] value; propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue, ptype and
// property being registered Keywords (§2.3, §6) named without regard to case, like method.
describe('reason / ptype / property keywords are case-insensitive (RFC 5234 §2.3, RFC 8601 §2.2)', () => {
  const ar = parse('mx.example.net; dkim=fail REASON="body hash mismatch" Header.D=Example.COM; dmarc=fail Action=pct.Quarantine Header.From=example.com; compauth=fail ReAsOn=000');

  it('the keys are read in lower case; the values keep their own case', () => {
    expect(ar.results.map((r) => ({ ...r.properties }))).toEqual([
      { reason: 'body hash mismatch', 'header.d': 'Example.COM' },
      { action: 'pct.Quarantine', 'header.from': 'example.com' },
      { reason: '000' },
    ]);
  });

  it('a ptype.property written with CFWS and in capitals is the same key', () => {
    expect({ ...parse('mx.example.net; spf=pass SMTP (c) . (d) MailFrom = example.com').results[0]!.properties }).toEqual({ 'smtp.mailfrom': 'example.com' });
  });

  it('compauth Reason= and dmarc Action= are read as the reason and the action', () => {
    const [, dmarc, compauth] = ar.results;
    expect(dmarc!.meaning).toContain(`action pct.Quarantine: ${DMARC_ACTIONS['pct.quarantine']}`);
    expect(compauth!.meaning).toContain('reason 000: ');
  });
});

// RFC 8601 §2.2: method, result and pvalue are any Keyword / value: `constructor`, `toString` and
// `__proto__` are ordinary words that name no registered method, result, action or reason.
describe('meanings are never taken from Object.prototype', () => {
  const ar = parse('mx.example.net; dmarc=fail action=constructor header.from=example.com; compauth=fail reason=toString; constructor=name; dkim=__proto__; spf=hasOwnProperty');

  it('unknown methods and results get no meaning; an unknown action or reason says it is unknown', () => {
    const meaning = Object.fromEntries(ar.results.map((r) => [`${r.method}=${r.result}`, r.meaning]));
    expect(meaning['constructor=name']).toBeNull();
    expect(meaning['dkim=__proto__']).toBeNull();
    expect(meaning['spf=hasownproperty']).toBeNull();
    expect(meaning['dmarc=fail']).toBe(`${AUTH_RESULT_VALUES.dmarc!.fail}; action constructor: not a documented DMARC action`);
    expect(meaning['compauth=fail']).toMatch(/^composite authentication failed; reason toString: /);
    for (const r of ar.results) expect(String(r.meaning)).not.toMatch(/native code|\[object Object\]|^Object$/);
  });

  it('a property named __proto__ or constructor is kept as written (RFC 8601 §2.2 pvalue)', () => {
    const r = parse('mx.example.net; dkim=pass header.__proto__=x constructor.name=y').results[0]!;
    expect(Object.entries(r.properties)).toEqual([
      ['header.__proto__', 'x'],
      ['constructor.name', 'y'],
    ]);
    const bare = parse('mx.example.net; dkim=pass __proto__=x').results[0]!;
    expect(Object.hasOwn(bare.properties, '__proto__')).toBe(true);
  });

  it('a DKIM/ARC tag named constructor is a tag (RFC 6376 §3.2 tag-list)', () => {
    expect(parseTagList('constructor=x; i=1').constructor).toBe('x');
  });

  it('Microsoft header values named like prototype members have no meaning', () => {
    const fields = [
      { name: 'X-MS-Exchange-Organization-AuthAs', value: 'constructor', line: 1 },
      { name: 'X-MS-Exchange-Organization-AuthMechanism', value: 'toString', line: 2 },
    ];
    const known = decodeMicrosoftHeaders(fields).known;
    expect(known[0]!.valueMeaning).toBeNull();
    expect(known[1]!.valueMeaning).toBe('not documented');
  });

  it('a zone comment named like a prototype member is no zone (RFC 5322 §3.3: zone is required)', () => {
    expect(parseMailDate('1 Jan 2024 00:00:00 (constructor)')).toBeNull();
    expect(parseMailDate('1 Jan 2024 00:00:00 (__proto__)')).toBeNull();
  });
});

// RFC 8617 §5.2 step 2: "If the form of any ARC Set is invalid (e.g., does not contain exactly one
// of each of the three ARC-specific header fields), then the Chain Validation Status is 'fail'".
describe('two ARC headers of one kind for one instance (RFC 8617 §5.2)', () => {
  const text = [
    'ARC-Seal: i=1; a=rsa-sha256; cv=none; d=relay.example; s=s1; b=AAAA',
    'ARC-Authentication-Results: i=1; relay.example; spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com',
    'ARC-Authentication-Results: i=1; relay.example; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com',
    'From: a@example.com',
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    '',
    '',
  ].join('\r\n');

  it('both are kept, and the message says the chain has a duplicate instance and so fails', async () => {
    const { messages, report } = await readFixture(tempFile('arc-dup.eml', text));
    const arc = messages[0]!.arc;
    expect(arc.map((a) => a.instance)).toEqual([1, 1]);
    expect(arc.map((a) => methods(a.results))).toEqual([
      ['spf=pass', 'dmarc=pass'],
      ['spf=fail', 'dmarc=fail'],
    ]);
    expect(report.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/arc-dup\.eml:3: .*duplicate instance i=1 .*lines 2, 3.*cv=fail.*RFC 8617 §5\.2/) }),
    ]);
  });

  it('a well-formed two-instance chain: one set per instance and no warning', async () => {
    const chain = [
      'ARC-Seal: i=2; cv=pass; d=b.example; s=s2; b=BBBB',
      'ARC-Message-Signature: i=2; d=b.example; s=s2; b=BBBB',
      'ARC-Authentication-Results: i=2; b.example; arc=pass',
      'ARC-Seal: i=1; cv=none; d=a.example; s=s1; b=AAAA',
      'ARC-Message-Signature: i=1; d=a.example; s=s1; b=AAAA',
      'ARC-Authentication-Results: i=1; a.example; spf=pass',
      'From: a@example.com',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      '',
      '',
    ].join('\r\n');
    const { messages, report } = await readFixture(tempFile('arc-ok.eml', chain));
    expect(messages[0]!.arc.map((a) => [a.instance, a.sealDomain, a.signatureDomain, a.authservId])).toEqual([
      [1, 'a.example', 'a.example', 'a.example'],
      [2, 'b.example', 'b.example', 'b.example'],
    ]);
    expect(report.diagnostics).toEqual([]);
  });

  it('buildArcSets: a repeated ARC-Seal instance is not overwritten', () => {
    const sets = buildArcSets([{ value: 'i=1; cv=none; d=first.example; s=a' }, { value: 'i=1; cv=pass; d=second.example; s=b' }], [], []);
    expect(sets.map((s) => [s.instance, s.sealDomain, s.chainValidation])).toEqual([
      [1, 'first.example', 'none'],
      [1, 'second.example', 'pass'],
    ]);
  });
});
