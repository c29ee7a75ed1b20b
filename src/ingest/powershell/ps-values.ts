import type { PsObjectValue, PsValue } from './ps-record.js';

/**
 * Values of live objects (Exchange snap-in loaded in the same process, FORMATS.md 4.3b) turned
 * into the strings a remote session would have given, so one set of normalisers reads both:
 * enums as numbers become names, AD references become their `Name`, Exchange value types
 * (versions, certificate identifiers, IP ranges) become their ToString() form.
 */

export function isObject(v: PsValue | undefined): v is PsObjectValue {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** A flags enum: the names of the set bits in declaration order, joined as .NET's ToString does. */
function flags(table: readonly (readonly [string, number])[], n: number): string {
  if (n === 0) return table.find(([, v]) => v === 0)?.[0] ?? '0';
  const names = table.filter(([, v]) => v !== 0 && (n & v) === v).map(([k]) => k);
  return names.length > 0 ? names.join(', ') : String(n);
}

function plain(table: readonly (readonly [string, number])[], n: number): string {
  return table.find(([, v]) => v === n)?.[0] ?? String(n);
}

/**
 * Enum values as Exchange declares them (FORMATS.md 4.3b; checked against the enum declarations
 * of Exchange's Microsoft.Exchange.Data assemblies). Live objects only: a remote session, and so
 * every Exchange Online export, gives the names.
 */
const SERVICES = [['None', 0], ['IMAP', 1], ['POP', 2], ['UM', 4], ['IIS', 8], ['SMTP', 16], ['Federation', 32], ['UMCallRouter', 64]] as const;
const DOMAIN_TYPE = [['Authoritative', 0], ['ExternalRelay', 1], ['InternalRelay', 2]] as const;
/** TenantConnectorType: OnPremises is declared first, as 1. */
const CONNECTOR_TYPE = [['OnPremises', 1], ['Partner', 2]] as const;
const JOURNAL_SCOPE = [['Internal', 0], ['External', 1], ['Global', 2]] as const;
/** ReceiveConnector.AuthMechanisms (flags). */
const RECEIVE_AUTH_MECHANISM = [['None', 0], ['Tls', 1], ['Integrated', 2], ['BasicAuth', 4], ['BasicAuthRequireTLS', 8], ['ExchangeServer', 16], ['ExternalAuthoritative', 32]] as const;
/** SmtpSendConnectorConfig.AuthMechanisms: a different enum, without Tls and Integrated. */
const SEND_AUTH_MECHANISM = [['None', 0], ['BasicAuth', 2], ['BasicAuthRequireTLS', 4], ['ExchangeServer', 8], ['ExternalAuthoritative', 16]] as const;
const PERMISSION_GROUPS = [['None', 0], ['AnonymousUsers', 1], ['ExchangeUsers', 2], ['ExchangeServers', 4], ['ExchangeLegacyServers', 8], ['Partners', 16], ['Custom', 32]] as const;
const SERVER_ROLE = [['None', 0], ['Cafe', 1], ['Mailbox', 2], ['ClientAccess', 4], ['UnifiedMessaging', 16], ['HubTransport', 32], ['Edge', 64], ['FrontendTransport', 16384]] as const;

type Converter = (v: PsValue) => PsValue;

const enumOf = (table: readonly (readonly [string, number])[], isFlags = false): Converter => (v) =>
  typeof v === 'number' ? (isFlags ? flags(table, v) : plain(table, v)) : v;

/** Per property: how a live value is read. Properties not named keep their value. */
const CONVERTERS: Record<string, Converter> = {
  Services: enumOf(SERVICES, true),
  DomainType: enumOf(DOMAIN_TYPE),
  ConnectorType: enumOf(CONNECTOR_TYPE),
  Scope: enumOf(JOURNAL_SCOPE),
  AuthMechanism: enumOf(RECEIVE_AUTH_MECHANISM, true),
  PermissionGroups: enumOf(PERMISSION_GROUPS, true),
  ServerRole: enumOf(SERVER_ROLE, true),
  AdminDisplayVersion: versionText,
  TlsCertificateName: certificateIdentifier,
  Fqdn: domainText,
  TlsDomain: domainText,
  TlsSenderCertificateName: domainText,
  OnPremisesSmartHost: domainText,
  Recipient: addressText,
  JournalEmailAddress: addressText,
  SourceTransportServers: listOf(referenceName),
  ReceivingTransportServers: listOf(referenceName),
  SendingTransportServers: listOf(referenceName),
  EdgeTransportServers: listOf(referenceName),
  Server: referenceName,
  RemoteIPRanges: listOf(ipRangeText),
  SenderIPAddresses: listOf(ipRangeText),
  Features: listOf((v) => v),
  Domains: listOf(domainText),
};

/** Where one property name means a different enum on another kind of object. */
const CONVERTERS_BY_KIND: Partial<Record<string, Record<string, Converter>>> = {
  SendConnector: { AuthMechanism: enumOf(SEND_AUTH_MECHANISM, true) },
};

/** Converts in place: the properties belong to the record being read, and a provider's exports hold millions of them. */
export function convertLiveValues(properties: Record<string, PsValue>, kind?: string): Record<string, PsValue> {
  const own = kind === undefined ? undefined : CONVERTERS_BY_KIND[kind];
  // Each property converts on its own, so the converters' few names are looked up in the object
  // rather than the object's dozens of names in the converters.
  for (const k of own === undefined ? CONVERTER_NAMES : CONVERTER_NAMES_WITH[kind!]!) {
    if (!Object.hasOwn(properties, k)) continue;
    const convert = own && Object.hasOwn(own, k) ? own[k]! : CONVERTERS[k]!;
    const v = properties[k]!;
    if (v !== null) properties[k] = convert(v);
  }
  return properties;
}

const CONVERTER_NAMES: readonly string[] = Object.keys(CONVERTERS);
const CONVERTER_NAMES_WITH: Partial<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(CONVERTERS_BY_KIND).map(([kind, own]) => [kind, [...new Set([...Object.keys(own ?? {}), ...CONVERTER_NAMES])]]),
);

function listOf(item: Converter): Converter {
  return (v) => (Array.isArray(v) ? v.map(item) : item(v));
}

/** An AD reference (`{ Rdn, Name, DistinguishedName, … }`): its `Name`. */
export function referenceName(v: PsValue): PsValue {
  if (isObject(v) && typeof v.Name === 'string') return v.Name;
  return v;
}

/** SmtpDomain / Fqdn objects carry the text in `Domain` (or `Address` for hosts). */
function domainText(v: PsValue): PsValue {
  if (!isObject(v)) return v;
  const d = v.Domain ?? v.Address;
  if (typeof d === 'string') return d;
  return isObject(d) && typeof d.Domain === 'string' ? d.Domain : v;
}

function addressText(v: PsValue): PsValue {
  if (!isObject(v)) return v;
  if (typeof v.Address === 'string') return v.Address;
  if (typeof v.Local === 'string' && typeof v.Domain === 'string') return `${v.Local}@${v.Domain}`;
  return referenceName(v);
}

/** ServerVersion `{ Major, Minor, Build, Revision }` → `Version 15.2 (Build 1748.10)`, as Get-ExchangeServer prints it. */
function versionText(v: PsValue): PsValue {
  if (!isObject(v) || typeof v.Major !== 'number') return v;
  return `Version ${v.Major}.${Number(v.Minor ?? 0)} (Build ${Number(v.Build ?? 0)}.${Number(v.Revision ?? 0)})`;
}

/** SmtpX509Identifier `{ CertificateIssuer, CertificateSubject }` → `<I>issuer<S>subject`. */
function certificateIdentifier(v: PsValue): PsValue {
  if (!isObject(v)) return v;
  const issuer = v.CertificateIssuer;
  const subject = v.CertificateSubject;
  if (typeof subject !== 'string') return v;
  return typeof issuer === 'string' && issuer !== '' ? `<I>${issuer}<S>${subject}` : `<S>${subject}`;
}

/** IPRange `{ LowerBound, UpperBound, CIDRLength, RangeFormat }` → `a`, `a-b` or `a/n` (IPRange.ToString()). */
function ipRangeText(v: PsValue): PsValue {
  if (!isObject(v)) return v;
  const ip = (x: PsValue | undefined): string | null =>
    typeof x === 'string' ? x : isObject(x) && typeof x.IPAddressToString === 'string' ? x.IPAddressToString : null;
  const lower = ip(v.LowerBound);
  const upper = ip(v.UpperBound);
  if (!lower) return typeof v.Expression === 'string' ? v.Expression : v;
  const format = v.RangeFormat;
  if ((format === 2 || format === 'CIDR') && typeof v.CIDRLength === 'number') return `${lower}/${v.CIDRLength}`;
  return upper === null || upper === lower ? lower : `${lower}-${upper}`;
}

/**
 * A date as Export-Csv writes it: DateTime.ToString() in the exporting machine's culture, with no
 * offset. `M/d/yyyy h:mm:ss AM` (en-US, the invariant culture's order) and `d.M.yyyy HH:mm:ss` are
 * read; the offset is unknown, so the time is taken as UTC (certificate lifetimes are judged in days).
 */
export function csvDate(v: PsValue): PsValue {
  if (typeof v !== 'string') return v;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*(AM|PM)?$/i.exec(v.trim());
  const eu = /^(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})$/.exec(v.trim());
  let parts: number[] | null = null;
  if (us) {
    let h = Number(us[4]);
    const pm = us[7]?.toUpperCase() === 'PM';
    if (us[7]) h = (h % 12) + (pm ? 12 : 0);
    let [month, day] = [Number(us[1]), Number(us[2])];
    // en-GB and others write d/M/yyyy: a first field over 12 can only be the day.
    if (month > 12) [month, day] = [day, month];
    parts = [Number(us[3]), month, day, h, Number(us[5]), Number(us[6])];
  } else if (eu) {
    parts = [Number(eu[3]), Number(eu[2]), Number(eu[1]), Number(eu[4]), Number(eu[5]), Number(eu[6])];
  }
  if (!parts) return v;
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s)).toISOString();
}
