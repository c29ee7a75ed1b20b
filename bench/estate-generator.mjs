import { acceptedDomain, certificate, inboundConnector, outboundConnector, tenant, thumbprint } from './model-factories.mjs';
import { createRng, ipv4Text } from './prng.mjs';

/**
 * A service provider's Exchange Online estate in memory: `tenantCount` tenants, five inbound
 * connectors each, in the mix a provider really has — certificate-scoped hybrid connectors
 * (exact `smtp.tenantN.example` or wildcard `*.tenantN.example`), IP-scoped relay connectors
 * (/24–/32 inside the tenant's own /24), Partner connectors shared with common partners,
 * disabled leftovers, and a few identities shared between tenants (a provider relay), which
 * EOP cannot attribute unambiguously (M3) and the simulator must still decide deterministically.
 * Also the certificates those senders present (valid, expired, self-signed).
 */

/** Tenant i owns 100.64.0.0 + i·256, a /24 (10,000 tenants fit in 100.64.0.0/10). */
export const TENANT_NET_BASE = ((100 << 24) | (64 << 16)) >>> 0;
/** Partner p sends from 198.18.0.0 + p·8 (a /29). */
export const PARTNER_NET_BASE = ((198 << 24) | (18 << 16)) >>> 0;
/** Provider relay g (shared by a group of tenants) sends from 198.51.100.0 + g. */
export const PROVIDER_NET_BASE = ((198 << 24) | (51 << 16) | (100 << 8)) >>> 0;
export const PARTNER_COUNT = 500;
export const PROVIDER_GROUP_SIZE = 40;
export const AT = new Date('2026-11-22T00:00:00Z');

export const tenantDomain = (i) => `tenant${i}.example`;

export function buildEstate({ tenantCount = 10_000, seed = 20261122 } = {}) {
  const rng = createRng(seed);
  let certCounter = 1;
  const certs = new Map();
  const cert = (names, p = {}) => {
    const key = names.join(',') + (p.tag ?? '');
    let c = certs.get(key);
    if (!c) certs.set(key, (c = certificate({ names, Thumbprint: thumbprint(certCounter++), ...p })));
    return c;
  };

  const partners = [];
  for (let p = 0; p < PARTNER_COUNT; p++) {
    const domain = `partner${p}.example`;
    const net = (PARTNER_NET_BASE + p * 8) >>> 0;
    partners.push({ index: p, domain, net, cert: cert([`mail.${domain}`]), host: `mail.${domain}` });
  }

  const tenants = [];
  const profiles = [];
  const exoDomains = new Set();
  for (let i = 0; i < tenantCount; i++) {
    const d = tenantDomain(i);
    const net = (TENANT_NET_BASE + i * 256) >>> 0;
    const domains = [d, `tenant${i}.mail.onmicrosoft.com`, `tenant${i}.onmicrosoft.com`];
    if (rng.chance(0.3)) domains.push(`tenant${i}-alt.example`);
    for (const x of domains) exoDomains.add(x);

    const certKind = rng.weighted({ exact: 70, wildcard: 20, none: 10 });
    const hybridEnabled = !rng.chance(0.03);
    const relayLen = rng.between(24, 32);
    const relayNet = relayLen === 32 ? (net + 25) >>> 0 : net;
    const relayEnabled = rng.chance(0.85);
    const scannerIp = (net + 200) >>> 0;
    const scannerEnabled = rng.chance(0.6);
    const partner = partners[rng.int(PARTNER_COUNT)];
    const partnerByCert = rng.chance(0.7);
    const partnerRestricted = rng.chance(0.2);
    const group = Math.floor(i / PROVIDER_GROUP_SIZE);
    const fifth = rng.weighted({ disabledGateway: 50, partnerIp: 25, providerIp: 20, providerCert: 5 });

    const connectors = [
      inboundConnector({
        Name: `Inbound from on-premises ${i}`,
        Enabled: hybridEnabled,
        TlsSenderCertificateName: certKind === 'exact' ? `smtp.${d}` : certKind === 'wildcard' ? `*.${d}` : null,
        SenderIPAddresses: certKind === 'none' ? [`${ipv4Text(net + 10)}/32`] : [],
      }),
      inboundConnector({ Name: `Relay by IP ${i}`, Enabled: relayEnabled, SenderIPAddresses: [`${ipv4Text(relayNet)}/${relayLen}`] }),
      inboundConnector({
        Name: `Partner ${partner.domain}`,
        ConnectorType: 'Partner',
        TlsSenderCertificateName: partnerByCert ? partner.host : null,
        SenderIPAddresses: partnerByCert ? [] : [`${ipv4Text(partner.net)}/29`],
        SenderDomains: [`smtp:${partner.domain};1`],
        RestrictDomainsToCertificate: partnerRestricted && partnerByCert,
        RestrictDomainsToIPAddresses: partnerRestricted && !partnerByCert,
      }),
      inboundConnector({ Name: `Scanner ${i}`, Enabled: scannerEnabled, SenderIPAddresses: [ipv4Text(scannerIp), `${ipv4Text(scannerIp + 1)}/32`] }),
      fifthConnector(fifth, i, d, group, rng),
    ];
    tenants.push(
      tenant({
        Name: `tenant${i}.onmicrosoft.com`,
        TenantId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        AcceptedDomains: domains.map((x) => acceptedDomain(x)),
        InboundConnectors: connectors,
        OutboundConnectors: [
          outboundConnector({ Name: `Outbound to on-premises ${i}`, RecipientDomains: [d], SmartHosts: [`smtp.${d}`], TlsSettings: 'DomainValidation', TlsDomain: `smtp.${d}` }),
        ],
      }),
    );

    // What this tenant's senders present.
    const own = certKind === 'wildcard' ? cert([`*.${d}`]) : cert([`smtp.${d}`, `mail.${d}`]);
    const host = certKind === 'wildcard' ? cert([`edge${rng.int(3)}.${d}`]) : own;
    profiles.push({
      index: i,
      name: tenants[i].Name,
      domain: d,
      domains,
      net,
      certKind,
      own,
      host,
      expired: cert([`smtp.${d}`, `mail.${d}`], { tag: 'expired', NotBefore: '2025-09-01T00:00:00Z', NotAfter: '2026-08-31T23:59:59Z' }),
      selfSigned: cert([`smtp.${d}`], { tag: 'self', IsSelfSigned: true }),
      relayIp: relayNet,
      relayLen,
      scannerIp,
      partner,
      group,
      fifth,
    });
  }

  const providerCerts = [];
  for (let g = 0; g * PROVIDER_GROUP_SIZE < tenantCount; g++) providerCerts.push(cert([`relay.provider${g}.example`]));
  const internetCerts = [];
  for (let k = 0; k < 2000; k++) internetCerts.push(cert([`mx${k}.internet${k % 700}.example`], { IsSelfSigned: k % 10 === 0 }));
  const outsideDomains = [];
  for (let k = 0; k < 1000; k++) {
    outsideDomains.push(`outside${k}.example`);
    exoDomains.add(`outside${k}.example`);
  }
  const foreignDomains = [];
  for (let k = 0; k < 1000; k++) foreignDomains.push(`foreign${k}.example`);

  return { tenants, profiles, partners, providerCerts, internetCerts, outsideDomains, foreignDomains, exoDomains, certificateCount: certs.size };
}

function fifthConnector(kind, i, d, group, rng) {
  switch (kind) {
    case 'disabledGateway':
      return inboundConnector({ Name: `Old gateway ${i}`, Enabled: false, TlsSenderCertificateName: rng.chance(0.5) ? `gw.${d}` : `*.gw.${d}` });
    case 'partnerIp':
      return inboundConnector({ Name: `Fax service ${i}`, ConnectorType: 'Partner', SenderIPAddresses: [`${ipv4Text(TENANT_NET_BASE + i * 256 + 128)}/28`], SenderDomains: ['smtp:*;1'] });
    case 'providerIp':
      return inboundConnector({ Name: `Provider relay ${group}`, SenderIPAddresses: [ipv4Text(PROVIDER_NET_BASE + group)] });
    default:
      return inboundConnector({ Name: `Provider relay certificate ${group}`, TlsSenderCertificateName: `relay.provider${group}.example` });
  }
}

/** The callback attribute() asks (M3): a domain whose MX is Exchange Online. */
export function exchangeOnlineDomainCheck(estate) {
  return (domain) => estate.exoDomains.has(domain) || domain.endsWith('.onmicrosoft.com');
}
