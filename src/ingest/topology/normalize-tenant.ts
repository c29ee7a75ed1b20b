import type { ConnectorType, InboundConnector, JournalRule, JournalScope, OutboundConnector, Tenant } from '../../model/case.js';
import { markGiven } from '../../model/given-properties.js';
import { EXCHANGE_ONLINE_INSTANCES } from '../../model/domains.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizeAcceptedDomains, normalizeObjectList } from './normalize-objects.js';
import { normalizeRecipients } from './normalize-recipients.js';
import {
  addressSpaceList,
  boolValue,
  dedupe,
  domainList,
  enumValue,
  extraProperties,
  has,
  hostList,
  ipList,
  textAt,
  writtenKeys,
  type Raw,
} from './normalize-values.js';
import type { PathSegment } from './yaml-positions.js';

const CONNECTOR_TYPES: readonly ConnectorType[] = ['OnPremises', 'Partner'];
const JOURNAL_SCOPES: readonly JournalScope[] = ['Global', 'Internal', 'External'];

const TENANT_KEYS = ['Name', 'TenantId', 'AcceptedDomains', 'InboundConnectors', 'OutboundConnectors', 'JournalRules', 'Instance', 'Recipients'] as const;
const TENANT_CHILDREN = ['AcceptedDomains', 'InboundConnectors', 'OutboundConnectors', 'JournalRules', 'Recipients'];

export function normalizeTenants(ctx: NormalizeContext, root: Raw): Tenant[] {
  return normalizeObjectList(ctx, root, 'tenants', [], {
    label: 'tenant',
    owner: 'this file',
    childKeys: TENANT_CHILDREN,
    build: (raw, path) => normalizeTenant(ctx, raw, path),
  });
}

function normalizeTenant(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): Tenant {
  const name = textAt(ctx, raw, 'Name', path) ?? '';
  const owner = `tenant "${name}"`;
  const tenant: Tenant = {
    Name: name,
    TenantId: textAt(ctx, raw, 'TenantId', path),
    AcceptedDomains: normalizeAcceptedDomains(ctx, raw, path, owner),
    InboundConnectors: normalizeObjectList(ctx, raw, 'InboundConnectors', path, {
      label: 'inbound connector',
      owner,
      build: (item, p) => normalizeInboundConnector(ctx, item, p),
    }),
    OutboundConnectors: normalizeObjectList(ctx, raw, 'OutboundConnectors', path, {
      label: 'outbound connector',
      owner,
      build: (item, p) => normalizeOutboundConnector(ctx, item, p),
    }),
    JournalRules: normalizeObjectList(ctx, raw, 'JournalRules', path, {
      label: 'journal rule',
      owner,
      build: (item, p) => normalizeJournalRule(ctx, item, p),
    }),
    extra: extraProperties(ctx, raw, TENANT_KEYS, path),
    provenance: ctx.provenance(path),
  };
  // M13: kept only when written, so a tenant without it stays Worldwide by default.
  if (has(raw, 'Instance')) tenant.Instance = enumValue(raw.Instance, EXCHANGE_ONLINE_INSTANCES, 'Worldwide');
  // M11: kept only when written — absent means the case says nothing about the directory.
  const recipients = normalizeRecipients(ctx, raw, path, owner);
  if (recipients) tenant.Recipients = recipients;
  markGiven(tenant, writtenKeys(raw, TENANT_KEYS));
  return tenant;
}

const INBOUND_KEYS = [
  'Name',
  'ConnectorType',
  'Enabled',
  'TlsSenderCertificateName',
  'SenderIPAddresses',
  'SenderDomains',
  'RequireTls',
  'RestrictDomainsToCertificate',
  'RestrictDomainsToIPAddresses',
  'CloudServicesMailEnabled',
] as const;

/**
 * Defaults follow New-InboundConnector: a connector is Partner unless told OnPremises, enabled,
 * and restricts nothing. SenderDomains is left empty when absent rather than guessed.
 */
function normalizeInboundConnector(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): InboundConnector {
  const c: InboundConnector = {
    Name: textAt(ctx, raw, 'Name', path) ?? '',
    ConnectorType: enumValue(raw.ConnectorType, CONNECTOR_TYPES, 'Partner'),
    Enabled: boolValue(raw.Enabled, true),
    TlsSenderCertificateName: textAt(ctx, raw, 'TlsSenderCertificateName', path) || null,
    SenderIPAddresses: ipList(raw, 'SenderIPAddresses', path),
    // SenderDomains are address spaces (`smtp:*;1`); the model keeps the domain pattern.
    SenderDomains: dedupe(addressSpaceList(ctx, raw, 'SenderDomains', path).map((a) => a.Domain)),
    RequireTls: boolValue(raw.RequireTls, false),
    RestrictDomainsToCertificate: boolValue(raw.RestrictDomainsToCertificate, false),
    RestrictDomainsToIPAddresses: boolValue(raw.RestrictDomainsToIPAddresses, false),
    CloudServicesMailEnabled: boolValue(raw.CloudServicesMailEnabled, false),
    extra: extraProperties(ctx, raw, INBOUND_KEYS, path),
    provenance: ctx.provenance(path),
  };
  markGiven(c, writtenKeys(raw, INBOUND_KEYS));
  return c;
}

const OUTBOUND_KEYS = [
  'Name',
  'ConnectorType',
  'Enabled',
  'RecipientDomains',
  'SmartHosts',
  'UseMXRecord',
  'AllAcceptedDomains',
  'RouteAllMessagesViaOnPremises',
  'IsTransportRuleScoped',
  'TlsSettings',
  'TlsDomain',
  'CloudServicesMailEnabled',
] as const;

/** New-OutboundConnector: Partner and enabled by default; without smart hosts it can only use MX. */
function normalizeOutboundConnector(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): OutboundConnector {
  const smartHosts = hostList(raw, 'SmartHosts', path);
  const c: OutboundConnector = {
    Name: textAt(ctx, raw, 'Name', path) ?? '',
    ConnectorType: enumValue(raw.ConnectorType, CONNECTOR_TYPES, 'Partner'),
    Enabled: boolValue(raw.Enabled, true),
    RecipientDomains: domainList(raw, 'RecipientDomains', path),
    SmartHosts: smartHosts,
    UseMXRecord: has(raw, 'UseMXRecord') ? boolValue(raw.UseMXRecord, smartHosts.length === 0) : smartHosts.length === 0,
    AllAcceptedDomains: boolValue(raw.AllAcceptedDomains, false),
    RouteAllMessagesViaOnPremises: boolValue(raw.RouteAllMessagesViaOnPremises, false),
    IsTransportRuleScoped: boolValue(raw.IsTransportRuleScoped, false),
    TlsSettings: textAt(ctx, raw, 'TlsSettings', path) || null,
    TlsDomain: textAt(ctx, raw, 'TlsDomain', path)?.toLowerCase() || null,
    CloudServicesMailEnabled: boolValue(raw.CloudServicesMailEnabled, false),
    extra: extraProperties(ctx, raw, OUTBOUND_KEYS, path),
    provenance: ctx.provenance(path),
  };
  markGiven(c, writtenKeys(raw, OUTBOUND_KEYS));
  return c;
}

const JOURNAL_KEYS = ['Name', 'Scope', 'Recipient', 'JournalEmailAddress', 'Enabled'] as const;

/** New-JournalRule: enabled and Global unless told otherwise; no Recipient means every recipient. */
function normalizeJournalRule(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): JournalRule {
  const r: JournalRule = {
    Name: textAt(ctx, raw, 'Name', path) ?? '',
    Scope: enumValue(raw.Scope, JOURNAL_SCOPES, 'Global'),
    Recipient: textAt(ctx, raw, 'Recipient', path)?.toLowerCase() || null,
    JournalEmailAddress: textAt(ctx, raw, 'JournalEmailAddress', path)?.toLowerCase() ?? '',
    Enabled: boolValue(raw.Enabled, true),
    extra: extraProperties(ctx, raw, JOURNAL_KEYS, path),
    provenance: ctx.provenance(path),
  };
  markGiven(r, writtenKeys(raw, JOURNAL_KEYS));
  return r;
}
