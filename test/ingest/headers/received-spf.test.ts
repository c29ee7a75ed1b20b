import { describe, expect, it } from 'vitest';
import { parseReceivedSpf } from '../../../src/ingest/headers/authentication-results.js';

// RFC 7208 §9.1: Received-SPF: result [ FWS comment ] [ FWS key-value-list ], the keys client-ip,
// envelope-from, helo, problem, receiver, identity, mechanism; results of §2.6, case-insensitive.
describe('Received-SPF (RFC 7208 §9.1)', () => {
  it('reads Exchange Online\'s form: result, comment, key-value pairs; the receiver from the comment', () => {
    const r = parseReceivedSpf(
      'Pass (protection.outlook.com: domain of contoso.com designates 192.0.2.1 as permitted sender) receiver=protection.outlook.com; client-ip=192.0.2.1; helo=mail.contoso.com; pr=C',
      7,
    )!;
    expect(r.header).toBe('Received-SPF');
    expect(r.authservId).toBe('protection.outlook.com');
    expect(r.line).toBe(7);
    expect(r.results).toHaveLength(1);
    const [spf] = r.results;
    expect(spf!.method).toBe('spf');
    expect(spf!.result).toBe('pass');
    expect(spf!.comment).toBe('protection.outlook.com: domain of contoso.com designates 192.0.2.1 as permitted sender');
    expect({ ...spf!.properties }).toEqual({ receiver: 'protection.outlook.com', 'client-ip': '192.0.2.1', helo: 'mail.contoso.com', pr: 'C' });
    expect(spf!.meaning).not.toBeNull();
  });

  it('RFC 7208 §9.1 example: a receiver named in the comment, quoted values, no key-value list', () => {
    const r = parseReceivedSpf('fail (mybox.example.org: domain of myname@example.com does not designate 192.0.2.1 as permitted sender) envelope-from="myname@example.com"; identity=mailfrom', 1)!;
    expect(r.results[0]!.result).toBe('fail');
    expect(r.authservId).toBe('mybox.example.org');
    expect(r.results[0]!.properties['envelope-from']).toBe('myname@example.com');
    expect(parseReceivedSpf('SoftFail', 2)!.results[0]!.result).toBe('softfail');
    expect(parseReceivedSpf('None (no SPF record)', 3)!.results[0]!.comment).toBe('no SPF record');
  });

  it('a value that does not start with an SPF result is not read', () => {
    expect(parseReceivedSpf('maybe (who knows)', 1)).toBeNull();
    expect(parseReceivedSpf('', 1)).toBeNull();
  });

  it('keys named like Object.prototype members are keys like any other', () => {
    const r = parseReceivedSpf('pass constructor=x; __proto__=y', 1)!;
    expect(Object.hasOwn(r.results[0]!.properties, 'constructor')).toBe(true);
    expect(r.results[0]!.properties.__proto__).toBe('y');
  });

  it('hostile values stay linear: deep comments, endless pairs, an unclosed quote', () => {
    const values = ['pass ' + '('.repeat(50_000), 'pass (x) ' + 'a=b;'.repeat(50_000), 'pass k="' + 'x;'.repeat(50_000)];
    const t0 = performance.now();
    for (const v of values) parseReceivedSpf(v, 1);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
