import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { createRng, ipv4Text } from './prng.mjs';

/**
 * Topology files (CONTRACT.md, `kind: mailflow-topology`) for a service provider's estate of N
 * tenants, each with its own on-premises organization: one server, one certificate, a hybrid
 * send connector and an internet send connector; five inbound connectors per tenant; two
 * explicit flows per tenant (on-premises → the tenant's cloud mailbox, and → a domain of an
 * outside Exchange Online tenant). One file per tenant, as a provider keeping one file per
 * customer would, plus one file with the shared DNS.
 */

const TENANT_NET_BASE = ((100 << 24) | (64 << 16)) >>> 0;
const PARTNER_NET_BASE = ((198 << 24) | (18 << 16)) >>> 0;
const ISSUER = "CN=R11, O=Let's Encrypt, C=US";
export const OUTSIDE_DOMAINS = 200;

const pad = (i) => String(i).padStart(5, '0');
const thumbprintOf = (i) => ((0x5a000000 + i) >>> 0).toString(16).toUpperCase().padStart(8, '0').repeat(5);

export function tenantTopology(i, rng) {
  const d = `tenant${i}.example`;
  const tenantName = `tenant${i}.onmicrosoft.com`;
  const coexistence = `tenant${i}.mail.onmicrosoft.com`;
  const org = `Org ${pad(i)}`;
  const server = `EX${pad(i)}`;
  const net = (TENANT_NET_BASE + i * 256) >>> 0;
  const thumb = thumbprintOf(i);
  const wildcard = rng.chance(0.2);
  const partner = rng.int(500);
  const relayLen = rng.between(24, 32);
  const inbound = (p) => ({
    Name: p.Name,
    ConnectorType: 'OnPremises',
    Enabled: true,
    TlsSenderCertificateName: null,
    SenderIPAddresses: [],
    SenderDomains: ['smtp:*;1'],
    RequireTls: false,
    RestrictDomainsToCertificate: false,
    RestrictDomainsToIPAddresses: false,
    CloudServicesMailEnabled: p.ConnectorType !== 'Partner',
    ...p,
  });
  const outsideDomain = `outside${rng.int(OUTSIDE_DOMAINS)}.example`;
  return {
    kind: 'mailflow-topology',
    version: 1,
    tenants: [
      {
        Name: tenantName,
        TenantId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        AcceptedDomains: [d, coexistence, tenantName],
        InboundConnectors: [
          inbound({ Name: `Inbound from on-premises ${i}`, TlsSenderCertificateName: wildcard ? `*.${d}` : `smtp.${d}`, RequireTls: true }),
          inbound({ Name: `Relay by IP ${i}`, SenderIPAddresses: [`${ipv4Text(relayLen === 32 ? net + 25 : net)}/${relayLen}`], Enabled: rng.chance(0.85) }),
          inbound({
            Name: `Partner partner${partner}.example`,
            ConnectorType: 'Partner',
            TlsSenderCertificateName: `mail.partner${partner}.example`,
            SenderDomains: [`smtp:partner${partner}.example;1`],
            RequireTls: true,
          }),
          inbound({ Name: `Scanner ${i}`, SenderIPAddresses: [ipv4Text(net + 200)], Enabled: rng.chance(0.6) }),
          inbound({ Name: `Fax service ${i}`, ConnectorType: 'Partner', SenderIPAddresses: [`${ipv4Text(PARTNER_NET_BASE + (partner << 3))}/29`] }),
        ],
        OutboundConnectors: [
          {
            Name: `Outbound to on-premises ${i}`,
            ConnectorType: 'OnPremises',
            Enabled: true,
            RecipientDomains: [d],
            SmartHosts: [`smtp.${d}`],
            UseMXRecord: false,
            RouteAllMessagesViaOnPremises: false,
            TlsSettings: 'DomainValidation',
            TlsDomain: `smtp.${d}`,
            CloudServicesMailEnabled: true,
          },
        ],
        JournalRules: [],
      },
    ],
    organizations: [
      {
        Name: org,
        AcceptedDomains: [d, { DomainName: coexistence, DomainType: 'InternalRelay' }],
        Servers: [
          {
            Name: server,
            Fqdn: `ex01.${d}`,
            Role: 'Mailbox',
            AdminDisplayVersion: 'Version 15.2 (Build 1748.10)',
            IPAddresses: [ipv4Text(net + 10)],
            Certificates: [thumb],
          },
        ],
        SendConnectors: [
          {
            Name: 'Outbound to Office 365',
            AddressSpaces: [`smtp:${coexistence};1`],
            SmartHosts: [`tenant${i}-example.mail.protection.outlook.com`],
            DNSRoutingEnabled: false,
            Fqdn: `smtp.${d}`,
            TlsCertificateName: `<I>${ISSUER}<S>CN=smtp.${d}`,
            RequireTLS: true,
            TlsAuthLevel: 'DomainValidation',
            TlsDomain: 'mail.protection.outlook.com',
            SourceTransportServers: [server],
            CloudServicesMailEnabled: true,
            Enabled: true,
          },
          { Name: 'Internet', AddressSpaces: ['smtp:*;1'], DNSRoutingEnabled: true, SourceTransportServers: [server], Enabled: true },
        ],
      },
    ],
    certificates: [
      {
        Thumbprint: thumb,
        Subject: `CN=smtp.${d}`,
        CertificateDomains: [`smtp.${d}`, `ex01.${d}`],
        Issuer: ISSUER,
        NotBefore: '2026-09-01T00:00:00Z',
        NotAfter: '2027-08-31T23:59:59Z',
        IsSelfSigned: false,
        HasPrivateKey: true,
        Services: 'SMTP',
      },
    ],
    flows: [
      { From: `alice@${d}`, To: `bob@${d}`, Origin: org, Destination: tenantName },
      { From: `alice@${d}`, To: `carol@${outsideDomain}`, Origin: org },
    ],
  };
}

export function dnsTopology(tenantCount) {
  const MX = {};
  const A = {};
  for (let i = 0; i < tenantCount; i++) {
    MX[`tenant${i}.example`] = [`tenant${i}-example.mail.protection.outlook.com`];
    A[`smtp.tenant${i}.example`] = [ipv4Text(TENANT_NET_BASE + i * 256 + 10)];
  }
  for (let k = 0; k < OUTSIDE_DOMAINS; k++) MX[`outside${k}.example`] = [`outside${k}-example.mail.protection.outlook.com`];
  return { kind: 'mailflow-topology', version: 1, dns: { MX, A } };
}

/** Writes the estate's files into `dir`; returns what was written. */
export function writeTopologyEstate(dir, tenantCount, { format = 'yaml', seed = 42 } = {}) {
  mkdirSync(dir, { recursive: true });
  const rng = createRng(seed + tenantCount);
  const write = (name, doc) => {
    const file = join(dir, `${name}.${format === 'json' ? 'json' : 'yaml'}`);
    const text = format === 'json' ? JSON.stringify(doc, null, 2) : YAML.stringify(doc, { lineWidth: 0 });
    writeFileSync(file, text);
    return text.length;
  };
  let bytes = write('dns', dnsTopology(tenantCount));
  for (let i = 0; i < tenantCount; i++) bytes += write(`tenant-${pad(i)}`, tenantTopology(i, rng));
  return { dir, files: tenantCount + 1, bytes, tenants: tenantCount, flows: tenantCount * 2, format };
}
