import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant, withCertificate } from './rule-test-kit.js';

const RULE = 'send-connector-fqdn-certificate-mismatch';
const MAIL = '7777777777777777777777777777777777777777';
const HOSTING = '8888888888888888888888888888888888888888';
const SEND_CONNECTOR = { type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' };

const RELAY = fixtureTopology('onprem-relay.yaml');

function withFqdn(fqdn: string, yaml = RELAY): string {
  return variant(yaml, 'RequireTLS: true', `RequireTLS: true\n        Fqdn: ${fqdn}`);
}

describe('send-connector-fqdn-certificate-mismatch', () => {
  it('is a warning in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('warning');
  });

  it('fires when no SMTP certificate on the source server covers the Fqdn', () => {
    const f = onlyFinding(withFqdn('edge.contoso.com'), RULE);
    expect(f.severity).toBe('warning');
    expect(f.subjects).toEqual([SEND_CONNECTOR]);
    expect(f.message).toContain('has Fqdn edge.contoso.com, but no SMTP certificate on EX01 covers that name');
    expect(commands(f)).toHaveLength(1);
    // It proposes an installed SMTP certificate's name as the Fqdn.
    expect(commands(f)[0]).toMatch(/^Set-SendConnector -Identity 'Outbound via Office 365' -Fqdn (smtp\.contoso\.com|mail\.contoso\.com|relay\.contoso-hosting\.net)$/);
  });

  it('is silent when an SMTP certificate covers the Fqdn', () => {
    expect(findingsOf(withFqdn('smtp.contoso.com'), RULE)).toEqual([]);
  });

  it('is silent when a wildcard certificate covers the Fqdn', () => {
    let yaml = withCertificate(withFqdn('edge.contoso.com'), HOSTING, 'Subject', 'CN=*.contoso.com');
    yaml = withCertificate(yaml, HOSTING, 'CertificateDomains', '["*.contoso.com"]');
    expect(findingsOf(yaml, RULE)).toEqual([]);
  });

  it('fires when the only certificate covering the Fqdn is not enabled for SMTP', () => {
    const f = onlyFinding(withCertificate(withFqdn('mail.contoso.com'), MAIL, 'Services', 'IIS'), RULE);
    expect(f.subjects).toEqual([SEND_CONNECTOR]);
    expect(f.message).toContain('has Fqdn mail.contoso.com');
  });

  it('names only the source servers that lack a certificate for the Fqdn', () => {
    let yaml = withFqdn('smtp.contoso.com');
    yaml = variant(yaml, '    SendConnectors:\n', '      - Name: EX02\n        Fqdn: ex02.corp.contoso.com\n        Role: Mailbox\n        AdminDisplayVersion: Version 15.2 (Build 1748.10)\n        IPAddresses: [203.0.113.11]\n    SendConnectors:\n');
    yaml = variant(yaml, 'SourceTransportServers: [EX01]', 'SourceTransportServers: [EX01, EX02]');
    const f = onlyFinding(yaml, RULE);
    expect(f.message).toContain('has Fqdn smtp.contoso.com, but no SMTP certificate on EX02 covers that name');
    expect(commands(f)).toEqual([]);
    expect(f.fix[0]!.text).toContain('smtp.contoso.com');
  });

  it('is silent when TlsCertificateName, not the Fqdn, selects the certificate', () => {
    const named = variant(withFqdn('edge.contoso.com'), 'RequireTLS: true', "RequireTLS: true\n        TlsCertificateName: \"<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US\"");
    expect(findingsOf(named, RULE)).toEqual([]);
  });

  it('tells to install a certificate when the server has no SMTP certificate at all', () => {
    const bare = variant(withFqdn('edge.contoso.com'), 'Certificates:\n          - 6666666666666666666666666666666666666666\n          - 7777777777777777777777777777777777777777\n          - 8888888888888888888888888888888888888888', 'Certificates: []');
    const f = onlyFinding(bare, RULE);
    expect(commands(f)).toEqual([]);
    expect(f.fix.map((s) => s.text).join(' ')).toContain('certificate for edge.contoso.com');
    expect(f.fix.map((s) => s.text).join(' ')).toContain('EX01');
  });

  it('on the shipped S1 example: the Edge connector\'s Fqdn names no certificate; the fix names the Edge certificate', () => {
    const f = onlyFinding(exampleTopology('s1-provider-wildcard'), RULE);
    expect(f.subjects).toEqual([{ type: 'SendConnector', name: 'Outbound to Office 365 - 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e', organization: 'Varunagroup' }]);
    expect(commands(f)).toEqual(["Set-SendConnector -Identity 'Outbound to Office 365 - 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' -Fqdn smtpo365.varunagroup.de"]);
    expect(findingsOf(exampleTopology('s1-provider-wildcard-fixed'), RULE)).toEqual([]);
  });
});
