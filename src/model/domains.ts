import type { AddressSpace } from './case.js';

/** Lower-case domain part of an address (`alice@Contoso.com` → `contoso.com`). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return (at >= 0 ? address.slice(at + 1) : address).trim().toLowerCase().replace(/\.$/, '');
}

export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
}

/**
 * EXO-SEMANTICS M1, M13: any host under mail.protection.outlook.com (or mx.microsoft) is Exchange
 * Online Protection of the worldwide instance; GCC High/DoD and 21Vianet have their own MX
 * suffixes and count as EOP of their instance. The host name does not choose the tenant.
 */
export function isExchangeOnlineHost(host: string): boolean {
  return exchangeOnlineEndpointOf(host).kind === 'eop';
}

/** The separate Exchange Online instances (M13; the endpoints web service's instance names). */
export type ExchangeOnlineInstance = 'Worldwide' | 'USGovGCCHigh' | 'USGovDoD' | 'China';

export const EXCHANGE_ONLINE_INSTANCES: readonly ExchangeOnlineInstance[] = ['Worldwide', 'USGovGCCHigh', 'USGovDoD', 'China'];

/**
 * What a host is to Exchange Online (M13): an EOP MX endpoint of some instances (GCC High and DoD
 * share `mail.protection.office365.us`), a legacy FOPE/Frontbridge host, a client-submission host
 * (SMTP AUTH only), or none of these. EOP IP literals are classified by the caller, which holds
 * the IP ranges.
 */
export type ExchangeOnlineEndpoint =
  | { kind: 'eop'; instances: readonly ExchangeOnlineInstance[]; dnssec: boolean }
  | { kind: 'legacy' }
  | { kind: 'submission' }
  | { kind: 'none' };

const WORLDWIDE: readonly ExchangeOnlineInstance[] = ['Worldwide'];
const US_GOVERNMENT: readonly ExchangeOnlineInstance[] = ['USGovGCCHigh', 'USGovDoD'];
const CHINA: readonly ExchangeOnlineInstance[] = ['China'];
/** M13: client submission endpoints; `smtp.hve.mx.microsoft` is under mx.microsoft, so it is tested first. */
const SUBMISSION_HOSTS = new Set(['smtp.office365.com', 'smtp-legacy.office365.com', 'smtp.hve.mx.microsoft']);
/** M13 [ATTR35]: hosts of the retired FOPE/Frontbridge service, answered with 451 4.4.62 ATTR35. */
const LEGACY_SUFFIXES = ['mail.messaging.microsoft.com', 'mail.global.frontbridge.com'];

function under(h: string, suffix: string): boolean {
  return h === suffix || h.endsWith(`.${suffix}`);
}

export function exchangeOnlineEndpointOf(host: string): ExchangeOnlineEndpoint {
  const h = normalizeHost(host);
  if (SUBMISSION_HOSTS.has(h)) return { kind: 'submission' };
  if (LEGACY_SUFFIXES.some((s) => under(h, s))) return { kind: 'legacy' };
  if (under(h, 'mail.protection.outlook.com')) return { kind: 'eop', instances: WORLDWIDE, dnssec: false };
  // DNSSEC MX `<domain-key>.<x>-v1.mx.microsoft` (Enable-DnssecForVerifiedDomain) is worldwide EOP too.
  if (h.endsWith('.mx.microsoft')) return { kind: 'eop', instances: WORLDWIDE, dnssec: true };
  if (under(h, 'mail.protection.office365.us')) return { kind: 'eop', instances: US_GOVERNMENT, dnssec: false };
  if (under(h, 'mail.protection.partner.outlook.cn')) return { kind: 'eop', instances: CHINA, dnssec: false };
  return { kind: 'none' };
}

/** The hybrid coexistence (routing) domain `<tenant>.mail.onmicrosoft.com`. */
export function isCoexistenceDomain(domain: string): boolean {
  return domain.toLowerCase().endsWith('.mail.onmicrosoft.com');
}

/** Domains under onmicrosoft.com are Exchange Online's own: their MX is always Exchange Online. */
export function isOnMicrosoftDomain(domain: string): boolean {
  return domain.toLowerCase().endsWith('.onmicrosoft.com');
}

/**
 * Parses one address-space entry as Exchange writes it: `smtp:contoso.com;1`, `SMTP:*;1`,
 * `contoso.com`, or an object `{ Type, Address|Domain, Cost }` from ConvertTo-Json.
 * Returns null when the value is not an address space at all.
 */
export function parseAddressSpace(value: unknown): AddressSpace | null {
  if (typeof value === 'string') {
    const raw = value.trim();
    if (raw === '') return null;
    let type = 'SMTP';
    let rest = raw;
    const colon = raw.indexOf(':');
    if (colon > 0 && /^[a-z0-9]+$/i.test(raw.slice(0, colon))) {
      type = raw.slice(0, colon).toUpperCase();
      rest = raw.slice(colon + 1);
    }
    let cost = 1;
    const semi = rest.lastIndexOf(';');
    if (semi >= 0) {
      const c = Number(rest.slice(semi + 1));
      if (!Number.isInteger(c) || c < 1) return null;
      cost = c;
      rest = rest.slice(0, semi);
    }
    const domain = rest.trim().toLowerCase();
    if (domain === '' || /\s/.test(domain)) return null;
    return { Type: type, Domain: domain, Cost: cost, raw };
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const d = o.Domain ?? o.Address;
    const domain = typeof d === 'string' ? d : d && typeof d === 'object' ? String((d as Record<string, unknown>).Domain ?? '') : '';
    if (!domain) return null;
    const cost = typeof o.Cost === 'number' ? o.Cost : 1;
    const type = typeof o.Type === 'string' ? o.Type.toUpperCase() : 'SMTP';
    return { Type: type, Domain: domain.toLowerCase(), Cost: cost, raw: `${type}:${domain};${cost}` };
  }
  return null;
}

/**
 * How specifically an address-space domain pattern covers a domain, or -1 when it does not.
 * Exact beats a wildcard, and a longer wildcard suffix beats a shorter one; `*` covers all (0).
 * (EXO-SEMANTICS M7: the most specific matching address space wins.)
 */
export function addressSpaceSpecificity(pattern: string, domain: string): number {
  if (pattern === '*') return 0;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1); // ".contoso.com"
    return domain.endsWith(suffix) ? suffix.length * 2 : -1;
  }
  return pattern === domain ? pattern.length * 2 + 1 : -1;
}
