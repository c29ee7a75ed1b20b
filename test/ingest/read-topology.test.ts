import { describe, expect, it } from 'vitest';
import { readTopology } from '../../src/ingest/topology/read-topology.js';
import { fixture, fixtureText, positionOf } from './fixture-positions.js';

function read(name: string) {
  const text = fixtureText('topology', name);
  return { text, result: readTopology(text, name, fixture('topology')) };
}

describe('readTopology: a valid YAML topology', () => {
  const { text, result } = read('contoso.yaml');
  const c = result.case;

  it('reads without errors and counts every object', () => {
    expect(result.fatal).toBeNull();
    expect(result.report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.report.kind).toBe('topology');
    // tenant 1 + accepted 2 + inbound 2 + outbound 2 + journal 1; organization 1 + accepted 2 + servers 2
    // + send 2 + receive 2 + remote 1; gateway 1 + node 1 + routes 2; certificates 3; DNS entries 3; flows 2
    expect(result.report.records).toBe(30);
    expect(result.report.skipped).toBe(0);
    expect(c.inputs[0]).toBe(result.report);
  });

  it('normalises the tenant and its accepted domains', () => {
    const t = c.tenants[0]!;
    expect(t.Name).toBe('contoso.onmicrosoft.com');
    expect(t.TenantId).toBe('0b5f0000-0000-4000-8000-000000000001');
    expect(t.AcceptedDomains.map((d) => [d.DomainName, d.DomainType])).toEqual([
      ['contoso.com', 'Authoritative'],
      ['contoso.mail.onmicrosoft.com', 'Authoritative'],
    ]);
    const p = positionOf(text, 'Name: contoso.onmicrosoft.com');
    expect(t.provenance).toEqual({ file: 'contoso.yaml', line: p.line, column: p.column });
  });

  it('reads inbound connectors with New-InboundConnector defaults and keeps unknown properties', () => {
    const [onPrem, partner] = c.tenants[0]!.InboundConnectors;
    expect(onPrem).toMatchObject({
      Name: 'Inbound from on-premises',
      ConnectorType: 'OnPremises',
      Enabled: true,
      TlsSenderCertificateName: 'smtp.contoso.com',
      SenderIPAddresses: ['203.0.113.10', '2001:db8::1'],
      SenderDomains: ['*'],
      RequireTls: true,
      RestrictDomainsToCertificate: false,
      RestrictDomainsToIPAddresses: false,
      CloudServicesMailEnabled: true,
      extra: { Comment: 'written by the migration team' },
    });
    expect(partner).toMatchObject({
      Name: 'Partner fabrikam',
      ConnectorType: 'Partner',
      Enabled: true,
      TlsSenderCertificateName: null,
      SenderIPAddresses: [],
      SenderDomains: [],
      RequireTls: false,
      CloudServicesMailEnabled: false,
      extra: {},
    });
    const p = positionOf(text, 'Name: Partner fabrikam');
    expect(partner!.provenance).toEqual({ file: 'contoso.yaml', line: p.line, column: p.column });
  });

  it('reads outbound connectors: lists from strings, MX only without smart hosts', () => {
    const [toOnPrem, viaMx] = c.tenants[0]!.OutboundConnectors;
    expect(toOnPrem).toMatchObject({
      ConnectorType: 'OnPremises',
      RecipientDomains: ['contoso.com', 'sub.contoso.com'],
      SmartHosts: ['smtp.contoso.com'],
      UseMXRecord: false,
      RouteAllMessagesViaOnPremises: true,
      TlsSettings: 'DomainValidation',
      TlsDomain: 'smtp.contoso.com',
      Enabled: true,
    });
    expect(viaMx).toMatchObject({ ConnectorType: 'Partner', SmartHosts: [], UseMXRecord: true, AllAcceptedDomains: false, IsTransportRuleScoped: false });
  });

  it('reads journal rules with defaults', () => {
    expect(c.tenants[0]!.JournalRules[0]).toMatchObject({
      Name: 'Journal everything',
      Scope: 'Global',
      Recipient: null,
      JournalEmailAddress: 'journal@archive.example',
      Enabled: true,
    });
  });

  it('reads the organization: domain types, servers, thumbprints, roles', () => {
    const o = c.organizations[0]!;
    expect(o.AcceptedDomains.map((d) => d.DomainType)).toEqual(['Authoritative', 'InternalRelay']);
    expect(o.Servers[0]).toMatchObject({
      Name: 'EX01',
      Fqdn: 'ex01.contoso.local',
      Role: 'Mailbox',
      AdminDisplayVersion: 'Version 15.2 (Build 1748.10)',
      IPAddresses: ['203.0.113.10'],
      Certificates: ['AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12'],
    });
    expect(o.Servers[1]!.Role).toBe('Hub');
  });

  it('reads send connectors: address spaces parsed, DNS routing only without smart hosts', () => {
    const [toEop, internet] = c.organizations[0]!.SendConnectors;
    expect(toEop).toMatchObject({
      AddressSpaces: [{ Type: 'SMTP', Domain: 'contoso.mail.onmicrosoft.com', Cost: 1, raw: 'smtp:contoso.mail.onmicrosoft.com;1' }],
      SmartHosts: ['contoso-com.mail.protection.outlook.com'],
      DNSRoutingEnabled: false,
      Fqdn: 'smtp.contoso.com',
      TlsCertificateName: "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=smtp.contoso.com",
      RequireTLS: true,
      SourceTransportServers: ['EX01'],
      Enabled: true,
      CloudServicesMailEnabled: false,
    });
    expect(internet).toMatchObject({ AddressSpaces: [{ Domain: '*', Cost: 1 }], SmartHosts: [], DNSRoutingEnabled: true, RequireTLS: false });
  });

  it('reads receive connectors and remote domains', () => {
    const [frontend, relay] = c.organizations[0]!.ReceiveConnectors;
    expect(frontend).toMatchObject({ Server: 'EX01', Enabled: true, RemoteIPRanges: ['0.0.0.0-255.255.255.255', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'] });
    expect(relay).toMatchObject({ Enabled: false, RemoteIPRanges: ['10.0.0.0/24', '10.1.0.1-10.1.0.9'] });
    expect(c.organizations[0]!.RemoteDomains[0]).toMatchObject({ Name: 'Default', DomainName: '*', TargetDeliveryDomain: null });
  });

  it('reads gateways: node and route certificates normalised, unnamed routes named by address space', () => {
    const g = c.gateways[0]!;
    expect(g.Nodes[0]).toMatchObject({ Name: 'mx01.contoso.com', IPAddresses: ['203.0.113.44'], Certificate: 'CD34CD34CD34CD34CD34CD34CD34CD34CD34CD34' });
    expect(g.Routes.map((r) => [r.Name, r.DNSRoutingEnabled, r.Certificate])).toEqual([
      ['contoso.mail.onmicrosoft.com', false, null],
      ['*', true, null],
    ]);
  });

  it('reads inline certificates and judges their trust from the properties', () => {
    const [le, selfSigned, enterprise] = c.certificates;
    expect(le).toMatchObject({
      Thumbprint: 'AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12',
      Subject: 'CN=smtp.contoso.com',
      commonName: 'smtp.contoso.com',
      names: ['smtp.contoso.com', 'mail.contoso.com'],
      NotBefore: '2026-01-01T00:00:00.000Z',
      NotAfter: '2026-12-31T23:59:59.000Z',
      HasPrivateKey: true,
      Services: 'IIS, SMTP',
      IsSelfSigned: null,
      File: null,
      trust: { publiclyTrusted: true },
    });
    expect(selfSigned!.trust.publiclyTrusted).toBe(false);
    expect(selfSigned!.trust.reason).toMatch(/self-signed/);
    expect(enterprise!.trust.publiclyTrusted).toBe(false);
    expect(enterprise!.trust.reason).toMatch(/RootCAType is Enterprise/);
  });

  it('lower-cases DNS keys and hosts, dropping an MX preference', () => {
    expect(c.dns.MX).toEqual({
      'contoso.com': ['contoso-com.mail.protection.outlook.com'],
      'fabrikam.com': ['fabrikam-com.mail.protection.outlook.com'],
    });
    expect(c.dns.A).toEqual({ 'mx01.contoso.com': ['203.0.113.44'] });
  });

  it('reads flows with lower-case outcomes', () => {
    expect(c.flows[0]).toMatchObject({
      From: 'alice@contoso.com',
      To: 'bob@fabrikam.com',
      Origin: 'Contoso',
      Destination: null,
      Expect: { Outcome: 'delivered', NotVia: ['contoso.onmicrosoft.com'], Via: [] },
    });
    expect(c.flows[1]).toMatchObject({ Origin: null, Destination: 'contoso.onmicrosoft.com', Expect: null });
  });

  it('produces plain data (structuredClone-able)', () => {
    expect(structuredClone(c.tenants)).toEqual(c.tenants);
  });
});

describe('readTopology: a ConvertTo-Json export', () => {
  const { text, result } = read('fabrikam.json');
  const c = result.case;

  it('parses JSON (tab-indented) through the same reader', () => {
    expect(result.fatal).toBeNull();
    expect(result.report.records).toBe(8);
    expect(result.report.diagnostics).toEqual([]);
  });

  it('accepts a single object where a list is expected, and SmtpDomain objects', () => {
    expect(c.tenants).toHaveLength(1);
    const t = c.tenants[0]!;
    expect(t.AcceptedDomains.map((d) => d.DomainName)).toEqual(['fabrikam.com', 'fabrikam.mail.onmicrosoft.com']);
    expect(t.InboundConnectors).toHaveLength(1);
    expect(t.InboundConnectors[0]).toMatchObject({
      Name: 'From gateway',
      ConnectorType: 'Partner',
      Enabled: false,
      SenderIPAddresses: ['198.51.100.0/24'],
      RestrictDomainsToIPAddresses: true,
      extra: { Identity: 'From gateway', WhenChanged: '/Date(1735689600000)/' },
    });
    const p = positionOf(text, '{', text.slice(0, text.indexOf('"InboundConnectors"')).split('{').length);
    expect(t.InboundConnectors[0]!.provenance).toEqual({ file: 'fabrikam.json', line: p.line, column: p.column });
  });

  it('reads address-space, smart-host and ADObjectId objects', () => {
    const s = c.organizations[0]!.SendConnectors[0]!;
    expect(s.AddressSpaces).toEqual([{ Type: 'SMTP', Domain: 'fabrikam.mail.onmicrosoft.com', Cost: 2, raw: 'SMTP:fabrikam.mail.onmicrosoft.com;2' }]);
    expect(s.SmartHosts).toEqual(['fabrikam-com.mail.protection.outlook.com']);
    expect(s.SourceTransportServers).toEqual(['FAB-EX01']);
    expect(s.DNSRoutingEnabled).toBe(false);
    expect(c.organizations[0]!.Servers[0]!.Role).toBe('Edge');
  });

  it('reads /Date(ms)/ dates and object CertificateDomains', () => {
    expect(c.certificates[0]).toMatchObject({
      NotBefore: '2025-01-01T00:00:00.000Z',
      NotAfter: '2025-12-31T23:59:59.000Z',
      names: ['mail.fabrikam.com'],
      commonName: 'mail.fabrikam.com',
      RootCAType: 'ThirdParty',
      Status: 'Valid',
      trust: { publiclyTrusted: true },
    });
  });
});
