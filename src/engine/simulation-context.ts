import type { Case, DnsData, Organization, Tenant } from '../model/case.js';
import type { Certificate } from '../model/certificate.js';
import { isExchangeOnlineHost, isOnMicrosoftDomain, normalizeHost } from '../model/domains.js';
import { ConnectorIndex } from './connector-index.js';
import type { Place } from './flow-types.js';
import { serverFqdn } from './send-routing.js';

/**
 * Everything the flow walk looks up, built once per case: the connector index, certificates by
 * thumbprint, hosts and addresses by the place they belong to, and the DNS the case gives.
 */
export interface SimulationContext {
  case: Case;
  index: ConnectorIndex;
  at: Date;
  maxHops: number;
  certificates: Map<string, Certificate>;
  /** Certificates whose `Server` names a host (lower-case FQDN or short name). */
  certificatesByServer: Map<string, Certificate[]>;
  /** Host name (lower case) → place. */
  hosts: Map<string, Place>;
  /** IP address → place (from servers and gateway nodes). */
  addresses: Map<string, Place>;
  organizationsByDomain: Map<string, Organization[]>;
  tenantsByName: Map<string, Tenant>;
  organizationsByName: Map<string, Organization>;
  dns: DnsData;
}

export interface SimulationOptions {
  at?: Date;
  /** Exchange's hop limit before a loop NDR; EXO's is documented as 20 iterations (5.4.14). */
  maxHops?: number;
  /** Extra MX records (e.g. for generated outside domains), merged over the case's. */
  extraMx?: Record<string, string[]>;
}

export function buildSimulationContext(c: Case, options: SimulationOptions = {}): SimulationContext {
  const certificates = new Map<string, Certificate>();
  const certificatesByServer = new Map<string, Certificate[]>();
  for (const cert of c.certificates) {
    if (!certificates.has(cert.Thumbprint)) certificates.set(cert.Thumbprint, cert);
    if (cert.Server) {
      const key = cert.Server.toLowerCase();
      for (const k of new Set([key, key.split('.')[0]!])) {
        const list = certificatesByServer.get(k);
        if (list) list.push(cert);
        else certificatesByServer.set(k, [cert]);
      }
    }
  }
  const hosts = new Map<string, Place>();
  const addresses = new Map<string, Place>();
  const organizationsByDomain = new Map<string, Organization[]>();
  const organizationsByName = new Map<string, Organization>();
  for (const org of c.organizations) {
    organizationsByName.set(org.Name.toLowerCase(), org);
    const place: Place = { kind: 'organization', org };
    for (const s of org.Servers) {
      hosts.set(serverFqdn(s), place);
      hosts.set(s.Name.toLowerCase(), place);
      for (const ip of s.IPAddresses) addresses.set(ip, place);
    }
    for (const r of org.ReceiveConnectors) if (r.Fqdn) hosts.set(normalizeHost(r.Fqdn), place);
    for (const d of org.AcceptedDomains) {
      const list = organizationsByDomain.get(d.DomainName);
      if (list) list.push(org);
      else organizationsByDomain.set(d.DomainName, [org]);
    }
  }
  for (const gateway of c.gateways) {
    for (const node of gateway.Nodes) {
      const place: Place = { kind: 'gateway', gateway, node };
      hosts.set(normalizeHost(node.Name), place);
      for (const ip of node.IPAddresses) addresses.set(ip, place);
    }
  }
  const tenantsByName = new Map<string, Tenant>();
  for (const t of c.tenants) tenantsByName.set(t.Name.toLowerCase(), t);
  return {
    case: c,
    index: new ConnectorIndex(c.tenants),
    at: options.at ?? new Date(),
    maxHops: options.maxHops ?? 20,
    certificates,
    certificatesByServer,
    hosts,
    addresses,
    organizationsByDomain,
    tenantsByName,
    organizationsByName,
    dns: { MX: { ...c.dns.MX, ...(options.extraMx ?? {}) }, A: c.dns.A },
  };
}

/** Certificates installed on a server: its `Certificates` thumbprints and those whose `Server` names it. */
export function certificatesOfServer(ctx: SimulationContext, thumbprints: readonly string[], fqdn: string): Certificate[] {
  const out: Certificate[] = [];
  for (const t of thumbprints) {
    const c = ctx.certificates.get(t);
    if (c) out.push(c);
  }
  for (const key of [fqdn, fqdn.split('.')[0]!]) {
    for (const c of ctx.certificatesByServer.get(key) ?? []) if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** A domain whose mail Exchange Online receives: its MX (given, or implied for onmicrosoft.com) is EOP. */
export function isExchangeOnlineDomain(ctx: SimulationContext, domain: string): boolean {
  const mx = ctx.dns.MX[domain];
  if (mx && mx.length > 0) return mx.some(isExchangeOnlineHost);
  return isOnMicrosoftDomain(domain) || ctx.index.tenantsAccepting(domain).length > 0;
}

export function placeName(p: Place): string {
  switch (p.kind) {
    case 'organization':
      return `${p.org.Name} (on-premises)`;
    case 'gateway':
      return `${p.gateway.Name} ${p.node.Name}`;
    case 'tenant':
      return `Exchange Online (${p.tenant.Name})`;
  }
}

export function findPlaceByName(ctx: SimulationContext, name: string): Place | null {
  const n = name.toLowerCase();
  const t = ctx.tenantsByName.get(n);
  if (t) return { kind: 'tenant', tenant: t };
  const o = ctx.organizationsByName.get(n);
  if (o) return { kind: 'organization', org: o };
  for (const tenant of ctx.case.tenants) if (tenant.TenantId?.toLowerCase() === n) return { kind: 'tenant', tenant };
  return null;
}
