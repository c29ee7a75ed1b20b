import type { InboundConnector } from '../model/case.js';
import type { Certificate } from '../model/certificate.js';
import { isOnMicrosoftDomain } from '../model/domains.js';
import { matchOneName, normalizeCertName } from './cert-name-match.js';
import type { IndexedConnector } from './connector-index.js';
import { parseIp, rangeContains } from './ip-address.js';

/**
 * Whether a tenant's Partner connectors admit an Incoming message (EXO-SEMANTICS M15). Pure: the
 * same connection and connectors always give the same answer.
 *
 * - Restricting connectors (RestrictDomainsToIPAddresses / RestrictDomainsToCertificate) take
 *   precedence over "allow by sender domain" ones [PG900]: an allowing connector never exempts
 *   mail from a restriction that covers it.
 * - [model] when several restricting connectors cover the message, it is admitted if it meets one
 *   of them (EOP pulls a connector up by IP or certificate and uses it); each restriction flag of
 *   that connector must hold ([NIC] documents each as its own rejection condition).
 * - RequireTls applies to the connector the message uses [NIC].
 * - TrustedOrganizations [model]: mail from a listed tenant, delivered tenant to tenant, matches the
 *   connector and passes; such a connector uses no other parameter [NIC], so it restricts nothing else.
 * - ClientHostNames is undocumented and ignored (M15).
 */

/** Documented since 2025 [TLSBLOG25] (NDR-CATALOG 5.7.51). */
export const PARTNER_RESTRICTION_REJECTED =
  "550 5.7.51 TenantInboundAttribution; There is a partner connector configured that matched the message's recipient domain. The connector had either the RestrictDomainsToIPAddresses or RestrictDomainsToCertificate set";

/** M15 [model]: the text for a Partner connector's RequireTls is not documented. */
export const PARTNER_TLS_REQUIRED = '550 5.7.51 TenantInboundAttribution; Rejecting';

/**
 * An enabled Partner connector with what EXO-SEMANTICS M15 compares, read once when the index is
 * built: the admission check then never parses connector values per message.
 */
export interface PartnerConnectorEntry {
  entry: IndexedConnector;
  connector: InboundConnector;
  /** Lower-case SenderDomains patterns (`*`, `*.d`, `d`), without the `smtp:…;1` wrapping. */
  senderDomains: readonly string[];
  /** AssociatedAcceptedDomains, lower case; empty = every recipient domain of the tenant (M15 [model]). */
  associatedDomains: readonly string[];
  /** TrustedOrganizations, lower case (M15: other Microsoft 365 organizations). */
  trustedOrganizations: readonly string[];
  /** RestrictDomainsToIPAddresses or RestrictDomainsToCertificate: a "lock-down" / restricting connector. */
  restricting: boolean;
}

/** A MultiValuedProperty kept in `extra` (a list from exports and YAML, a single string when hand-written), lower case. */
function extraList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' && value.trim() !== '' ? value.split(',') : [];
  return items.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => domainPattern(v));
}

/** A domain as connectors hold it: lower case, without the address-space wrapping exports and what-if may leave (`smtp:d;1`). */
function domainPattern(value: string): string {
  return value.trim().toLowerCase().replace(/^smtp:/, '').replace(/;\d+$/, '');
}

/** The entry for an enabled Partner connector, built once by the ConnectorIndex. */
export function partnerConnectorEntry(entry: IndexedConnector): PartnerConnectorEntry {
  const connector = entry.connector;
  return {
    entry,
    connector,
    // SenderDomains may still carry the `smtp:…;1` address-space wrapping (exports, what-if).
    senderDomains: connector.SenderDomains.map(domainPattern),
    associatedDomains: extraList(connector.extra.AssociatedAcceptedDomains),
    trustedOrganizations: extraList(connector.extra.TrustedOrganizations),
    restricting: connector.RestrictDomainsToCertificate || connector.RestrictDomainsToIPAddresses,
  };
}

/** What the Partner connectors compare, taken from the hop entering Exchange Online. */
export interface PartnerConnection {
  /** Null: the case does not hold the sender's public address. */
  sourceIp: string | null;
  certificate: Certificate | null;
  /** Why the certificate cannot match a connector (expired, untrusted, none), or null (M3). */
  certificateProblem: string | null;
  /** Whether the sender uses TLS, and the assumption that decided it when the case does not say. */
  tls: boolean;
  tlsAssumption: string | null;
  /** The tenant that sends it, for mail delivered tenant to tenant (lower case), else null. */
  sendingTenant: string | null;
  senderDomain: string;
  rcptDomain: string;
}

export type PartnerReason = 'trusted-organization' | 'restriction-met' | 'sender-domain' | 'restriction' | 'require-tls';

export interface PartnerDecision {
  outcome: 'admitted' | 'rejected';
  reason: PartnerReason;
  /** The connector the message uses, or the first restricting one that refuses it. */
  connector: PartnerConnectorEntry;
  /** Every restricting connector that covers the message (several only when it names the others). */
  restricting: readonly PartnerConnectorEntry[];
  /** The 5.7.51 answer when rejected. */
  response: string | null;
  /** The decision in plain words. */
  why: string;
  assumptions: string[];
}

/** SenderDomains patterns as the connector holds them: `*`, `*.d` (names below d), `d`. */
function coversSender(p: PartnerConnectorEntry, domain: string): boolean {
  for (const d of p.senderDomains) {
    if (d === '*' || d === domain || (d.startsWith('*.') && domain.endsWith(d.slice(1)))) return true;
  }
  return false;
}

/** M15 [model]: AssociatedAcceptedDomains read as recipient domains; without it every recipient domain. */
function coversRecipient(p: PartnerConnectorEntry, domain: string): boolean {
  return p.associatedDomains.length === 0 || p.associatedDomains.includes(domain);
}

/** Why the connection does not meet the connector's restrictions, or null when it does. */
function restrictionUnmet(p: PartnerConnectorEntry, conn: PartnerConnection, assumptions: string[]): string | null {
  const c = p.connector;
  if (c.RestrictDomainsToIPAddresses) {
    if (conn.sourceIp === null) {
      // Unknown is not false: exports do not carry a server's public address after NAT.
      assumptions.push(
        `assumed: the sender's public IP address is not in the case; it is taken to be in SenderIPAddresses of Partner connector "${c.Name}" (${c.SenderIPAddresses.join(', ') || 'none'}). To check it, give the sending server's or gateway's public address as IPAddresses in a topology file (EXO-SEMANTICS M15)`,
      );
    } else {
      const ip = parseIp(conn.sourceIp);
      // M3/M15: SenderIPAddresses holds IPv4 addresses and /24–/32 blocks only; IPv6 never matches.
      const inside = ip !== null && ip.family === 4 && p.entry.ranges.some((r) => rangeContains(r, ip));
      if (!inside) return `the source IP ${conn.sourceIp} is not in its SenderIPAddresses (${c.SenderIPAddresses.join(', ') || 'none'})`;
    }
  }
  if (c.RestrictDomainsToCertificate) {
    const value = c.TlsSenderCertificateName ? normalizeCertName(c.TlsSenderCertificateName) : null;
    if (value === null) return 'it names no TlsSenderCertificateName, so no certificate can meet it';
    if (conn.certificate === null) return `no certificate was presented (it requires one whose subject matches ${value})`;
    if (conn.certificateProblem !== null) return `the ${conn.certificateProblem}`;
    // M15 [NIC]: the certificate's Subject must match; [model] the subject CN only, SAN names do not count.
    const cn = conn.certificate.commonName ? normalizeCertName(conn.certificate.commonName) : null;
    if (cn === null || matchOneName(value, cn) === null) {
      return `the certificate's subject ${cn ? `CN ${cn}` : 'has no CN and'} does not match its TlsSenderCertificateName ${value} (only the subject counts, not the SAN names)`;
    }
  }
  return null;
}

function restrictionText(p: PartnerConnectorEntry): string {
  const c = p.connector;
  const parts: string[] = [];
  if (c.RestrictDomainsToIPAddresses) parts.push(`its IP addresses (${c.SenderIPAddresses.join(', ') || 'none'})`);
  if (c.RestrictDomainsToCertificate) parts.push(`its certificate (${c.TlsSenderCertificateName ?? 'none named'})`);
  return parts.join(' and ');
}

/** How the connector reaches the recipient domain, for the decision text. */
export function recipientScopeText(p: PartnerConnectorEntry, rcptDomain: string): string {
  if (p.associatedDomains.length > 0) return `${rcptDomain} is among its AssociatedAcceptedDomains`;
  // [I2642]: without AssociatedAcceptedDomains a lock-down connector also covers the domains
  // Microsoft creates for the tenant, so mail addressed there directly bounces.
  const service = isOnMicrosoftDomain(rcptDomain) ? ` (a domain Microsoft creates for the tenant, covered too — I2642)` : '';
  return `it has no AssociatedAcceptedDomains, so it covers every recipient domain of the tenant, ${rcptDomain} included${service}`;
}

function senderScopeText(p: PartnerConnectorEntry): string {
  return p.senderDomains.includes('*') ? 'SenderDomains * (every sender)' : `SenderDomains ${p.senderDomains.join(', ')}`;
}

/**
 * The Partner connectors' verdict on one Incoming message, or null when none of them applies.
 * `partners` are the tenant's enabled Partner connectors (ConnectorIndex.partnerConnectors).
 */
export function decidePartnerConnectors(partners: readonly PartnerConnectorEntry[], conn: PartnerConnection): PartnerDecision | null {
  if (partners.length === 0) return null;
  const assumptions: string[] = [];
  if (conn.sendingTenant !== null) {
    for (const p of partners) {
      if (p.trustedOrganizations.includes(conn.sendingTenant)) {
        assumptions.push(`assumed: mail from ${conn.sendingTenant}, a TrustedOrganizations entry of Partner connector "${p.connector.Name}", matches that connector and passes its restrictions (EXO-SEMANTICS M15)`);
        return { outcome: 'admitted', reason: 'trusted-organization', connector: p, restricting: [], response: null, why: `${conn.sendingTenant} is among the TrustedOrganizations of Partner connector "${p.connector.Name}", which admits it (M15).`, assumptions };
      }
    }
  }
  let allowing: PartnerConnectorEntry | null = null;
  let restricting: PartnerConnectorEntry[] | null = null;
  for (const p of partners) {
    // A TrustedOrganizations connector uses no other parameter [NIC]: it never covers other mail.
    if (p.trustedOrganizations.length > 0) continue;
    if (!coversRecipient(p, conn.rcptDomain) || !coversSender(p, conn.senderDomain)) continue;
    if (p.restricting) (restricting ??= []).push(p);
    else allowing ??= p;
  }
  let used: PartnerConnectorEntry;
  let reason: PartnerReason;
  if (restricting !== null) {
    const unmet: string[] = [];
    let met: PartnerConnectorEntry | null = null;
    for (const p of restricting) {
      const why = restrictionUnmet(p, conn, assumptions);
      if (why === null) {
        met = p;
        break;
      }
      unmet.push(why);
    }
    if (met === null) {
      const first = restricting[0]!;
      const others = restricting.length > 1 ? ` The other restricting connectors covering it (${restricting.slice(1).map((p) => `"${p.connector.Name}"`).join(', ')}) are not met either: ${unmet.slice(1).join('; ')}.` : '';
      const overridden = allowing ? ` Partner connector "${allowing.connector.Name}" allows ${conn.senderDomain} by sender domain, but a restricting connector takes precedence (PG900).` : '';
      return {
        outcome: 'rejected',
        reason: 'restriction',
        connector: first,
        restricting,
        response: PARTNER_RESTRICTION_REJECTED,
        why: `Partner connector "${first.connector.Name}" (${senderScopeText(first)}) restricts mail from ${conn.senderDomain} to ${restrictionText(first)}; ${recipientScopeText(first, conn.rcptDomain)}, and ${unmet[0]} (M15).${others}${overridden}`,
        assumptions,
      };
    }
    used = met;
    reason = 'restriction-met';
  } else if (allowing !== null) {
    used = allowing;
    reason = 'sender-domain';
  } else return null;

  if (used.connector.RequireTls) {
    if (!conn.tls) {
      assumptions.push('assumed: a Partner connector with RequireTls rejects mail without TLS with 550 5.7.51 TenantInboundAttribution; Rejecting (the text is not documented, EXO-SEMANTICS M15)');
      return {
        outcome: 'rejected',
        reason: 'require-tls',
        connector: used,
        restricting: restricting ?? [],
        response: PARTNER_TLS_REQUIRED,
        why: `Partner connector "${used.connector.Name}" (${senderScopeText(used)}) receives this message and has RequireTls $true, but the sender does not use TLS (M15).`,
        assumptions,
      };
    }
    if (conn.tlsAssumption) assumptions.push(conn.tlsAssumption);
  }
  const how = reason === 'restriction-met' ? `meets its restriction to ${restrictionText(used)}` : `is covered by its ${senderScopeText(used)}`;
  return { outcome: 'admitted', reason, connector: used, restricting: restricting ?? [], response: null, why: `Partner connector "${used.connector.Name}" receives the message: it ${how} (M15).`, assumptions };
}
