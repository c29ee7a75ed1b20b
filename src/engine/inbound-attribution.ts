import type { InboundConnector, Tenant } from '../model/case.js';
import { certificateLabel, type Certificate } from '../model/certificate.js';
import { certificateProblem } from './certificate-usability.js';
import type { CertificateHit, ConnectorIndex, IndexedConnector, RestrictingPartner } from './connector-index.js';
import { parseIp } from './ip-address.js';

/**
 * Tenant attribution at Exchange Online Protection — EXO-SEMANTICS M3 (priority from
 * MC1226222), M4 (relay rule since 2023-11-01) and M5 (a message returning to the tenant it
 * left). Pure: the same connection and case always give the same answer and the same trace.
 */

export const RELAY_DENIED = '550 5.7.64 TenantAttribution; Relay Access Denied';
/** Third-party reports only; Microsoft publishes no text for Partner-connector restrictions. */
export const PARTNER_RESTRICTED = '550 5.7.51 TenantInboundAttribution; Rejecting';

export interface Connection {
  sourceIp: string | null;
  certificate: Certificate | null;
  ehlo: string | null;
  mailFromDomain: string;
  rcptToDomain: string;
  /** Tenants the message was processed in and has left (M5). */
  previousTenants?: readonly string[];
}

export interface AttributionContext {
  index: ConnectorIndex;
  at: Date;
  /** Whether a domain's MX is Exchange Online (a recipient tenant outside the case, M3). */
  isExchangeOnlineDomain(domain: string): boolean;
  /** Build the plain-words trace (default true). */
  explain?: boolean;
}

export type Direction = 'inbound' | 'outbound' | 'relay' | 'none';

export interface Attribution {
  outcome: 'accepted' | 'rejected' | 'dropped';
  tenant: Tenant | null;
  /** Recipient domain when the message is attributed to a tenant outside the case. */
  outsideTenantDomain: string | null;
  connector: InboundConnector | null;
  direction: Direction;
  matchedBy: 'certificate' | 'ip' | 'recipient' | null;
  response: string | null;
  recipientInTenant: boolean;
  /** Why the presented certificate could not match any connector, or null. */
  certificateProblem: string | null;
  /** Other tenants whose enabled OnPremises connectors matched the same identity (unsupported, M3). */
  competingTenants: Tenant[];
  trace: string[];
  /** Decisions that rest on EXO-SEMANTICS [model] points rather than documented behaviour. */
  assumptions: string[];
}

function isActiveOnPrem(e: IndexedConnector): boolean {
  return e.connector.Enabled && e.connector.ConnectorType === 'OnPremises';
}

function describe(e: IndexedConnector): string {
  return `"${e.connector.Name}" (${e.connector.ConnectorType}) of ${e.tenant.Name}`;
}

/** One attribution in progress: what the steps share (kept in one object, not closures, on this hot path). */
interface Attempt {
  conn: Connection;
  index: ConnectorIndex;
  explain: boolean;
  trace: string[];
  assumptions: string[];
  cert: Certificate | null;
  certProblem: string | null;
}

type ResultFields = Partial<Attribution> & Pick<Attribution, 'outcome' | 'direction'>;

const NO_TENANTS: Tenant[] = [];
const NO_ENTRIES: IndexedConnector[] = [];
/** Shared when the trace is not built; nothing is pushed to it then. */
const NO_TEXT: string[] = [];

function result(a: Attempt, p: ResultFields): Attribution {
  return {
    outcome: p.outcome,
    direction: p.direction,
    tenant: p.tenant ?? null,
    outsideTenantDomain: p.outsideTenantDomain ?? null,
    connector: p.connector ?? null,
    matchedBy: p.matchedBy ?? null,
    response: p.response ?? null,
    recipientInTenant: p.recipientInTenant ?? false,
    certificateProblem: a.certProblem,
    competingTenants: p.competingTenants ?? NO_TENANTS,
    trace: a.trace,
    assumptions: a.assumptions,
  };
}

// An OnPremises connector matched: the message is the tenant's own on-premises mail (M3),
// accepted for the tenant's recipients and relayed elsewhere only under the M4 conditions.
function fromOnPremises(a: Attempt, e: IndexedConnector, how: 'certificate' | 'ip', competing: Tenant[]): Attribution {
  const { index, explain, trace, assumptions, cert, certProblem, conn } = a;
  const rcpt = conn.rcptToDomain;
  const mailFrom = conn.mailFromDomain;
  const t = e.tenant;
  if (index.acceptedDomain(t, rcpt)) {
    if (explain) trace.push(`${rcpt} is an accepted domain of ${t.Name}: the message comes from the tenant's own on-premises side.`);
    return result(a, { outcome: 'accepted', direction: 'outbound', tenant: t, connector: e.connector, matchedBy: how, recipientInTenant: true, competingTenants: competing });
  }
  let certDomain: string | null = null;
  if (cert && !certProblem) {
    for (const n of cert.names) {
      certDomain = index.acceptedDomainCovering(t, n);
      if (certDomain) {
        if (explain && certDomain !== n) assumptions.push(`assumed: certificate name ${n}, under the accepted domain ${certDomain}, counts as that domain for relay (M4)`);
        break;
      }
    }
  }
  const senderAccepted = index.acceptedDomain(t, mailFrom) !== undefined;
  if (!certDomain && !senderAccepted) {
    if (explain) {
      trace.push(
        `${rcpt} is not a domain of ${t.Name}, so this is relay; neither the certificate domain nor the MAIL FROM domain ${mailFrom} is an accepted domain of ${t.Name}, so relay is refused (M4).`,
      );
    }
    return result(a, { outcome: 'rejected', direction: 'none', tenant: t, connector: e.connector, matchedBy: how, response: RELAY_DENIED, competingTenants: competing });
  }
  if (conn.previousTenants?.includes(t.Name)) {
    if (explain) {
      trace.push(`The message already left ${t.Name} and is attributed to it again while its recipient ${rcpt} is elsewhere: it is lost without a non-delivery report (M5).`);
      assumptions.push('assumed: a message attributed again to the tenant it left is discarded (observed, undocumented; M5)');
    }
    return result(a, { outcome: 'dropped', direction: 'relay', tenant: t, connector: e.connector, matchedBy: how, competingTenants: competing });
  }
  if (explain) {
    const why = senderAccepted ? `the MAIL FROM domain ${mailFrom}` : `the certificate domain (${certDomain})`;
    trace.push(`${rcpt} is not a domain of ${t.Name}; ${why} is an accepted domain and the ${how} matches the connector, so ${t.Name} relays it (M4).`);
  }
  return result(a, { outcome: 'accepted', direction: 'relay', tenant: t, connector: e.connector, matchedBy: how, competingTenants: competing });
}

/** Tenants other than `winner`'s among the entries, or the shared empty list. */
function otherTenants(entries: readonly IndexedConnector[], winner: Tenant): Tenant[] {
  let out: Tenant[] | null = null;
  for (const e of entries) {
    if (e.tenant === winner) continue;
    if (!out) out = [];
    if (!out.includes(e.tenant)) out.push(e.tenant);
  }
  return out ?? NO_TENANTS;
}

export function attribute(conn: Connection, ctx: AttributionContext): Attribution {
  const { index } = ctx;
  const explain = ctx.explain !== false;
  const trace: string[] = explain ? [] : NO_TEXT;
  const assumptions: string[] = explain ? [] : NO_TEXT;
  const cert = conn.certificate;
  const ip = conn.sourceIp ? parseIp(conn.sourceIp) : null;
  const mailFrom = conn.mailFromDomain;
  const rcpt = conn.rcptToDomain;

  let certProblem: string | null = null;
  let certHits: readonly CertificateHit[] = [];
  if (!cert) {
    certProblem = 'no certificate presented';
    if (explain) trace.push('No TLS client certificate was presented, so no certificate-scoped connector can match (M3 step 1).');
  } else {
    certHits = index.matchCertificate(cert.names);
    certProblem = certificateProblem(cert, ctx.at);
  }
  const a: Attempt = { conn, index, explain, trace, assumptions, cert, certProblem };

  // Step 1: the certificate's names against OnPremises connectors' TlsSenderCertificateName.
  if (cert && certHits.length > 0) {
    const active = certHits.filter((h) => isActiveOnPrem(h.entry));
    if (explain) {
      for (const h of certHits) {
        if (h.entry.connector.ConnectorType === 'OnPremises' && !h.entry.connector.Enabled) {
          trace.push(`Certificate ${certificateLabel(cert)} matches ${describe(h.entry)} by name, but that connector is disabled.`);
        }
      }
    }
    if (active.length > 0 && certProblem) {
      if (explain) trace.push(`Certificate name ${active[0]!.match.certName} matches ${describe(active[0]!.entry)}, but the ${certProblem}; Exchange Online does not accept it (M3).`);
    } else if (active.length > 0) {
      active.sort((a, b) => b.match.specificity - a.match.specificity);
      const best = active[0]!;
      const competing = active.length > 1 ? otherTenants(active.map((h) => h.entry), best.entry.tenant) : NO_TENANTS;
      if (explain) {
        trace.push(
          `Step 1: certificate name ${best.match.certName} matches TlsSenderCertificateName ${best.entry.connector.TlsSenderCertificateName} of ${describe(best.entry)}` +
            (best.match.kind === 'exact' ? '.' : ` (${best.match.kind === 'wildcard-value' ? 'wildcard value' : 'wildcard certificate'}).`),
        );
        if (best.match.kind !== 'exact') assumptions.push('assumed: wildcard certificate-name matching as described in EXO-SEMANTICS M3');
        if (competing.length > 0) {
          assumptions.push(`assumed: ${competing.length + 1} tenants' OnPremises connectors match this certificate (unsupported, MC1226222); the most specific match wins`);
        }
      }
      return fromOnPremises(a, best.entry, 'certificate', competing);
    }
  }

  // Step 2: the MAIL FROM domain, only where that tenant's OnPremises connector matches the source IP.
  const ipHits = ip ? index.matchIp(ip) : NO_ENTRIES;
  const activeIp = ipHits.length === 0 ? NO_ENTRIES : ipHits.filter(isActiveOnPrem);
  if (explain) {
    for (const e of ipHits) {
      if (e.connector.ConnectorType === 'OnPremises' && !e.connector.Enabled) trace.push(`Source IP ${conn.sourceIp} is in ${describe(e)}, but that connector is disabled.`);
    }
  }
  const senderTenants = index.tenantsAccepting(mailFrom);
  for (const e of activeIp) {
    if (senderTenants.includes(e.tenant)) {
      const competing = activeIp.length > 1 ? otherTenants(activeIp, e.tenant) : NO_TENANTS;
      if (explain) {
        trace.push(`Step 2: source IP ${conn.sourceIp} matches ${describe(e)}, and ${e.tenant.Name} accepts the MAIL FROM domain ${mailFrom}.`);
        if (competing.length > 0) assumptions.push(`assumed: the source IP matches OnPremises connectors in ${competing.length + 1} tenants (unsupported, MC1226222); the one accepting the sender domain wins`);
      }
      return fromOnPremises(a, e, 'ip', competing);
    }
  }
  if (explain && activeIp.length > 0 && senderTenants.length === 0) {
    trace.push(`Source IP ${conn.sourceIp} matches ${describe(activeIp[0]!)}, but ${activeIp[0]!.tenant.Name} does not accept the MAIL FROM domain ${mailFrom}; step 2 does not apply.`);
  }

  // Step 3: the RCPT TO domain — ordinary inbound mail for the tenant that accepts it.
  const recipientTenants = index.tenantsAccepting(rcpt);
  const t = recipientTenants[0];
  if (t) {
    if (recipientTenants.length > 1 && explain) assumptions.push(`assumed: ${rcpt} is accepted in several tenants; ${t.Name} (the first) receives it`);
    const ownIp = activeIp.find((e) => e.tenant === t);
    if (ownIp) {
      if (explain) trace.push(`Step 3: ${rcpt} belongs to ${t.Name}, and the source IP matches its OnPremises connector "${ownIp.connector.Name}".`);
      return fromOnPremises(a, ownIp, 'ip', []);
    }
    const partner =
      certHits.find((h) => h.entry.tenant === t && h.entry.connector.Enabled && h.entry.connector.ConnectorType === 'Partner' && !certProblem)?.entry ??
      ipHits.find((e) => e.tenant === t && e.connector.Enabled && e.connector.ConnectorType === 'Partner');
    const restricted = partnerRestriction(index.partnerConnectorsRestricting(t), mailFrom, partner);
    if (restricted) {
      if (explain) {
        trace.push(`Partner connector "${restricted.Name}" of ${t.Name} restricts ${mailFrom} to its ${restricted.RestrictDomainsToCertificate ? 'certificate' : 'IP addresses'}, and this connection does not match.`);
        assumptions.push('assumed: the Partner restriction rejects with 5.7.51 (text reported by third parties only)');
      }
      return result(a, { outcome: 'rejected', direction: 'none', tenant: t, connector: restricted, matchedBy: 'recipient', response: PARTNER_RESTRICTED });
    }
    if (explain) {
      trace.push(
        partner
          ? `Step 3: ${rcpt} belongs to ${t.Name}; Partner connector "${partner.connector.Name}" matches the connection (inbound from a partner).`
          : `Step 3: no connector matches; ${rcpt} belongs to ${t.Name}, so this is anonymous inbound internet mail for that tenant.`,
      );
    }
    return result(a, { outcome: 'accepted', direction: 'inbound', tenant: t, connector: partner?.connector ?? null, matchedBy: 'recipient', recipientInTenant: true });
  }
  if (ctx.isExchangeOnlineDomain(rcpt)) {
    if (explain) trace.push(`Step 3: no connector matches; ${rcpt} has Exchange Online as MX but no tenant in the case accepts it: anonymous inbound mail for a tenant outside the case.`);
    return result(a, { outcome: 'accepted', direction: 'inbound', outsideTenantDomain: rcpt, matchedBy: 'recipient', recipientInTenant: true });
  }
  if (explain) trace.push(`No connector matches and no Exchange Online tenant accepts ${rcpt}: Exchange Online is not an open relay (M3).`);
  return result(a, { outcome: 'rejected', direction: 'none', response: RELAY_DENIED });
}

/**
 * A Partner connector that names the sender's domain and restricts it to its certificate or IP
 * addresses rejects mail of that domain arriving any other way (New-InboundConnector docs).
 */
function partnerRestriction(restricting: readonly RestrictingPartner[], mailFrom: string, matched: IndexedConnector | undefined): InboundConnector | null {
  for (const { connector: c, senderDomains } of restricting) {
    if (!c.Enabled) continue;
    if (matched && matched.connector === c) continue;
    const covers = senderDomains.some((p) => p === '*' || p === mailFrom || (p.startsWith('*.') && mailFrom.endsWith(p.slice(1))));
    if (covers) return c;
  }
  return null;
}
