import { describe, expect, it } from 'vitest';
import { probeVerdict } from '../../src/probe/probe-verdict.js';
import { explainReplies } from '../../src/probe/probe-explain.js';
import { CLIENT_CERT, OPTIONS, reply, result, tls } from './probe-fixtures.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const withRcpt = (line: string, over = {}) => {
  const r = result(over);
  r.replies.push(reply('RCPT', line), reply('RSET', '250 2.0.0 OK'), reply('QUIT', '221 2.0.0 Bye'));
  return r;
};

describe('probe verdict (no network)', () => {
  it('250 at RCPT TO: accepted, exit 0, naming the certificate presented (M4: attribution by certificate)', () => {
    const v = probeVerdict(withRcpt('250 2.1.5 Recipient OK'), OPTIONS, NOW);
    expect(v.outcome).toBe('accepted');
    expect(v.exitCode).toBe(0);
    expect(v.line).toMatch(/^accepted at RCPT TO \(250\): 2\.1\.5 Recipient OK — relay would be accepted with your certificate CN=smtp\.fabrikam\.com \(thumbprint F59AF347/);
  });

  it('550 5.7.64 with no certificate sent although requested: refused, exit 1, "not presented"', () => {
    const v = probeVerdict(withRcpt('550 5.7.64 TenantAttribution; Relay Access Denied', { tls: tls({ clientCertificates: [] }), ownCertificate: null }), OPTIONS, NOW);
    expect(v).toMatchObject({ outcome: 'refused', at: 'RCPT', exitCode: 1 });
    expect(v.line).toMatch(/^refused at RCPT TO: 550 5\.7\.64 TenantAttribution; Relay Access Denied — your certificate was not presented/);
  });

  it('550 5.7.64 when the server never asked for a certificate: "not requested"', () => {
    const v = probeVerdict(withRcpt('550 5.7.64 TenantAttribution; Relay Access Denied', { tls: tls({ clientCertificateRequested: false, clientCertificates: [] }) }), OPTIONS, NOW);
    expect(v.line).toMatch(/your certificate was not requested/);
  });

  it('550 5.7.64 with an expired certificate presented: "presented but not accepted: it expired"', () => {
    const expired = { ...CLIENT_CERT, notAfter: '2021-01-01T00:00:00.000Z' };
    const v = probeVerdict(withRcpt('550 5.7.64 TenantAttribution; Relay Access Denied', { tls: tls({ clientCertificates: [expired] }) }), OPTIONS, NOW);
    expect(v.line).toMatch(/was presented but not accepted: it expired on 2021-01-01/);
  });

  it('451 4.4.62 at RCPT TO is a deferral (exit 1), explained from the catalog', () => {
    const r = withRcpt('451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35. For more information please go to https://go.microsoft.com/fwlink/?linkid=865268');
    const v = probeVerdict(r, OPTIONS, NOW);
    expect(v).toMatchObject({ outcome: 'deferred', exitCode: 1 });
    const e = explainReplies(r.replies);
    expect(e).toHaveLength(1);
    expect(e[0]!.entry?.code).toMatch(/^4\.4\.62/);
  });

  it('masked STARTTLS (XXXXXXXA, no TLS) with --starttls require: starttls-masked, exit 1', () => {
    const r = result({ replies: [reply('<banner>', '220 mx ESMTP', false), reply('EHLO', '250 XXXXXXXA', false), reply('QUIT', '221 Bye', false)], extensions: ['XXXXXXXA'], starttls: 'masked', tls: null });
    const v = probeVerdict(r, OPTIONS, NOW);
    expect(v).toMatchObject({ outcome: 'starttls-masked', exitCode: 1 });
    expect(v.line).toMatch(/XXXXXXXA/);
  });

  it('a timeout before RCPT TO is answered: exit 2; a server closing mid-dialogue: exit 2', () => {
    const t = probeVerdict(result({ failure: { kind: 'timeout', during: 'MAIL', message: 'no reply within 1 s' }, closedBy: 'timeout' }), OPTIONS, NOW);
    expect(t).toMatchObject({ outcome: 'timeout', exitCode: 2 });
    expect(t.line).toMatch(/^timeout: no reply within 1 s waiting for the reply to MAIL FROM/);
    const c = probeVerdict(result({ failure: { kind: 'closed', during: 'RCPT', message: 'the server closed the connection' }, closedBy: 'server' }), OPTIONS, NOW);
    expect(c).toMatchObject({ outcome: 'closed', exitCode: 2 });
    expect(c.line).toMatch(/^connection closed mid-dialogue/);
  });

  it('--expect-name that the server certificate does not carry: exit 1 even when RCPT TO was accepted (TlsDomain + DomainValidation)', () => {
    const r = withRcpt('250 2.1.5 OK', { serverCheck: { trusted: true, error: null, expectName: 'mail.protection.outlook.com', nameMatches: false, nameError: 'not in the cert' } });
    const v = probeVerdict(r, OPTIONS, NOW);
    expect(v).toMatchObject({ outcome: 'server-certificate-invalid', exitCode: 1 });
  });

  it('no STARTTLS offered with --starttls require: no-tls, exit 1; a refused connection: exit 2', () => {
    const r = result({ replies: [reply('<banner>', '220 mx ESMTP', false), reply('EHLO', '250 mx', false), reply('QUIT', '221 Bye', false)], extensions: [], starttls: 'none', tls: null });
    expect(probeVerdict(r, OPTIONS, NOW)).toMatchObject({ outcome: 'no-tls', exitCode: 1 });
    expect(probeVerdict(result({ replies: [], failure: { kind: 'connect', during: 'connect', message: 'ECONNREFUSED' } }), OPTIONS, NOW)).toMatchObject({ outcome: 'connection-error', exitCode: 2 });
  });
});
