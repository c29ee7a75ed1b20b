import type { InboundConnector, Tenant } from '../model/case.js';
import type { Certificate } from '../model/certificate.js';
import type { ConnectorIndex, IndexedConnector, RelayLineParts } from './connector-index.js';
import { ipv4Number, parseIp } from './ip-address.js';
import { describe, disabledLines, isActiveOnPrem, lookUpCertificate, NO_ENTRIES, NO_TENANTS, NO_TEXT, otherTenants, problemLine, stepOneLine, type CertificateLookup } from './certificate-lookup.js';
import { ANONYMOUS_LINE, OWN_SIDE_LINE } from './domain-table.js';
import { assume, assumptionMark, rewind, say, takeAssumptions, takeTrace, traceMark } from './attribution-lines.js';

/**
 * Tenant attribution at Exchange Online Protection — EXO-SEMANTICS M3 (priority from
 * MC1226222), M4 (relay rule since 2023-11-01) and M5 (a message returning to the tenant it
 * left). Pure: the same connection and case always give the same answer and the same trace.
 */

export const RELAY_DENIED = '550 5.7.64 TenantAttribution; Relay Access Denied';
/**
 * M4 [model]: an Enabled OnPremises connector matched, but neither the certificate domain (M3
 * immediate-parent test) nor the P1 domain is accepted [KB4019940][NOTICE].
 */
export const RELAY_DENIED_ATTR36 = '550 5.7.64 TenantAttribution; Relay Access Denied ATTR36';
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
  /** Shared between answers where it can be (an empty list, always): read it, never change it. */
  trace: readonly string[];
  /** Decisions that rest on EXO-SEMANTICS [model] points rather than documented behaviour (read-only, like `trace`). */
  assumptions: readonly string[];
}

const SENDER_ACCEPTED = 2;
const NO_CERTIFICATE_LINE = 'No TLS client certificate was presented, so no certificate-scoped connector can match (M3 step 1).';

/**
 * The answer under construction: allocated once per call with what every outcome shares, the rest
 * filled in by result() and, with explain on, attribute() — no other per-call object (this runs
 * once per simulated connection).
 */
function started(certificateProblem: string | null): Attribution {
  return { outcome: 'rejected', direction: 'none', tenant: null, outsideTenantDomain: null, connector: null, matchedBy: null, response: null, recipientInTenant: false, certificateProblem, competingTenants: NO_TENANTS, trace: NO_TEXT, assumptions: NO_TEXT };
}

/** Completes the answer (positional: this runs once per simulated connection). */
function result(
  a: Attribution,
  outcome: Attribution['outcome'],
  direction: Direction,
  tenant: Tenant | null = null,
  connector: InboundConnector | null = null,
  matchedBy: Attribution['matchedBy'] = null,
  response: string | null = null,
  recipientInTenant = false,
  competingTenants: Tenant[] = NO_TENANTS,
  outsideTenantDomain: string | null = null,
): Attribution {
  a.outcome = outcome;
  a.direction = direction;
  a.tenant = tenant;
  a.outsideTenantDomain = outsideTenantDomain;
  a.connector = connector;
  a.matchedBy = matchedBy;
  a.response = response;
  a.recipientInTenant = recipientInTenant;
  a.competingTenants = competingTenants;
  return a;
}

// An OnPremises connector matched: the message is the tenant's own on-premises mail (M3),
// accepted for the tenant's recipients and relayed elsewhere only under the M4 conditions.
// `certName` is the certificate name that matched the connector at step 1 (null for an IP match).
// `certDomain` is the M3 certificate-domain test's answer for that name (memoised per certificate).
// `l` is the certificate's lookup for a certificate match (null for an IP match): the trace lines
// that depend only on the certificate are kept there.
// `known` says what the caller already established: SENDER_ACCEPTED (the tenant accepts the MAIL
// FROM domain), sparing that lookup. `rcptId` is the RCPT TO domain's DomainTable id (-1: no tenant
// accepts it), looked up by the caller. `t` and `connector` are `e`'s, passed so that the decision
// never loads the entry itself (only the trace does).
function fromOnPremises(
  a: Attribution,
  conn: Connection,
  ctx: AttributionContext,
  e: IndexedConnector,
  t: Tenant,
  connector: InboundConnector,
  how: 'certificate' | 'ip',
  competing: Tenant[],
  certName: string | null,
  certDomain: string | null,
  known: number,
  rcptId: number,
  l: CertificateLookup | null,
): Attribution {
  const index = ctx.index;
  const explain = ctx.explain !== false;
  const rcpt = conn.rcptToDomain;
  const mailFrom = conn.mailFromDomain;
  if (explain && certName !== null && certDomain === null && l !== null) {
    assume(
      (l.notImmediateLine ??= `assumed: "${e.connector.Name}" of ${t.Name} attributes certificate name ${certName} although neither that name nor its immediate parent is an accepted domain of ${t.Name}; such connectors work today but "may unexpectedly stop working" (MC1226222, EXO-SEMANTICS M3/M17)`),
    );
  }
  const domains = index.domains;
  if (domains.accepts(rcptId, t)) {
    if (explain) {
      // The sentence depends only on the domain and the tenant: kept in the domain table for its first tenant.
      say(domains.firstTenant(rcptId) === t ? (domains.keptLine(rcptId, OWN_SIDE_LINE) ?? domains.keepLine(rcptId, OWN_SIDE_LINE, ownSideLine(rcpt, t))) : ownSideLine(rcpt, t));
    }
    return result(a, 'accepted', 'outbound', t, connector, how, null, true, competing);
  }
  const senderAccepted = known === SENDER_ACCEPTED || domains.accepts(domains.idOf(mailFrom), t);
  // M3 certificate-domain test [KB4019940]: the matched name or its immediate parent is accepted
  // (needed only when the P1 domain does not already allow the relay).
  // The relay sentences' fixed parts: on the certificate's lookup for a certificate match (`how`
  // is then 'certificate'), else on the entry (`how` is 'ip', and certName and certDomain are null).
  const parts: RelayLineParts = l ?? e;
  if (!certDomain && !senderAccepted) {
    if (explain) {
      const head = (parts.refusedHead ??= ` is not a domain of ${t.Name}, so this is relay; ${certName === null || l === null ? 'no certificate matched' : (l.certText ??= certNameText(index, t, certName))}, and the MAIL FROM domain `);
      say(rcpt + head + mailFrom + (parts.refusedTail ??= ` is not an accepted domain of ${t.Name}, so relay is refused (M4, ATTR36).`));
    }
    return result(a, 'rejected', 'none', t, connector, how, RELAY_DENIED_ATTR36, false, competing);
  }
  const returning = conn.previousTenants !== undefined && conn.previousTenants.includes(t.Name);
  // M5.1 [model]: only a message that left T over a connector, comes back attributed to T and is
  // for another Exchange Online tenant is lost; any other return is relayed and followed (M5.2).
  if (returning && ctx.isExchangeOnlineDomain(rcpt)) {
    if (explain) {
      say(`The message already left ${t.Name} through an outbound connector and is attributed to it again while its recipient ${rcpt} is in another Exchange Online tenant: it is lost without a non-delivery report (M5.1).`);
      assume('assumed: discarded without NDR (observed, undocumented; EXO-SEMANTICS M5.1)');
    }
    return result(a, 'dropped', 'relay', t, connector, how, null, false, competing);
  }
  if (explain) {
    say(
      senderAccepted
        ? rcpt + (parts.relayHead ??= ` is not a domain of ${t.Name}; the MAIL FROM domain `) + mailFrom + (parts.relayTail ??= ` is an accepted domain and the ${how} matches the connector, so ${t.Name} relays it (M4).`)
        : rcpt + (parts.certDomainRelayTail ??= ` is not a domain of ${t.Name}; the certificate domain (${certDomain}) is an accepted domain and the ${how} matches the connector, so ${t.Name} relays it (M4).`),
    );
    if (returning) say(`The message had already left ${t.Name}; it is relayed again and followed hop by hop (M5.2).`);
    if (!senderAccepted && l !== null) {
      const line = l.relayValueLine === undefined ? (l.relayValueLine = relayValueLine(index, e, t)) : l.relayValueLine;
      if (line !== null) assume(line);
    }
  }
  return result(a, 'accepted', 'relay', t, connector, how, null, false, competing);
}

/** Why the matched certificate name does not pass the M3 certificate-domain test (ATTR36 trace). */
function certNameText(index: ConnectorIndex, t: Tenant, certName: string): string {
  const above = index.acceptedDomainCovering(t, certName);
  return above
    ? `the certificate name ${certName} sits under the accepted domain ${above} but not immediately (only the name itself or its immediate parent counts, KB4019940)`
    : `the certificate name ${certName} is not under an accepted domain`;
}

/** The [TLSBLOG25] assumption for relay on the certificate domain, or null when the exact value is itself accepted (or a wildcard). */
function relayValueLine(index: ConnectorIndex, e: IndexedConnector, t: Tenant): string | null {
  const value = e.certificateValue;
  if (value === null || value.startsWith('*.') || index.acceptedDomain(t, value)) return null;
  return `assumed: relay through "${e.connector.Name}" follows the immediate-parent test (KB4019940); [TLSBLOG25] says an exact TlsSenderCertificateName (${value}) must itself be an accepted domain of ${t.Name} (EXO-SEMANTICS M3)`;
}

function ownSideLine(rcpt: string, t: Tenant): string {
  return `${rcpt} is an accepted domain of ${t.Name}: the message comes from the tenant's own on-premises side.`;
}

/** Connectors whose SenderIPAddresses hold the address; the dotted quad without allocating, anything else parsed in full. */
function ipHitsOf(sourceIp: string, index: ConnectorIndex, explain: boolean): IndexedConnector[] {
  const v4 = ipv4Number(sourceIp);
  if (v4 !== null) return index.matchIpv4(v4);
  const ip = parseIp(sourceIp);
  if (ip === null) return NO_ENTRIES;
  if (ip.family === 6 && explain) say(`Source IP ${sourceIp} is IPv6: SenderIPAddresses holds IPv4 only, so no IP-scoped connector matches (M3).`);
  return index.matchIp(ip);
}

/** The first entry of the tenant (an enabled Partner connector when `partner`); loops, not closures, on this hot path. */
function entryOfTenant(entries: readonly IndexedConnector[], t: Tenant, partner: boolean): IndexedConnector | undefined {
  for (const e of entries) if (e.tenant === t && (!partner || isActivePartner(e))) return e;
  return undefined;
}

function partnerHit(l: CertificateLookup | null, t: Tenant): IndexedConnector | undefined {
  if (l === null) return undefined;
  const tenants = l.partnerTenants;
  for (let i = 0; i < tenants.length; i++) if (tenants[i] === t) return l.partnerEntries[i];
  return undefined;
}

function isActivePartner(e: IndexedConnector): boolean {
  return e.activePartner;
}


export function attribute(conn: Connection, ctx: AttributionContext): Attribution {
  if (ctx.explain === false) return decide(conn, ctx, false);
  const traceFrom = traceMark();
  const assumptionFrom = assumptionMark();
  try {
    const a = decide(conn, ctx, true);
    a.trace = takeTrace(traceFrom);
    a.assumptions = takeAssumptions(assumptionFrom);
    return a;
  } finally {
    rewind(traceFrom, assumptionFrom);
  }
}

/** The attribution itself; with `explain`, its lines go to the stacks above (say, assume). */
function decide(conn: Connection, ctx: AttributionContext, explain: boolean): Attribution {
  const { index } = ctx;
  const cert = conn.certificate;
  const mailFrom = conn.mailFromDomain;
  const rcpt = conn.rcptToDomain;
  // Every path needs the RCPT TO domain (step 3, or the own-side test after a connector match):
  // looked up first, so that its cache misses overlap those of the certificate's lookup.
  const domains = index.domains;
  const rcptId = domains.idOf(rcpt);

  let certProblem: string | null = null;
  let l: CertificateLookup | null = null;
  if (!cert) {
    certProblem = 'no certificate presented';
    if (explain) say(NO_CERTIFICATE_LINE);
  } else {
    l = lookUpCertificate(cert, index, ctx.at);
    certProblem = l.problem;
  }
  const a = started(certProblem);

  // Step 1: the certificate's names against OnPremises connectors' TlsSenderCertificateName
  // (decided once per certificate: see lookUpCertificate).
  if (l !== null && l.hitCount > 0) {
    if (explain) {
      const disabled = (l.disabledLines ??= disabledLines(cert!, l.hits));
      for (let i = 0; i < disabled.length; i++) say(disabled[i]!);
    }
    const bestTenant = l.bestTenant;
    if (bestTenant !== null && certProblem) {
      if (explain) say((l.problemLine ??= problemLine(l.hits, certProblem)));
    } else if (bestTenant !== null) {
      const competing = l.competing;
      if (explain) {
        say((l.stepOneLine ??= stepOneLine(l.best!)));
        if (l.bestIsWildcard) assume('assumed: wildcard certificate-name matching as described in EXO-SEMANTICS M3');
        if (competing.length > 0) {
          assume(
            (l.competingLine ??= `assumed: ${competing.length + 1} tenants' OnPremises connectors match this certificate (unsupported, MC1226222); the most specific match wins`),
          );
        }
      }
      return fromOnPremises(a, conn, ctx, l.bestEntry!, bestTenant, l.bestConnector!, 'certificate', competing, l.bestCertName, l.bestCertDomain, 0, rcptId, l);
    }
  }

  // Step 2: the MAIL FROM domain, only where that tenant's OnPremises connector matches the source IP.
  const ipHits = conn.sourceIp ? ipHitsOf(conn.sourceIp, index, explain) : NO_ENTRIES;
  // Usually no hit or one: keep the shared arrays then (the index never changes them).
  const activeIp = ipHits.length === 0 ? NO_ENTRIES : ipHits.length === 1 ? (isActiveOnPrem(ipHits[0]!) ? ipHits : NO_ENTRIES) : ipHits.filter(isActiveOnPrem);
  if (explain) {
    for (const e of ipHits) {
      if (e.disabledOnPrem) say('Source IP ' + conn.sourceIp + (e.disabledIpTail ??= ` is in ${describe(e)}, but that connector is disabled.`));
    }
  }
  // One lookup of the MAIL FROM domain (the index's domain ids: one map and two dense arrays, the
  // whole domain table stays warmer than 10,000 per-tenant maps); -1 when no tenant accepts it.
  const senderId = activeIp.length > 0 || conn.sourceIp === null ? domains.idOf(mailFrom) : -1;
  for (const e of activeIp) {
    if (domains.accepts(senderId, e.tenant)) {
      const competing = activeIp.length > 1 ? otherTenants(activeIp, e.tenant) : NO_TENANTS;
      if (explain) {
        say('Step 2: source IP ' + conn.sourceIp + (e.stepTwoMiddle ??= ` matches ${describe(e)}, and ${e.tenant.Name} accepts the MAIL FROM domain `) + mailFrom + '.');
        if (competing.length > 0) assume(`assumed: the source IP matches OnPremises connectors in ${competing.length + 1} tenants (unsupported, MC1226222); the one accepting the sender domain wins`);
      }
      return fromOnPremises(a, conn, ctx, e, e.tenant, e.connector, 'ip', competing, null, null, SENDER_ACCEPTED, rcptId, null);
    }
  }
  if (conn.sourceIp === null) {
    // Unknown is not false (CONTRACT v1.1): exports never carry a server's public address after
    // NAT. The documented default is a sender inside its own connector's SenderIPAddresses.
    for (const t of senderId >= 0 ? domains.factsOf(senderId).tenants : NO_TENANTS) {
      const e = index.ipScopedOnPremConnectors(t)[0];
      if (!e) continue;
      if (explain) {
        say(`Step 2: the source IP is not in the case; ${t.Name} accepts the MAIL FROM domain ${mailFrom} and has the IP-scoped connector ${describe(e)}, taken to match.`);
        assume(
          `assumed: the sending server's public IP address is not in the case (exports do not carry it after NAT); it is taken to be in SenderIPAddresses of "${e.connector.Name}" of ${t.Name} (${e.connector.SenderIPAddresses.join(', ')}). To check it, give the server's public address as IPAddresses on the server in a topology file`,
        );
      }
      return fromOnPremises(a, conn, ctx, e, t, e.connector, 'ip', NO_TENANTS, null, null, SENDER_ACCEPTED, rcptId, null);
    }
  }
  if (explain && activeIp.length > 0 && senderId < 0) {
    const e = activeIp[0]!;
    say('Source IP ' + conn.sourceIp + (e.notSenderMiddle ??= ` matches ${describe(e)}, but ${e.tenant.Name} does not accept the MAIL FROM domain `) + mailFrom + '; step 2 does not apply.');
  }

  // Step 3: the RCPT TO domain — ordinary inbound mail for the tenant that accepts it.
  if (rcptId >= 0) {
    const t = domains.firstTenant(rcptId);
    // The domain's facts object (its rarer trace lines) is loaded only for those lines: the
    // frequent anonymous-inbound line is kept in the domain table, next to the first tenant.
    if (explain && domains.several(rcptId)) {
      const facts = domains.factsOf(rcptId);
      assume((facts.severalTenantsLine ??= `assumed: ${rcpt} is accepted in several tenants; ${t.Name} (the first) receives it`));
    }
    const ownIp = entryOfTenant(activeIp, t, false);
    if (ownIp) {
      if (explain) {
        // Depends only on the domain, its first tenant and the connector: kept on the domain's facts, like the Partner line.
        const facts = domains.factsOf(rcptId);
        if (facts.ownIpLineFor !== ownIp) {
          facts.ownIpLine = `Step 3: ${rcpt} belongs to ${t.Name}, and the source IP matches its OnPremises connector "${ownIp.connector.Name}".`;
          facts.ownIpLineFor = ownIp;
        }
        say(facts.ownIpLine!);
      }
      return fromOnPremises(a, conn, ctx, ownIp, t, ownIp.connector, 'ip', NO_TENANTS, null, null, 0, rcptId, null);
    }
    // The Partner connector the connection's certificate or IP pulls up, named on the hop. Whether
    // the tenant's Partner connectors admit the message (restrictions, RequireTls, scope) is
    // decided after attribution by partnerConnectorCheck (EXO-SEMANTICS M3 order of checks, M15):
    // that needs the hop's TLS and sender, which attribution does not see.
    const partner = (certProblem ? undefined : partnerHit(l, t)) ?? entryOfTenant(ipHits, t, true);
    if (explain) {
      // These lines depend only on the domain, its first tenant and the Partner connector.
      if (partner === undefined) {
        say(domains.keptLine(rcptId, ANONYMOUS_LINE) ?? domains.keepLine(rcptId, ANONYMOUS_LINE, `Step 3: no connector matches; ${rcpt} belongs to ${t.Name}, so this is anonymous inbound internet mail for that tenant.`));
      } else {
        const facts = domains.factsOf(rcptId);
        if (facts.partnerLineFor !== partner) {
          facts.partnerLine = `Step 3: ${rcpt} belongs to ${t.Name}; Partner connector "${partner.connector.Name}" matches the connection (inbound from a partner).`;
          facts.partnerLineFor = partner;
        }
        say(facts.partnerLine!);
      }
    }
    return result(a, 'accepted', 'inbound', t, partner?.connector ?? null, 'recipient', null, true);
  }
  if (ctx.isExchangeOnlineDomain(rcpt)) {
    if (explain) say(`Step 3: no connector matches; ${rcpt} has Exchange Online as MX but no tenant in the case accepts it: anonymous inbound mail for a tenant outside the case.`);
    return result(a, 'accepted', 'inbound', null, null, 'recipient', null, true, NO_TENANTS, rcpt);
  }
  if (explain) say(`No connector matches and no Exchange Online tenant accepts ${rcpt}: Exchange Online is not an open relay (M3).`);
  return result(a, 'rejected', 'none', null, null, null, RELAY_DENIED);
}
