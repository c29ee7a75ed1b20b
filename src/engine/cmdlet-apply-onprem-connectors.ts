import type { Organization, ReceiveConnector, SendConnector } from '../model/case.js';
import { listNames } from './cmdlet-suggest.js';
import { organizationScopes, type Scope } from './cmdlet-identity.js';
import { failParameter, type ApplyContext, type ObjectKind } from './cmdlet-object-verbs.js';
import { booleanRule, enumRule, hostKey, listRule, lowerKey, textRule, type PropertyRules } from './cmdlet-settings.js';
import {
  addressSpaceKey,
  checkAddressSpace,
  checkDomain,
  checkHostName,
  checkIpRange,
  checkIssuerSubject,
  checkSmartHost,
} from './cmdlet-value-checks.js';

/** Exchange Server send connectors (New-/Set-/Remove-SendConnector) and receive connectors (Set-ReceiveConnector). */

const TLS_AUTH_LEVELS = ['EncryptionOnly', 'CertificateValidation', 'DomainValidation'] as const;

const hostRule = textRule({ nullable: true, check: (src, p, v) => checkHostName(src, p.name, v, p.value) });
const issuerSubjectRule = textRule({ nullable: true, check: (src, p, v) => checkIssuerSubject(src, p.name, v, p.value) });

const sendRules: PropertyRules = {
  AddressSpaces: listRule((src, p, item) => checkAddressSpace(src, p.name, item), addressSpaceKey),
  SmartHosts: listRule((src, p, item) => checkSmartHost(src, p.name, item), hostKey),
  DNSRoutingEnabled: booleanRule,
  Fqdn: hostRule,
  TlsCertificateName: issuerSubjectRule,
  RequireTLS: booleanRule,
  TlsAuthLevel: enumRule(TLS_AUTH_LEVELS, { nullable: true }),
  TlsDomain: textRule({ nullable: true, check: (src, p, v) => checkDomain(src, p.name, { text: v, offset: p.value.offset }) }),
  SourceTransportServers: listRule((_src, _p, item) => item.text.trim(), lowerKey),
  Enabled: booleanRule,
  CloudServicesMailEnabled: booleanRule,
};

function organizationOf(ctx: ApplyContext, scope: Scope<unknown>): Organization | undefined {
  return ctx.case.organizations.find((o) => o.Name === scope.name);
}

/** Servers that run the Transport service a send connector can use (not Edge, which is separate). */
function transportServers(org: Organization | undefined): string[] {
  return (org?.Servers ?? []).filter((s) => s.Role !== 'Edge').map((s) => s.Name);
}

export const SEND_CONNECTOR: ObjectKind<SendConnector> = {
  type: 'SendConnector',
  lookup: (c) => ({ what: 'send connector', place: 'organization', scopes: organizationScopes(c, (o) => o.SendConnectors), nameOf: (x) => x.Name }),
  rules: sendRules,
  validate: (ctx, c, given, scope) => {
    // Set-SendConnector reference: "If you specify a SmartHosts parameter, the DNSRoutingEnabled
    // parameter must be $false", and SmartHosts is required when DNSRoutingEnabled is $false.
    if (given.has('DNSRoutingEnabled') || given.has('SmartHosts')) {
      if (!c.DNSRoutingEnabled && c.SmartHosts.length === 0) {
        failParameter(ctx, given.has('DNSRoutingEnabled') ? 'DNSRoutingEnabled' : 'SmartHosts', `"${c.Name}" would route by smart host (DNSRoutingEnabled $false) but have no smart hosts`, 'Give -SmartHosts in the same command');
      }
      if (c.DNSRoutingEnabled && c.SmartHosts.length > 0) {
        failParameter(ctx, given.has('SmartHosts') ? 'SmartHosts' : 'DNSRoutingEnabled', `"${c.Name}" would have smart hosts while DNSRoutingEnabled is $true`, 'Add -DNSRoutingEnabled $false to route to the smart hosts, or empty -SmartHosts with $null');
      }
    }
    // TlsAuthLevel "can't be specified if … RequireTLS is set to $false".
    if ((given.has('TlsAuthLevel') || given.has('RequireTLS')) && c.TlsAuthLevel !== null && !c.RequireTLS) {
      failParameter(ctx, given.has('TlsAuthLevel') ? 'TlsAuthLevel' : 'RequireTLS', `TlsAuthLevel ${c.TlsAuthLevel} needs RequireTLS $true on "${c.Name}"`, 'Add -RequireTLS $true, or clear -TlsAuthLevel with $null');
    }
    // SourceTransportServers names servers of the organization (Exchange resolves them in AD).
    const known = transportServers(organizationOf(ctx, scope as Scope<unknown>));
    if (given.has('SourceTransportServers') && known.length > 0) {
      const unknown = c.SourceTransportServers.filter((s) => !known.some((k) => k.toLowerCase() === s.toLowerCase()));
      if (unknown.length > 0) {
        failParameter(ctx, 'SourceTransportServers', `${listNames(unknown)} ${unknown.length === 1 ? 'is not a server' : 'are not servers'} of organization ${scope.name}`, `Its transport servers: ${listNames(known)}`);
      }
    }
  },
};

export function newSendConnector(name: string, file: string): SendConnector {
  return {
    Name: name,
    AddressSpaces: [],
    SmartHosts: [],
    DNSRoutingEnabled: true,
    Fqdn: null,
    TlsCertificateName: null,
    RequireTLS: false,
    TlsAuthLevel: null,
    TlsDomain: null,
    SourceTransportServers: [],
    Enabled: true,
    CloudServicesMailEnabled: false,
    extra: {},
    provenance: { file },
  };
}

const USAGE_SWITCHES = ['Custom', 'Internal', 'Internet', 'Partner'] as const;

/**
 * Defaults that depend on what was given. DNS routing is on unless smart hosts are given (the
 * reference: with SmartHosts, DNSRoutingEnabled must be $false). Exchange picks the server the
 * command runs on when SourceTransportServers is left out; a case has no such server, so the
 * model takes every transport server of the organization.
 */
export function finishSendConnector(ctx: ApplyContext, c: SendConnector, given: ReadonlySet<string>, scope: Scope<SendConnector>): void {
  if (!given.has('DNSRoutingEnabled')) c.DNSRoutingEnabled = c.SmartHosts.length === 0;
  if (!given.has('SourceTransportServers')) c.SourceTransportServers = transportServers(organizationOf(ctx, scope as Scope<unknown>));
  // The usage type (-Custom, -Internal, -Internet, -Partner or -Usage) sets permissions and
  // authentication, which the model does not follow; only one may be given.
  const usages = [...USAGE_SWITCHES.filter((u) => given.has(u)), ...(given.has('Usage') ? ['Usage'] : [])];
  if (usages.length > 1) {
    failParameter(ctx, usages[1]!, `Only one usage type may be given, not ${listNames(usages.map((u) => `-${u}`), 10, false)}`);
  }
}

const receiveRules: PropertyRules = {
  Fqdn: hostRule,
  TlsCertificateName: issuerSubjectRule,
  RemoteIPRanges: listRule((src, p, item) => checkIpRange(src, p.name, item), lowerKey),
  AuthMechanism: enumRule(['None', 'Tls', 'Integrated', 'BasicAuth', 'BasicAuthRequireTLS', 'ExchangeServer', 'ExternalAuthoritative'], { flags: true }),
  PermissionGroups: enumRule(['None', 'AnonymousUsers', 'ExchangeUsers', 'ExchangeServers', 'ExchangeLegacyServers', 'Partners', 'Custom'], { flags: true }),
  TransportRole: enumRule(['FrontendTransport', 'HubTransport']),
  Enabled: booleanRule,
};

function flags(value: string | null): string[] {
  return (value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

export const RECEIVE_CONNECTOR: ObjectKind<ReceiveConnector> = {
  type: 'ReceiveConnector',
  lookup: (c) => ({
    what: 'receive connector',
    place: 'organization',
    scopes: organizationScopes(c, (o) => o.ReceiveConnectors),
    nameOf: (x) => x.Name,
    serverOf: (x) => x.Server,
  }),
  rules: receiveRules,
  validate: (ctx, c, given) => {
    // Dependencies of AuthMechanism values (Set-ReceiveConnector reference).
    if (!given.has('AuthMechanism') && !given.has('PermissionGroups') && !given.has('RequireTLS')) return;
    const auth = flags(c.AuthMechanism);
    const at = given.has('AuthMechanism') ? 'AuthMechanism' : given.has('PermissionGroups') ? 'PermissionGroups' : 'RequireTLS';
    if (auth.includes('none') && auth.length > 1) failParameter(ctx, at, 'The AuthMechanism value None can only be used by itself');
    if (auth.includes('basicauthrequiretls') && !(auth.includes('basicauth') && auth.includes('tls'))) {
      failParameter(ctx, at, 'The AuthMechanism value BasicAuthRequireTLS also requires BasicAuth and Tls');
    }
    if (auth.includes('externalauthoritative')) {
      if (auth.some((a) => a !== 'externalauthoritative' && a !== 'tls')) failParameter(ctx, at, 'The only other AuthMechanism value allowed with ExternalAuthoritative is Tls');
      if (!flags(c.PermissionGroups).includes('exchangeservers')) failParameter(ctx, at, 'AuthMechanism ExternalAuthoritative requires PermissionGroups ExchangeServers');
    }
    if (c.extra.RequireTLS === true && !auth.includes('tls')) failParameter(ctx, at, 'RequireTLS $true requires Tls in AuthMechanism');
  },
};
