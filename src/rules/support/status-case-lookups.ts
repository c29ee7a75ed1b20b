import { ipInRanges, parseIp } from '../../engine/ip-address.js';
import type { Case, InboundConnector, OutboundConnector, Tenant } from '../../model/case.js';

/**
 * What the case says about the names and addresses a status observation carries: which side
 * holds a domain, which system an address belongs to, which connector covers it.
 */

function domainMatches(accepted: string, domain: string): boolean {
  const a = accepted.toLowerCase();
  const d = domainOf(domain);
  return a === d || (a.startsWith('*.') && d.endsWith(a.slice(1)));
}

function domainOf(address: string): string {
  return (address.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : address).toLowerCase();
}

export interface DomainHolders {
  /** `tenant contoso.onmicrosoft.com (Authoritative)`, `organization Contoso (InternalRelay)`. */
  holders: string[];
  /** The case holds accepted domains at all (else nothing can be said). */
  known: boolean;
}

/** Where the domain of an address is accepted, in the case. */
export function acceptedDomainHolders(c: Case, address: string): DomainHolders {
  const holders: string[] = [];
  for (const t of c.tenants) for (const d of t.AcceptedDomains) if (domainMatches(d.DomainName, address)) holders.push(`tenant ${t.Name} (${d.DomainType})`);
  for (const o of c.organizations) for (const d of o.AcceptedDomains) if (domainMatches(d.DomainName, address)) holders.push(`organization ${o.Name} (${d.DomainType})`);
  const known = c.tenants.some((t) => t.AcceptedDomains.length > 0) || c.organizations.some((o) => o.AcceptedDomains.length > 0);
  return { holders, known };
}

/** The system of the case an address belongs to: `server EX01 of Contoso`, `gateway node gw1 of Gateway`. */
export function systemAt(c: Case, ip: string): string | null {
  for (const o of c.organizations) {
    const s = o.Servers.find((x) => x.IPAddresses.includes(ip));
    if (s) return `server ${s.Name} of ${o.Name}`;
  }
  for (const g of c.gateways ?? []) {
    const n = g.Nodes.find((x) => x.IPAddresses.includes(ip));
    if (n) return `gateway node ${n.Name} of ${g.Name}`;
  }
  return null;
}

/** Enabled inbound connectors of the case whose SenderIPAddresses cover the address. */
export function inboundConnectorsCovering(c: Case, ip: string): { tenant: Tenant; connector: InboundConnector }[] {
  if (parseIp(ip) === null) return [];
  const out: { tenant: Tenant; connector: InboundConnector }[] = [];
  for (const t of c.tenants) {
    for (const ic of t.InboundConnectors) if (ic.Enabled && ic.SenderIPAddresses.length > 0 && ipInRanges(ip, ic.SenderIPAddresses)) out.push({ tenant: t, connector: ic });
  }
  return out;
}

/** An outbound connector of the case by the name a trace gives. */
export function outboundConnectorNamed(c: Case, name: string | null): { tenant: Tenant; connector: OutboundConnector } | null {
  if (!name) return null;
  const n = name.trim().toLowerCase();
  for (const tenant of c.tenants) {
    const connector = tenant.OutboundConnectors.find((x) => x.Name.toLowerCase() === n);
    if (connector) return { tenant, connector };
  }
  return null;
}

/** A property kept in `extra` (cmdlet output beyond the modelled ones), by name in any case. */
export function extraValue(extra: Record<string, unknown>, name: string): string | null {
  const key = Object.keys(extra).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : extra[key];
  return v === undefined || v === null || v === '' ? null : String(v);
}

/** An IPv4/IPv6 literal written in brackets in a status text (`banned sending IP [203.0.113.5]`). */
export function bracketedIp(text: string): string | null {
  const m = /\[(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})\]/i.exec(text);
  return m && parseIp(m[1]!) ? m[1]! : null;
}
