import { expect } from 'vitest';
import { applyChange, CmdletError, type CmdletChangeResult } from '../../src/engine/cmdlet-change.js';
import {
  emptyCase,
  type AcceptedDomain,
  type Case,
  type InboundConnector,
  type JournalRule,
  type Organization,
  type OutboundConnector,
  type ReceiveConnector,
  type SendConnector,
  type Tenant,
} from '../../src/model/case.js';
import { parseAddressSpace } from '../../src/model/domains.js';

/** Small hand-built estates for the what-if change tests. */

const here = { file: 'test-case.yaml', line: 1 };

export function acceptedDomain(DomainName: string, DomainType: AcceptedDomain['DomainType'] = 'Authoritative'): AcceptedDomain {
  return { DomainName, DomainType, provenance: here };
}

export function inbound(Name: string, over: Partial<InboundConnector> = {}): InboundConnector {
  return {
    Name,
    ConnectorType: 'OnPremises',
    Enabled: true,
    TlsSenderCertificateName: 'smtp.contoso.com',
    SenderIPAddresses: [],
    SenderDomains: ['*'],
    RequireTls: true,
    RestrictDomainsToCertificate: false,
    RestrictDomainsToIPAddresses: false,
    CloudServicesMailEnabled: true,
    extra: {},
    provenance: here,
    ...over,
  };
}

export function outbound(Name: string, over: Partial<OutboundConnector> = {}): OutboundConnector {
  return {
    Name,
    ConnectorType: 'OnPremises',
    Enabled: true,
    RecipientDomains: ['contoso.com'],
    SmartHosts: ['smtp.contoso.com'],
    UseMXRecord: false,
    AllAcceptedDomains: false,
    RouteAllMessagesViaOnPremises: false,
    IsTransportRuleScoped: false,
    TlsSettings: 'DomainValidation',
    TlsDomain: 'smtp.contoso.com',
    CloudServicesMailEnabled: true,
    extra: {},
    provenance: here,
    ...over,
  };
}

export function journalRule(Name: string, over: Partial<JournalRule> = {}): JournalRule {
  return { Name, Scope: 'Global', Recipient: null, JournalEmailAddress: 'journal@archive.example', Enabled: true, extra: {}, provenance: here, ...over };
}

export function tenant(Name: string, over: Partial<Tenant> = {}): Tenant {
  return {
    Name,
    TenantId: null,
    AcceptedDomains: [],
    InboundConnectors: [],
    OutboundConnectors: [],
    JournalRules: [],
    extra: {},
    provenance: here,
    ...over,
  };
}

export function sendConnector(Name: string, over: Partial<SendConnector> = {}): SendConnector {
  return {
    Name,
    AddressSpaces: [parseAddressSpace('smtp:contoso.mail.onmicrosoft.com;1')!],
    SmartHosts: ['contoso-com.mail.protection.outlook.com'],
    DNSRoutingEnabled: false,
    Fqdn: 'smtp.contoso.com',
    TlsCertificateName: null,
    RequireTLS: true,
    TlsAuthLevel: null,
    TlsDomain: null,
    SourceTransportServers: ['EX01'],
    Enabled: true,
    CloudServicesMailEnabled: true,
    extra: {},
    provenance: here,
    ...over,
  };
}

export function receiveConnector(Name: string, Server: string, over: Partial<ReceiveConnector> = {}): ReceiveConnector {
  return {
    Name,
    Server,
    Fqdn: 'ex01.contoso.com',
    TlsCertificateName: null,
    RemoteIPRanges: ['0.0.0.0-255.255.255.255'],
    AuthMechanism: 'Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer',
    PermissionGroups: 'AnonymousUsers, ExchangeServers',
    TransportRole: 'FrontendTransport',
    Enabled: true,
    extra: {},
    provenance: here,
    ...over,
  };
}

export function organization(Name: string, over: Partial<Organization> = {}): Organization {
  return {
    Name,
    AcceptedDomains: [],
    Servers: [
      { Name: 'EX01', Fqdn: 'ex01.contoso.com', Role: 'Mailbox', AdminDisplayVersion: null, IPAddresses: ['203.0.113.10'], Certificates: [], extra: {}, provenance: here },
      { Name: 'EX02', Fqdn: 'ex02.contoso.com', Role: 'Mailbox', AdminDisplayVersion: null, IPAddresses: ['203.0.113.11'], Certificates: [], extra: {}, provenance: here },
      { Name: 'EDGE01', Fqdn: 'edge01.contoso.com', Role: 'Edge', AdminDisplayVersion: null, IPAddresses: ['203.0.113.20'], Certificates: [], extra: {}, provenance: here },
    ],
    SendConnectors: [],
    ReceiveConnectors: [],
    RemoteDomains: [],
    extra: {},
    provenance: here,
    ...over,
  };
}

/** One tenant and one organization in hybrid: the usual estate. */
export function hybridCase(): Case {
  const c = emptyCase();
  c.tenants.push(
    tenant('contoso.onmicrosoft.com', {
      TenantId: '0b5f0000-0000-4000-8000-000000000001',
      AcceptedDomains: [acceptedDomain('contoso.com', 'InternalRelay'), acceptedDomain('contoso.mail.onmicrosoft.com')],
      InboundConnectors: [inbound('Inbound from on-prem'), inbound('Partner fabrikam', { ConnectorType: 'Partner', TlsSenderCertificateName: null, SenderDomains: ['fabrikam.com'], CloudServicesMailEnabled: false })],
      OutboundConnectors: [outbound('Outbound to on-prem')],
      JournalRules: [journalRule('Journal all')],
    }),
  );
  c.organizations.push(
    organization('Contoso', {
      AcceptedDomains: [acceptedDomain('contoso.com'), acceptedDomain('contoso.mail.onmicrosoft.com', 'InternalRelay')],
      SendConnectors: [
        sendConnector('Outbound to Office 365'),
        sendConnector('Internet', { AddressSpaces: [parseAddressSpace('SMTP:*;1')!], SmartHosts: [], DNSRoutingEnabled: true, Fqdn: null, RequireTLS: false, CloudServicesMailEnabled: false }),
      ],
      ReceiveConnectors: [receiveConnector('Default Frontend EX01', 'EX01'), receiveConnector('Default Frontend EX02', 'EX02', { Fqdn: 'ex02.contoso.com' })],
    }),
  );
  return c;
}

/** Two tenants that both have a connector named "Inbound from on-prem" (a service provider's estate). */
export function twoTenantCase(): Case {
  const c = hybridCase();
  c.tenants.push(
    tenant('fabrikam.onmicrosoft.com', {
      AcceptedDomains: [acceptedDomain('fabrikam.com')],
      InboundConnectors: [inbound('Inbound from on-prem', { TlsSenderCertificateName: 'smtp.fabrikam.com' })],
    }),
  );
  c.organizations.push(organization('Fabrikam', { SendConnectors: [sendConnector('Outbound to Office 365')] }));
  return c;
}

/** Paths (`tenants[0].InboundConnectors[0].Enabled`) where two plain-data values differ. */
export function changedPaths(a: unknown, b: unknown, path = ''): string[] {
  if (Object.is(a, b)) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return [path];
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
  return keys.flatMap((k) => changedPaths(ra[k], rb[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
}

/** Applies a change and checks the input case was left exactly as it was. */
export function applyKeepingInput(c: Case, text: string): CmdletChangeResult {
  const before = structuredClone(c);
  const result = applyChange(c, text);
  expect(c).toEqual(before);
  expect(result.case).not.toBe(c);
  return result;
}

/** The CmdletError a change throws; the input case must be untouched by the attempt. */
export function changeError(c: Case, text: string): CmdletError {
  const before = structuredClone(c);
  try {
    applyChange(c, text);
  } catch (e) {
    expect(e).toBeInstanceOf(CmdletError);
    expect(c).toEqual(before);
    return e as CmdletError;
  }
  throw new Error(`expected the change to fail: ${text}`);
}
