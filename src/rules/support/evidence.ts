import { EXCHANGE_ONLINE_SMTP_RANGES } from '../../data/exchange-online-ip-ranges.js';
import { ipInRanges, parseIp } from '../../engine/ip-address.js';
import type { Case, Organization, ReceiveConnector, SendConnector, Tenant } from '../../model/case.js';
import { domainOf, isExchangeOnlineHost, normalizeHost } from '../../model/domains.js';
import {
  emptyEvidence,
  type CertificateSeen,
  type EvidenceSet,
  type Observed,
  type SmtpReply,
  type SmtpSessionObservation,
  type TraceObservation,
} from '../../model/evidence.js';
import { formatSource } from '../../model/provenance.js';
import type { Evidence } from '../finding.js';

export function evidenceOf(c: Case): EvidenceSet {
  return c.evidence ?? emptyEvidence();
}

/**
 * EXO-SEMANTICS M1: in evidence, Exchange Online is recognised by its names — banner, EHLO host or
 * certificate under mail.protection.outlook.com / outlook.com (its outbound hosts are
 * `*.outbound.protection.outlook.com`, its servers `*.prod.outlook.com`) — and by its IP ranges.
 */
export function isExchangeOnlineName(name: string | null | undefined): boolean {
  if (!name) return false;
  const h = normalizeHost(name).replace(/^\*\./, '');
  // M1: the sovereign instances' names too (GCC High/DoD `*.protection.office365.us`, 21Vianet `*.partner.outlook.cn`).
  return h === 'outlook.com' || h.endsWith('.outlook.com') || h.endsWith('.mx.microsoft') || h.endsWith('.outlook.office365.com') || h.endsWith('.protection.office365.us') || h.endsWith('.partner.outlook.cn');
}

function certificatesNameExchangeOnline(certs: CertificateSeen[] | null | undefined): boolean {
  const leaf = certs?.[0];
  if (!leaf) return false;
  return [leaf.commonName, ...leaf.dnsNames].some((n) => isExchangeOnlineName(n));
}

/** The server side of the session is Exchange Online (banner name or server certificate). */
export function serverIsExchangeOnline(s: SmtpSessionObservation): boolean {
  return isExchangeOnlineName(s.serverName) || certificatesNameExchangeOnline(s.tls?.serverCertificates);
}

/** The client side is Exchange Online (EHLO name or client certificate). */
export function clientIsExchangeOnline(s: SmtpSessionObservation): boolean {
  return isExchangeOnlineName(s.ehlo) || certificatesNameExchangeOnline(s.tls?.clientCertificates);
}

/** Exchange Online's current SMTP ranges: the case's endpoints copy when it has one, else the shipped list. */
export function exchangeOnlineRanges(c: Case): readonly string[] {
  return c.exchangeOnlineIpRanges?.ranges ?? EXCHANGE_ONLINE_SMTP_RANGES.ranges;
}

export function isExchangeOnlineAddress(c: Case, ip: string): boolean {
  return parseIp(ip) !== null && ipInRanges(ip, exchangeOnlineRanges(c));
}

/** `550 5.7.64 TenantAttribution; Relay Access Denied` (EXO-SEMANTICS M3/M4), however a source writes it. */
export function isTenantAttributionReply(r: SmtpReply | null): boolean {
  if (!r) return false;
  return r.enhanced === '5.7.64' || /TenantAttribution/i.test(r.text);
}

/** TLS below 1.2: SSL 3.0, TLS 1.0, TLS 1.1 (deprecated by RFC 8996), however a source spells it (`TLSv1`, `TLS1_0`, `TLS 1.1`, `SSLv3`). */
export function isWeakTlsVersion(version: string | null | undefined): boolean {
  if (!version) return false;
  const v = version.toUpperCase().replace(/[\s]/g, '').replace(/_/g, '.').replace(/^TLSV/, 'TLS');
  return v.startsWith('SSL') || v === 'TLS1' || v === 'TLS1.0' || v === 'TLS1.1';
}

/** A time range of observations in words: `12 messages between … and …`. */
export function describeSpan(count: number, first: string | null, last: string | null, noun: string): string {
  const what = `${count} ${noun}${count === 1 ? '' : 's'}`;
  if (first === null) return what;
  return first === last ? `${what} at ${first}` : `${what} between ${first} and ${last}`;
}

export function spanOf<T>(groups: readonly Observed<T>[]): { count: number; first: string | null; last: string | null } {
  let count = 0;
  let first: string | null = null;
  let last: string | null = null;
  for (const g of groups) {
    count += g.count;
    if (g.first !== null && (first === null || g.first < first)) first = g.first;
    if (g.last !== null && (last === null || g.last > last)) last = g.last;
  }
  return { count, first, last };
}

/** Evidence lines for a group: where it was read, and what it showed. */
export function groupEvidence<T>(g: Observed<T>, text: string): Evidence[] {
  return g.sources.slice(0, 3).map((p, i) => ({ source: formatSource(p), text: i === 0 ? text : `(same) ${text}` }));
}

export function replyText(r: SmtpReply): string {
  return `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} ${r.text}`.trim();
}

export function endpointText(e: { ip: string | null; port: number | null }): string {
  if (e.ip === null) return '(unknown)';
  return e.port === null ? e.ip : e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** Items by a key, in first-seen order. */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/**
 * The case's tenant a trace row belongs to: by its connector's (else the row's) tenant id, else
 * the single tenant with an inbound connector of the name the row gives.
 */
export function tenantOfTraceRow(c: Case, o: TraceObservation): Tenant | null {
  const byId = tenantById(c, o.inboundConnector?.tenantId ?? o.tenantId);
  if (byId || !o.inboundConnector) return byId;
  const name = o.inboundConnector.name.toLowerCase();
  const owners = c.tenants.filter((t) => t.InboundConnectors.some((ic) => ic.Name.toLowerCase() === name));
  return owners.length === 1 ? owners[0]! : null;
}

/** The tenant a trace's tenant id or connector names, within the case. */
export function tenantById(c: Case, tenantId: string | null): Tenant | null {
  if (!tenantId) return null;
  const id = tenantId.trim().toLowerCase();
  return c.tenants.find((t) => t.TenantId?.toLowerCase() === id) ?? null;
}

export function senderDomain(address: string | null): string | null {
  if (!address || !address.includes('@')) return null;
  const d = domainOf(address);
  return d === '' ? null : d;
}

/** A send connector of the case by the name a send protocol log gives (`connector-id`). */
export function sendConnectorNamed(c: Case, name: string | null): { org: Organization; connector: SendConnector } | null {
  if (!name) return null;
  const n = name.trim().toLowerCase();
  for (const org of c.organizations) {
    const connector = org.SendConnectors.find((s) => s.Name.toLowerCase() === n);
    if (connector) return { org, connector };
  }
  return null;
}

/** A receive connector by a receive log's `connector-id`, written `SERVER\Connector name`. */
export function receiveConnectorNamed(c: Case, id: string | null): { org: Organization; connector: ReceiveConnector } | null {
  if (!id) return null;
  const name = (id.includes('\\') ? id.slice(id.indexOf('\\') + 1) : id).trim().toLowerCase();
  for (const org of c.organizations) {
    const connector = org.ReceiveConnectors.find((r) => r.Name.toLowerCase() === name || r.Name.toLowerCase() === id.trim().toLowerCase());
    if (connector) return { org, connector };
  }
  return null;
}

/**
 * The send connector a host at this address uses towards Exchange Online: the address is one of
 * an organization's servers, and the connector (enabled, with that server as a source) smart-hosts
 * to Exchange Online or delivers by MX.
 */
export function sendConnectorToExchangeOnlineFrom(c: Case, ip: string | null): { org: Organization; connector: SendConnector } | null {
  if (!ip) return null;
  for (const org of c.organizations) {
    const server = org.Servers.find((sv) => sv.IPAddresses.includes(ip));
    if (!server) continue;
    const names = new Set([server.Name.toLowerCase(), server.Fqdn?.toLowerCase() ?? '']);
    const sources = org.SendConnectors.filter((sc) => sc.Enabled && sc.SourceTransportServers.some((n) => names.has(n.toLowerCase())));
    const connector = sources.find((sc) => sc.SmartHosts.some((h) => isExchangeOnlineHost(h))) ?? sources.find((sc) => sc.DNSRoutingEnabled) ?? null;
    if (connector) return { org, connector };
  }
  return null;
}
