import { describe, expect, it } from 'vitest';
import { AT, exampleTopology, findingsOf, onlyFinding, withCertificate } from './rule-test-kit.js';

// RULES.md `certificate-expiring-soon`: a certificate used on a hybrid or relay route expires within
// 60 days of `--at` (warning); within 14 days an error [model]. Already expired is
// `certificate-expired`'s finding. The clean hybrid's mail.contoso.com is presented by the hybrid
// send connector, matched by the tenant's inbound connector and offered by the receive connector
// Exchange Online delivers to. The rule kit evaluates at AT = 2026-11-22T00:00:00Z.
const THUMB = '0A1B2C3D4E5F60718293A4B5C6D7E8F901234567';
const expiring = (notAfter: string) => withCertificate(exampleTopology('clean-hybrid'), THUMB, 'NotAfter', notAfter);

describe('certificate-expiring-soon', () => {
  it('49 days before NotAfter: a warning with the date and the days left, naming the hybrid send connector', () => {
    const f = onlyFinding(expiring('2027-01-10T00:00:00Z'), 'certificate-expiring-soon');
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('expires on 2027-01-10');
    expect(f.message).toContain('49 days');
    expect(f.subjects[0]).toEqual({ type: 'Certificate', name: 'mail.contoso.com' });
    expect(f.subjects).toContainEqual({ type: 'SendConnector', name: 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433', organization: 'Contoso' });
  });

  it('9 days before NotAfter: an error [model: within 14 days]', () => {
    expect(onlyFinding(expiring('2026-12-01T00:00:00Z'), 'certificate-expiring-soon').severity).toBe('error');
  });

  it('the fix renews the certificate, enables it for SMTP and points the connector at it, and says where', () => {
    const f = onlyFinding(expiring('2027-01-10T00:00:00Z'), 'certificate-expiring-soon');
    const text = f.fix.map((s) => s.text).join('\n');
    expect(text).toMatch(/Renew the certificate for mail\.contoso\.com/);
    expect(text).toContain('Enable-ExchangeCertificate -Services SMTP');
    expect(text).toMatch(/-TlsCertificateName/);
    // No `<placeholder>` inside a command (the `<I>issuer<S>subject` form is a real value).
    expect(f.fix.every((s) => s.command === undefined || !/</.test(s.command.replace(/<I>|<S>/g, '')))).toBe(true);
    expect(f.fix.some((s) => s.where === 'certificate authority')).toBe(true);
  });

  it('judged at the evaluation moment: the same certificate 71 days before expiry, or at a later --at, differs', () => {
    const yaml = expiring('2027-02-01T00:00:00Z');
    expect(findingsOf(yaml, 'certificate-expiring-soon')).toEqual([]);
    expect(onlyFinding(yaml, 'certificate-expiring-soon', new Date('2026-12-15T00:00:00Z')).message).toContain('48 days');
  });

  it('already expired: certificate-expired reports it, not this rule', () => {
    const yaml = expiring('2026-11-01T00:00:00Z');
    expect(findingsOf(yaml, 'certificate-expiring-soon')).toEqual([]);
    expect(findingsOf(yaml, 'certificate-expired')).toHaveLength(1);
  });

  it('the receive connector Exchange Online delivers to counts too, and its fix points that connector at the renewed certificate', () => {
    const yaml = withCertificate(exampleTopology('exo-onprem-subject-mismatch'), THUMB, 'NotAfter', '2027-01-10T00:00:00Z');
    const f = onlyFinding(yaml, 'certificate-expiring-soon');
    expect(f.subjects).toContainEqual({ type: 'ReceiveConnector', name: 'Default Frontend EX01', organization: 'Contoso' });
    expect(f.fix.map((s) => s.text).join('\n')).toContain('Set-ReceiveConnector -Identity');
  });

  it('the example certificate, valid to 2036, raises nothing at AT', () => {
    expect(findingsOf(exampleTopology('clean-hybrid'), 'certificate-expiring-soon', AT)).toEqual([]);
  });
});
