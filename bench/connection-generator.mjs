import { PROVIDER_NET_BASE } from './estate-generator.mjs';
import { createRng, ipv4Text } from './prng.mjs';

/**
 * Connections arriving at EOP for the estate, in a realistic mix: tenants' own on-premises
 * servers (certificate or IP), partners, anonymous internet senders to tenant domains, mail for
 * other Exchange Online tenants, relay attempts, broken certificates, provider relays shared by
 * several tenants, and messages coming back to a tenant they already left (M5).
 * Deterministic for a seed. Strings are shared where a real stream would repeat them.
 */
export const CONNECTION_MIX = {
  ownCertificate: 24,
  ownWildcard: 8,
  ownIp: 14,
  anonymousInbound: 24,
  partner: 7,
  brokenCertificate: 5,
  relayAttempt: 6,
  outsideTenant: 5,
  providerRelay: 4,
  returning: 1,
  previousTenantNoMatch: 2,
};

/** An internet address outside every tenant, partner and provider range. */
function internetIp(rng) {
  return ipv4Text(((rng.between(1, 90) << 24) | rng.int(1 << 24)) >>> 0);
}

/**
 * The text as one flat string, as a reader decoding a file produces it: a template literal
 * leaves a chain of pieces that every later read must walk, which no real input has.
 */
function flatText(text) {
  return Buffer.from(text, 'latin1').toString('latin1');
}

export function generateConnections(estate, { count = 1_000_000, seed = 7 } = {}) {
  const rng = createRng(seed);
  const { profiles, partners, internetCerts, outsideDomains, foreignDomains } = estate;
  const wildcardProfiles = profiles.filter((x) => x.certKind === 'wildcard');
  const anyTenant = () => profiles[rng.int(profiles.length)];
  const tenantRecipient = (p) => (rng.chance(0.85) ? p.domain : rng.pick(p.domains));
  const elsewhere = () => {
    const r = rng.next();
    if (r < 0.4) return anyTenant().domain;
    if (r < 0.7) return rng.pick(outsideDomains);
    return rng.pick(foreignDomains);
  };
  const connections = new Array(count);
  const categories = Object.create(null);
  for (let n = 0; n < count; n++) {
    const kind = rng.weighted(CONNECTION_MIX);
    categories[kind] = (categories[kind] ?? 0) + 1;
    let sourceIp = null;
    let certificate = null;
    let mailFromDomain;
    let rcptToDomain;
    let previousTenants;
    const p = anyTenant();
    switch (kind) {
      case 'ownCertificate':
      case 'returning':
        sourceIp = ipv4Text(p.net + rng.between(1, 40));
        certificate = p.certKind === 'none' ? null : p.host;
        mailFromDomain = rng.chance(0.9) ? p.domain : rng.pick(foreignDomains);
        rcptToDomain = kind === 'returning' || rng.chance(0.4) ? elsewhere() : tenantRecipient(p);
        if (kind === 'returning') previousTenants = [p.name];
        break;
      case 'ownWildcard': {
        const w = wildcardProfiles.length > 0 ? rng.pick(wildcardProfiles) : p;
        sourceIp = ipv4Text(w.net + rng.between(1, 250));
        certificate = rng.chance(0.4) ? w.own : w.host;
        mailFromDomain = rng.chance(0.8) ? w.domain : rng.pick(foreignDomains);
        rcptToDomain = rng.chance(0.5) ? elsewhere() : tenantRecipient(w);
        break;
      }
      case 'ownIp': {
        const r = rng.next();
        const ip = r < 0.6 ? p.relayIp + (p.relayLen === 32 ? 0 : rng.int(2 ** (32 - p.relayLen))) : r < 0.8 ? p.scannerIp + rng.int(2) : p.net + rng.int(256);
        sourceIp = ipv4Text(ip >>> 0);
        certificate = rng.chance(0.3) ? rng.pick(internetCerts) : null;
        mailFromDomain = rng.chance(0.7) ? rng.pick(p.domains) : rng.pick(foreignDomains);
        rcptToDomain = rng.chance(0.5) ? elsewhere() : tenantRecipient(p);
        break;
      }
      case 'anonymousInbound':
        sourceIp = internetIp(rng);
        certificate = rng.chance(0.5) ? rng.pick(internetCerts) : null;
        mailFromDomain = rng.pick(foreignDomains);
        rcptToDomain = tenantRecipient(p);
        break;
      case 'partner': {
        const partner = rng.chance(0.8) ? p.partner : rng.pick(partners);
        const byCert = rng.chance(0.6);
        sourceIp = byCert ? internetIp(rng) : ipv4Text(partner.net + rng.int(8));
        certificate = byCert ? partner.cert : null;
        mailFromDomain = partner.domain;
        rcptToDomain = tenantRecipient(p);
        break;
      }
      case 'brokenCertificate':
        sourceIp = internetIp(rng);
        certificate = rng.chance(0.6) ? p.expired : p.selfSigned;
        mailFromDomain = p.domain;
        rcptToDomain = rng.chance(0.5) ? elsewhere() : tenantRecipient(p);
        break;
      case 'relayAttempt':
        sourceIp = rng.chance(0.7) ? internetIp(rng) : ipv4Text(p.net + rng.int(256));
        certificate = rng.chance(0.3) ? rng.pick(internetCerts) : null;
        mailFromDomain = rng.chance(0.5) ? rng.pick(foreignDomains) : anyTenant().domain;
        rcptToDomain = rng.pick(foreignDomains);
        break;
      case 'outsideTenant':
        sourceIp = internetIp(rng);
        certificate = rng.chance(0.4) ? rng.pick(internetCerts) : null;
        mailFromDomain = rng.pick(foreignDomains);
        rcptToDomain = rng.pick(outsideDomains);
        break;
      case 'providerRelay':
        sourceIp = ipv4Text(PROVIDER_NET_BASE + p.group);
        certificate = rng.chance(0.3) ? estate.providerCerts[p.group] : null;
        mailFromDomain = p.domain;
        rcptToDomain = rng.chance(0.5) ? elsewhere() : tenantRecipient(p);
        break;
      default: // previousTenantNoMatch: a journal report or forward leaving one tenant for another
        sourceIp = '40.107.1.' + rng.between(1, 254);
        certificate = null;
        mailFromDomain = p.domain;
        rcptToDomain = anyTenant().domain;
        previousTenants = [p.name];
    }
    const conn = { sourceIp: sourceIp === null ? null : flatText(sourceIp), certificate, ehlo: null, mailFromDomain, rcptToDomain };
    if (previousTenants) conn.previousTenants = previousTenants;
    connections[n] = conn;
  }
  return { connections, categories };
}
