import type { Organization, ReceiveConnector, SendConnector } from '../model/case.js';
import { listNames } from './cmdlet-suggest.js';
import { organizationScopes, type Scope } from './cmdlet-identity.js';
import { failParameter, setObject, type ApplyContext, type ChangeOutcome, type ObjectKind } from './cmdlet-object-verbs.js';
import { failValue, type ListItem, type ValueSource } from './cmdlet-convert.js';
import {
  formatBinding,
  formatTlsDomainCapabilities,
  isAnyAddress,
  parseBinding,
  receiveConnectorBindings,
  receiveConnectorRequireTls,
  receiveConnectorTlsDomainCapabilities,
} from '../model/receive-connector-settings.js';
import { parseIp } from './ip-address.js';
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
  // Kept under `extra` (the model's place for them, src/model/receive-connector-settings.ts), and
  // read by the simulation (EXO-SEMANTICS M8.3, M10, M14): see setReceiveConnector.
  Bindings: listRule((src, p, item) => checkBinding(src, p.name, item), lowerKey),
  TlsDomainCapabilities: listRule((src, p, item) => checkDomainCapability(src, p.name, item), (s) => s.toLowerCase().split(':')[0]!),
  RequireTLS: booleanRule,
};

/** Receive-connector settings the case holds under `extra`, with the simulation reading them there. */
const EXTRA_SETTINGS = ['Bindings', 'TlsDomainCapabilities', 'RequireTLS'] as const;

/** `IP:port` as Set-ReceiveConnector -Bindings takes it (`0.0.0.0:25`, `[::]:25`, `10.0.0.5:2525`). */
function checkBinding(src: ValueSource, param: string, item: ListItem): string {
  const b = parseBinding(item.text);
  if (!b || (!isAnyAddress(b.address) && parseIp(b.address) === null)) {
    failValue(src, item, `"${item.text}" is not a valid value for -${param}`, 'Write an IP address and port, e.g. 0.0.0.0:25 or [::]:25');
  }
  return formatBinding(b);
}

/** `domain:Capability[,Capability]` (Set-ReceiveConnector -TlsDomainCapabilities). */
const CAPABILITIES = ['None', 'AcceptOorgProtocol', 'AcceptOrgHeaders', 'AcceptCloudServicesMail', 'AcceptCrossForestMail', 'AcceptXOriginalFrom', 'AcceptXAttributionHeaders', 'AcceptProxyFromProtocol', 'AcceptProxyToProtocol', 'AcceptProxyProtocol', 'AcceptXSysProbeProtocol', 'AllowSubmit', 'AcceptOrar', 'AcceptCrossPremisesMail'];
function checkDomainCapability(src: ValueSource, param: string, item: ListItem): string {
  const t = item.text.trim();
  const colon = t.indexOf(':');
  const domain = colon > 0 ? t.slice(0, colon).trim() : '';
  if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(domain)) {
    failValue(src, item, `"${item.text}" is not a valid value for -${param}`, 'Write domain:Capability, e.g. mail.protection.outlook.com:AcceptCloudServicesMail');
  }
  const caps = t.slice(colon + 1).split(',').map((c) => c.trim()).filter((c) => c !== '');
  const named = caps.map((c) => CAPABILITIES.find((k) => k.toLowerCase() === c.toLowerCase()));
  const bad = caps.find((_c, i) => named[i] === undefined);
  if (caps.length === 0 || bad !== undefined) {
    failValue(src, item, `${bad === undefined ? 'No capability' : `"${bad}" is not a capability`} in "${item.text}" for -${param}`, `Capabilities: ${CAPABILITIES.join(', ')}`);
  }
  return `${domain.toLowerCase()}:${named.join(',')}`;
}

/** The values of EXTRA_SETTINGS in the form the property rules edit (lists of text, a Boolean). */
function hoisted(rc: ReceiveConnector, key: (typeof EXTRA_SETTINGS)[number]): unknown {
  if (key === 'RequireTLS') return receiveConnectorRequireTls(rc);
  if (key === 'Bindings') return receiveConnectorBindings(rc)?.map(formatBinding) ?? [];
  return formatTlsDomainCapabilities(receiveConnectorTlsDomainCapabilities(rc) ?? []);
}

/**
 * Set-ReceiveConnector: the generic Set- with the `extra` settings lifted to properties for the
 * duration (so their rules see the current value and the description shows old → new) and put
 * back under `extra` afterwards, where the model and every reader keep them.
 */
export function setReceiveConnector(ctx: ApplyContext): ChangeOutcome {
  const all = ctx.case.organizations.flatMap((o) => o.ReceiveConnectors) as (ReceiveConnector & Record<string, unknown>)[];
  const given = EXTRA_SETTINGS.filter((k) => ctx.parsed.parameters[k] !== undefined);
  for (const rc of all) for (const k of given) rc[k] = hoisted(rc, k);
  try {
    return setObject(ctx, RECEIVE_CONNECTOR);
  } finally {
    for (const rc of all) {
      for (const k of given) {
        if (JSON.stringify(rc[k]) !== JSON.stringify(hoisted(rc, k))) rc.extra[k] = rc[k];
        delete rc[k];
      }
    }
  }
}

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
    const requireTls = given.has('RequireTLS') ? (c as unknown as Record<string, unknown>).RequireTLS === true : receiveConnectorRequireTls(c);
    if (requireTls && !auth.includes('tls')) failParameter(ctx, at, 'RequireTLS $true requires Tls in AuthMechanism');
  },
};
