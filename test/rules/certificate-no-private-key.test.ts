import { describe, expect, it } from 'vitest';
import { commands, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant, withCertificate } from './rule-test-kit.js';

const RULE = 'certificate-no-private-key';
const SMTP = '6666666666666666666666666666666666666666';
const MAIL = '7777777777777777777777777777777777777777';
const HOSTING = '8888888888888888888888888888888888888888';
const GATEWAY = '4444444444444444444444444444444444444444';

/** The S2 relay estate with the send connector presenting smtp.contoso.com (selected by its Fqdn). */
const RELAY = variant(fixtureTopology('onprem-relay.yaml'), 'RequireTLS: true', 'RequireTLS: true\n        Fqdn: smtp.contoso.com');

describe('certificate-no-private-key', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('fires for the certificate a send connector chooses when it has no private key', () => {
    const f = onlyFinding(withCertificate(RELAY, SMTP, 'HasPrivateKey', 'false'), RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([{ type: 'Certificate', name: 'smtp.contoso.com' }]);
    expect(f.message).toContain(`smtp.contoso.com (${SMTP}) is chosen for TLS by send connector "Outbound via Office 365" on EX01 (Contoso)`);
    expect(f.message).toContain('HasPrivateKey is false');
    // The PFX path is the admin's: the step says what to run, without a made-up path in a command (issue 12).
    expect(commands(f)).toEqual([]);
    expect(f.fix[0]!.text).toContain('Import-ExchangeCertificate -FileData');
    expect(f.fix.some((s) => s.text.includes('grant that account read access to the private key'))).toBe(true);
  });

  it('is silent when the chosen certificate has its private key', () => {
    expect(findingsOf(RELAY, RULE)).toEqual([]);
  });

  it('is silent when HasPrivateKey is not known', () => {
    expect(findingsOf(withCertificate(RELAY, SMTP, 'HasPrivateKey', null), RULE)).toEqual([]);
  });

  it('is silent for a key-less certificate that is installed but not chosen', () => {
    expect(findingsOf(withCertificate(RELAY, MAIL, 'HasPrivateKey', 'false'), RULE)).toEqual([]);
  });

  it('is silent when another certificate for the same name has its key (it is preferred, M2)', () => {
    let yaml = withCertificate(RELAY, SMTP, 'HasPrivateKey', 'false');
    yaml = withCertificate(yaml, HOSTING, 'Subject', 'CN=smtp.contoso.com');
    yaml = withCertificate(yaml, HOSTING, 'CertificateDomains', '[smtp.contoso.com]');
    expect(findingsOf(yaml, RULE)).toEqual([]);
  });

  it("fires for a gateway's certificate without a usable private key (seed 001)", () => {
    const f = onlyFinding(withCertificate(fixtureTopology('gateway-centralized.yaml'), GATEWAY, 'HasPrivateKey', 'false'), RULE);
    expect(f.subjects).toEqual([{ type: 'Certificate', name: 'gw.contoso.com' }]);
    expect(f.message).toContain('gateway Contoso mail gateway route "Internet" from gw.contoso.com');
  });
});
