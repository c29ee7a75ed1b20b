/**
 * The cmdlets the change language knows and every parameter each one really has, with its type,
 * as Microsoft's cmdlet reference lists them (learn.microsoft.com/powershell/module/exchangepowershell/
 * <cmdlet>, "SYNTAX" and "PARAMETERS"). A parameter missing here is one the real cmdlet refuses,
 * so the what-if refuses it too. Which parameters change the model is decided in cmdlet-apply-*.ts.
 */

export type ParamType =
  | { type: 'switch' }
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'int'; min: number; max: number }
  /** Enumerations; `flags` ones take several values (`Tls, BasicAuth`). */
  | { type: 'enum'; values: readonly string[]; flags?: boolean }
  /** MultiValuedProperty: one value, a list, $null, or @{Add=…; Remove=…}. */
  | { type: 'list' }
  /** Time spans, sizes, dates, GUIDs, credentials: kept as written. */
  | { type: 'text' };

export interface ParamSpec {
  kind: ParamType;
  required?: boolean;
}

export interface CmdletSpec {
  /** The cmdlet's own spelling. */
  name: string;
  /** The parameter the first positional value binds to (Position 1 in the reference). */
  positional: 'Identity' | 'Name';
  parameters: Record<string, ParamSpec>;
}

const sw: ParamSpec = { kind: { type: 'switch' } };
const bool: ParamSpec = { kind: { type: 'boolean' } };
const str: ParamSpec = { kind: { type: 'string' } };
const list: ParamSpec = { kind: { type: 'list' } };
const text: ParamSpec = { kind: { type: 'text' } };
const int = (min: number, max: number): ParamSpec => ({ kind: { type: 'int', min, max } });
const oneOf = (...values: string[]): ParamSpec => ({ kind: { type: 'enum', values } });
const flagsOf = (...values: string[]): ParamSpec => ({ kind: { type: 'enum', values, flags: true } });
const required = (p: ParamSpec): ParamSpec => ({ ...p, required: true });

/** PowerShell's common parameters, which every cmdlet accepts (about_CommonParameters). */
const ACTION = oneOf('Break', 'Continue', 'Ignore', 'Inquire', 'SilentlyContinue', 'Stop', 'Suspend');
export const COMMON_PARAMETERS: Record<string, ParamSpec> = {
  Verbose: sw,
  Debug: sw,
  ErrorAction: ACTION,
  WarningAction: ACTION,
  InformationAction: ACTION,
  ProgressAction: ACTION,
  ErrorVariable: text,
  WarningVariable: text,
  InformationVariable: text,
  OutVariable: text,
  OutBuffer: int(0, 2147483647),
  PipelineVariable: text,
};

/** Every Exchange cmdlet that changes something has these two (with the aliases below). */
const CONFIRM_WHATIF: Record<string, ParamSpec> = { Confirm: sw, WhatIf: sw };

export const PARAMETER_ALIASES: Record<string, string> = {
  cf: 'Confirm',
  wi: 'WhatIf',
  vb: 'Verbose',
  db: 'Debug',
  ea: 'ErrorAction',
  wa: 'WarningAction',
  infa: 'InformationAction',
  proga: 'ProgressAction',
  ev: 'ErrorVariable',
  wv: 'WarningVariable',
  iv: 'InformationVariable',
  ov: 'OutVariable',
  ob: 'OutBuffer',
  pv: 'PipelineVariable',
};

/**
 * Parameters that say how to run the command, not what to change: the what-if ignores them
 * (it never prompts, and simulating is the whole point of -WhatIf).
 */
export const SESSION_PARAMETERS: ReadonlySet<string> = new Set([
  'Confirm',
  'WhatIf',
  'Force',
  'DomainController',
  ...Object.keys(COMMON_PARAMETERS),
]);

// Enumerations, with the values the reference lists.
const TENANT_CONNECTOR_TYPE = oneOf('Partner', 'OnPremises');
const TENANT_CONNECTOR_SOURCE = oneOf('Default', 'HybridWizard', 'Migrated');
const TLS_AUTH_LEVEL = oneOf('EncryptionOnly', 'CertificateValidation', 'DomainValidation');
const PROTOCOL_LOGGING_LEVEL = oneOf('None', 'Verbose');

const INBOUND_CONNECTOR_SETTINGS: Record<string, ParamSpec> = {
  AssociatedAcceptedDomains: list,
  CloudServicesMailEnabled: bool,
  Comment: str,
  ConnectorSource: TENANT_CONNECTOR_SOURCE,
  ConnectorType: TENANT_CONNECTOR_TYPE,
  EFSkipIPs: list,
  EFSkipLastIP: bool,
  EFSkipMailGateway: list,
  EFTestMode: bool,
  EFUsers: list,
  Enabled: bool,
  RequireTls: bool,
  RestrictDomainsToCertificate: bool,
  RestrictDomainsToIPAddresses: bool,
  ScanAndDropRecipients: list,
  SenderDomains: list,
  SenderIPAddresses: list,
  TlsSenderCertificateName: str,
  TreatMessagesAsInternal: bool,
  TrustedOrganizations: list,
  ...CONFIRM_WHATIF,
};

const OUTBOUND_CONNECTOR_SETTINGS: Record<string, ParamSpec> = {
  AllAcceptedDomains: bool,
  CloudServicesMailEnabled: bool,
  Comment: str,
  ConnectorSource: TENANT_CONNECTOR_SOURCE,
  ConnectorType: TENANT_CONNECTOR_TYPE,
  Enabled: bool,
  IsTransportRuleScoped: bool,
  RecipientDomains: list,
  RouteAllMessagesViaOnPremises: bool,
  SenderRewritingEnabled: bool,
  SmartHosts: list,
  TestMode: bool,
  TlsDomain: str,
  TlsSettings: TLS_AUTH_LEVEL,
  UseMXRecord: bool,
  ...CONFIRM_WHATIF,
};

const SEND_CONNECTOR_SETTINGS: Record<string, ParamSpec> = {
  AddressSpaces: list,
  AuthenticationCredential: text,
  CloudServicesMailEnabled: bool,
  Comment: str,
  ConnectionInactivityTimeOut: text,
  ConnectorType: oneOf('Default', 'XPremises'),
  DNSRoutingEnabled: bool,
  DomainController: str,
  DomainSecureEnabled: bool,
  Enabled: bool,
  ErrorPolicies: flagsOf('Default', 'DowngradeDnsFailures', 'DowngradeCustomFailures', 'UpgradeCustomFailures'),
  Force: sw,
  ForceHELO: bool,
  Fqdn: str,
  FrontendProxyEnabled: bool,
  IgnoreSTARTTLS: bool,
  IsCoexistenceConnector: bool,
  IsScopedConnector: bool,
  LinkedReceiveConnector: str,
  MaxMessageSize: text,
  Port: int(0, 65535),
  ProtocolLoggingLevel: PROTOCOL_LOGGING_LEVEL,
  RequireOorg: bool,
  RequireTLS: bool,
  SmartHostAuthMechanism: oneOf('None', 'BasicAuth', 'BasicAuthRequireTLS', 'ExchangeServer', 'ExternalAuthoritative'),
  SmartHosts: list,
  SmtpMaxMessagesPerConnection: int(1, 2147483647),
  SourceIPAddress: str,
  SourceTransportServers: list,
  TlsAuthLevel: TLS_AUTH_LEVEL,
  TlsCertificateName: str,
  TlsDomain: str,
  UseExternalDNSServersEnabled: bool,
  ...CONFIRM_WHATIF,
};

const RECEIVE_CONNECTOR_SETTINGS: Record<string, ParamSpec> = {
  AdvertiseClientSettings: bool,
  AuthMechanism: flagsOf('None', 'Tls', 'Integrated', 'BasicAuth', 'BasicAuthRequireTLS', 'ExchangeServer', 'ExternalAuthoritative'),
  AuthTarpitInterval: text,
  Banner: str,
  BareLinefeedRejectionEnabled: bool,
  BinaryMimeEnabled: bool,
  Bindings: list,
  ChunkingEnabled: bool,
  Comment: str,
  ConnectionInactivityTimeout: text,
  ConnectionTimeout: text,
  DefaultDomain: str,
  DeliveryStatusNotificationEnabled: bool,
  DomainController: str,
  DomainSecureEnabled: bool,
  EightBitMimeEnabled: bool,
  EnableAuthGSSAPI: bool,
  Enabled: bool,
  EnhancedStatusCodesEnabled: bool,
  ExtendedProtectionPolicy: oneOf('None', 'Allow', 'Require'),
  Fqdn: str,
  LongAddressesEnabled: bool,
  MaxAcknowledgementDelay: text,
  MaxHeaderSize: text,
  MaxHopCount: int(1, 500),
  MaxInboundConnection: text,
  MaxInboundConnectionPerSource: text,
  MaxInboundConnectionPercentagePerSource: int(1, 100),
  MaxLocalHopCount: int(0, 50),
  MaxLogonFailures: int(0, 10),
  MaxMessageSize: text,
  MaxProtocolErrors: text,
  MaxRecipientsPerMessage: int(1, 512000),
  MessageRateLimit: text,
  MessageRateSource: flagsOf('None', 'IPAddress', 'User', 'All'),
  Name: str,
  OrarEnabled: bool,
  PermissionGroups: flagsOf('None', 'AnonymousUsers', 'ExchangeUsers', 'ExchangeServers', 'ExchangeLegacyServers', 'Partners', 'Custom'),
  PipeliningEnabled: bool,
  ProtocolLoggingLevel: PROTOCOL_LOGGING_LEVEL,
  RejectReservedSecondLevelRecipientDomains: bool,
  RejectReservedTopLevelRecipientDomains: bool,
  RejectSingleLabelRecipientDomains: bool,
  RemoteIPRanges: list,
  RequireEHLODomain: bool,
  RequireTLS: bool,
  ServiceDiscoveryFqdn: str,
  SizeEnabled: oneOf('Disabled', 'Enabled', 'EnabledWithoutValue'),
  SmtpUtf8Enabled: bool,
  SuppressXAnonymousTls: bool,
  TarpitInterval: text,
  TlsCertificateName: str,
  TlsDomainCapabilities: list,
  TransportRole: oneOf('FrontendTransport', 'HubTransport'),
  ...CONFIRM_WHATIF,
};

/** Set-OrganizationConfig (Exchange Online reference, "SYNTAX"): its Boolean parameters. */
const ORGANIZATION_CONFIG_BOOLEANS = [
  'ActionableMessagesExtenalAccessTokenEnabled', 'ActivityBasedAuthenticationTimeoutEnabled', 'ActivityBasedAuthenticationTimeoutWithSingleSignOnEnabled',
  'AppsForOfficeEnabled', 'AsyncSendEnabled', 'AuditDisabled', 'AutodiscoverPartialDirSync', 'AutoEnableArchiveMailbox', 'AutomaticForcedReadReceiptEnabled',
  'BlockMoveMessagesForGroupFolders', 'BookingsEnabled', 'CalendarVersionStoreEnabled', 'ConnectorsEnabled', 'CustomerLockboxEnabled',
  'DefaultFolderPermissionRestricted', 'DirectReportsGroupAutoCreationEnabled', 'DisablePlusAddressInRecipients', 'ElcProcessingDisabled',
  'EnableForwardingAddressSyncForMailboxes', 'EnableOutlookEvents', 'EwsEnabled', 'ExchangeNotificationEnabled', 'FocusedInboxOn', 'HybridRSVPEnabled',
  'InRegionRoutingEnabled', 'LinkPreviewEnabled', 'MailTipsAllTipsEnabled', 'MailTipsExternalRecipientsTipsEnabled', 'MailTipsGroupMetricsEnabled',
  'MailTipsMailboxSourcedTipsEnabled', 'MaskClientIpInReceivedHeadersEnabled', 'MessageHighlightsEnabled', 'MessageRecallEnabled', 'MessageRemindersEnabled',
  'OAuth2ClientProfileEnabled', 'OnlineMeetingsByDefaultEnabled', 'PublicComputersDetectionEnabled', 'ReadTrackingEnabled', 'RefreshSessionEnabled',
  'RejectDirectSend', 'SendFromAliasEnabled', 'SharedDomainEmailAddressFlowEnabled', 'SmtpActionableMessagesEnabled', 'UnblockUnsafeSenderPromptEnabled',
  'WebPushNotificationsDisabled', 'WebSuggestedRepliesDisabled', 'WorkspaceTenantEnabled',
] as const;

const JOURNAL_RULE_SCOPE = oneOf('Global', 'Internal', 'External');
const IDENTITY = required(str);
const ON_PREMISES_ONLY = { DomainController: str, ...CONFIRM_WHATIF };

const SPECS: CmdletSpec[] = [
  {
    name: 'New-InboundConnector',
    positional: 'Name',
    parameters: { Name: required(str), ...INBOUND_CONNECTOR_SETTINGS, SenderDomains: required(list), ClientHostNames: list },
  },
  { name: 'Set-InboundConnector', positional: 'Identity', parameters: { Identity: IDENTITY, Name: str, ...INBOUND_CONNECTOR_SETTINGS } },
  { name: 'Remove-InboundConnector', positional: 'Identity', parameters: { Identity: IDENTITY, ...CONFIRM_WHATIF } },
  {
    name: 'New-OutboundConnector',
    positional: 'Name',
    parameters: { Name: required(str), ...OUTBOUND_CONNECTOR_SETTINGS, LinkForModifiedConnector: text },
  },
  {
    name: 'Set-OutboundConnector',
    positional: 'Identity',
    parameters: {
      Identity: IDENTITY,
      Name: str,
      ...OUTBOUND_CONNECTOR_SETTINGS,
      IsValidated: bool,
      LastValidationTimestamp: text,
      ValidationRecipients: list,
    },
  },
  { name: 'Remove-OutboundConnector', positional: 'Identity', parameters: { Identity: IDENTITY, ...CONFIRM_WHATIF } },
  {
    name: 'New-SendConnector',
    positional: 'Name',
    parameters: {
      Name: required(str),
      ...SEND_CONNECTOR_SETTINGS,
      // Mandatory in the AddressSpaces parameter set; the other set (LinkedReceiveConnector) is Exchange 2010's.
      AddressSpaces: required(list),
      // Usage types: a switch each, or -Usage (only one of them may be given).
      Custom: sw,
      Internal: sw,
      Internet: sw,
      Partner: sw,
      Usage: oneOf('Custom', 'Internal', 'Internet', 'Partner'),
    },
  },
  { name: 'Set-SendConnector', positional: 'Identity', parameters: { Identity: IDENTITY, Name: str, ...SEND_CONNECTOR_SETTINGS } },
  { name: 'Remove-SendConnector', positional: 'Identity', parameters: { Identity: IDENTITY, ...ON_PREMISES_ONLY } },
  { name: 'Set-ReceiveConnector', positional: 'Identity', parameters: { Identity: IDENTITY, ...RECEIVE_CONNECTOR_SETTINGS } },
  {
    name: 'Set-AcceptedDomain',
    positional: 'Identity',
    parameters: {
      Identity: IDENTITY,
      AddressBookEnabled: bool,
      CanHaveCloudCache: bool,
      DomainController: str,
      DomainType: oneOf('Authoritative', 'InternalRelay', 'ExternalRelay'),
      EnableNego2Authentication: bool,
      MakeDefault: bool,
      MatchSubDomains: bool,
      Name: str,
      OutboundOnly: bool,
      PendingCompletion: bool,
      PendingRemoval: bool,
      SendingFromDomainDisabled: bool,
      SendingToDomainDisabled: bool,
      ...CONFIRM_WHATIF,
    },
  },
  {
    name: 'New-JournalRule',
    positional: 'Name',
    parameters: {
      Name: required(str),
      JournalEmailAddress: required(str),
      Enabled: bool,
      Recipient: str,
      Scope: JOURNAL_RULE_SCOPE,
      ...ON_PREMISES_ONLY,
    },
  },
  {
    name: 'Set-JournalRule',
    positional: 'Identity',
    parameters: { Identity: IDENTITY, JournalEmailAddress: str, Name: str, Recipient: str, Scope: JOURNAL_RULE_SCOPE, ...ON_PREMISES_ONLY },
  },
  { name: 'Remove-JournalRule', positional: 'Identity', parameters: { Identity: IDENTITY, ...ON_PREMISES_ONLY } },
  { name: 'Enable-JournalRule', positional: 'Identity', parameters: { Identity: IDENTITY, ...ON_PREMISES_ONLY } },
  { name: 'Disable-JournalRule', positional: 'Identity', parameters: { Identity: IDENTITY, ...ON_PREMISES_ONLY } },
  {
    // Two parameter sets: -Thumbprint [-Server], or -Identity Server\Thumbprint (both Position 1).
    name: 'Enable-ExchangeCertificate',
    positional: 'Identity',
    parameters: {
      Identity: str,
      Thumbprint: str,
      Services: required(flagsOf('None', 'IMAP', 'POP', 'UM', 'IIS', 'SMTP', 'Federation', 'UMCallRouter')),
      Server: str,
      DoNotRequireSsl: sw,
      NetworkServiceAllowed: sw,
      Force: sw,
      ...ON_PREMISES_ONLY,
    },
  },
];

SPECS.push({
  // Exchange Online's Set-OrganizationConfig: the optional -Identity of the older reference names the
  // tenant when a case holds several. Only its Boolean parameters are listed; -RejectDirectSend is
  // the one the simulation reads (EXO-SEMANTICS M12).
  name: 'Set-OrganizationConfig',
  positional: 'Identity',
  parameters: { Identity: str, ...Object.fromEntries(ORGANIZATION_CONFIG_BOOLEANS.map((n) => [n, bool])), ...CONFIRM_WHATIF },
});

SPECS.push({
  // Exchange Online only; -ConnectorId (a GUID, required) and -Reason, no -Confirm/-WhatIf (EXO-SEMANTICS M12, [GBC]).
  name: 'Remove-BlockedConnector',
  positional: 'Identity',
  parameters: { ConnectorId: required(text), Reason: str },
});

const BY_NAME = new Map(SPECS.map((s) => [s.name.toLowerCase(), s]));

/** The cmdlets a what-if change may use, in a stable order. */
export const SUPPORTED_CMDLETS: readonly string[] = SPECS.map((s) => s.name);

export function cmdletSpec(name: string): CmdletSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** A cmdlet's parameters plus the common ones. */
export function allParameters(spec: CmdletSpec): Record<string, ParamSpec> {
  return { ...spec.parameters, ...COMMON_PARAMETERS };
}
