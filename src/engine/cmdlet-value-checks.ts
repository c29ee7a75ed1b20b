import ipaddr from 'ipaddr.js';
import type { AddressSpace } from '../model/case.js';
import { parseTlsCertificateName } from '../model/certificate.js';
import { parseAddressSpace } from '../model/domains.js';
import { isFourPartDecimal } from '../model/ip-address.js';
import { quote } from './cmdlet-error.js';
import { failValue, type ListItem, type ValueSource } from './cmdlet-convert.js';

/**
 * The value formats Exchange checks before it saves a setting: IP addresses and ranges, SMTP
 * domains with their wildcard rule, host names, address spaces, certificate names. Each check
 * returns the value as the model keeps it, or throws a CmdletError at the value.
 */

const LABEL = '[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?';
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`, 'i');

/** Dotted four-part decimal, the IPv4 form Exchange accepts (the same rule the readers apply). */
const isIPv4 = isFourPartDecimal;

function isIPv6(text: string): boolean {
  return text.includes(':') && ipaddr.IPv6.isValid(text);
}

/** Canonical text of one address: IPv6 compressed, IPv4 as written (dotted decimal). */
function canonicalAddress(text: string): string {
  return isIPv6(text) ? ipaddr.IPv6.parse(text).toString() : text;
}

interface RangeRules {
  /** Exchange Online inbound connectors take IPv4 only, CIDR /24 to /32 (Set-InboundConnector reference). */
  ipv4Only?: boolean;
  minIPv4Prefix?: number;
}

/**
 * One address, a CIDR block or `first-last`, as SenderIPAddresses and RemoteIPRanges take them.
 * Addresses must be dotted four-part decimal for IPv4 (Exchange refuses `10.1`).
 */
export function checkIpRange(src: ValueSource, param: string, item: ListItem, rules: RangeRules = {}): string {
  const t = item.text.trim();
  const fail = (why: string): never =>
    failValue(src, item, `${quote(item.text)} is not a valid value for -${param}: ${why}`, 'Write an address (203.0.113.10), a CIDR range (203.0.113.0/24) or a range (203.0.113.1-203.0.113.9)');
  const address = (a: string): string => {
    const s = a.trim();
    if (isIPv4(s)) return s;
    if (isIPv6(s)) {
      if (rules.ipv4Only) fail('Exchange Online inbound connectors accept IPv4 addresses only');
      return canonicalAddress(s);
    }
    return fail(`${quote(s)} is not an IP address`);
  };
  const slash = t.indexOf('/');
  if (slash > 0) {
    const base = address(t.slice(0, slash));
    const bits = t.slice(slash + 1).trim();
    const max = isIPv4(base) ? 32 : 128;
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) fail(`/${bits} is not a prefix length`);
    if (isIPv4(base) && rules.minIPv4Prefix !== undefined && Number(bits) < rules.minIPv4Prefix) {
      fail(`Exchange Online accepts CIDR ranges from /${rules.minIPv4Prefix} to /32 here`);
    }
    return `${base}/${Number(bits)}`;
  }
  const dash = t.indexOf('-');
  if (dash > 0) {
    const first = address(t.slice(0, dash));
    const last = address(t.slice(dash + 1));
    if (isIPv4(first) !== isIPv4(last)) fail('both ends of a range must be the same IP version');
    return `${first}-${last}`;
  }
  return address(t);
}

/**
 * An SMTP domain as connectors take them: `contoso.com`, `*.contoso.com` (the domain and all its
 * sub-domains) or `*` where allowed. A wildcard inside a name (`mail.*.contoso.com`) is refused,
 * as the connector cmdlets' reference says. An `smtp:…;1` address-space form is unwrapped.
 */
export function checkDomain(src: ValueSource, param: string, item: ListItem, options: { allowStar?: boolean } = {}): string {
  let d = item.text.trim().toLowerCase();
  const wrapped = /^smtp:(.*?)(?:;\d+)?$/i.exec(d);
  if (wrapped) d = wrapped[1]!.trim();
  if (d === '*') {
    if (options.allowStar) return d;
    failValue(src, item, `"*" is not a valid value for -${param}`, 'Name a domain, or *.domain for it and its sub-domains');
  }
  const body = d.startsWith('*.') ? d.slice(2) : d;
  if (body.includes('*')) {
    failValue(src, item, `${quote(item.text)} is not a valid value for -${param}: a wildcard may only start the name`, 'Write *.contoso.com for contoso.com and all its sub-domains');
  }
  if (!HOST.test(body)) failValue(src, item, `${quote(item.text)} is not a valid domain for -${param}`);
  return d.replace(/\.$/, '');
}

/** A smart host: a host name or an IP address (Exchange Online also takes a CIDR block). */
export function checkSmartHost(src: ValueSource, param: string, item: ListItem, options: { allowCidr?: boolean } = {}): string {
  const t = item.text.trim();
  const bare = t.replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(bare) || isIPv6(bare)) return canonicalAddress(bare);
  if (options.allowCidr && bare.includes('/')) return checkIpRange(src, param, { text: bare, offset: item.offset });
  if (!HOST.test(bare)) {
    failValue(src, item, `${quote(item.text)} is not a valid smart host for -${param}`, 'Write a host name (mail.contoso.com) or an IP address');
  }
  return bare.toLowerCase().replace(/\.$/, '');
}

/** A host name (Fqdn parameters). */
export function checkHostName(src: ValueSource, param: string, value: string, at: { offset: number }): string {
  const t = value.trim();
  if (!HOST.test(t)) failValue(src, at, `${quote(value)} is not a valid host name for -${param}`, 'Write a fully qualified name such as smtp.contoso.com');
  return t.toLowerCase().replace(/\.$/, '');
}

/** TlsSenderCertificateName: a domain (`*.contoso.com` allowed), or `<I>issuer<S>subject`. */
export function checkCertificateDomain(src: ValueSource, param: string, value: string, at: { offset: number }): string {
  if (/^\s*<I>/i.test(value)) return checkIssuerSubject(src, param, value, at);
  return checkDomain(src, param, { text: value, offset: at.offset });
}

/** Exchange Server's TlsCertificateName (SmtpX509Identifier): `<I>issuer<S>subject`. */
export function checkIssuerSubject(src: ValueSource, param: string, value: string, at: { offset: number }): string {
  const parsed = parseTlsCertificateName(value);
  if (!parsed || parsed.subject === '') {
    failValue(
      src,
      at,
      `${quote(value)} is not a valid value for -${param}`,
      'Write "<I>issuer<S>subject" with both names as Get-ExchangeCertificate shows them, e.g. "<I>CN=R11, O=Let\'s Encrypt, C=US<S>CN=smtp.contoso.com"',
    );
  }
  return value.trim();
}

/** One address-space entry (`contoso.com`, `smtp:*.contoso.com;2`); cost 1 to 100. */
export function checkAddressSpace(src: ValueSource, param: string, item: ListItem): AddressSpace {
  const parsed = parseAddressSpace(item.text);
  if (!parsed) {
    failValue(src, item, `${quote(item.text)} is not a valid address space for -${param}`, 'Write type:domain;cost, e.g. "SMTP:contoso.com;1", or just contoso.com');
  }
  if (parsed.Cost > 100) failValue(src, item, `The cost in ${quote(item.text)} must be between 1 and 100`);
  if (parsed.Type === 'SMTP' && parsed.Domain !== '*') {
    checkDomain(src, param, { text: parsed.Domain, offset: item.offset });
  }
  return parsed;
}

export function addressSpaceKey(a: AddressSpace): string {
  return `${a.Type}:${a.Domain}`.toLowerCase();
}

/** An SMTP address (journal rule Recipient). */
export function checkSmtpAddress(src: ValueSource, param: string, value: string, at: { offset: number }): string {
  const t = value.trim();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(t)) {
    failValue(src, at, `${quote(value)} is not an SMTP address for -${param}`, 'Write an address such as brokers@contoso.com');
  }
  return t;
}
