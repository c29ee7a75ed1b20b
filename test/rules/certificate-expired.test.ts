import { describe, expect, it } from 'vitest';
import { commands, diagnose, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant, withCertificate } from './rule-test-kit.js';

const RULE = 'certificate-expired';
const SMTP = '6666666666666666666666666666666666666666';
const HOSTING = '8888888888888888888888888888888888888888';
const GATEWAY = '4444444444444444444444444444444444444444';

/** The S2 relay estate with the send connector presenting smtp.contoso.com (selected by its Fqdn). */
const RELAY = variant(fixtureTopology('onprem-relay.yaml'), 'RequireTLS: true', 'RequireTLS: true\n        Fqdn: smtp.contoso.com');

describe('certificate-expired', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('fires for a presented certificate past NotAfter at the evaluation time', () => {
    const yaml = withCertificate(RELAY, SMTP, 'NotAfter', '2026-10-31T23:59:59Z');
    const f = onlyFinding(yaml, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects[0]).toEqual({ type: 'Certificate', name: 'smtp.contoso.com' });
    expect(f.message).toMatch(new RegExp(`\\(${SMTP}\\) expired on 2026-10-31T23:59:59(\\.000)?Z \\(evaluated at 2026-11-22T00:00:00\\.000Z\\)`));
    expect(f.message).toContain('send connector "Outbound via Office 365" on EX01 (Contoso) presents it');
    // Renewal happens at the CA: no command with a made-up thumbprint (issue 12).
    expect(commands(f)).toEqual([]);
    expect(f.fix[0]!.where).toBe('certificate authority');
    // It is still presented (M2) and Exchange Online refuses it (M3): the relay is rejected.
    expect(diagnose(yaml).simulation.flows[0]!.response).toBe('550 5.7.64 TenantAttribution; Relay Access Denied');
  });

  it('is silent for the same certificate while it is valid', () => {
    expect(findingsOf(RELAY, RULE)).toEqual([]);
    expect(diagnose(RELAY).simulation.flows[0]!.outcome).toBe('delivered');
  });

  it('judges validity at the evaluation time given, not today', () => {
    const yaml = withCertificate(RELAY, SMTP, 'NotAfter', '2026-10-31T23:59:59Z');
    expect(findingsOf(yaml, RULE, new Date('2026-10-01T00:00:00Z'))).toEqual([]);
  });

  it('fires for a certificate that is not valid yet (before NotBefore)', () => {
    const f = onlyFinding(withCertificate(RELAY, SMTP, 'NotBefore', '2026-12-01T00:00:00Z'), RULE);
    expect(f.subjects[0]).toEqual({ type: 'Certificate', name: 'smtp.contoso.com' });
    expect(f.message).toMatch(/is not valid before 2026-12-01T00:00:00(\.000)?Z/);
  });

  it('tells to point a TlsCertificateName at the renewed certificate when the connector names the expired one', () => {
    const named = variant(withCertificate(RELAY, SMTP, 'NotAfter', '2026-10-31T23:59:59Z'), 'Fqdn: smtp.contoso.com', "TlsCertificateName: \"<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US\"");
    const f = onlyFinding(named, RULE);
    expect(commands(f)).toEqual([]);
    expect(f.fix.map((s) => s.text).join(' ')).toContain('Point send connector "Outbound via Office 365" at the new certificate');
  });

  it('is silent for an expired certificate that is installed but not presented', () => {
    expect(findingsOf(withCertificate(RELAY, HOSTING, 'NotAfter', '2026-10-31T23:59:59Z'), RULE)).toEqual([]);
  });

  it('is silent when a renewed certificate for the same name is installed beside the expired one (the valid one is chosen, M2)', () => {
    // relay.contoso-hosting.net is renamed to a second smtp.contoso.com certificate; the first one expires.
    let yaml = withCertificate(RELAY, SMTP, 'NotAfter', '2026-10-31T23:59:59Z');
    yaml = withCertificate(yaml, HOSTING, 'Subject', 'CN=smtp.contoso.com');
    yaml = withCertificate(yaml, HOSTING, 'CertificateDomains', '[smtp.contoso.com]');
    yaml = withCertificate(yaml, HOSTING, 'NotAfter', '2027-11-30T23:59:59Z');
    expect(findingsOf(yaml, RULE)).toEqual([]);
  });

  it("fires for a gateway's expired certificate, naming every route that presents it", () => {
    const f = onlyFinding(withCertificate(fixtureTopology('gateway-centralized.yaml'), GATEWAY, 'NotAfter', '2026-11-01T00:00:00Z'), RULE);
    expect(f.subjects).toEqual([{ type: 'Certificate', name: 'gw.contoso.com' }]);
    expect(f.message).toContain('gateway Contoso mail gateway route "Office 365" from gw.contoso.com; gateway Contoso mail gateway route "Internet" from gw.contoso.com present it');
  });
});
