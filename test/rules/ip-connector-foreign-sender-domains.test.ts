import { describe, expect, it } from 'vitest';
import { commands, diagnose, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'ip-connector-foreign-sender-domains';
const IP_CONNECTOR = { type: 'InboundConnector', name: 'On-premises relay (IP)', tenant: 'contoso.onmicrosoft.com' };

/**
 * Contoso's on-premises organization relays all outbound mail through Exchange Online; the
 * tenant's connector is scoped by the server's IP. The organization also hosts litware.com, which
 * is not an accepted domain of the tenant.
 */
function estate(from: string, to: string): string {
  return `
kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]
    InboundConnectors:
      - Name: On-premises relay (IP)
        ConnectorType: OnPremises
        Enabled: true
        SenderIPAddresses: [203.0.113.10]
        CloudServicesMailEnabled: true
organizations:
  - Name: Contoso
    AcceptedDomains:
      - contoso.com
      - litware.com
      - { DomainName: contoso.mail.onmicrosoft.com, DomainType: InternalRelay }
    Servers:
      - Name: EX01
        Fqdn: ex01.corp.contoso.com
        Role: Mailbox
        AdminDisplayVersion: Version 15.2 (Build 1748.10)
        IPAddresses: [203.0.113.10]
    SendConnectors:
      - Name: Outbound via Office 365
        AddressSpaces: ["smtp:*;1"]
        SmartHosts: [contoso-com.mail.protection.outlook.com]
        DNSRoutingEnabled: false
        SourceTransportServers: [EX01]
        Enabled: true
dns:
  MX:
    contoso.com: [contoso-com.mail.protection.outlook.com]
    litware.com: [ex01.corp.contoso.com]
    northwind.com: [northwind-com.mail.protection.outlook.com]
    tailspintoys.com: [mail.tailspintoys.com]
flows:
  - From: ${from}
    To: ${to}
    Origin: Contoso
`;
}

describe('ip-connector-foreign-sender-domains', () => {
  it('is a warning in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('warning');
  });

  it('fires when mail from a domain the tenant does not accept is sent to be relayed through the IP-scoped connector', () => {
    const yaml = estate('alice@litware.com', 'dave@tailspintoys.com');
    const f = onlyFinding(yaml, RULE);
    expect(f.severity).toBe('warning');
    expect(f.subjects.filter((s) => s.type !== 'Flow')).toEqual([IP_CONNECTOR]);
    expect(f.message).toContain('scoped by IP (203.0.113.10)');
    expect(f.message).toContain('mail from litware.com');
    expect(f.message).toContain('550 5.7.64');
    expect(commands(f)).toEqual([]);
    expect(f.fix.map((s) => s.where)).toContain('certificate authority');
    expect(f.evidence.some((e) => e.text === 'alice@litware.com → dave@tailspintoys.com (rejected: 550 5.7.64 TenantAttribution; Relay Access Denied)')).toBe(true);
  });

  it('is silent for mail from an accepted domain of the tenant', () => {
    const yaml = estate('alice@contoso.com', 'dave@tailspintoys.com');
    expect(findingsOf(yaml, RULE)).toEqual([]);
    expect(diagnose(yaml).simulation.flows[0]!.outcome).toBe('delivered');
  });

  it('is silent for mail to a recipient in another Exchange Online tenant: that is not relay', () => {
    const yaml = estate('alice@litware.com', 'erin@northwind.com');
    expect(diagnose(yaml).simulation.flows[0]!.outcome).toBe('delivered');
    expect(findingsOf(yaml, RULE)).toEqual([]);
  });

  it('is silent when the connector is scoped by certificate as well', () => {
    const yaml = variant(estate('alice@litware.com', 'dave@tailspintoys.com'), 'SenderIPAddresses: [203.0.113.10]', 'SenderIPAddresses: [203.0.113.10]\n        TlsSenderCertificateName: smtp.contoso.com');
    expect(findingsOf(yaml, RULE)).toEqual([]);
  });

  it('is silent when the connector is disabled', () => {
    const yaml = variant(estate('alice@litware.com', 'dave@tailspintoys.com'), '        Enabled: true\n        SenderIPAddresses', '        Enabled: false\n        SenderIPAddresses');
    expect(findingsOf(yaml, RULE)).toEqual([]);
  });
});
