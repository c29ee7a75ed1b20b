import { describe, expect, it } from 'vitest';
import { evidenceFindings, headerMessage, hop } from './evidence-kit.js';
import { diagnose, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'third-party-gateway-in-hybrid-path';

/**
 * A hybrid estate where mail goes directly between Exchange (mail.contoso.com) and Exchange
 * Online; a filtering gateway exists with routes both ways, and the variants send hybrid mail
 * through it in one direction or the other.
 */
const HYBRID = `
kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]
    InboundConnectors:
      - Name: Inbound from on-premises
        ConnectorType: OnPremises
        Enabled: true
        TlsSenderCertificateName: mail.contoso.com
        CloudServicesMailEnabled: true
    OutboundConnectors:
      - Name: Outbound to on-premises
        ConnectorType: OnPremises
        Enabled: true
        RecipientDomains: [contoso.com]
        SmartHosts: [mail.contoso.com]
organizations:
  - Name: Contoso
    AcceptedDomains:
      - contoso.com
      - { DomainName: contoso.mail.onmicrosoft.com, DomainType: InternalRelay }
    Servers:
      - Name: EX01
        Fqdn: ex01.contoso.com
        Role: Mailbox
        AdminDisplayVersion: Version 15.2 (Build 1748.10)
        IPAddresses: [203.0.113.10]
        Certificates: [9999999999999999999999999999999999999999]
    SendConnectors:
      - Name: Outbound to Office 365
        AddressSpaces: ["smtp:contoso.mail.onmicrosoft.com;1"]
        SmartHosts: [contoso-com.mail.protection.outlook.com]
        DNSRoutingEnabled: false
        Fqdn: mail.contoso.com
        SourceTransportServers: [EX01]
        Enabled: true
gateways:
  - Name: Filter gateway
    Nodes:
      - Name: filter.contoso.com
        IPAddresses: [203.0.113.50]
    Routes:
      - Name: To Office 365
        AddressSpaces: [contoso.mail.onmicrosoft.com]
        SmartHosts: [contoso-com.mail.protection.outlook.com]
      - Name: To Exchange
        AddressSpaces: [contoso.com]
        SmartHosts: [ex01.contoso.com]
certificates:
  - Thumbprint: 9999999999999999999999999999999999999999
    Subject: CN=mail.contoso.com
    CertificateDomains: [mail.contoso.com]
    Issuer: CN=R11, O=Let's Encrypt, C=US
    NotBefore: 2026-09-01T00:00:00Z
    NotAfter: 2027-08-31T23:59:59Z
    IsSelfSigned: false
    HasPrivateKey: true
    Services: SMTP
dns:
  MX:
    contoso.com: [contoso-com.mail.protection.outlook.com]
  A:
    mail.contoso.com: [203.0.113.10]
    filter.contoso.com: [203.0.113.50]
flows:
  - From: alice@contoso.com
    To: bob@contoso.com
    Origin: Contoso
    Destination: contoso.onmicrosoft.com
  - From: bob@contoso.com
    To: alice@contoso.com
    Origin: contoso.onmicrosoft.com
    Destination: Contoso
`;

const ONPREM_TO_CLOUD_VIA_GATEWAY = variant(HYBRID, 'SmartHosts: [contoso-com.mail.protection.outlook.com]\n        DNSRoutingEnabled: false', 'SmartHosts: [filter.contoso.com]\n        DNSRoutingEnabled: false');
const CLOUD_TO_ONPREM_VIA_GATEWAY = variant(HYBRID, 'SmartHosts: [mail.contoso.com]', 'SmartHosts: [filter.contoso.com]');

describe('third-party-gateway-in-hybrid-path', () => {
  it('is a warning in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('warning');
  });

  it('fires when on-premises hybrid mail reaches Exchange Online through the gateway', () => {
    const d = diagnose(ONPREM_TO_CLOUD_VIA_GATEWAY);
    expect(d.simulation.flows[0]!.hops.map((h) => h.from)).toEqual(['Contoso/EX01', 'filter.contoso.com']);
    const f = onlyFinding(ONPREM_TO_CLOUD_VIA_GATEWAY, RULE);
    expect(f.severity).toBe('warning');
    expect(f.subjects).toEqual([{ type: 'Gateway', name: 'Filter gateway' }]);
    expect(f.message).toContain('Mail between Contoso and contoso.onmicrosoft.com passes gateway Filter gateway');
    expect(f.message).toContain('X-MS-Exchange-Organization-AuthAs: Anonymous');
    expect(f.evidence.map((e) => e.text)).toEqual(['alice@contoso.com → bob@contoso.com: Contoso/EX01 → filter.contoso.com → contoso-com.mail.protection.outlook.com']);
    expect(f.fix.some((s) => s.text.includes('Hybrid Configuration Wizard'))).toBe(true);
  });

  it('fires when Exchange Online delivers hybrid mail to on-premises through the gateway', () => {
    const d = diagnose(CLOUD_TO_ONPREM_VIA_GATEWAY);
    const toOnPrem = d.simulation.flows.find((x) => x.destination === 'Contoso')!;
    expect(toOnPrem.outcome).toBe('delivered');
    expect(toOnPrem.hops.map((h) => h.from)).toEqual(['Exchange Online (contoso.onmicrosoft.com)', 'filter.contoso.com']);
    const f = onlyFinding(CLOUD_TO_ONPREM_VIA_GATEWAY, RULE);
    expect(f.subjects).toEqual([{ type: 'Gateway', name: 'Filter gateway' }]);
    expect(f.evidence.map((e) => e.text)).toEqual(['bob@contoso.com → alice@contoso.com: Exchange Online (contoso.onmicrosoft.com) → filter.contoso.com → ex01.contoso.com']);
  });

  it('is silent when hybrid mail goes directly between Exchange and Exchange Online', () => {
    const d = diagnose(HYBRID);
    expect(d.simulation.flows.map((x) => x.outcome)).toEqual(['delivered', 'delivered']);
    expect(findingsOf(HYBRID, RULE)).toEqual([]);
  });

  it('is silent for a gateway that carries the internet mail of a tenant without an on-premises organization (S3)', () => {
    expect(findingsOf(exampleTopology('s3-shared-certificate-fixed'), RULE)).toEqual([]);
  });
});

describe('third-party-gateway-in-hybrid-path from message headers', () => {
  const onPrem = hop({ by: 'ex01.contoso.com', kind: 'exchange-on-premises' });
  const exo = hop({ by: 'AM4PEPF00027A6C.eurprd04.prod.outlook.com', kind: 'exchange-online' });
  const gateway = hop({ by: 'eu-smtp-inbound-1.mimecast.com', kind: 'gateway' });

  it('fires on a gateway hop between Exchange Online and on-premises Exchange, either way round', () => {
    for (const hops of [[exo, gateway, onPrem], [onPrem, gateway, exo]]) {
      const found = evidenceFindings(null, { messages: [headerMessage({ hops, crossedPremises: true, authAs: 'Anonymous' })] }, 'third-party-gateway-in-hybrid-path');
      expect(found).toHaveLength(1);
      expect(found[0]!.subjects).toEqual([{ type: 'Gateway', name: 'eu-smtp-inbound-1.mimecast.com' }]);
    }
  });

  it('stays silent on a gateway in front of Exchange Online only (internet inbound)', () => {
    const internet = hop({ by: 'mail.fabrikam.com', kind: 'other' });
    const found = evidenceFindings(null, { messages: [headerMessage({ hops: [internet, gateway, exo] })] }, 'third-party-gateway-in-hybrid-path');
    expect(found).toEqual([]);
  });
});
