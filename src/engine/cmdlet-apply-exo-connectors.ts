import type { InboundConnector, OutboundConnector } from '../model/case.js';
import { tenantScopes } from './cmdlet-identity.js';
import { failParameter, type ApplyContext, type ObjectKind } from './cmdlet-object-verbs.js';
import { booleanRule, domainKey, enumRule, hostKey, listRule, lowerKey, textRule, type PropertyRules } from './cmdlet-settings.js';
import { checkCertificateDomain, checkDomain, checkIpRange, checkSmartHost } from './cmdlet-value-checks.js';

/** Exchange Online inbound and outbound connectors (New-/Set-/Remove-InboundConnector, …OutboundConnector). */

const CONNECTOR_TYPES = ['Partner', 'OnPremises'] as const;
const TLS_SETTINGS = ['EncryptionOnly', 'CertificateValidation', 'DomainValidation'] as const;

const inboundRules: PropertyRules = {
  ConnectorType: enumRule(CONNECTOR_TYPES),
  Enabled: booleanRule,
  SenderDomains: listRule((src, p, item) => checkDomain(src, p.name, item, { allowStar: true }), domainKey),
  SenderIPAddresses: listRule((src, p, item) => checkIpRange(src, p.name, item, { ipv4Only: true, minIPv4Prefix: 24 }), lowerKey),
  TlsSenderCertificateName: textRule({ nullable: true, check: (src, p, v) => checkCertificateDomain(src, p.name, v, p.value) }),
  RequireTls: booleanRule,
  RestrictDomainsToCertificate: booleanRule,
  RestrictDomainsToIPAddresses: booleanRule,
  CloudServicesMailEnabled: booleanRule,
};

export const INBOUND_CONNECTOR: ObjectKind<InboundConnector> = {
  type: 'InboundConnector',
  lookup: (c) => ({ what: 'inbound connector', place: 'tenant', scopes: tenantScopes(c, (t) => t.InboundConnectors), nameOf: (x) => x.Name }),
  rules: inboundRules,
  validate: (ctx, c, given, scope) => {
    if (given.has('AssociatedAcceptedDomains')) checkAssociatedAcceptedDomains(ctx, c, scope.name);
    // Set-InboundConnector reference: TreatMessagesAsInternal cannot be $true on a hybrid
    // (CloudServicesMailEnabled) connector or on one that is not OnPremises.
    if (c.extra.TreatMessagesAsInternal === true && (c.CloudServicesMailEnabled || c.ConnectorType !== 'OnPremises')) {
      failParameter(ctx, 'TreatMessagesAsInternal', 'TreatMessagesAsInternal cannot be $true when CloudServicesMailEnabled is $true or ConnectorType is not OnPremises');
    }
    // Exchange Online identifies an OnPremises connector's mail by certificate or by source IP;
    // it refuses to save one that has neither.
    const identifying = ['ConnectorType', 'SenderIPAddresses', 'TlsSenderCertificateName'].some((p) => given.has(p));
    if (identifying && c.ConnectorType === 'OnPremises' && c.SenderIPAddresses.length === 0 && !c.TlsSenderCertificateName) {
      const at = ['SenderIPAddresses', 'TlsSenderCertificateName', 'ConnectorType'].find((p) => given.has(p))!;
      failParameter(
        ctx,
        at,
        `An OnPremises inbound connector needs a certificate name or sender IP addresses to recognise mail, and "${c.Name}" would have neither`,
        'Give -TlsSenderCertificateName or -SenderIPAddresses',
      );
    }
  },
};

/**
 * AssociatedAcceptedDomains takes accepted domains of the organization (AcceptedDomainIdParameter):
 * a value the tenant does not accept cannot be found. Kept in `extra` in lower case, where the
 * Partner connector model reads it (EXO-SEMANTICS M15).
 */
function checkAssociatedAcceptedDomains(ctx: ApplyContext, c: InboundConnector, tenantName: string): void {
  const value = c.extra.AssociatedAcceptedDomains;
  const list = (Array.isArray(value) ? value : []).map((d) => String(d).trim().toLowerCase());
  const tenant = ctx.case.tenants.find((t) => t.Name === tenantName);
  const unknown = list.filter((d) => !tenant?.AcceptedDomains.some((a) => a.DomainName === d));
  if (unknown.length > 0) {
    failParameter(
      ctx,
      'AssociatedAcceptedDomains',
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is not an accepted domain' : 'are not accepted domains'} of ${tenantName}`,
      `Give accepted domains of the tenant: ${tenant?.AcceptedDomains.map((a) => a.DomainName).join(', ') || 'none'}`,
    );
  }
  c.extra.AssociatedAcceptedDomains = list;
}

export function newInboundConnector(name: string, file: string): InboundConnector {
  return {
    Name: name,
    ConnectorType: 'Partner',
    Enabled: true,
    TlsSenderCertificateName: null,
    SenderIPAddresses: [],
    SenderDomains: [],
    RequireTls: true,
    RestrictDomainsToCertificate: false,
    RestrictDomainsToIPAddresses: false,
    CloudServicesMailEnabled: false,
    extra: {},
    provenance: { file },
  };
}

/** RequireTls is documented as defaulting to $true and as applying to Partner connectors. */
export function finishInboundConnector(_ctx: ApplyContext, c: InboundConnector, given: ReadonlySet<string>): void {
  if (!given.has('RequireTls')) c.RequireTls = c.ConnectorType === 'Partner';
}

const outboundRules: PropertyRules = {
  ConnectorType: enumRule(CONNECTOR_TYPES),
  Enabled: booleanRule,
  RecipientDomains: listRule((src, p, item) => checkDomain(src, p.name, item, { allowStar: true }), domainKey),
  SmartHosts: listRule((src, p, item) => checkSmartHost(src, p.name, item, { allowCidr: true }), hostKey),
  UseMXRecord: booleanRule,
  AllAcceptedDomains: booleanRule,
  RouteAllMessagesViaOnPremises: booleanRule,
  IsTransportRuleScoped: booleanRule,
  TlsSettings: enumRule(TLS_SETTINGS, { nullable: true }),
  TlsDomain: textRule({ nullable: true, check: (src, p, v) => checkDomain(src, p.name, { text: v, offset: p.value.offset }) }),
  CloudServicesMailEnabled: booleanRule,
};

export const OUTBOUND_CONNECTOR: ObjectKind<OutboundConnector> = {
  type: 'OutboundConnector',
  lookup: (c) => ({ what: 'outbound connector', place: 'tenant', scopes: tenantScopes(c, (t) => t.OutboundConnectors), nameOf: (x) => x.Name }),
  rules: outboundRules,
  validate: (ctx, c, given) => {
    // Set-OutboundConnector reference: both settings "require OnPremises for the ConnectorType value".
    for (const p of ['RouteAllMessagesViaOnPremises', 'AllAcceptedDomains'] as const) {
      if (c[p] && c.ConnectorType !== 'OnPremises' && (given.has(p) || given.has('ConnectorType'))) {
        failParameter(ctx, given.has(p) ? p : 'ConnectorType', `${p} $true requires ConnectorType OnPremises, and "${c.Name}" would be ${c.ConnectorType}`);
      }
    }
    // UseMXRecord $false "requires one or more smart hosts"; smart hosts are only used without MX routing.
    if (given.has('UseMXRecord') || given.has('SmartHosts')) {
      if (!c.UseMXRecord && c.SmartHosts.length === 0) {
        failParameter(ctx, given.has('UseMXRecord') ? 'UseMXRecord' : 'SmartHosts', `"${c.Name}" would route by smart host (UseMXRecord $false) but have no smart hosts`, 'Give -SmartHosts as well');
      }
      if (c.UseMXRecord && c.SmartHosts.length > 0) {
        failParameter(ctx, given.has('SmartHosts') ? 'SmartHosts' : 'UseMXRecord', `"${c.Name}" would have smart hosts while UseMXRecord is $true`, 'Add -UseMXRecord $false to route to the smart hosts, or empty -SmartHosts with $null');
      }
    }
  },
};

export function newOutboundConnector(name: string, file: string): OutboundConnector {
  return {
    Name: name,
    ConnectorType: 'Partner',
    Enabled: true,
    RecipientDomains: [],
    SmartHosts: [],
    UseMXRecord: true,
    AllAcceptedDomains: false,
    RouteAllMessagesViaOnPremises: false,
    IsTransportRuleScoped: false,
    TlsSettings: null,
    TlsDomain: null,
    CloudServicesMailEnabled: false,
    extra: {},
    provenance: { file },
  };
}

/** Smart hosts given without -UseMXRecord: the connector is meant to use them. */
export function finishOutboundConnector(_ctx: ApplyContext, c: OutboundConnector, given: ReadonlySet<string>): void {
  if (!given.has('UseMXRecord') && c.SmartHosts.length > 0) c.UseMXRecord = false;
}
