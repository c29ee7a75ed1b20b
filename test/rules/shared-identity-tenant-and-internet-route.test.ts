import { describe, expect, it } from 'vitest';
import { commands, diagnose, exampleTopology, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'shared-identity-tenant-and-internet-route';
const CONNECTOR = { type: 'InboundConnector', name: 'From mail gateway', tenant: 'contoso.onmicrosoft.com' };
const INTERNET_ROUTE = { type: 'GatewayRoute', name: 'Internet', gateway: 'Contoso mail gateway' };

/** S3, certificate variant: the gateway presents gw.contoso.com (publicly trusted) on both routes. */
const SHARED_CERTIFICATE = fixtureTopology('gateway-centralized.yaml');

/** S3, IP variant: the same estate with the connector scoped by the gateway's source IP instead. */
const SHARED_IP = variant(SHARED_CERTIFICATE, 'TlsSenderCertificateName: gw.contoso.com', 'SenderIPAddresses: [198.51.100.10]');

/**
 * An IP-scoped hybrid estate without a gateway: the tenant's connector is scoped to the Edge
 * server's address; cloud mailboxes' internet mail goes on-premises (centralized mail flow) and
 * leaves through the "Internet" send connector, from EX01 (another address) or, in the variant,
 * from the Edge server itself.
 */
const ONPREM_IP = `
kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]
    InboundConnectors:
      - Name: Inbound from on-premises
        ConnectorType: OnPremises
        Enabled: true
        SenderIPAddresses: [203.0.113.60]
        CloudServicesMailEnabled: true
    OutboundConnectors:
      - Name: Outbound to on-premises
        ConnectorType: OnPremises
        Enabled: true
        RecipientDomains: [contoso.com]
        SmartHosts: [ex01.contoso.com]
        RouteAllMessagesViaOnPremises: true
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
      - Name: EDGE01
        Fqdn: edge01.contoso.com
        Role: Edge
        AdminDisplayVersion: Version 15.2 (Build 1748.10)
        IPAddresses: [203.0.113.60]
    SendConnectors:
      - Name: Outbound to Office 365
        AddressSpaces: ["smtp:contoso.mail.onmicrosoft.com;1"]
        SmartHosts: [contoso-com.mail.protection.outlook.com]
        DNSRoutingEnabled: false
        SourceTransportServers: [EDGE01]
        Enabled: true
      - Name: Internet
        AddressSpaces: ["smtp:*;1"]
        DNSRoutingEnabled: true
        SourceTransportServers: [EX01]
        Enabled: true
dns:
  MX:
    contoso.com: [contoso-com.mail.protection.outlook.com]
    fabrikam.com: [fabrikam-com.mail.protection.outlook.com]
flows:
  - From: alice@contoso.com
    To: carol@fabrikam.com
    Origin: contoso.onmicrosoft.com
`;

describe('shared-identity-tenant-and-internet-route', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  describe('certificate variant', () => {
    it('fires when the certificate matching the connector is also presented on the internet route', () => {
      const f = onlyFinding(SHARED_CERTIFICATE, RULE);
      expect(f.severity).toBe('error');
      expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([CONNECTOR, INTERNET_ROUTE]);
      // The lost mail is explained here, so flow-fails does not report it again.
      expect(f.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → carol@fabrikam.com' });
      expect(f.message).toContain('also presented on the internet route');
      expect(f.message).toContain('discarded without a non-delivery report');
      expect(f.evidence.some((e) => e.text.includes('route "Internet"') && e.text.includes('certificate gw.contoso.com (matches TlsSenderCertificateName gw.contoso.com)'))).toBe(true);
      expect(f.evidence.some((e) => e.source === 'simulation' && e.text.startsWith('alice@contoso.com → carol@fabrikam.com: dropped'))).toBe(true);
      // Seed 003's fix: a dedicated certificate on the internet route; the connector can stay.
      expect(f.fix[0]!.text).toContain('its own publicly trusted certificate whose names do not match gw.contoso.com');
      expect(commands(f)).toEqual([]);
      // The mail it describes is in fact lost in the simulation, and only mail to Exchange Online.
      const flows = diagnose(SHARED_CERTIFICATE).simulation.flows;
      expect(flows.map((x) => [x.to, x.outcome])).toEqual([
        ['carol@fabrikam.com', 'dropped'],
        ['dave@tailspintoys.com', 'delivered'],
      ]);
    });

    it('is silent when the internet route presents its own certificate (seed 003 fix)', () => {
      const fixed = variant(SHARED_CERTIFICATE, '      - Name: Internet\n', '      - Name: Internet\n        Certificate: 5555555555555555555555555555555555555555\n');
      expect(findingsOf(fixed, RULE)).toEqual([]);
      expect(diagnose(fixed).simulation.flows[0]!.outcome).toBe('delivered');
    });

    it('is silent when the shared certificate is self-signed: it matches no certificate-scoped connector (M3)', () => {
      const selfSigned = variant(SHARED_CERTIFICATE, 'Subject: CN=gw.contoso.com\n    IsSelfSigned: false', 'Subject: CN=gw.contoso.com\n    IsSelfSigned: true');
      expect(findingsOf(selfSigned, RULE)).toEqual([]);
    });

    it('fires on the shipped S3 example and is silent on its fixed version', () => {
      expect(onlyFinding(exampleTopology('s3-shared-certificate'), RULE).subjects.filter((s) => s.type !== 'Flow')).toEqual([CONNECTOR, INTERNET_ROUTE]);
      expect(findingsOf(exampleTopology('s3-shared-certificate-fixed'), RULE)).toEqual([]);
    });
  });

  describe('IP variant', () => {
    it('fires when the source IP in the connector is also the internet route\'s source IP', () => {
      const f = onlyFinding(SHARED_IP, RULE);
      expect(f.severity).toBe('error');
      expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([CONNECTOR, INTERNET_ROUTE]);
      expect(f.evidence.some((e) => e.text.includes('route "Internet"') && e.text.includes('source IP 198.51.100.10 (in SenderIPAddresses 198.51.100.10)'))).toBe(true);
      expect(f.evidence.some((e) => e.source === 'simulation' && e.text.startsWith('alice@contoso.com → carol@fabrikam.com: dropped'))).toBe(true);
      // No certificate is presented on the tenant route only: what to obtain is text, no placeholder command (issue 12).
      expect(commands(f)).toEqual([]);
      expect(f.fix.map((s) => s.text).join(' ')).toContain('Set-InboundConnector -SenderIPAddresses $null');
    });

    it('also flags a self-signed certificate in the fix (seed 003 used one)', () => {
      const f = onlyFinding(exampleTopology('s3-shared-ip'), RULE);
      expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([CONNECTOR, INTERNET_ROUTE]);
      expect(f.fix.some((s) => s.text.includes('self-signed'))).toBe(true);
    });

    it('fires for an on-premises internet send connector sending from the address the connector is scoped to', () => {
      const shared = variant(ONPREM_IP, 'DNSRoutingEnabled: true\n        SourceTransportServers: [EX01]', 'DNSRoutingEnabled: true\n        SourceTransportServers: [EDGE01]');
      const f = onlyFinding(shared, RULE);
      expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([{ type: 'InboundConnector', name: 'Inbound from on-premises', tenant: 'contoso.onmicrosoft.com' }, { type: 'SendConnector', name: 'Internet', organization: 'Contoso' }]);
      expect(f.evidence.some((e) => e.text.includes('send connector "Internet" on EDGE01 (Contoso)') && e.text.includes('source IP 203.0.113.60'))).toBe(true);
      expect(diagnose(shared).simulation.flows[0]!.outcome).toBe('dropped');
    });

    it('is silent when the internet route leaves from another address', () => {
      expect(findingsOf(ONPREM_IP, RULE)).toEqual([]);
      expect(diagnose(ONPREM_IP).simulation.flows[0]!.outcome).toBe('delivered');
    });
  });
});
