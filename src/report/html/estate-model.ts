import type { Case, InboundConnector } from '../../model/case.js';
import type { Certificate } from '../../model/certificate.js';
import { matchCertificateName, normalizeCertName } from '../../engine/cert-name-match.js';
import { parseIp, parseIpRange, rangeContains, type IpRange } from '../../engine/ip-address.js';
import type { Finding } from '../../rules/finding.js';

/**
 * The estate map's data: which sending identities (an Exchange server's or a gateway's certificate
 * names and source IPs) match which tenant's inbound connector. Exchange Online attributes mail to
 * a tenant by the certificate a sender presents, then by its IP (EXO-SEMANTICS M3); a gateway whose
 * certificate matches a tenant's connector relays as that tenant (S1), one identity on a tenant
 * route and an internet route (S3) shows as one identity with edges into several places.
 * Built from the case, beside the JSON report (which does not list the estate's objects).
 */

export interface EstateIdentity {
  id: string;
  /** Organization or gateway it belongs to. */
  owner: string;
  ownerKind: 'organization' | 'gateway';
  /** Server, gateway node, or `route "X"` for a route's own certificate. */
  host: string;
  certificate: string | null;
  certNames: string[];
  ips: string[];
}

export interface EstateConnector {
  id: string;
  tenant: string;
  name: string;
  type: string;
  enabled: boolean;
  certName: string | null;
  ips: string[];
  /** A finding names this connector. */
  flagged: boolean;
}

export interface EstateMatch {
  identity: string;
  connector: string;
  by: 'certificate' | 'ip';
  /** `*.varunagroup.de ⇐ mx01.varunagroup.de`, `192.0.2.0/24 ∋ 192.0.2.7`. */
  detail: string;
  /**
   * Mail of an organization that does not own the tenant (shares no accepted domain with it) can
   * present this identity: another organization's server, or a gateway such an organization sends
   * through — its mail can then be attributed to this tenant (S1, S3).
   */
  foreign: boolean;
}

export interface EstateMap {
  tenants: { name: string; tenantId: string | null; domains: string[]; connectors: number; outbound: { name: string; smartHosts: string[]; enabled: boolean }[] }[];
  organizations: { name: string; domains: string[]; servers: number; sendConnectors: { name: string; smartHosts: string[]; enabled: boolean }[] }[];
  gateways: { name: string; nodes: number; routes: { name: string; addressSpaces: string[]; smartHosts: string[] }[] }[];
  identities: EstateIdentity[];
  connectors: EstateConnector[];
  matches: EstateMatch[];
  /** Totals in the case (the lists above may be trimmed for a large estate). */
  totals: { tenants: number; organizations: number; gateways: number; connectors: number; identities: number };
}

/** Above these, only the objects in findings or with matches are listed (a 10,000-tenant estate). */
export const MAX_LISTED = 40;

function certNamesOf(cert: Certificate | undefined): string[] {
  if (!cert) return [];
  return cert.names.length > 0 ? cert.names : [cert.commonName ?? ''].filter(Boolean).map(normalizeCertName);
}

function identitiesOf(c: Case): EstateIdentity[] {
  const byThumb = new Map(c.certificates.map((x) => [x.Thumbprint.toUpperCase(), x]));
  const out: EstateIdentity[] = [];
  const add = (i: Omit<EstateIdentity, 'id'>): void => {
    if (i.certNames.length === 0 && i.ips.length === 0) return;
    out.push({ ...i, id: `i${out.length}` });
  };
  for (const o of c.organizations) {
    for (const s of o.Servers) {
      const certs = s.Certificates.map((t) => byThumb.get(t.toUpperCase())).filter((x): x is Certificate => x !== undefined);
      add({ owner: o.Name, ownerKind: 'organization', host: s.Name, certificate: certs[0]?.commonName ?? certs[0]?.Subject ?? null, certNames: [...new Set(certs.flatMap((x) => certNamesOf(x)))], ips: s.IPAddresses });
    }
  }
  for (const g of c.gateways) {
    for (const n of g.Nodes) {
      const cert = n.Certificate ? byThumb.get(n.Certificate.toUpperCase()) : undefined;
      add({ owner: g.Name, ownerKind: 'gateway', host: n.Name, certificate: cert?.commonName ?? cert?.Subject ?? null, certNames: certNamesOf(cert), ips: n.IPAddresses });
    }
    for (const r of g.Routes) {
      const cert = r.Certificate ? byThumb.get(r.Certificate.toUpperCase()) : undefined;
      if (cert) add({ owner: g.Name, ownerKind: 'gateway', host: `route "${r.Name}"`, certificate: cert.commonName ?? cert.Subject, certNames: certNamesOf(cert), ips: [] });
    }
  }
  return out;
}

/**
 * Connector lookups by value, so matching costs per identity name, not identities × connectors:
 * exact values, wildcard values `*.d` by `d`, exact values by their parent domain (for wildcard
 * certificates), single IPs, and the few ranges.
 */
class ConnectorIndex {
  readonly exact = new Map<string, EstateConnector[]>();
  readonly wildcard = new Map<string, EstateConnector[]>();
  readonly byParent = new Map<string, EstateConnector[]>();
  readonly ip = new Map<string, EstateConnector[]>();
  /** IPv4 ranges within one /16, by that /16 (a provider has one small range per tenant); wider and IPv6 ranges in `wide`. */
  private readonly byBlock = new Map<number, { range: IpRange; connector: EstateConnector }[]>();
  private readonly wide: { range: IpRange; connector: EstateConnector }[] = [];

  add(c: EstateConnector): void {
    const push = (m: Map<string, EstateConnector[]>, k: string): void => {
      const list = m.get(k);
      if (list) list.push(c);
      else m.set(k, [c]);
    };
    if (c.certName) {
      const v = normalizeCertName(c.certName);
      if (v.startsWith('*.')) push(this.wildcard, v.slice(2));
      else {
        push(this.exact, v);
        const dot = v.indexOf('.');
        if (dot > 0) push(this.byParent, v.slice(dot + 1));
      }
    }
    for (const ip of c.ips) {
      if (!ip.includes('/') && !ip.includes('-')) {
        push(this.ip, ip.toLowerCase());
        continue;
      }
      const range = parseIpRange(ip);
      if (!range) continue;
      const block = range.family === 4 ? (range.start as number) >>> 16 : -1;
      if (range.family === 4 && block === (range.end as number) >>> 16) {
        const list = this.byBlock.get(block);
        if (list) list.push({ range, connector: c });
        else this.byBlock.set(block, [{ range, connector: c }]);
      } else this.wide.push({ range, connector: c });
    }
  }

  ipCandidates(ip: string): EstateConnector[] {
    const out = new Set<EstateConnector>(this.ip.get(ip.toLowerCase()) ?? []);
    const p = parseIp(ip);
    if (!p) return [...out];
    const block = p.family === 4 ? this.byBlock.get((p.value as number) >>> 16) ?? [] : [];
    for (const x of [...block, ...this.wide]) if (rangeContains(x.range, p)) out.add(x.connector);
    return [...out];
  }

  certificateCandidates(name: string): EstateConnector[] {
    const out = new Set<EstateConnector>(this.exact.get(name) ?? []);
    if (name.startsWith('*.')) for (const c of this.byParent.get(name.slice(2)) ?? []) out.add(c);
    // `*.d` matches d and every name under d, at any depth (M3).
    const labels = name.replace(/^\*\./, '').split('.');
    for (let i = 0; i < labels.length; i++) for (const c of this.wildcard.get(labels.slice(i).join('.')) ?? []) out.add(c);
    for (const c of this.wildcard.get(name) ?? []) out.add(c);
    return [...out];
  }
}

function namedByFinding(findings: readonly Finding[]): Set<string> {
  const out = new Set<string>();
  for (const f of findings) for (const s of f.subjects) if (s.type === 'InboundConnector') out.add(`${(s.tenant ?? '').toLowerCase()}\u0000${s.name.toLowerCase()}`);
  return out;
}

export function buildEstateMap(c: Case, findings: readonly Finding[]): EstateMap {
  const flaggedKeys = namedByFinding(findings);
  const connectors: EstateConnector[] = [];
  const index = new ConnectorIndex();
  for (const t of c.tenants) {
    for (const ic of t.InboundConnectors) {
      const x = connectorOf(t.Name, ic, connectors.length, flaggedKeys);
      connectors.push(x);
      index.add(x);
    }
  }
  const identities = identitiesOf(c);
  const matches: EstateMatch[] = [];
  const owns = ownership(c);
  const tenantOfConnector = new Map(connectors.map((k) => [k.id, k.tenant]));
  const users = gatewayUsers(c);
  const foreign = (i: EstateIdentity, k: EstateConnector): boolean => {
    const tenant = tenantOfConnector.get(k.id) ?? '';
    if (i.ownerKind === 'organization') return !owns(i.owner, tenant);
    return (users.get(i.owner) ?? []).some((org) => !owns(org, tenant));
  };
  for (const i of identities) {
    const seen = new Set<string>();
    for (const name of i.certNames) {
      for (const k of index.certificateCandidates(name)) {
        const m = k.certName ? matchCertificateName(k.certName, [name]) : null;
        if (!m || seen.has(`${k.id}c`)) continue;
        seen.add(`${k.id}c`);
        matches.push({ identity: i.id, connector: k.id, by: 'certificate', detail: `${k.certName} ⇐ ${name}`, foreign: foreign(i, k) });
      }
    }
    for (const ip of i.ips) {
      for (const k of index.ipCandidates(ip)) {
        if (seen.has(`${k.id}i`)) continue;
        seen.add(`${k.id}i`);
        matches.push({ identity: i.id, connector: k.id, by: 'ip', detail: `${k.ips.join(', ')} ∋ ${ip}`, foreign: foreign(i, k) });
      }
    }
  }
  const totals = { tenants: c.tenants.length, organizations: c.organizations.length, gateways: c.gateways.length, connectors: connectors.length, identities: identities.length };
  return trim({ tenants: [], organizations: [], gateways: [], identities, connectors, matches, totals }, c);
}

function connectorOf(tenant: string, ic: InboundConnector, n: number, flagged: Set<string>): EstateConnector {
  return {
    id: `k${n}`,
    tenant,
    name: ic.Name,
    type: ic.ConnectorType,
    enabled: ic.Enabled,
    certName: ic.TlsSenderCertificateName,
    ips: ic.SenderIPAddresses,
    flagged: flagged.has(`${tenant.toLowerCase()}\u0000${ic.Name.toLowerCase()}`) || flagged.has(`\u0000${ic.Name.toLowerCase()}`),
  };
}

/**
 * A small estate is shown whole. A large one keeps what explains a finding: connectors a finding
 * names, connectors an identity of another organization or a gateway matches (the S1/S3 shapes),
 * and the identities matching them; the totals say how much was left out.
 */
function trim(map: EstateMap, c: Case): EstateMap {
  const small = map.connectors.length <= MAX_LISTED && map.identities.length <= MAX_LISTED;
  let keepConnectors: Set<string>;
  if (small) keepConnectors = new Set(map.connectors.map((k) => k.id));
  else {
    const foreign = new Set(map.matches.filter((m) => m.foreign).map((m) => m.connector));
    const ranked = map.connectors.filter((k) => k.flagged).concat(map.connectors.filter((k) => !k.flagged && foreign.has(k.id)));
    keepConnectors = new Set(ranked.slice(0, MAX_LISTED).map((k) => k.id));
  }
  const matches = map.matches.filter((m) => keepConnectors.has(m.connector));
  const keepIdentities = small ? new Set(map.identities.map((i) => i.id)) : new Set(matches.map((m) => m.identity));
  const identities = map.identities.filter((i) => keepIdentities.has(i.id)).slice(0, MAX_LISTED * 2);
  const listedIds = new Set(identities.map((i) => i.id));
  const connectors = map.connectors.filter((k) => keepConnectors.has(k.id));
  const tenantNames = new Set(connectors.map((k) => k.tenant));
  const ownerNames = new Set(identities.map((i) => i.owner));
  const tenants = c.tenants.filter((t) => small || tenantNames.has(t.Name)).slice(0, MAX_LISTED);
  const organizations = c.organizations.filter((o) => small || ownerNames.has(o.Name)).slice(0, MAX_LISTED);
  const gateways = c.gateways.filter((g) => small || ownerNames.has(g.Name)).slice(0, MAX_LISTED);
  return {
    ...map,
    identities,
    connectors,
    matches: matches.filter((m) => listedIds.has(m.identity)),
    tenants: tenants.map((t) => ({
      name: t.Name,
      tenantId: t.TenantId,
      domains: t.AcceptedDomains.map((d) => d.DomainName),
      connectors: t.InboundConnectors.length,
      outbound: t.OutboundConnectors.map((o) => ({ name: o.Name, smartHosts: o.SmartHosts, enabled: o.Enabled })),
    })),
    organizations: organizations.map((o) => ({
      name: o.Name,
      domains: o.AcceptedDomains.map((d) => d.DomainName),
      servers: o.Servers.length,
      sendConnectors: o.SendConnectors.map((s) => ({ name: s.Name, smartHosts: s.SmartHosts, enabled: s.Enabled })),
    })),
    gateways: gateways.map((g) => ({ name: g.Name, nodes: g.Nodes.length, routes: g.Routes.map((r) => ({ name: r.Name, addressSpaces: r.AddressSpaces.map((a) => a.raw), smartHosts: r.SmartHosts })) })),
  };
}

/** The organizations whose send connectors name a node of each gateway as smart host. */
function gatewayUsers(c: Case): Map<string, string[]> {
  const gatewayOfHost = new Map<string, string>();
  for (const g of c.gateways) for (const n of g.Nodes) gatewayOfHost.set(n.Name.toLowerCase(), g.Name);
  const out = new Map<string, string[]>();
  for (const o of c.organizations) {
    for (const sc of o.SendConnectors) {
      for (const h of sc.SmartHosts) {
        const g = gatewayOfHost.get(h.toLowerCase());
        if (!g) continue;
        const list = out.get(g) ?? [];
        if (!list.includes(o.Name)) list.push(o.Name);
        out.set(g, list);
      }
    }
  }
  return out;
}

/** An organization "owns" a tenant when they share an accepted domain (its own hybrid tenant). */
function ownership(c: Case): (org: string, tenant: string) => boolean {
  const orgDomains = new Map(c.organizations.map((o) => [o.Name, o.AcceptedDomains.map((d) => d.DomainName)]));
  const tenantDomains = new Map(c.tenants.map((t) => [t.Name, new Set(t.AcceptedDomains.map((d) => d.DomainName))]));
  return (org, tenant) => {
    const domains = tenantDomains.get(tenant);
    return domains !== undefined && (orgDomains.get(org) ?? []).some((d) => domains.has(d));
  };
}
