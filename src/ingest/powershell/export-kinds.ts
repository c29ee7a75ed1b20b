import type { PsRecord } from './ps-record.js';

/**
 * Which Get-* cmdlet produced an object, from its type name when the export kept one (CSV
 * `#TYPE`, CLIXML `<TN>`) and otherwise from its property set: every kind has properties no other
 * kind here carries (FORMATS.md 4.1). Accepted and remote domains exist on both sides; which side
 * is decided by placement.
 */
export type ExportKind =
  | 'InboundConnector'
  | 'OutboundConnector'
  | 'AcceptedDomain'
  | 'RemoteDomain'
  | 'JournalRule'
  | 'OrganizationConfig'
  | 'SendConnector'
  | 'ReceiveConnector'
  | 'ExchangeCertificate'
  | 'ExchangeServer'
  | 'TransportService'
  | 'HybridConfiguration'
  | 'Recipient'
  | 'BlockedConnector'
  | 'OnPremServerReportInfo';

export interface ExportKindInfo {
  /** The cmdlet, for messages and for the command to export properly. */
  cmdlet: string;
  /** Where the objects live: a tenant (Exchange Online), an organization (on premises), either, or a server. */
  side: 'tenant' | 'organization' | 'either' | 'server';
  /** File name suggested in the export command. */
  file: string;
  /** Type-name endings (after any `Deserialized.` prefix and namespace). */
  types: string[];
  /** All of these properties… */
  all: string[];
  /** …and at least one of these. */
  any: string[];
  /** Properties the case uses: losing one of them is reported. */
  used: string[];
}

export const EXPORT_KINDS: Record<ExportKind, ExportKindInfo> = {
  InboundConnector: {
    cmdlet: 'Get-InboundConnector',
    side: 'tenant',
    file: 'inbound.json',
    types: ['TenantInboundConnector'],
    all: ['SenderIPAddresses', 'SenderDomains'],
    any: ['TlsSenderCertificateName', 'RestrictDomainsToCertificate', 'RestrictDomainsToIPAddresses'],
    used: ['ConnectorType', 'Enabled', 'TlsSenderCertificateName', 'SenderIPAddresses', 'SenderDomains', 'RequireTls', 'RestrictDomainsToCertificate', 'RestrictDomainsToIPAddresses', 'CloudServicesMailEnabled', 'EFSkipLastIP', 'EFSkipIPs', 'EFUsers', 'AssociatedAcceptedDomains', 'TrustedOrganizations'],
  },
  OutboundConnector: {
    cmdlet: 'Get-OutboundConnector',
    side: 'tenant',
    file: 'outbound.json',
    types: ['TenantOutboundConnector'],
    all: ['RecipientDomains', 'SmartHosts'],
    any: ['UseMXRecord', 'TlsSettings', 'RouteAllMessagesViaOnPremises', 'IsTransportRuleScoped'],
    used: ['ConnectorType', 'Enabled', 'RecipientDomains', 'SmartHosts', 'UseMXRecord', 'AllAcceptedDomains', 'RouteAllMessagesViaOnPremises', 'IsTransportRuleScoped', 'TlsSettings', 'TlsDomain', 'CloudServicesMailEnabled'],
  },
  AcceptedDomain: {
    cmdlet: 'Get-AcceptedDomain',
    side: 'either',
    file: 'accepted-domains.json',
    types: ['AcceptedDomain'],
    all: ['DomainName', 'DomainType'],
    any: [],
    used: ['DomainName', 'DomainType'],
  },
  RemoteDomain: {
    cmdlet: 'Get-RemoteDomain',
    side: 'either',
    file: 'remote-domains.json',
    types: ['DomainContentConfig', 'RemoteDomain'],
    all: ['DomainName'],
    any: ['AllowedOOFType', 'TrustedMailOutboundEnabled', 'TrustedMailInboundEnabled', 'AutoForwardEnabled', 'TargetDeliveryDomain'],
    used: ['DomainName', 'TargetDeliveryDomain', 'TrustedMailInboundEnabled', 'TrustedMailOutboundEnabled', 'AllowedOOFType', 'IsInternal'],
  },
  JournalRule: {
    cmdlet: 'Get-JournalRule',
    side: 'either',
    file: 'journal-rules.json',
    types: ['JournalRuleObject', 'JournalRule'],
    all: ['JournalEmailAddress'],
    any: ['Scope', 'Recipient'],
    used: ['Scope', 'Recipient', 'JournalEmailAddress', 'Enabled'],
  },
  OrganizationConfig: {
    cmdlet: 'Get-OrganizationConfig',
    side: 'either',
    file: 'organization-config.json',
    types: ['OrganizationConfig'],
    all: [],
    any: ['OAuth2ClientProfileEnabled', 'MailTipsAllTipsEnabled', 'DefaultPublicFolderMailbox', 'IsDehydrated', 'PublicFoldersEnabled'],
    used: ['RejectDirectSend'],
  },
  SendConnector: {
    cmdlet: 'Get-SendConnector',
    side: 'organization',
    file: 'send-connectors.json',
    types: ['SmtpSendConnectorConfig'],
    all: ['AddressSpaces'],
    any: ['DNSRoutingEnabled', 'SourceTransportServers'],
    used: ['AddressSpaces', 'SmartHosts', 'DNSRoutingEnabled', 'Fqdn', 'TlsCertificateName', 'RequireTLS', 'TlsAuthLevel', 'TlsDomain', 'SourceTransportServers', 'Enabled', 'CloudServicesMailEnabled'],
  },
  ReceiveConnector: {
    cmdlet: 'Get-ReceiveConnector',
    side: 'organization',
    file: 'receive-connectors.json',
    types: ['ReceiveConnector'],
    all: ['Bindings', 'RemoteIPRanges'],
    any: [],
    used: ['Fqdn', 'TlsCertificateName', 'RemoteIPRanges', 'AuthMechanism', 'PermissionGroups', 'TransportRole', 'Enabled'],
  },
  ExchangeCertificate: {
    cmdlet: 'Get-ExchangeCertificate',
    side: 'server',
    file: 'certificates.json',
    types: ['ExchangeCertificate'],
    all: ['Thumbprint'],
    any: ['CertificateDomains', 'Services', 'NotAfter'],
    used: ['Subject', 'Issuer', 'CertificateDomains', 'NotBefore', 'NotAfter', 'IsSelfSigned', 'HasPrivateKey', 'Services', 'RootCAType', 'Status'],
  },
  ExchangeServer: {
    cmdlet: 'Get-ExchangeServer',
    side: 'organization',
    file: 'servers.json',
    types: ['ExchangeServer'],
    all: ['AdminDisplayVersion'],
    any: ['ServerRole', 'IsEdgeServer', 'IsHubTransportServer'],
    used: ['Fqdn', 'ServerRole', 'AdminDisplayVersion'],
  },
  TransportService: {
    cmdlet: 'Get-TransportService',
    side: 'organization',
    file: 'transport-services.json',
    types: ['TransportServer', 'TransportService'],
    all: [],
    any: ['ReceiveProtocolLogPath', 'MessageTrackingLogPath', 'SendProtocolLogPath'],
    used: [],
  },
  HybridConfiguration: {
    cmdlet: 'Get-HybridConfiguration',
    side: 'organization',
    file: 'hybrid-configuration.json',
    types: ['HybridConfiguration'],
    all: ['Features'],
    any: ['OnPremisesSmartHost', 'ReceivingTransportServers', 'SendingTransportServers'],
    used: ['Domains', 'Features', 'OnPremisesSmartHost', 'ReceivingTransportServers', 'SendingTransportServers', 'EdgeTransportServers', 'TlsCertificateName'],
  },
  // EXO-SEMANTICS M11: the directory. Get-Recipient covers every type; Get-Mailbox, Get-MailUser,
  // Get-MailContact, Get-RemoteMailbox and the group cmdlets give the same three properties.
  Recipient: {
    cmdlet: 'Get-Recipient',
    side: 'either',
    file: 'recipients.json',
    types: ['ReducedRecipient', 'Mailbox', 'MailUser', 'MailContact', 'RemoteMailbox', 'DistributionGroup', 'DynamicDistributionGroup', 'MailPublicFolder'],
    all: ['PrimarySmtpAddress'],
    any: ['EmailAddresses', 'RecipientTypeDetails'],
    used: ['PrimarySmtpAddress', 'EmailAddresses', 'RecipientTypeDetails'],
  },
  // EXO-SEMANTICS M12 [GBC]: inbound connectors blocked as potentially compromised. ConnectorId is
  // documented (the GUID Remove-BlockedConnector takes); the other names are from third-party scripts.
  BlockedConnector: {
    cmdlet: 'Get-BlockedConnector',
    side: 'tenant',
    file: 'blocked-connectors.json',
    types: ['BlockedConnector'],
    all: ['ConnectorId'],
    any: ['ConnectorName', 'Reason', 'CreatedTime', 'ExpirationTime'],
    used: ['ConnectorId', 'ConnectorName', 'Reason', 'ExpirationTime'],
  },
  // EXO-SEMANTICS M12 [A6N]: on-premises servers Exchange Online found out of date, with the stage dates.
  OnPremServerReportInfo: {
    cmdlet: 'Get-OnPremServerReportInfo',
    side: 'tenant',
    file: 'onprem-server-report.json',
    types: ['OnPremServerReportInfo'],
    all: ['ServerFQDN'],
    any: ['FirstDetectedDate', 'ThrottleEnabledDate', 'BlockingEnabledDate', 'RecommendedBuildVersions'],
    used: ['ServerFQDN', 'Build', 'FirstDetectedDate', 'ThrottleEnabledDate', 'BlockingEnabledDate'],
  },
};

/** Kinds in the order their property tests are tried: the most specific sets first. */
const ORDER: ExportKind[] = [
  'InboundConnector',
  'OutboundConnector',
  'SendConnector',
  'ReceiveConnector',
  'ExchangeCertificate',
  'HybridConfiguration',
  'Recipient',
  'BlockedConnector',
  'OnPremServerReportInfo',
  'ExchangeServer',
  'JournalRule',
  'AcceptedDomain',
  'RemoteDomain',
  'TransportService',
  'OrganizationConfig',
];

export function recognizeKind(record: Pick<PsRecord, 'properties' | 'typeNames' | 'lost'>): ExportKind | null {
  for (const t of record.typeNames) {
    const last = t.replace(/^Deserialized\./, '').split('.').pop() ?? '';
    const hit = ORDER.find((k) => EXPORT_KINDS[k].types.includes(last));
    if (hit) return hit;
  }
  // A property Export-Csv flattened still tells what the object is. Asked of the object itself,
  // not of a set of its names built per object: a provider's exports hold millions of objects.
  const { properties, lost } = record;
  return recognizeByNames({ has: (name) => Object.hasOwn(properties, name) || (lost !== undefined && lost.includes(name)) });
}

export function recognizeByNames(names: { has(name: string): boolean }): ExportKind | null {
  // Plain loops: asked of every object, and a callback per test would be made per object and kind.
  for (const k of ORDER) {
    const info = EXPORT_KINDS[k];
    let all = true;
    for (const p of info.all) {
      if (!names.has(p)) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    if (info.any.length === 0) {
      if (info.all.length === 0) continue;
      return k;
    }
    let present = 0;
    for (const p of info.any) if (names.has(p)) present++;
    if (present === 0 || (info.all.length === 0 && present < 2)) continue;
    return k;
  }
  return null;
}

/** The command that exports a kind with every value kept (FORMATS.md 4.3: depth 2 by default is too shallow). */
export function exportCommand(kind: ExportKind): string {
  const info = EXPORT_KINDS[kind];
  return `${info.cmdlet} | ConvertTo-Json -Depth 6 | Out-File -Encoding utf8 ${info.file}`;
}
