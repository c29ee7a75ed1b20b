import { describe, expect, it } from 'vitest';
import { certificateCoversHost, matchCertificateName } from '../../src/engine/cert-name-match.js';

// EXO-SEMANTICS M3 [model]: CN and SANs, case-insensitive; value `*.d` matches d and any name
// below it at any depth; a wildcard certificate `*.d` matches value `x.d` (one label) and `*.d`.
describe('TlsSenderCertificateName against certificate names', () => {
  it('matches an exact name, ignoring case', () => {
    expect(matchCertificateName('smtp.contoso.com', ['smtp.contoso.com'])?.kind).toBe('exact');
    expect(matchCertificateName('SMTP.Contoso.com', ['smtp.contoso.com'])?.kind).toBe('exact');
  });
  it('does not match a different host or a parent domain with an exact value', () => {
    expect(matchCertificateName('smtp.contoso.com', ['mail.contoso.com'])).toBeNull();
    expect(matchCertificateName('contoso.com', ['smtp.contoso.com'])).toBeNull();
    expect(matchCertificateName('smtp.contoso.com', ['smtp.contoso.com.evil.example'])).toBeNull();
  });
  it('a wildcard value covers the domain itself and names at any depth below it', () => {
    expect(matchCertificateName('*.varunagroup.de', ['mx01.varunagroup.de'])?.kind).toBe('wildcard-value');
    expect(matchCertificateName('*.varunagroup.de', ['a.b.varunagroup.de'])?.kind).toBe('wildcard-value');
    expect(matchCertificateName('*.varunagroup.de', ['varunagroup.de'])?.kind).toBe('wildcard-value');
    expect(matchCertificateName('*.varunagroup.de', ['notvarunagroup.de'])).toBeNull();
    expect(matchCertificateName('*.varunagroup.de', ['varunagroup.de.example'])).toBeNull();
  });
  it('a wildcard certificate matches a value one label below it, and the same wildcard value', () => {
    expect(matchCertificateName('mail.contoso.com', ['*.contoso.com'])?.kind).toBe('wildcard-certificate');
    expect(matchCertificateName('a.mail.contoso.com', ['*.contoso.com'])).toBeNull();
    expect(matchCertificateName('*.contoso.com', ['*.contoso.com'])).not.toBeNull();
  });
  it('uses every SAN, and prefers the most specific match', () => {
    const m = matchCertificateName('*.contoso.com', ['www.fabrikam.com', 'smtp.contoso.com']);
    expect(m?.certName).toBe('smtp.contoso.com');
    const exact = matchCertificateName('smtp.contoso.com', ['*.contoso.com', 'smtp.contoso.com']);
    expect(exact?.kind).toBe('exact');
  });
  it('TLS host coverage: a wildcard certificate covers exactly one label', () => {
    expect(certificateCoversHost(['*.contoso.com'], 'mail.contoso.com')).toBe(true);
    expect(certificateCoversHost(['*.contoso.com'], 'contoso.com')).toBe(false);
    expect(certificateCoversHost(['*.contoso.com'], 'a.b.contoso.com')).toBe(false);
    expect(certificateCoversHost(['mail.contoso.com'], 'MAIL.contoso.com.')).toBe(true);
  });
});
