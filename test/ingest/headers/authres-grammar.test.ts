import { describe, expect, it } from 'vitest';
import { exchangeOnlineAuthentication, parseAuthenticationResults } from '../../../src/ingest/headers/authentication-results.js';
import { decodeForefrontReport, decodeMicrosoftAntispam } from '../../../src/ingest/headers/microsoft-headers.js';

const parse = (value: string) => parseAuthenticationResults('Authentication-Results', value, 1);
const rows = (value: string) => parse(value).results.map((r) => [r.method, r.result, r.comment, r.properties]);

// RFC 8601 §2.2: methodspec = [CFWS] method [CFWS] "=" [CFWS] result;
//   propspec = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue; CFWS = comments and folding white space.
describe('Authentication-Results with comments wherever RFC 8601 §2.2 allows CFWS', () => {
  it('a comment between the method and "=", and around the result', () => {
    expect(rows('mx.example.org; dkim (signature ok) = pass header.d=example.com')).toEqual([['dkim', 'pass', 'signature ok', { 'header.d': 'example.com' }]]);
    expect(rows('mx.example.org; spf = (checked) pass (sender ok) smtp.mailfrom = example.com')).toEqual([['spf', 'pass', 'sender ok', { 'smtp.mailfrom': 'example.com' }]]);
  });

  it('Appendix B.7 "Comment-Heavy Example"', () => {
    const value =
      'foo.example.net (foobar) 1 (baz);\r\n    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n      policy (A dot can go here) . (like that) expired\r\n      (this surprised me) = (as I wasn\'t expecting it) 1362471462';
    const ar = parse(value.replace(/\r\n/g, ' '));
    expect(ar.authservId).toBe('foo.example.net');
    expect(ar.results).toHaveLength(1);
    expect(ar.results[0]).toMatchObject({ method: 'dkim', result: 'fail', properties: { 'policy.expired': '1362471462' } });
    expect(ar.results[0]!.comment).toBe('Because I like it; One yay; wait for it');
  });

  it('Appendix B examples: no-result, several results, reason with a quoted value, a local-part', () => {
    expect(parse('example.org 1; none')).toMatchObject({ authservId: 'example.org', results: [] });
    expect(rows('example.com; auth=pass (cram-md5) smtp.auth=sender@example.net; spf=pass smtp.mailfrom=example.net')).toEqual([
      ['auth', 'pass', 'cram-md5', { 'smtp.auth': 'sender@example.net' }],
      ['spf', 'pass', null, { 'smtp.mailfrom': 'example.net' }],
    ]);
    expect(rows('example.com; dkim=pass reason="good signature" header.i=@mail-router.example.net; dkim=fail reason="bad signature" header.i=@newyork.example.com')).toEqual([
      ['dkim', 'pass', null, { reason: 'good signature', 'header.i': '@mail-router.example.net' }],
      ['dkim', 'fail', null, { reason: 'bad signature', 'header.i': '@newyork.example.com' }],
    ]);
    expect(rows('example.com; iprev=pass policy.iprev=192.0.2.200')).toEqual([['iprev', 'pass', null, { 'policy.iprev': '192.0.2.200' }]]);
  });

  it('a quoted authserv-id, a `;` inside a comment or a quoted value, a DKIM b= with / and =', () => {
    const ar = parse('"mx.example.org"; dkim=pass (good; really) header.b="ab;c" header.s=sel; arc=pass header.b=AbC+/dE=');
    expect(ar.authservId).toBe('mx.example.org');
    expect(ar.results.map((r) => [r.method, r.result, r.comment, r.properties])).toEqual([
      ['dkim', 'pass', 'good; really', { 'header.b': 'ab;c', 'header.s': 'sel' }],
      ['arc', 'pass', null, { 'header.b': 'AbC+/dE=' }],
    ]);
  });

  it('Exchange Online: no authserv-id, `;` without space, reason and action', () => {
    const ar = parse('spf=fail (sender IP is 198.51.100.20) smtp.mailfrom=contoso.com; dkim=none (message not signed) header.d=none;dmarc=fail action=quarantine header.from=contoso.com;compauth=fail reason=000');
    expect(ar.authservId).toBeNull();
    expect(ar.results.map((r) => [r.method, r.result])).toEqual([['spf', 'fail'], ['dkim', 'none'], ['dmarc', 'fail'], ['compauth', 'fail']]);
    expect(ar.results[3]!.meaning).toMatch(/reason 000/);
    expect(exchangeOnlineAuthentication([ar])).toEqual({ spfResult: 'fail', spfSenderIp: '198.51.100.20', compauth: 'fail' });
  });

  it('ARC-Authentication-Results: `i=` first, comments allowed there too', () => {
    const ar = parseAuthenticationResults('ARC-Authentication-Results', 'i=2 ; mx.microsoft.com 1; spf=pass (sender ip is 192.0.2.1) smtp.mailfrom=contoso.com', 3);
    expect(ar).toMatchObject({ instance: 2, authservId: 'mx.microsoft.com', results: [{ method: 'spf', result: 'pass' }] });
  });

  it('an unclosed comment or quote ends the value without a throw', () => {
    expect(rows('mx.example.org; dkim=pass (never closed header.d=x')).toEqual([['dkim', 'pass', 'never closed header.d=x', {}]]);
    expect(rows('mx.example.org; dkim=pass header.d="never closed')).toEqual([['dkim', 'pass', null, { 'header.d': 'never closed' }]]);
  });
});

// Microsoft, "Anti-spam message headers": SFV:SKI — "Similar to SFV:SKN, the message skipped spam
// filtering for another reason (for example, an intra-organizational email within a tenant)."
describe('Microsoft anti-spam headers as Exchange writes them', () => {
  it('`(null)` placeholders separate fields and are never keys', () => {
    const fields = decodeMicrosoftAntispam('UIP:(null);(null);(null)SFV:SKI');
    expect(fields.map((f) => [f.key, f.value])).toEqual([['UIP', ''], ['SFV', 'SKI']]);
    expect(fields.some((f) => f.key.includes('null'))).toBe(false);
  });

  it('SFV:SKI in X-Microsoft-Antispam and in X-Forefront-Antispam-Report: filtering skipped, e.g. mail inside the organization', () => {
    const sfv = decodeMicrosoftAntispam('BCL:0;SFV:SKI').find((f) => f.key === 'SFV')!;
    expect(sfv.meaning).toMatch(/spam filtering verdict/);
    expect(sfv.valueMeaning).toMatch(/skipped spam filtering.*inside the organization/);
    const forefront = decodeForefrontReport('CIP:255.255.255.255;CTRY:;LANG:en;SCL:-1;SRV:;IPV:NLI;SFV:SKI;H:;PTR:;CAT:NONE;SFS:;DIR:INT;').find((f) => f.key === 'SFV')!;
    expect(forefront.valueMeaning).toBe(sfv.valueMeaning);
    expect(decodeMicrosoftAntispam('BCL:0').map((f) => f.key)).toEqual(['BCL']);
  });
});
