import { basename, dirname, resolve, sep } from 'node:path';
import type { ExportKind } from './export-kinds.js';
import { EXPORT_KINDS } from './export-kinds.js';
import type { PsValue } from './ps-record.js';

/**
 * Which tenant, organization or server an exported object belongs to (FORMATS.md 4.3b, issue 3
 * item 3). In order: what the object itself says, then the topology (a `sources:` entry naming
 * the file or a folder above it; for a certificate, a server listing its thumbprint), then a
 * folder named like a tenant or organization of the case. Nothing is guessed beyond that.
 */

export interface KnownServer {
  Name: string;
  Fqdn: string | null;
  organization: string;
  certificates: readonly string[];
}

export interface PlacementHints {
  /** Tenant names (initial domains) and organization names the case knows, any case. */
  tenants: Set<string>;
  organizations: Set<string>;
  servers: KnownServer[];
  /** `sources:` of the topology files: absolute file or folder path → tenant, organization or server. */
  sources: { path: string; target: string }[];
}

export type Placement =
  | { tenant: string; organization?: undefined; server?: undefined; how: string }
  | { organization: string; tenant?: undefined; server?: undefined; how: string }
  /** A certificate; `server` null when nothing says where it is installed (it still counts for the case). */
  | { server: string | null; tenant?: undefined; organization?: undefined; how: string };

type Props = Record<string, PsValue>;

export function emptyHints(): PlacementHints {
  return { tenants: new Set(), organizations: new Set(), servers: [], sources: [] };
}

/** Exchange Online objects name their tenant: `OrganizationalUnitRoot`, `OrganizationId` or the DN's hosted-organization part. */
export function tenantOfObject(p: Props): string | null {
  const root = p.OrganizationalUnitRoot;
  if (typeof root === 'string' && root.trim() !== '') return root.trim().toLowerCase();
  const id = p.OrganizationId;
  if (typeof id === 'string') {
    const m = /Microsoft Exchange Hosted Organizations\/([^/\s]+)/i.exec(id);
    if (m?.[1]) return m[1].toLowerCase();
  }
  const dn = p.DistinguishedName;
  if (typeof dn === 'string') {
    const m = /CN=((?:\\,|[^,])+),OU=Microsoft Exchange Hosted Organizations,/i.exec(dn);
    if (m?.[1]) return m[1].replace(/\\,/g, ',').toLowerCase();
  }
  return null;
}

/** On-premises objects live under `…,CN=<Org>,CN=Microsoft Exchange,CN=Services,CN=Configuration,…`. */
export function organizationOfObject(p: Props): string | null {
  const dn = p.DistinguishedName;
  if (typeof dn !== 'string') return null;
  const m = /(?:^|,)CN=((?:\\,|[^,])+),CN=Microsoft Exchange,CN=Services,CN=Configuration,/i.exec(dn);
  return m?.[1] ? m[1].replace(/\\(.)/g, '$1') : null;
}

/** Get-ExchangeCertificate: `Identity` = `<server FQDN>\<thumbprint>`, or `PSComputerName` from a remote session. */
export function serverOfCertificate(p: Props): string | null {
  const id = p.Identity;
  if (typeof id === 'string') {
    const at = id.lastIndexOf('\\');
    if (at > 0) return id.slice(0, at).trim().toLowerCase();
  }
  const computer = p.PSComputerName;
  if (typeof computer === 'string' && computer.trim() !== '' && !/outlook\.office365\.com$/i.test(computer)) return computer.trim().toLowerCase();
  return null;
}

export function place(kind: ExportKind, p: Props, file: string, hints: PlacementHints): Placement | null {
  const side = EXPORT_KINDS[kind].side;
  if (side === 'server') {
    const server = serverOfCertificate(p);
    if (server) return { server, how: 'Identity' };
    const thumb = typeof p.Thumbprint === 'string' ? p.Thumbprint.replace(/\s/g, '').toUpperCase() : '';
    const holders = hints.servers.filter((s) => s.certificates.includes(thumb));
    if (holders.length === 1) {
      const s = holders[0] as KnownServer;
      return { server: (s.Fqdn ?? s.Name).toLowerCase(), how: `server ${s.Name} lists it in the topology` };
    }
  } else {
    const tenant = side === 'organization' ? null : tenantOfObject(p);
    if (tenant) return { tenant, how: 'OrganizationalUnitRoot' };
    const org = side === 'tenant' ? null : organizationOfObject(p);
    if (org) return { organization: org, how: 'DistinguishedName' };
  }
  const source = sourceTarget(file, hints);
  if (source) {
    const placed = placeByName(side, source.target, hints, true);
    if (placed) return { ...placed, how: `sources: ${source.path}` } as Placement;
  }
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    const placed = placeByName(side, basename(dir), hints, false);
    if (placed) return { ...placed, how: `folder ${dir}` } as Placement;
    if (dirname(dir) === dir) break;
  }
  return null;
}

/** The most specific `sources:` entry covering the file. */
function sourceTarget(file: string, hints: PlacementHints): { path: string; target: string } | null {
  const abs = resolve(file);
  let best: { path: string; target: string } | null = null;
  for (const s of hints.sources) {
    if (abs === s.path || abs.startsWith(s.path.endsWith(sep) ? s.path : s.path + sep)) {
      if (!best || s.path.length > best.path.length) best = s;
    }
  }
  return best;
}

/**
 * A name from `sources:` or a folder. A `sources:` entry is the author's word, so a name the case
 * does not know yet still places objects of a kind that lives on one side only; a folder name
 * must match a tenant, organization or server the case knows.
 */
function placeByName(side: string, name: string, hints: PlacementHints, trusted: boolean): Omit<Placement, 'how'> | null {
  const n = name.trim();
  const lower = n.toLowerCase();
  if (lower === '') return null;
  if (side === 'server') {
    const s = hints.servers.find((x) => x.Name.toLowerCase() === lower || x.Fqdn?.toLowerCase() === lower);
    if (s) return { server: (s.Fqdn ?? s.Name).toLowerCase() };
    return trusted ? { server: lower } : null;
  }
  const isTenant = hints.tenants.has(lower);
  const orgName = [...hints.organizations].find((o) => o.toLowerCase() === lower);
  if (side !== 'organization' && isTenant) return { tenant: lower };
  if (side !== 'tenant' && orgName) return { organization: orgName };
  if (!trusted) return null;
  if (side === 'tenant') return { tenant: lower };
  if (side === 'organization') return { organization: n };
  return /\.onmicrosoft\.com$/i.test(n) ? { tenant: lower } : { organization: n };
}
