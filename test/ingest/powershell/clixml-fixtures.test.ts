import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectClixml, readClixml } from '../../../src/ingest/powershell/read-clixml.js';
import { decodeText } from '../../../src/ingest/text-decoding.js';
import { fixture, positionOf } from '../fixture-positions.js';

/** Reads a fixture the way the caller does: bytes, then decoded text. */
function load(name: string): { text: string; file: string } {
  const file = fixture('powershell', 'clixml', name);
  return { text: decodeText(readFileSync(file)), file };
}

/** Provenance of the top-level object with that RefId, found in the fixture's own text. */
function at(text: string, file: string, refId: number) {
  return { file, ...positionOf(text, `<Obj RefId="${refId}">`) };
}

const SEND_TYPES = [
  'Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig',
  'Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.SendConnector',
  'Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.MailGateway',
  'Deserialized.Microsoft.Exchange.Data.Directory.ADLegacyVersionableObject',
  'Deserialized.Microsoft.Exchange.Data.Directory.ADConfigurationObject',
  'Deserialized.Microsoft.Exchange.Data.Directory.ADObject',
  'Deserialized.Microsoft.Exchange.Data.ConfigurableObject',
  'Deserialized.System.Object',
];

const REMOTE_EMS = { PSComputerName: 'ex01.contoso.com', RunspaceId: 'c3d1e8a4-7b52-4f0e-9c61-2a8d5b4f0e33', PSShowComputerName: false };

const HYBRID_SEND = {
  AddressSpaces: ['smtp:contoso.mail.onmicrosoft.com;1'],
  AuthenticationCredential: null,
  CloudServicesMailEnabled: true,
  Comment: null,
  ConnectionInactivityTimeOut: '00:10:00',
  DNSRoutingEnabled: true,
  DomainSecureEnabled: false,
  Enabled: true,
  Fqdn: 'mail.contoso.com',
  FrontendProxyEnabled: false,
  IgnoreSTARTTLS: false,
  MaxMessageSize: '35 MB (36,700,160 bytes)',
  Name: 'Outbound to Office 365 - 5f1c2b7e-9d0a-4c3e-8b21-6a4e0d9f3c17',
  Port: 25,
  ProtocolLoggingLevel: 'None',
  RequireOorg: false,
  RequireTLS: true,
  SmartHosts: [],
  SourceTransportServers: ['EX01', 'EX02'],
  TlsAuthLevel: 'DomainValidation',
  TlsCertificateName: '<I>CN=Contoso Issuing CA 01, DC=contoso, DC=com<S>CN=mail.contoso.com, O=Contoso Ltd, L=Redmond, S=WA, C=US',
  TlsDomain: 'mail.protection.outlook.com',
  Identity: 'Outbound to Office 365 - 5f1c2b7e-9d0a-4c3e-8b21-6a4e0d9f3c17',
  Guid: '0b6f3a52-1c4d-4e8f-9a27-3d5c6e7f8a90',
  WhenChanged: '2024-11-05T14:22:31-08:00',
  WhenChangedUTC: '2024-11-05T22:22:31Z',
  ExchangeVersion: '0.1 (8.0.535.0)',
  ...REMOTE_EMS,
};

describe('readClixml: Get-SendConnector from a remote Exchange Management Shell', () => {
  const { text, file } = load('get-sendconnector.xml');
  const read = readClixml(text, file);

  it('is recognised, and reads both connectors with no diagnostic', () => {
    expect(detectClixml(text)).toBe(true);
    expect(read.diagnostics).toEqual([]);
    expect(read.skipped).toBe(0);
    expect(read.records).toHaveLength(2);
  });

  it('keeps the pre-stringified values of the hybrid connector as they are', () => {
    expect(read.records[0]).toEqual({ properties: HYBRID_SEND, typeNames: SEND_TYPES, shape: 'clixml', provenance: at(text, file, 0) });
  });

  it('resolves <TNRef> for the second connector and its lists, decodes CRLF and reads Nil as null', () => {
    expect(read.records[1]).toEqual({
      properties: {
        AddressSpaces: ['SMTP:*;1', 'SMTP:fabrikam.com;10'],
        AuthenticationCredential: null,
        CloudServicesMailEnabled: false,
        Comment: 'Relay for outbound Internet mail.\r\nChange CHG0042 - ask the messaging team first.',
        ConnectionInactivityTimeOut: '00:10:00',
        DNSRoutingEnabled: false,
        DomainSecureEnabled: false,
        Enabled: true,
        Fqdn: null,
        FrontendProxyEnabled: false,
        IgnoreSTARTTLS: false,
        MaxMessageSize: 'Unlimited',
        Name: 'Internet via relay',
        Port: 587,
        ProtocolLoggingLevel: 'Verbose',
        RequireOorg: false,
        RequireTLS: false,
        SmartHosts: ['relay1.contoso.net', '[192.0.2.10]'],
        SourceTransportServers: ['EX02'],
        TlsAuthLevel: null,
        TlsCertificateName: null,
        TlsDomain: null,
        Identity: 'Internet via relay',
        Guid: '6e2d9c14-8f3b-4a7d-b0c5-1f9e8d7c6b5a',
        WhenChanged: '2023-06-19T09:05:47-07:00',
        WhenChangedUTC: '2023-06-19T16:05:47Z',
        ExchangeVersion: '0.1 (8.0.535.0)',
        ...REMOTE_EMS,
      },
      typeNames: SEND_TYPES,
      shape: 'clixml',
      provenance: at(text, file, 4),
    });
  });
});

describe('readClixml: Get-InboundConnector from Exchange Online, UTF-16LE with BOM', () => {
  const file = fixture('powershell', 'clixml', 'get-inboundconnector-utf16.xml');
  const bytes = readFileSync(file);
  const text = decodeText(bytes);
  const read = readClixml(text, file);
  const types = [
    'Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantInboundConnector',
    'Deserialized.Microsoft.Exchange.Data.Directory.ADConfigurationObject',
    'Deserialized.Microsoft.Exchange.Data.Directory.ADObject',
    'Deserialized.Microsoft.Exchange.Data.ConfigurableObject',
    'Deserialized.System.Object',
  ];
  const exo = { PSComputerName: 'outlook.office365.com', RunspaceId: '9a0b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', PSShowComputerName: false };

  it('is the file as Export-Clixml writes it, and detection tolerates the BOM left in the text', () => {
    expect([...bytes.subarray(0, 4)]).toEqual([0xff, 0xfe, 0x3c, 0x00]);
    expect(detectClixml(text)).toBe(true);
    expect(detectClixml(`\uFEFF${text}`)).toBe(true);
    expect(read.diagnostics).toEqual([]);
    expect(read.skipped).toBe(0);
  });

  it('reads both connectors: sender IP lists, certificate name, Nil, escapes', () => {
    expect(read.records).toEqual([
      {
        properties: {
          Enabled: true,
          ConnectorType: 'OnPremises',
          ConnectorSource: 'HybridWizard',
          Comment: null,
          SenderIPAddresses: [],
          SenderDomains: ['smtp:*;1'],
          RequireTls: true,
          RestrictDomainsToIPAddresses: false,
          RestrictDomainsToCertificate: false,
          CloudServicesMailEnabled: true,
          TreatMessagesAsInternal: false,
          TlsSenderCertificateName: 'mail.contoso.com',
          EFSkipLastIP: false,
          Identity: 'Inbound from 2c8e4b1a-6f3d-4e92-a7b0-9d1c5e8f2a64',
          Name: 'Inbound from 2c8e4b1a-6f3d-4e92-a7b0-9d1c5e8f2a64',
          WhenChangedUTC: '2025-07-23T22:55:13Z',
          Guid: '4d7a1e90-3b6c-4f28-8e15-c2a9b0d6f371',
          ...exo,
        },
        typeNames: types,
        shape: 'clixml',
        provenance: at(text, file, 0),
      },
      {
        properties: {
          Enabled: false,
          ConnectorType: 'Partner',
          ConnectorSource: 'AdminUI',
          Comment: 'Fabrikam scanning service\r\nIPs from their portal, 2025-05',
          SenderIPAddresses: ['203.0.113.25', '198.51.100.0/24', '192.0.2.1-192.0.2.14'],
          SenderDomains: ['smtp:fabrikam.com;1', 'smtp:*.fabrikam.net;1'],
          RequireTls: false,
          RestrictDomainsToIPAddresses: true,
          RestrictDomainsToCertificate: false,
          CloudServicesMailEnabled: false,
          TreatMessagesAsInternal: false,
          TlsSenderCertificateName: null,
          EFSkipLastIP: false,
          Identity: 'Partner relay - Fabrikam',
          Name: 'Partner relay - Fabrikam',
          WhenChangedUTC: '2025-05-02T08:41:09Z',
          Guid: 'e8c4a2f0-6b1d-4937-a5e2-7f0c3d9b1a85',
          ...exo,
        },
        typeNames: types,
        shape: 'clixml',
        provenance: at(text, file, 3),
      },
    ]);
  });
});

describe('readClixml: Get-ExchangeCertificate exported from the Exchange snap-in (live objects)', () => {
  const { text, file } = load('get-exchangecertificate.xml');
  const read = readClixml(text, file);
  const types = [
    'Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate',
    'System.Security.Cryptography.X509Certificates.X509Certificate2',
    'System.Security.Cryptography.X509Certificates.X509Certificate',
    'System.Object',
  ];

  it('reads enums by name, ToString-only domains, dates and SERVER\\THUMBPRINT identities', () => {
    expect(read.diagnostics).toEqual([]);
    expect(read.skipped).toBe(0);
    expect(read.records).toEqual([
      {
        properties: {
          CertificateDomains: ['mail.contoso.com', 'autodiscover.contoso.com'],
          HasPrivateKey: true,
          IsSelfSigned: false,
          RootCAType: 'Enterprise',
          Services: 'IIS, SMTP',
          Status: 'Valid',
          Identity: 'EX01.contoso.com\\7A1B2C3D4E5F60718293A4B5C6D7E8F901234567',
          FriendlyName: 'Contoso SMTP 2025',
          Issuer: 'CN=Contoso Issuing CA 01, DC=contoso, DC=com',
          NotAfter: '2026-03-01T07:59:59-08:00',
          NotBefore: '2025-03-01T08:00:00-08:00',
          SerialNumber: '3A00000012B4C5D6E7F8A9B0C1000000000012',
          Subject: 'CN=mail.contoso.com, O=Contoso Ltd, L=Redmond, S=WA, C=US',
          Thumbprint: '7A1B2C3D4E5F60718293A4B5C6D7E8F901234567',
          Version: 3,
        },
        typeNames: types,
        shape: 'clixml',
        provenance: at(text, file, 0),
      },
      {
        properties: {
          CertificateDomains: [],
          HasPrivateKey: true,
          IsSelfSigned: true,
          RootCAType: 'Registry',
          Services: 'SMTP',
          Status: 'Valid',
          Identity: 'EX01.contoso.com\\0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C',
          FriendlyName: 'Microsoft Exchange Server Auth Certificate',
          Issuer: 'CN=Microsoft Exchange Server Auth Certificate',
          NotAfter: '2028-09-14T11:12:40-07:00',
          NotBefore: '2023-10-10T11:12:40-07:00',
          SerialNumber: '5C2A90F1B7E3D4A84E6F0C1D2B3A4958',
          Subject: 'CN=Microsoft Exchange Server Auth Certificate',
          Thumbprint: '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C',
          Version: 3,
        },
        typeNames: types,
        shape: 'clixml',
        provenance: at(text, file, 7),
      },
    ]);
  });
});

describe('readClixml: Get-SendConnector exported from the Exchange snap-in (live objects)', () => {
  const { text, file } = load('get-sendconnector-snapin.xml');
  const read = readClixml(text, file);

  it('resolves <Ref> to the earlier object and keeps nested objects, enums and timespans', () => {
    const identity = {
      DistinguishedName:
        'CN=Internet,CN=Connections,CN=Exchange Routing Group (DWBGZMFD01QNBJR),CN=Routing Groups,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com',
      Depth: 13,
      IsDeleted: false,
      Name: 'Internet',
      ObjectGuid: 'a3f5c7e9-1b2d-4f6a-8c0e-2d4f6a8c0e1b',
      DomainId: 'contoso.com',
    };
    expect(read.diagnostics).toEqual([]);
    expect(read.skipped).toBe(0);
    expect(read.records).toEqual([
      {
        properties: {
          Identity: identity,
          Id: identity,
          AddressSpaces: [{ Type: 'smtp', Address: '*', Cost: 1, IsLocal: false }],
          SmartHosts: [{ Domain: 'smtp.relay.example.net', Address: null, IsIPAddress: false }],
          ProtocolLoggingLevel: 'Verbose',
          SourceTransportServers: ['EX01'],
          DNSRoutingEnabled: false,
          TlsAuthLevel: null,
          Port: 25,
          ConnectionInactivityTimeOut: '00:10:00',
          Enabled: true,
          Name: 'Internet',
        },
        typeNames: SEND_TYPES.map((t) => t.replace(/^Deserialized\./, '')),
        shape: 'clixml',
        provenance: at(text, file, 0),
      },
    ]);
  });
});

describe('readClixml: an export cut off in the middle of an object', () => {
  const { text, file } = load('get-sendconnector-truncated.xml');
  const read = readClixml(text, file);

  it('keeps the object read before the break and reports where the file ends', () => {
    expect(read.records).toEqual([{ properties: HYBRID_SEND, typeNames: SEND_TYPES, shape: 'clixml', provenance: at(text, file, 0) }]);
    expect(read.skipped).toBe(1);
    const lines = text.split('\n');
    expect(read.diagnostics).toEqual([
      {
        severity: 'error',
        location: `${file}:${lines.length}:${lines[lines.length - 1]!.length + 1}`,
        message: 'malformed XML (unclosed tag: S); 1 object read before it, the rest not read',
      },
    ]);
  });
});
