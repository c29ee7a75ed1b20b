import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant, withCertificate } from './rule-test-kit.js';

const RULE = 'inbound-cert-name-overmatch';
const CONNECTOR = { type: 'InboundConnector', name: 'Inbound from on-premises', tenant: 'contoso.onmicrosoft.com' };

const PROVIDER = fixtureTopology('provider-wildcard.yaml');
const GATEWAY_CERT = '2222222222222222222222222222222222222222';
/** Litware's internet send connector: through the provider's gateway, or straight by MX. */
const LITWARE_VIA_GATEWAY = 'SmartHosts: [mx01.contoso.com]\n        DNSRoutingEnabled: false\n        SourceTransportServers: [LWEX01]';
const LITWARE_DIRECT = 'DNSRoutingEnabled: true\n        SourceTransportServers: [LWEX01]';

/**
 * The exact-name variant: the connector names hybrid.contoso.com exactly, and Litware's server has
 * that same (shared) certificate installed beside its own; its internet connector's Fqdn picks it.
 */
const SHARED_NAME = `
kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]
    InboundConnectors:
      - Name: Inbound from on-premises
        ConnectorType: OnPremises
        Enabled: true
        TlsSenderCertificateName: hybrid.contoso.com
        RequireTls: true
        CloudServicesMailEnabled: true
organizations:
  - Name: Contoso
    AcceptedDomains:
      - contoso.com
      - { DomainName: contoso.mail.onmicrosoft.com, DomainType: InternalRelay }
    Servers:
      - Name: EX01
        Fqdn: ex01.corp.contoso.com
        Role: Mailbox
        IPAddresses: [203.0.113.10]
        Certificates: [1111111111111111111111111111111111111111]
    SendConnectors:
      - Name: Outbound to Office 365
        AddressSpaces: ["smtp:contoso.mail.onmicrosoft.com;1"]
        SmartHosts: [contoso-com.mail.protection.outlook.com]
        DNSRoutingEnabled: false
        Fqdn: hybrid.contoso.com
        SourceTransportServers: [EX01]
        Enabled: true
  - Name: Litware
    AcceptedDomains: [litware.com]
    Servers:
      - Name: LWEX01
        Fqdn: lwex01.litware.local
        Role: Mailbox
        IPAddresses: [198.51.100.20]
        Certificates: [1111111111111111111111111111111111111111, 3333333333333333333333333333333333333333]
    SendConnectors:
      - Name: Litware internet
        AddressSpaces: ["smtp:*;1"]
        DNSRoutingEnabled: true
        Fqdn: hybrid.contoso.com
        SourceTransportServers: [LWEX01]
        Enabled: true
certificates:
  - Thumbprint: 1111111111111111111111111111111111111111
    Subject: CN=hybrid.contoso.com
    CertificateDomains: [hybrid.contoso.com]
    Issuer: CN=R11, O=Let's Encrypt, C=US
    NotBefore: 2026-06-01T00:00:00Z
    NotAfter: 2027-05-31T23:59:59Z
    IsSelfSigned: false
    HasPrivateKey: true
    Services: SMTP
  - Thumbprint: 3333333333333333333333333333333333333333
    Subject: CN=mail.litware.com
    CertificateDomains: [mail.litware.com]
    Issuer: CN=R11, O=Let's Encrypt, C=US
    NotBefore: 2026-06-01T00:00:00Z
    NotAfter: 2027-05-31T23:59:59Z
    IsSelfSigned: false
    HasPrivateKey: true
    Services: SMTP
dns:
  MX:
    contoso.com: [contoso-com.mail.protection.outlook.com]
    litware.com: [lwex01.litware.local]
    fabrikam.com: [fabrikam-com.mail.protection.outlook.com]
    tailspintoys.com: [mail.tailspintoys.com]
`;

describe('inbound-cert-name-overmatch', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('fires when a wildcard value matches a gateway that also sends for another organization', () => {
    const f = onlyFinding(PROVIDER, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([CONNECTOR]);
    expect(f.message).toContain('*.contoso.com');
    expect(f.message).toContain('mx01.contoso.com');
    expect(f.message).toContain('attributed to contoso.onmicrosoft.com');
    // The evidence names the gateway's route and why its mail is not the tenant's.
    expect(f.evidence.some((e) => e.text.includes('Contoso gateway route "Internet"') && e.text.includes('also sends for Litware'))).toBe(true);
    // …and a simulated customer message that Exchange Online attributes to the provider's tenant.
    expect(f.evidence.some((e) => e.text.startsWith('alice@litware.com → ') && e.text.includes('attributed to contoso.onmicrosoft.com'))).toBe(true);
    // Fix: narrow the connector to the certificate only the hybrid route presents (S1 fix).
    expect(commands(f)).toEqual(['Set-InboundConnector -Identity \'Inbound from on-premises\' -TlsSenderCertificateName hybrid.contoso.com']);
  });

  it('is silent when the gateway only serves the tenant\'s own organization', () => {
    // Litware no longer sends through the gateway: every host the wildcard matches carries Contoso's mail only.
    const own = variant(PROVIDER, LITWARE_VIA_GATEWAY, LITWARE_DIRECT);
    expect(findingsOf(own, RULE)).toEqual([]);
  });

  it('is silent with the exact name of the hybrid certificate (the S1 fix)', () => {
    const exact = variant(PROVIDER, 'TlsSenderCertificateName: "*.contoso.com"', 'TlsSenderCertificateName: hybrid.contoso.com');
    expect(findingsOf(exact, RULE)).toEqual([]);
  });

  it('is silent when the gateway certificate the wildcard matches has expired (Exchange Online does not accept it, M3)', () => {
    expect(findingsOf(withCertificate(PROVIDER, GATEWAY_CERT, 'NotAfter', '2026-10-31T23:59:59Z'), RULE)).toEqual([]);
  });

  it('is silent when the connector is disabled or a Partner connector', () => {
    expect(findingsOf(variant(PROVIDER, 'Enabled: true\n        TlsSenderCertificateName', 'Enabled: false\n        TlsSenderCertificateName'), RULE)).toEqual([]);
    expect(findingsOf(variant(PROVIDER, 'ConnectorType: OnPremises\n        Enabled: true\n        TlsSenderCertificateName', 'ConnectorType: Partner\n        Enabled: true\n        TlsSenderCertificateName'), RULE)).toEqual([]);
  });

  it("fires when the other sender is another tenant whose outbound connector smart-hosts to the gateway", () => {
    // Litware is now a cloud-only customer: its tenant sends all mail through the provider's gateway.
    let yaml = variant(PROVIDER, LITWARE_VIA_GATEWAY, LITWARE_DIRECT);
    yaml = variant(yaml, 'organizations:\n', '  - Name: litware.onmicrosoft.com\n    AcceptedDomains: [litware.com, litware.onmicrosoft.com]\n    OutboundConnectors:\n      - Name: To provider gateway\n        ConnectorType: Partner\n        Enabled: true\n        RecipientDomains: ["*"]\n        SmartHosts: [mx01.contoso.com]\norganizations:\n');
    yaml += 'flows:\n  - From: alice@litware.com\n    To: carol@fabrikam.com\n    Origin: litware.onmicrosoft.com\n';
    const f = onlyFinding(yaml, RULE);
    expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([CONNECTOR]);
    expect(f.evidence.some((e) => e.text.includes('also sends for litware.onmicrosoft.com'))).toBe(true);
    expect(f.evidence.some((e) => e.text.startsWith('alice@litware.com → carol@fabrikam.com: attributed to contoso.onmicrosoft.com'))).toBe(true);
  });

  it('fires for an exact value when the gateway presents a wildcard certificate covering it (M3)', () => {
    let yaml = variant(PROVIDER, 'TlsSenderCertificateName: "*.contoso.com"', 'TlsSenderCertificateName: hybrid.contoso.com');
    yaml = withCertificate(yaml, GATEWAY_CERT, 'Subject', 'CN=*.contoso.com');
    yaml = withCertificate(yaml, GATEWAY_CERT, 'CertificateDomains', '["*.contoso.com"]');
    const f = onlyFinding(yaml, RULE);
    expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([CONNECTOR]);
    expect(f.message).toContain('accepts certificate name hybrid.contoso.com, which also matches *.contoso.com');
    // The connector already names hybrid.contoso.com: setting it again changes nothing, the simulation
    // rejects it, and the fix says so instead of printing it (issue 12).
    expect(commands(f)).toEqual([]);
    expect(f.fix[0]!.text).toMatch(/^No single change verified/);
    expect(f.fixVerification?.status).toBe('not-verified');
  });

  it('fires for an exact name shared with another organization\'s send connector', () => {
    const f = onlyFinding(SHARED_NAME, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([CONNECTOR]);
    expect(f.message).toContain('accepts certificate name hybrid.contoso.com');
    expect(f.evidence.some((e) => e.text.includes('send connector "Litware internet" on LWEX01 (Litware)') && e.text.includes('it belongs to Litware, another organization'))).toBe(true);
    expect(f.evidence.some((e) => e.text.startsWith('alice@litware.com → ') && e.text.includes('attributed to contoso.onmicrosoft.com'))).toBe(true);
  });

  it('is silent when the other organization presents its own certificate', () => {
    const own = variant(SHARED_NAME, 'Fqdn: hybrid.contoso.com\n        SourceTransportServers: [LWEX01]', 'Fqdn: mail.litware.com\n        SourceTransportServers: [LWEX01]');
    expect(findingsOf(own, RULE)).toEqual([]);
  });

  it('on the shipped S1 example: fires, and the fix names the Edge certificate on both sides', () => {
    const f = onlyFinding(exampleTopology('s1-provider-wildcard'), RULE);
    expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([{ type: 'InboundConnector', name: 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e', tenant: 'varunagroup.onmicrosoft.com' }]);
    expect(f.message).toContain('mx01.varunagroup.de');
    expect(f.message).toContain('mx02.varunagroup.de');
    expect(f.message).not.toContain('smtpo365');
    expect(commands(f)).toEqual([
      "Set-SendConnector -Identity 'Outbound to Office 365 - 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' -Fqdn smtpo365.varunagroup.de",
      "Set-InboundConnector -Identity 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e' -TlsSenderCertificateName smtpo365.varunagroup.de",
    ]);
  });

  it('is silent on the shipped S1 example after the fix', () => {
    expect(findingsOf(exampleTopology('s1-provider-wildcard-fixed'), RULE)).toEqual([]);
  });
});
