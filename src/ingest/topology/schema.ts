/**
 * JSON schema of the topology file (CONTRACT.md, "Topology file"). Objects that mirror a cmdlet
 * accept the shapes a `ConvertTo-Json` export gives as well as hand-written ones: a single object
 * where a list is expected (ConvertTo-Json unwraps one-element arrays), a comma-separated string
 * for a list, `"True"`/`"False"` strings for booleans. Unknown properties are allowed: they are
 * kept in `extra`. Every leaf carries a `description` that completes the sentence
 * "expected …" in an error message.
 */

type Schema = Record<string, unknown>;

/** A regular-expression alternative matching `word` in any letter case (ajv patterns have no `i` flag). */
function anyCase(word: string): string {
  return word
    .split('')
    .map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
}

function wordList(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** A case-insensitive enumeration; `accepted` may add aliases that are not advertised in messages. */
export function enumSchema(values: string[], aliases: string[] = []): Schema {
  return {
    type: 'string',
    pattern: `^\\s*(?:${[...values, ...aliases].map(anyCase).join('|')})\\s*$`,
    description: wordList(values),
  };
}

export const BOOLEAN_TEXT = /^\s*\$?(?:true|false)\s*$/i;

const boolish: Schema = {
  description: 'true or false',
  anyOf: [{ type: 'boolean' }, { type: 'string', pattern: `^\\s*\\$?(?:${anyCase('true')}|${anyCase('false')})\\s*$` }],
};

/** Names: YAML reads `Name: 2019` as a number, which is still a usable name. */
const nameSchema: Schema = { description: 'a name (text)', type: ['string', 'number'] };
const optionalText: Schema = { description: 'text or null', type: ['string', 'null'] };
const textOrNumber: Schema = { description: 'text or null', type: ['string', 'number', 'null'] };

function listOf(item: Schema, description: string): Schema {
  return { description, anyOf: [{ type: 'array', items: item }, { type: 'string' }, { type: 'null' }] };
}

/**
 * Lists of objects: an array, or one object as ConvertTo-Json writes a one-element array. The
 * object schema is referenced from `$defs`, not copied, so each is compiled once.
 */
function objectList(definition: keyof typeof DEFINITION_NAMES, description: string): Schema {
  const ref = { $ref: `#/$defs/${definition}` };
  return { description, anyOf: [{ type: 'array', items: ref }, ref, { type: 'null' }] };
}

const DEFINITION_NAMES = {
  tenant: 1,
  inboundConnector: 1,
  outboundConnector: 1,
  journalRule: 1,
  organization: 1,
  server: 1,
  sendConnector: 1,
  receiveConnector: 1,
  remoteDomain: 1,
  gateway: 1,
  gatewayNode: 1,
  gatewayRoute: 1,
  certificate: 1,
  flow: 1,
} as const;

const textList = listOf({ description: 'text', type: ['string', 'number'] }, 'a list of names (or one comma-separated string)');
const ipAddressList = listOf(
  { description: 'an IP address', type: 'string', format: 'ip-address' },
  'a list of IP addresses',
);
const ipRangeList = listOf(
  { description: 'an IP address, a CIDR range (203.0.113.0/24) or a range (203.0.113.1-203.0.113.9)', type: 'string', format: 'ip-range' },
  'a list of IP addresses or ranges',
);
/** ConvertTo-Json writes SMTP domains and smart hosts as objects holding the name. */
const domainLike: Schema = {
  description: 'a domain name, or an object with Domain or Address',
  anyOf: [
    { type: 'string' },
    { type: 'object', anyOf: [{ required: ['Domain'] }, { required: ['Address'] }] },
  ],
};
const domainList = listOf(domainLike, 'a list of domains');
const hostList = listOf(domainLike, 'a list of host names');
const addressSpaceList = listOf(
  { description: 'an address space (smtp:contoso.com;1, *) or an object with Domain or Address', anyOf: [{ type: 'string' }, { type: 'object' }] },
  'a list of address spaces',
);
/** ADObjectId values (SourceTransportServers, Server) come as objects with a Name. */
const objectNameLike: Schema = {
  description: 'a name, or an object with Name',
  anyOf: [{ type: ['string', 'number'] }, { type: 'object', required: ['Name'] }],
};
const objectNameList = listOf(objectNameLike, 'a list of names');
const thumbprint: Schema = { description: 'a certificate thumbprint (hexadecimal)', type: ['string', 'number'] };
const optionalThumbprint: Schema = { description: 'a certificate thumbprint (hexadecimal) or null', type: ['string', 'number', 'null'] };
const thumbprintList = listOf(thumbprint, 'a list of certificate thumbprints');

function named(properties: Record<string, Schema>, description: string): Schema {
  return { description, type: 'object', required: ['Name'], properties: { Name: nameSchema, ...properties } };
}

const acceptedDomain: Schema = {
  description: 'a domain name, or an object with DomainName and DomainType',
  anyOf: [
    { type: 'string' },
    {
      type: 'object',
      required: ['DomainName'],
      properties: {
        DomainName: domainLike,
        DomainType: enumSchema(['Authoritative', 'InternalRelay', 'ExternalRelay']),
      },
    },
  ],
};
const acceptedDomains = listOf(acceptedDomain, 'a list of accepted domains');

/** EXO-SEMANTICS M11: an address, or a Get-Recipient / Get-Mailbox / Get-MailUser object. */
const recipient: Schema = {
  description: 'an e-mail address, or an object with PrimarySmtpAddress or EmailAddresses',
  anyOf: [{ type: 'string' }, { type: 'object', anyOf: [{ required: ['PrimarySmtpAddress'] }, { required: ['EmailAddresses'] }] }],
};
const recipients = listOf(recipient, 'a list of recipients (addresses, or objects with PrimarySmtpAddress, EmailAddresses, RecipientTypeDetails)');

const connectorType = enumSchema(['OnPremises', 'Partner']);

const inboundConnector = named(
  {
    ConnectorType: connectorType,
    Enabled: boolish,
    TlsSenderCertificateName: optionalText,
    SenderIPAddresses: ipRangeList,
    SenderDomains: addressSpaceList,
    RequireTls: boolish,
    RestrictDomainsToCertificate: boolish,
    RestrictDomainsToIPAddresses: boolish,
    CloudServicesMailEnabled: boolish,
  },
  'an inbound connector (an object with Name)',
);

const outboundConnector = named(
  {
    ConnectorType: connectorType,
    Enabled: boolish,
    RecipientDomains: domainList,
    SmartHosts: hostList,
    UseMXRecord: boolish,
    AllAcceptedDomains: boolish,
    RouteAllMessagesViaOnPremises: boolish,
    IsTransportRuleScoped: boolish,
    TlsSettings: optionalText,
    TlsDomain: optionalText,
    CloudServicesMailEnabled: boolish,
  },
  'an outbound connector (an object with Name)',
);

const journalRule = named(
  {
    Scope: enumSchema(['Global', 'Internal', 'External']),
    Recipient: optionalText,
    JournalEmailAddress: optionalText,
    Enabled: boolish,
  },
  'a journal rule (an object with Name)',
);

const tenant = named(
  {
    TenantId: optionalText,
    AcceptedDomains: acceptedDomains,
    InboundConnectors: objectList('inboundConnector', 'a list of inbound connectors'),
    OutboundConnectors: objectList('outboundConnector', 'a list of outbound connectors'),
    JournalRules: objectList('journalRule', 'a list of journal rules'),
    // EXO-SEMANTICS M13: the separate Exchange Online instance (default Worldwide).
    Instance: enumSchema(['Worldwide', 'USGovGCCHigh', 'USGovDoD', 'China']),
    Recipients: recipients,
    // EXO-SEMANTICS M12 (kept in `extra`): Set-OrganizationConfig -RejectDirectSend, the
    // Get-BlockedConnector list (names, GUIDs or its objects), Get-OnPremServerReportInfo objects.
    RejectDirectSend: boolish,
    BlockedConnectors: listOf({ description: 'a connector name or GUID, or an object with ConnectorId or ConnectorName', anyOf: [{ type: ['string', 'number'] }, { type: 'object' }] }, 'a list of blocked connectors'),
    OnPremServerReportInfo: listOf({ description: 'an object with ServerFQDN', type: 'object', required: ['ServerFQDN'] }, 'a list of Get-OnPremServerReportInfo objects'),
  },
  'a tenant (an object with Name)',
);

const server = named(
  {
    Fqdn: optionalText,
    Role: enumSchema(['Mailbox', 'Hub', 'Edge'], ['HubTransport', 'EdgeTransport']),
    AdminDisplayVersion: optionalText,
    IPAddresses: ipAddressList,
    Certificates: thumbprintList,
  },
  'a server (an object with Name)',
);

const sendConnector = named(
  {
    AddressSpaces: addressSpaceList,
    SmartHosts: hostList,
    DNSRoutingEnabled: boolish,
    Fqdn: optionalText,
    TlsCertificateName: optionalText,
    RequireTLS: boolish,
    TlsAuthLevel: optionalText,
    TlsDomain: optionalText,
    SourceTransportServers: objectNameList,
    Enabled: boolish,
    CloudServicesMailEnabled: boolish,
  },
  'a send connector (an object with Name)',
);

const receiveConnector = named(
  {
    Server: { ...objectNameLike, anyOf: [...(objectNameLike.anyOf as Schema[]), { type: 'null' }] },
    Fqdn: optionalText,
    TlsCertificateName: optionalText,
    RemoteIPRanges: ipRangeList,
    AuthMechanism: textOrNumber,
    PermissionGroups: textOrNumber,
    TransportRole: textOrNumber,
    Enabled: boolish,
  },
  'a receive connector (an object with Name)',
);

const remoteDomain = named(
  {
    DomainName: { ...domainLike, anyOf: [...(domainLike.anyOf as Schema[]), { type: 'null' }] },
    TargetDeliveryDomain: boolish,
    TrustedMailInboundEnabled: boolish,
    TrustedMailOutboundEnabled: boolish,
    AllowedOOFType: textOrNumber,
    IsInternal: boolish,
  },
  'a remote domain (an object with Name)',
);

const organization = named(
  {
    AcceptedDomains: acceptedDomains,
    Servers: objectList('server', 'a list of servers'),
    SendConnectors: objectList('sendConnector', 'a list of send connectors'),
    ReceiveConnectors: objectList('receiveConnector', 'a list of receive connectors'),
    RemoteDomains: objectList('remoteDomain', 'a list of remote domains'),
    Recipients: recipients,
  },
  'an organization (an object with Name)',
);

const gatewayNode = named(
  { IPAddresses: ipAddressList, Certificate: optionalThumbprint },
  'a gateway node (an object with Name)',
);

const gatewayRoute: Schema = {
  description: 'a gateway route (an object with AddressSpaces)',
  type: 'object',
  properties: {
    Name: nameSchema,
    AddressSpaces: addressSpaceList,
    SmartHosts: hostList,
    DNSRoutingEnabled: boolish,
    Certificate: optionalThumbprint,
  },
};

const gateway = named(
  {
    Nodes: objectList('gatewayNode', 'a list of gateway nodes'),
    Routes: objectList('gatewayRoute', 'a list of gateway routes'),
  },
  'a gateway (an object with Name)',
);

/** `{ File: path }` or Get-ExchangeCertificate properties, which need at least the Thumbprint. */
const certificate: Schema = {
  description: 'a certificate (an object with Thumbprint, or { File: path })',
  type: 'object',
  if: { required: ['File'] },
  then: {
    properties: {
      File: { description: 'a file path', type: 'string', minLength: 1 },
      HasPrivateKey: boolish,
      Services: { description: 'text or a list of services', type: ['string', 'number', 'array', 'null'] },
      Server: optionalText,
    },
  },
  else: {
    required: ['Thumbprint'],
    properties: {
      Thumbprint: thumbprint,
      Subject: optionalText,
      Issuer: optionalText,
      CertificateDomains: domainList,
      NotBefore: optionalText,
      NotAfter: optionalText,
      IsSelfSigned: boolish,
      HasPrivateKey: boolish,
      Services: { description: 'text or a list of services', type: ['string', 'number', 'array', 'null'] },
      RootCAType: textOrNumber,
      Status: textOrNumber,
      Server: optionalText,
    },
  },
};

const hostMap = (value: Schema, description: string): Schema => ({
  description,
  type: 'object',
  additionalProperties: value,
});

const dns: Schema = {
  description: 'a mapping with MX and A',
  type: 'object',
  properties: {
    MX: hostMap(listOf({ description: 'a host name', type: 'string' }, 'a list of MX host names'), 'a mapping of domain to MX host names'),
    A: hostMap(ipAddressList, 'a mapping of host name to IP addresses'),
  },
};

const flowOutcome = enumSchema(['Delivered', 'Rejected', 'Dropped', 'Looped']);

const flow: Schema = {
  description: 'a flow (an object with From and To)',
  type: 'object',
  required: ['From', 'To'],
  properties: {
    From: { description: 'an e-mail address', type: 'string', minLength: 1 },
    To: { description: 'an e-mail address', type: 'string', minLength: 1 },
    Origin: { description: 'a tenant or organization name, or null', type: ['string', 'number', 'null'] },
    Destination: { description: 'a tenant or organization name, or null', type: ['string', 'number', 'null'] },
    RecipientExists: { ...boolish, anyOf: [...(boolish.anyOf as Schema[]), { type: 'null' }], description: 'true, false or null' },
    Expect: {
      description: 'a mapping with Outcome, Via, NotVia',
      type: ['object', 'null'],
      properties: {
        Outcome: flowOutcome,
        Via: textList,
        NotVia: textList,
      },
    },
  },
};

export const TOPOLOGY_KIND = 'mailflow-topology';

export const topologySchema: Schema = {
  description: 'a topology mapping',
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { description: `"${TOPOLOGY_KIND}"`, const: TOPOLOGY_KIND },
    version: { description: '1', enum: [1, '1'] },
    tenants: objectList('tenant', 'a list of tenants'),
    organizations: objectList('organization', 'a list of organizations'),
    gateways: objectList('gateway', 'a list of gateways'),
    certificates: objectList('certificate', 'a list of certificates'),
    dns,
    flows: objectList('flow', 'a list of flows'),
    sources: {
      description: 'a mapping from a file or folder path (relative to this file) to the tenant, organization or server whose exports it holds',
      type: 'object',
      additionalProperties: { description: 'a tenant, organization or server name', type: 'string' },
    },
  },
  $defs: {
    tenant,
    inboundConnector,
    outboundConnector,
    journalRule,
    organization,
    server,
    sendConnector,
    receiveConnector,
    remoteDomain,
    gateway,
    gatewayNode,
    gatewayRoute,
    certificate,
    flow,
  } satisfies Record<keyof typeof DEFINITION_NAMES, Schema>,
};
