import type { EvidenceSet } from './evidence.js';
import type { Certificate } from './certificate.js';
import type { InputReport } from './diagnostics.js';
import type { Provenance } from './provenance.js';
import type { ExchangeOnlineInstance } from './domains.js';
import type { Recipient } from './recipients.js';

/**
 * The Case: one typed picture of an estate. Objects that mirror a Microsoft cmdlet keep that
 * cmdlet's property names (CONTRACT.md), so an export and a hand-written topology mean the same.
 * Everything here is plain data (structuredClone-able) so what-if can copy and change it.
 */

export type DomainType = 'Authoritative' | 'InternalRelay' | 'ExternalRelay';

export interface AcceptedDomain {
  DomainName: string; // lower case
  DomainType: DomainType;
  provenance: Provenance;
}

export type ConnectorType = 'OnPremises' | 'Partner';

/** Get-InboundConnector (Exchange Online). */
export interface InboundConnector {
  Name: string;
  ConnectorType: ConnectorType;
  Enabled: boolean;
  TlsSenderCertificateName: string | null;
  SenderIPAddresses: string[];
  SenderDomains: string[];
  RequireTls: boolean;
  RestrictDomainsToCertificate: boolean;
  RestrictDomainsToIPAddresses: boolean;
  CloudServicesMailEnabled: boolean;
  extra: Record<string, unknown>;
  provenance: Provenance;
}

/** Get-OutboundConnector (Exchange Online). */
export interface OutboundConnector {
  Name: string;
  ConnectorType: ConnectorType;
  Enabled: boolean;
  RecipientDomains: string[];
  SmartHosts: string[];
  UseMXRecord: boolean;
  AllAcceptedDomains: boolean;
  RouteAllMessagesViaOnPremises: boolean;
  IsTransportRuleScoped: boolean;
  TlsSettings: string | null;
  TlsDomain: string | null;
  CloudServicesMailEnabled: boolean;
  extra: Record<string, unknown>;
  provenance: Provenance;
}

export type JournalScope = 'Global' | 'Internal' | 'External';

/** Get-JournalRule. */
export interface JournalRule {
  Name: string;
  Scope: JournalScope;
  Recipient: string | null;
  JournalEmailAddress: string;
  Enabled: boolean;
  extra: Record<string, unknown>;
  provenance: Provenance;
}

export interface Tenant {
  /** Initial domain, e.g. contoso.onmicrosoft.com; identifies the tenant. */
  Name: string;
  TenantId: string | null;
  AcceptedDomains: AcceptedDomain[];
  InboundConnectors: InboundConnector[];
  OutboundConnectors: OutboundConnector[];
  JournalRules: JournalRule[];
  /** The Exchange Online instance the tenant lives in (EXO-SEMANTICS M13); absent = Worldwide. */
  Instance?: ExchangeOnlineInstance;
  /** The tenant's recipient directory (EXO-SEMANTICS M11); absent = not in the case, every address exists. */
  Recipients?: Recipient[];
  extra: Record<string, unknown>;
  provenance: Provenance;
}

export type ServerRole = 'Mailbox' | 'Hub' | 'Edge';

export interface ExchangeServer {
  Name: string;
  Fqdn: string | null;
  Role: ServerRole;
  AdminDisplayVersion: string | null;
  /** Source addresses others see (after NAT). */
  IPAddresses: string[];
  /** Thumbprints (upper case) of certificates installed on the server. */
  Certificates: string[];
  extra: Record<string, unknown>;
  provenance: Provenance;
}

/** One entry of a send connector's or gateway route's address space. */
export interface AddressSpace {
  Type: string;
  /** Lower case: `*`, `*.contoso.com` or `contoso.com`. */
  Domain: string;
  Cost: number;
  raw: string;
}

/** Get-SendConnector (Exchange Server). */
export interface SendConnector {
  Name: string;
  AddressSpaces: AddressSpace[];
  SmartHosts: string[];
  DNSRoutingEnabled: boolean;
  Fqdn: string | null;
  TlsCertificateName: string | null;
  RequireTLS: boolean;
  TlsAuthLevel: string | null;
  TlsDomain: string | null;
  SourceTransportServers: string[];
  Enabled: boolean;
  CloudServicesMailEnabled: boolean;
  extra: Record<string, unknown>;
  provenance: Provenance;
}

/** Get-ReceiveConnector (Exchange Server). */
export interface ReceiveConnector {
  Name: string;
  Server: string | null;
  Fqdn: string | null;
  TlsCertificateName: string | null;
  RemoteIPRanges: string[];
  AuthMechanism: string | null;
  PermissionGroups: string | null;
  TransportRole: string | null;
  Enabled: boolean;
  extra: Record<string, unknown>;
  provenance: Provenance;
}

/** Get-RemoteDomain. */
export interface RemoteDomain {
  Name: string;
  DomainName: string;
  TargetDeliveryDomain: boolean | null;
  TrustedMailInboundEnabled: boolean | null;
  TrustedMailOutboundEnabled: boolean | null;
  AllowedOOFType: string | null;
  IsInternal: boolean | null;
  extra: Record<string, unknown>;
  provenance: Provenance;
}

/** Get-HybridConfiguration (on premises): what the Hybrid Configuration Wizard was told to set up. */
export interface HybridConfiguration {
  Domains: string[];
  Features: string[];
  OnPremisesSmartHost: string | null;
  ReceivingTransportServers: string[];
  SendingTransportServers: string[];
  EdgeTransportServers: string[];
  TlsCertificateName: string | null;
  provenance: Provenance;
}

/** An on-premises Exchange organization. */
export interface Organization {
  Name: string;
  AcceptedDomains: AcceptedDomain[];
  Servers: ExchangeServer[];
  SendConnectors: SendConnector[];
  ReceiveConnectors: ReceiveConnector[];
  RemoteDomains: RemoteDomain[];
  /** From a Get-HybridConfiguration export; absent when none was given. */
  HybridConfiguration?: HybridConfiguration;
  /** The organization's recipients (Get-Recipient on premises, M11); absent = not in the case. */
  Recipients?: Recipient[];
  extra: Record<string, unknown>;
  provenance: Provenance;
}

export interface GatewayNode {
  Name: string;
  IPAddresses: string[];
  /** Thumbprint presented by default. */
  Certificate: string | null;
  provenance: Provenance;
}

/** A third-party gateway's send route; the most specific address space wins, like a send connector. */
export interface GatewayRoute {
  Name: string;
  AddressSpaces: AddressSpace[];
  SmartHosts: string[];
  DNSRoutingEnabled: boolean;
  /** Thumbprint presented on this route; else the node's. */
  Certificate: string | null;
  provenance: Provenance;
}

export interface Gateway {
  Name: string;
  Nodes: GatewayNode[];
  Routes: GatewayRoute[];
  extra: Record<string, unknown>;
  provenance: Provenance;
}

export interface DnsData {
  /** Lower-case domain → MX hosts in preference order. */
  MX: Record<string, string[]>;
  /** Lower-case host → addresses. */
  A: Record<string, string[]>;
}

/**
 * CONTRACT v1.1: `deferred` = the last attempt got a 4xx and the sender keeps retrying until its
 * queue expires (then an NDR); `looped` = hop limit reached, NDR; `dropped` = lost without NDR (M5.1).
 */
export type FlowOutcome = 'delivered' | 'rejected' | 'dropped' | 'looped' | 'deferred';

export interface FlowExpectation {
  Outcome: FlowOutcome | null;
  /** Tenants the message must not be attributed to. */
  NotVia: string[];
  /** Tenants the message must be attributed to. */
  Via: string[];
}

export interface FlowSpec {
  From: string;
  To: string;
  Origin: string | null;
  Destination: string | null;
  Expect: FlowExpectation | null;
  /** `false`: the recipient exists nowhere (CONTRACT v1.1, M11); absent or null: decided by the directories. */
  RecipientExists?: boolean | null;
  provenance: Provenance;
}

/**
 * Exchange Online's SMTP ranges taken from a copy of the Microsoft 365 endpoints web service
 * output in the case; when present, rules use it instead of the list shipped in src/data.
 */
export interface ExchangeOnlineIpRangeList {
  ranges: string[];
  /** Endpoint set IDs the ranges came from (10 in the worldwide instance). */
  endpointSetIds: number[];
  /** `Worldwide`, `China` … and `YYYYMMDDNN`, from a saved `/version` answer; null when the case has none. */
  instance: string | null;
  version: string | null;
  provenance: Provenance;
}

export interface Case {
  tenants: Tenant[];
  organizations: Organization[];
  gateways: Gateway[];
  certificates: Certificate[];
  dns: DnsData;
  flows: FlowSpec[];
  inputs: InputReport[];
  /** Absent: no endpoints file in the case, the shipped list applies. */
  exchangeOnlineIpRanges?: ExchangeOnlineIpRangeList;
  /** What traces, logs, captures and headers show happened; absent when the case holds none. */
  evidence?: EvidenceSet;
}

export function emptyCase(): Case {
  return { tenants: [], organizations: [], gateways: [], certificates: [], dns: { MX: {}, A: {} }, flows: [], inputs: [] };
}
