import type { ExchangeServer, Organization, ReceiveConnector, RemoteDomain, SendConnector, ServerRole } from '../../model/case.js';
import { markGiven } from '../../model/given-properties.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizeAcceptedDomains, normalizeObjectList } from './normalize-objects.js';
import { normalizeRecipients } from './normalize-recipients.js';
import {
  addressSpaceList,
  boolValue,
  dedupe,
  domainValue,
  enumValue,
  extraProperties,
  has,
  hostList,
  ipList,
  isRecord,
  optionalBool,
  textList,
  textAt,
  textValue,
  thumbprintValue,
  listItems,
  writtenKeys,
  type Raw,
} from './normalize-values.js';
import type { PathSegment } from './yaml-positions.js';

const ORGANIZATION_KEYS = ['Name', 'AcceptedDomains', 'Servers', 'SendConnectors', 'ReceiveConnectors', 'RemoteDomains', 'Recipients'] as const;
const ORGANIZATION_CHILDREN = ['AcceptedDomains', 'Servers', 'SendConnectors', 'ReceiveConnectors', 'RemoteDomains', 'Recipients'];

export function normalizeOrganizations(ctx: NormalizeContext, root: Raw): Organization[] {
  return normalizeObjectList(ctx, root, 'organizations', [], {
    label: 'organization',
    owner: 'this file',
    childKeys: ORGANIZATION_CHILDREN,
    build: (raw, path) => normalizeOrganization(ctx, raw, path),
  });
}

function normalizeOrganization(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): Organization {
  const name = textAt(ctx, raw, 'Name', path) ?? '';
  const owner = `organization "${name}"`;
  const org: Organization = {
    Name: name,
    AcceptedDomains: normalizeAcceptedDomains(ctx, raw, path, owner),
    Servers: normalizeObjectList(ctx, raw, 'Servers', path, { label: 'server', owner, build: (item, p) => normalizeServer(ctx, item, p) }),
    SendConnectors: normalizeObjectList(ctx, raw, 'SendConnectors', path, {
      label: 'send connector',
      owner,
      build: (item, p) => normalizeSendConnector(ctx, item, p),
    }),
    ReceiveConnectors: normalizeObjectList(ctx, raw, 'ReceiveConnectors', path, {
      label: 'receive connector',
      owner,
      // Receive connector names are unique per server, not per organization.
      identity: (item, p) => {
        const server = receiveConnectorServer(ctx, item, p);
        const n = textValue(ctx, item.Name, [...p, 'Name']);
        return n === null ? null : server ? `${server}\\${n}` : n;
      },
      build: (item, p) => normalizeReceiveConnector(ctx, item, p),
    }),
    RemoteDomains: normalizeObjectList(ctx, raw, 'RemoteDomains', path, {
      label: 'remote domain',
      owner,
      build: (item, p) => normalizeRemoteDomain(ctx, item, p),
    }),
    extra: extraProperties(ctx, raw, ORGANIZATION_KEYS, path),
    provenance: ctx.provenance(path),
  };
  // M11: absent means the case says nothing about the organization's directory.
  const recipients = normalizeRecipients(ctx, raw, path, owner);
  if (recipients) org.Recipients = recipients;
  markGiven(org, writtenKeys(raw, ORGANIZATION_KEYS));
  return org;
}

const SERVER_KEYS = ['Name', 'Fqdn', 'Role', 'AdminDisplayVersion', 'IPAddresses', 'Certificates'] as const;
const ROLES: readonly ServerRole[] = ['Mailbox', 'Hub', 'Edge'];

function normalizeServer(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): ExchangeServer {
  const certificates: string[] = [];
  for (const item of listItems(raw, 'Certificates', path)) {
    const t = thumbprintValue(ctx, item.value, item.path);
    if (t) certificates.push(t);
  }
  const s: ExchangeServer = {
    Name: textAt(ctx, raw, 'Name', path) ?? '',
    Fqdn: textAt(ctx, raw, 'Fqdn', path)?.toLowerCase() || null,
    // Get-ExchangeServer spells the 2010 roles HubTransport and EdgeTransport.
    Role: enumValue(raw.Role, ROLES, 'Mailbox', { HubTransport: 'Hub', EdgeTransport: 'Edge' }),
    AdminDisplayVersion: textAt(ctx, raw, 'AdminDisplayVersion', path) || null,
    IPAddresses: ipList(raw, 'IPAddresses', path),
    Certificates: dedupe(certificates),
    extra: extraProperties(ctx, raw, SERVER_KEYS, path),
    provenance: ctx.provenance(path),
  };
  markGiven(s, writtenKeys(raw, SERVER_KEYS));
  return s;
}

const SEND_KEYS = [
  'Name',
  'AddressSpaces',
  'SmartHosts',
  'DNSRoutingEnabled',
  'Fqdn',
  'TlsCertificateName',
  'RequireTLS',
  'TlsAuthLevel',
  'TlsDomain',
  'SourceTransportServers',
  'Enabled',
  'CloudServicesMailEnabled',
] as const;

/** New-SendConnector: enabled; routes by DNS unless smart hosts are given. */
function normalizeSendConnector(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): SendConnector {
  const smartHosts = hostList(raw, 'SmartHosts', path);
  const c: SendConnector = {
    Name: textAt(ctx, raw, 'Name', path) ?? '',
    AddressSpaces: addressSpaceList(ctx, raw, 'AddressSpaces', path),
    SmartHosts: smartHosts,
    DNSRoutingEnabled: has(raw, 'DNSRoutingEnabled') ? boolValue(raw.DNSRoutingEnabled, smartHosts.length === 0) : smartHosts.length === 0,
    Fqdn: textAt(ctx, raw, 'Fqdn', path)?.toLowerCase() || null,
    TlsCertificateName: textAt(ctx, raw, 'TlsCertificateName', path) || null,
    RequireTLS: boolValue(raw.RequireTLS, false),
    TlsAuthLevel: textAt(ctx, raw, 'TlsAuthLevel', path) || null,
    TlsDomain: textAt(ctx, raw, 'TlsDomain', path)?.toLowerCase() || null,
    SourceTransportServers: dedupe(textList(ctx, raw, 'SourceTransportServers', path)),
    Enabled: boolValue(raw.Enabled, true),
    CloudServicesMailEnabled: boolValue(raw.CloudServicesMailEnabled, false),
    extra: extraProperties(ctx, raw, SEND_KEYS, path),
    provenance: ctx.provenance(path),
  };
  markGiven(c, writtenKeys(raw, SEND_KEYS));
  return c;
}

const RECEIVE_KEYS = [
  'Name',
  'Server',
  'Fqdn',
  'TlsCertificateName',
  'RemoteIPRanges',
  'AuthMechanism',
  'PermissionGroups',
  'TransportRole',
  'Enabled',
] as const;

/** New-ReceiveConnector's default RemoteIPRanges: every IPv4 and IPv6 address. */
const ALL_ADDRESSES = ['0.0.0.0-255.255.255.255', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'];

function receiveConnectorServer(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): string | null {
  const v = raw.Server;
  return isRecord(v) ? textValue(ctx, v.Name, [...path, 'Server', 'Name']) : textValue(ctx, v, [...path, 'Server']);
}

function normalizeReceiveConnector(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): ReceiveConnector {
  const ranges = ipList(raw, 'RemoteIPRanges', path);
  const c: ReceiveConnector = {
    Name: textAt(ctx, raw, 'Name', path) ?? '',
    Server: receiveConnectorServer(ctx, raw, path),
    Fqdn: textAt(ctx, raw, 'Fqdn', path)?.toLowerCase() || null,
    TlsCertificateName: textAt(ctx, raw, 'TlsCertificateName', path) || null,
    RemoteIPRanges: has(raw, 'RemoteIPRanges') && raw.RemoteIPRanges !== null ? ranges : [...ALL_ADDRESSES],
    AuthMechanism: textAt(ctx, raw, 'AuthMechanism', path) || null,
    PermissionGroups: textAt(ctx, raw, 'PermissionGroups', path) || null,
    TransportRole: textAt(ctx, raw, 'TransportRole', path) || null,
    Enabled: boolValue(raw.Enabled, true),
    extra: extraProperties(ctx, raw, RECEIVE_KEYS, path),
    provenance: ctx.provenance(path),
  };
  markGiven(c, writtenKeys(raw, RECEIVE_KEYS));
  return c;
}

const REMOTE_DOMAIN_KEYS = [
  'Name',
  'DomainName',
  'TargetDeliveryDomain',
  'TrustedMailInboundEnabled',
  'TrustedMailOutboundEnabled',
  'AllowedOOFType',
  'IsInternal',
] as const;

function normalizeRemoteDomain(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): RemoteDomain {
  const name = textAt(ctx, raw, 'Name', path) ?? '';
  // The built-in remote domain is named "Default" and covers `*`; others are usually named after their domain.
  const domain = domainValue(raw.DomainName) ?? (name.toLowerCase() === 'default' ? '*' : name.toLowerCase());
  const d: RemoteDomain = {
    Name: name,
    DomainName: domain,
    TargetDeliveryDomain: optionalBool(raw.TargetDeliveryDomain),
    TrustedMailInboundEnabled: optionalBool(raw.TrustedMailInboundEnabled),
    TrustedMailOutboundEnabled: optionalBool(raw.TrustedMailOutboundEnabled),
    AllowedOOFType: textAt(ctx, raw, 'AllowedOOFType', path) || null,
    IsInternal: optionalBool(raw.IsInternal),
    extra: extraProperties(ctx, raw, REMOTE_DOMAIN_KEYS, path),
    provenance: ctx.provenance(path),
  };
  markGiven(d, writtenKeys(raw, REMOTE_DOMAIN_KEYS));
  return d;
}
