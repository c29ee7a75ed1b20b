import { describe, expect, it } from 'vitest';
import { exampleTopology, findingsOf, variant } from './rule-test-kit.js';

// EXO-SEMANTICS M17 [MC1226222], RULES.md `mc1226222-anti-pattern`: (1) an OnPremises connector
// matched at M3 step 1 by a certificate whose domain is not accepted (error when a flow depends on
// it, else warning); (2) the same IP on OnPremises connectors of several tenants (the error of
// connector-identity-matches-several-tenants) and info for every IP-scoped OnPremises connector;
// (3) one send connector or certificate used towards several tenants (error). Every message quotes
// "may unexpectedly stop working".
const RULE = 'mc1226222-anti-pattern';
const QUOTE = 'may unexpectedly stop working';
const CLEAN = exampleTopology('clean-hybrid');

describe('(1) certificate domain not accepted', () => {
  // The hybrid certificate also carries smtp.contoso-relay.net, a domain the tenant does not accept,
  // and the tenant's connector names that: it matches at step 1, and the hybrid flows rely on it.
  const outsideAccepted = variant(
    variant(CLEAN, 'TlsSenderCertificateName: mail.contoso.com', 'TlsSenderCertificateName: smtp.contoso-relay.net'),
    'CertificateDomains: [mail.contoso.com, autodiscover.contoso.com]',
    'CertificateDomains: [mail.contoso.com, autodiscover.contoso.com, smtp.contoso-relay.net]',
  );

  it('error when simulated flows are attributed through it; the message names them and quotes MC1226222', () => {
    const found = findingsOf(outsideAccepted, RULE);
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f.severity).toBe('error');
    expect(f.subjects[0]).toEqual({ type: 'InboundConnector', name: 'Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433', tenant: 'contoso.onmicrosoft.com' });
    expect(f.subjects.some((s) => s.type === 'Flow')).toBe(true);
    expect(f.message).toContain('smtp.contoso-relay.net');
    expect(f.message).toContain(QUOTE);
  });

  it('M3 [model]: mail still flows — the rule predicts no failure', () => {
    expect(findingsOf(outsideAccepted, 'flow-fails')).toEqual([]);
  });

  it('warning when no flow depends on it (a gateway route to Exchange Online that no simulated flow uses)', () => {
    // The hybrid connector back on mail.contoso.com; an application gateway presents
    // apps.contoso-relay.net to a second connector of the tenant.
    let appRelay = variant(outsideAccepted, 'TlsSenderCertificateName: smtp.contoso-relay.net', 'TlsSenderCertificateName: mail.contoso.com');
    appRelay = variant(
      appRelay,
      '    OutboundConnectors:\n',
      '      - Name: Application relay\n        ConnectorType: OnPremises\n        Enabled: true\n        TlsSenderCertificateName: apps.contoso-relay.net\n        SenderDomains: ["smtp:*;1"]\n    OutboundConnectors:\n',
    );
    appRelay = variant(
      appRelay,
      '\ndns:\n',
      '\n  - Thumbprint: 1111111111111111111111111111111111111111\n    Subject: CN=apps.contoso-relay.net\n    CertificateDomains: [apps.contoso-relay.net]\n    Issuer: CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US\n    NotBefore: 2026-03-01T00:00:00Z\n    NotAfter: 2036-03-31T23:59:59Z\n    IsSelfSigned: false\n\ndns:\n',
    );
    appRelay += `
gateways:
  - Name: Application gateway
    Nodes:
      - Name: apps01
        IPAddresses: [203.0.113.60]
        Certificate: 1111111111111111111111111111111111111111
    Routes:
      - Name: To Exchange Online
        AddressSpaces: [contoso.com]
        SmartHosts: [contoso-com.mail.protection.outlook.com]
`;
    const found = findingsOf(appRelay, RULE);
    expect(found.map((f) => [f.severity, f.subjects[0]!.name])).toEqual([['warning', 'Application relay']]);
  });

  it('silent on the clean hybrid (mail.contoso.com is under the accepted contoso.com)', () => {
    expect(findingsOf(CLEAN, RULE)).toEqual([]);
  });
});

describe('(2) IP-scoped OnPremises connectors', () => {
  it('info for an IP-scoped connector: sharing outside the case cannot be checked, prefer certificate scoping', () => {
    const found = findingsOf(exampleTopology('s2-cert-connector-before'), RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('info');
    expect(found[0]!.subjects).toEqual([{ type: 'InboundConnector', name: 'On-premises relay (IP)', tenant: 'contoso.onmicrosoft.com' }]);
    expect(found[0]!.message).toMatch(/cannot be seen from this case; prefer certificate scoping/);
    expect(found[0]!.message).toContain(QUOTE);
  });

  it('the same IP in two tenants: connector-identity-matches-several-tenants carries the error, not repeated here', () => {
    const connector = (name: string) => `      - Name: ${name}\n        ConnectorType: OnPremises\n        Enabled: true\n        SenderIPAddresses: [203.0.113.10]\n`;
    const yaml = `kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com]
    InboundConnectors:
${connector('From Contoso')}  - Name: fabrikam.onmicrosoft.com
    AcceptedDomains: [fabrikam.com]
    InboundConnectors:
${connector('From Fabrikam')}`;
    expect(findingsOf(yaml, RULE)).toEqual([]);
    expect(findingsOf(yaml, 'connector-identity-matches-several-tenants').map((f) => f.severity)).toEqual(['error']);
  });
});

describe('(3) one send connector towards several tenants', () => {
  const twoTenants = (sendConnectors: string) => `kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com]
  - Name: fabrikam.onmicrosoft.com
    AcceptedDomains: [fabrikam.com, fabrikam.mail.onmicrosoft.com]
organizations:
  - Name: Hoster
    AcceptedDomains: [contoso.com, fabrikam.com]
    Servers:
      - Name: EX01
        Role: Mailbox
        IPAddresses: [203.0.113.10]
    SendConnectors:
${sendConnectors}`;
  const sendConnector = (name: string, spaces: string, host: string) =>
    `      - Name: ${name}\n        AddressSpaces: [${spaces}]\n        SmartHosts: [${host}]\n        DNSRoutingEnabled: false\n        SourceTransportServers: [EX01]\n        Enabled: true\n`;

  it('error: one send connector delivers to two tenants', () => {
    const found = findingsOf(twoTenants(sendConnector('To Office 365', 'contoso.mail.onmicrosoft.com, fabrikam.mail.onmicrosoft.com', 'contoso-com.mail.protection.outlook.com')), RULE);
    const f = found.find((x) => x.subjects[0]!.type === 'SendConnector')!;
    expect(f.severity).toBe('error');
    expect(f.subjects[0]).toEqual({ type: 'SendConnector', name: 'To Office 365', organization: 'Hoster' });
    expect(f.message).toContain('contoso.onmicrosoft.com');
    expect(f.message).toContain('fabrikam.onmicrosoft.com');
    expect(f.message).toContain(QUOTE);
  });

  it('silent with one send connector per tenant', () => {
    const yaml = twoTenants(
      sendConnector('To Contoso', 'contoso.mail.onmicrosoft.com', 'contoso-com.mail.protection.outlook.com') + sendConnector('To Fabrikam', 'fabrikam.mail.onmicrosoft.com', 'fabrikam-com.mail.protection.outlook.com'),
    );
    expect(findingsOf(yaml, RULE).filter((f) => f.subjects[0]!.type === 'SendConnector')).toEqual([]);
  });
});
