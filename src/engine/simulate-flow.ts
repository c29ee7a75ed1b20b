import type { FlowOutcome, FlowSpec, Organization, Tenant } from '../model/case.js';
import { certificateLabel, type Certificate } from '../model/certificate.js';
import { domainOf, isCoexistenceDomain, normalizeHost } from '../model/domains.js';
import { EXCHANGE_ONLINE_CERTIFICATE, EXCHANGE_ONLINE_EHLO, EXCHANGE_ONLINE_SOURCE_IP, INTERNET_SENDER } from './exchange-online-identity.js';
import { chooseOutboundConnector, coexistenceDomain, homeName, isExchange2010, mxHosts, resolveHome, resolveOrigin, type Home } from './flow-routing.js';
import { authAsAtExchangeOnline, crossPremisesNotes } from './cross-premises-trust.js';
import { admitAtExchangeOnline } from './exo-admission.js';
import { checkExchangeOnlineEndpoint } from './exo-endpoints.js';
import { deliverToOnPremises } from './exo-to-onprem.js';
import { compactFlow } from './flow-compaction.js';
import { outsideTenantLabel, type AttributionStep, type FlowKind, type FlowResult, type Hop, type HopFailure, type HopSender, type Place } from './flow-types.js';
import { deferredByExchangeServer } from './hop-failure.js';
import { attribute, type Attribution } from './inbound-attribution.js';
import { tlsTowardsExchangeOnline } from './onprem-to-exo.js';
import { ONPREM_RECIPIENT_NOT_FOUND, recipientPresence } from './recipient-directory.js';
import { journalReportsFor } from './journaling.js';
import { outboundConnectorsUnknown, sendConnectorsUnknown } from './missing-inputs.js';
import { chooseByAddressSpace, chooseSendConnector, presentedCertificate, serverFqdn } from './send-routing.js';
import { certificatesOfServer, isExchangeOnlineDomain, placeName, type SimulationContext } from './simulation-context.js';
// Rules read a server's certificates through the flow walk's module.
export { certificatesOfServer };

/**
 * Walks one message hop by hop through the estate (ARCHITECTURE: engine/simulate): on-premises
 * send-connector choice, gateway routes, the identity each sender presents, attribution at
 * Exchange Online, tenant processing (journaling, outbound connectors, centralized mail flow),
 * delivery, rejection, silent drop and loops. Pure and deterministic.
 */

/** The loop NDR Exchange Online generates (EXO-SEMANTICS M5.2, [LOOPNDR]). */
export const LOOP_RESPONSE = '554 5.4.14 Hop count exceeded - possible mail loop ATTR34';
/** The loop NDR Exchange Server generates (M5.2). */
export const SERVER_LOOP_RESPONSE = '554 5.4.6 Hop count exceeded - possible mail loop';
export const NO_ROUTE_RESPONSE = '550 5.4.4 Unable to route: no connector covers the recipient domain';
export const NO_MX_RESPONSE = '550 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain';
export const RECIPIENT_NOT_FOUND = '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup';

export interface FlowStart {
  kind: FlowKind;
  generated: boolean;
  parent: FlowResult | null;
  /** Journal reports start inside the tenant that wrote them. */
  startAt?: Place;
}

interface Identity {
  certificate: Certificate | null;
  ip: string | null;
  ehlo: string | null;
}

export function simulateFlow(spec: FlowSpec, ctx: SimulationContext, start: FlowStart = { kind: 'message', generated: false, parent: null }): FlowResult {
  const assumptions: string[] = [];
  const senderDomain = domainOf(spec.From);
  const recipientDomain = domainOf(spec.To);
  const origin = start.startAt ?? resolveOrigin(ctx, spec, senderDomain, assumptions);
  const home: Home = resolveHome(ctx, spec, recipientDomain, assumptions);
  const flow: FlowResult = {
    spec,
    from: spec.From,
    to: spec.To,
    origin: origin.kind === 'internet' ? '(internet)' : origin.kind === 'tenant' ? origin.tenant.Name : origin.kind === 'organization' ? origin.org.Name : origin.gateway.Name,
    destination: home.kind === 'outside' ? null : homeName(home),
    kind: start.kind,
    generated: start.generated,
    parent: start.parent,
    outcome: 'delivered',
    response: null,
    finalResponse: null,
    expiresAfter: null,
    targets: null,
    tenants: [],
    hops: [],
    anomalies: [],
    assumptions,
    conclusion: '',
    journalReports: [],
  };

  let place: Place | { kind: 'internet' } = origin;
  let rcptDomain = recipientDomain;
  /**
   * Tenants the message was processed in and left through an outbound connector (M5.1: only a
   * message that left its tenant over a connector, not by MX, is dropped when it comes back).
   */
  const left: string[] = [];
  /** The message reached the current tenant through an OnPremises connector (M6 loop avoidance). */
  let fromOnPremises = false;
  /** The message reached the current tenant as anonymous inbound mail (M3 step 3); M10, M14. */
  let arrivedInbound = false;
  const journaled = new Set<Tenant>();

  const end = (outcome: FlowOutcome, conclusion: string, response: string | null = null): FlowResult => {
    flow.outcome = outcome;
    flow.conclusion = conclusion;
    flow.response = response;
    return finish(flow, ctx, senderDomain, recipientDomain);
  };
  /** The failure about to be returned rests on this missing value: said in the assumptions, and flow-fails reports a warning. */
  const unknownGround = (missing: string | null): void => {
    if (missing === null) return;
    flow.unknownGround = missing;
    assumptions.push(`unknown: ${missing}; the failure below rests on that alone`);
  };
  const fail = (f: HopFailure): FlowResult => {
    flow.finalResponse = f.finalResponse ?? null;
    flow.expiresAfter = f.expiresAfter ?? null;
    return end(f.outcome, f.conclusion, f.response);
  };

  for (;;) {
    if (flow.hops.length >= ctx.maxHops) {
      // The system the exceeding hop enters writes the NDR (M5.2): Exchange Online 5.4.14 ATTR34, Exchange Server 5.4.6.
      const inExo = place.kind === 'tenant';
      return end('looped', `The message passed ${ctx.maxHops} hops; ${inExo ? 'Exchange Online' : place.kind === 'organization' ? 'Exchange Server' : 'the receiving system'} breaks the loop and returns it with a non-delivery report.`, inExo ? LOOP_RESPONSE : SERVER_LOOP_RESPONSE);
    }
    const decisions: string[] = [];
    let identity: Identity;
    let targets: string[];
    let sender: HopSender;
    let fromLabel: string;

    if (place.kind === 'organization') {
      const org: Organization = place.org;
      const own = org.AcceptedDomains.find((d) => d.DomainName === rcptDomain);
      const presence = own ? recipientPresence(ctx, spec, org, rcptDomain, assumptions) : null;
      // M11 (NDR-CATALOG "Recipients"): Exchange Server's answer for an unknown recipient of an Authoritative domain.
      if (presence?.state === 'missing' && own?.DomainType === 'Authoritative') {
        return end('rejected', `${rcptDomain} is Authoritative in ${org.Name} and ${spec.To} is not in its directory; Exchange Server returns a non-delivery report (M11).`, ONPREM_RECIPIENT_NOT_FOUND);
      }
      if (presence?.state === 'missing') decisions.push(`${spec.To} is not in the directory of ${org.Name}; ${rcptDomain} is ${own!.DomainType} there, so the message is routed on (M11).`);
      if (home.kind === 'organization' && home.org === org && presence?.state !== 'missing') return end('delivered', `Delivered to the mailbox of ${spec.To} in ${org.Name} (on-premises).`);
      let routeDomain = rcptDomain;
      if (home.kind === 'tenant' && !isCoexistenceDomain(rcptDomain) && org.AcceptedDomains.some((d) => d.DomainName === rcptDomain)) {
        const coex = coexistenceDomain(home.tenant);
        if (coex) {
          routeDomain = coex;
          decisions.push(`${spec.To} has its mailbox in ${home.tenant.Name}; ${org.Name} routes it by its target address @${coex} (hybrid).`);
        } else decisions.push(`${spec.To} has its mailbox in ${home.tenant.Name}, which has no coexistence domain (*.mail.onmicrosoft.com) to route by.`);
      }
      const local = org.AcceptedDomains.find((d) => d.DomainName === routeDomain);
      if (local?.DomainType === 'Authoritative' && !(home.kind === 'organization' && home.org === org)) {
        const v = isExchange2010(org);
        if (v === 'yes') {
          decisions.push(`${routeDomain} is Authoritative in ${org.Name}, so Exchange 2010 looks for the recipient locally instead of routing it out (it must be InternalRelay).`);
          return end('rejected', `${decisions.join(' ')} ${org.Name} (Exchange 2010) does not find the recipient.`, RECIPIENT_NOT_FOUND);
        }
        if (v === 'unknown') assumptions.push(`assumed: ${org.Name} runs Exchange 2013 or later and routes ${routeDomain} by target address although it is Authoritative (no AdminDisplayVersion given)`);
      }
      const choice = chooseSendConnector(org, routeDomain);
      decisions.push(...choice.skipped);
      if (choice.connector === null) {
        unknownGround(sendConnectorsUnknown(ctx.case, org));
        return end('rejected', `No usable send connector in ${org.Name} covers ${routeDomain}. ${choice.skipped.join('; ')}`.trim(), NO_ROUTE_RESPONSE);
      }
      const { connector, server, addressSpace } = choice;
      decisions.push(`Send connector "${connector.Name}" (address space ${addressSpace.raw}) from ${server.Name}.`);
      const serverCerts = certificatesOfServer(ctx, server.Certificates, serverFqdn(server));
      const selection = presentedCertificate(connector, server, serverCerts, ctx.at);
      decisions.push(selection.explanation);
      // KB3156771: the message stays queued on the server (M2: deferred whatever RequireTLS is).
      if (selection.failure) return fail(deferredByExchangeServer(selection.failure, `${selection.explanation} The message stays in the queue of ${server.Name} until it expires.`, server.extra.MessageExpirationTimeout));
      identity = { certificate: selection.certificate, ip: server.IPAddresses[0] ?? null, ehlo: connector.Fqdn ?? serverFqdn(server) };
      targets = connector.DNSRoutingEnabled ? mxHosts(ctx, routeDomain, assumptions) : connector.SmartHosts;
      decisions.push(connector.DNSRoutingEnabled ? `MX of ${routeDomain}: ${targets.join(', ') || 'none'}.` : `Smart host ${targets.join(', ')}.`);
      sender = { type: 'send-connector', org, connector, server, selection };
      fromLabel = `${org.Name}/${server.Name}`;
      rcptDomain = routeDomain;
    } else if (place.kind === 'gateway') {
      const { gateway, node } = place;
      const choice = chooseByAddressSpace(gateway.Routes, (r) => r.AddressSpaces, rcptDomain);
      if (!choice) return end('rejected', `Gateway ${gateway.Name} has no route for ${rcptDomain}.`, NO_ROUTE_RESPONSE);
      const route = choice.item;
      const thumb = route.Certificate ?? node.Certificate;
      const certificate = thumb ? ctx.certificates.get(thumb) ?? null : null;
      if (thumb && !certificate) flow.anomalies.push(`gateway certificate ${thumb} is not in the case; treated as none`);
      identity = { certificate, ip: node.IPAddresses[0] ?? null, ehlo: node.Name };
      targets = route.DNSRoutingEnabled || route.SmartHosts.length === 0 ? mxHosts(ctx, rcptDomain, assumptions) : route.SmartHosts;
      decisions.push(
        `Gateway route "${route.Name}" (address space ${choice.addressSpace.raw}) ${route.DNSRoutingEnabled || route.SmartHosts.length === 0 ? `delivers by MX: ${targets.join(', ') || 'none'}` : `uses smart host ${targets.join(', ')}`}; presents ${certificate ? certificateLabel(certificate) : 'no certificate'}${route.Certificate ? ' (route certificate)' : node.Certificate ? ' (node certificate)' : ''}.`,
      );
      sender = { type: 'gateway-route', gateway, node, route, certificateFrom: route.Certificate ? 'route' : node.Certificate ? 'node' : 'none' };
      fromLabel = node.Name;
    } else if (place.kind === 'tenant') {
      const tenant = place.tenant;
      if (flow.kind === 'message' && !journaled.has(tenant)) {
        journaled.add(tenant);
        for (const report of journalReportsFor(tenant, spec, ctx.index)) {
          decisions.push(`Journal rule "${report.rule.Name}" in ${tenant.Name} sends a journal report to ${report.rule.JournalEmailAddress}.`);
          flow.journalReports.push(simulateFlow(report.spec, ctx, { kind: 'journal-report', generated: true, parent: flow, startAt: { kind: 'tenant', tenant } }));
        }
      }
      const accepted = ctx.index.acceptedDomain(tenant, rcptDomain);
      let connector = null;
      const cmt = tenant.OutboundConnectors.find((c) => c.Enabled && c.ConnectorType === 'OnPremises' && c.RouteAllMessagesViaOnPremises) ?? null;
      if (accepted && home.kind === 'tenant' && home.tenant === tenant && cmt && arrivedInbound && flow.kind === 'message') {
        // Centralized mail transport: inbound internet mail for cloud mailboxes goes through
        // on-premises first and comes back over the hybrid connector (M14, [TR]).
        connector = cmt;
        decisions.push(`Centralized mail transport: "${cmt.Name}" routes inbound internet mail for ${spec.To} via on-premises first (M14).`);
      } else if (accepted) {
        const presence = recipientPresence(ctx, spec, tenant, rcptDomain, assumptions);
        // M11: the tenant answers a recipient its directory lacks in an Authoritative domain with 5.1.10;
        // InternalRelay routes it on (outbound connector for the domain, else MX).
        if (presence.state === 'missing' && accepted.DomainType === 'Authoritative') {
          return end('rejected', `${rcptDomain} is Authoritative in ${tenant.Name} and ${spec.To} is not in its directory; the tenant returns a non-delivery report (M11).`, RECIPIENT_NOT_FOUND);
        }
        if (presence.state === 'missing') decisions.push(`${spec.To} is not in the directory of ${tenant.Name}; ${rcptDomain} is ${accepted.DomainType} there, so the message is routed on (M11).`);
        if (home.kind === 'tenant' && home.tenant === tenant && presence.state !== 'missing') return end('delivered', `Delivered to the mailbox of ${spec.To} in ${tenant.Name}.`);
        connector = chooseOutboundConnector(tenant, rcptDomain, true, () => false);
        if (!connector) {
          if (accepted.DomainType === 'Authoritative') {
            unknownGround(outboundConnectorsUnknown(ctx.case, tenant));
            return end('rejected', `${rcptDomain} is Authoritative in ${tenant.Name}, the recipient has no mailbox there and no outbound connector routes it on.`, RECIPIENT_NOT_FOUND);
          }
          decisions.push(`${rcptDomain} is ${accepted.DomainType} in ${tenant.Name}: the recipient is not here, so it is routed by MX.`);
        }
      } else {
        // Centralized mail transport sends cloud mailboxes' internet mail to on-premises; mail that
        // originated on premises is not sent back (EXO-SEMANTICS M6, documented loop avoidance).
        if (cmt && !fromOnPremises) {
          connector = cmt;
          decisions.push(`Centralized mail flow: "${cmt.Name}" routes mail of cloud mailboxes via on-premises.`);
        } else {
          if (cmt) decisions.push(`The message came from on-premises, so centralized mail flow does not send it back there (loop avoidance).`);
          connector = chooseOutboundConnector(tenant, rcptDomain, false, (c) => c.RouteAllMessagesViaOnPremises && fromOnPremises);
        }
      }
      if (connector) {
        targets = connector.UseMXRecord || connector.SmartHosts.length === 0 ? mxHosts(ctx, rcptDomain, assumptions) : connector.SmartHosts;
        decisions.push(`Outbound connector "${connector.Name}" → ${targets.join(', ') || 'no host'}.`);
      } else {
        targets = mxHosts(ctx, rcptDomain, assumptions);
        if (!accepted) decisions.push(`No outbound connector covers ${rcptDomain}; delivery by MX: ${targets.join(', ') || 'none'}.`);
      }
      identity = { certificate: EXCHANGE_ONLINE_CERTIFICATE, ip: EXCHANGE_ONLINE_SOURCE_IP, ehlo: EXCHANGE_ONLINE_EHLO };
      sender = { type: 'exchange-online', tenant, connector };
      fromLabel = placeName(place);
      if (connector) left.push(tenant.Name);
    } else {
      identity = { certificate: null, ip: INTERNET_SENDER.ip, ehlo: INTERNET_SENDER.ehlo };
      targets = mxHosts(ctx, rcptDomain, assumptions);
      decisions.push(`A sender on the internet delivers by MX: ${targets.join(', ') || 'none'}.`);
      sender = { type: 'internet' };
      fromLabel = '(internet)';
    }

    const host = targets[0];
    if (!host) return end('rejected', `No MX or smart host for ${rcptDomain}.`, NO_MX_RESPONSE);
    const hop: Hop = {
      from: fromLabel,
      to: normalizeHost(host),
      presented: { certificate: identity.certificate ? certificateLabel(identity.certificate) : null, thumbprint: identity.certificate?.Thumbprint ?? null, ip: identity.ip, ehlo: identity.ehlo },
      attribution: { tenant: null, connector: null, direction: 'none', reason: decisions.join(' '), step: null },
      sender,
      decisions,
      eop: null,
      authAs: null,
      tls: null,
    };
    flow.hops.push(hop);

    const endpoint = checkExchangeOnlineEndpoint(host, sender, rcptDomain, ctx);
    addAll(decisions, endpoint.decisions);
    addAll(assumptions, endpoint.assumptions);
    if (endpoint.failure) return fail(endpoint.failure);
    if (endpoint.isEop) {
      const tls = tlsTowardsExchangeOnline(sender, host, identity.certificate, ctx);
      hop.tls = tls.tls;
      addAll(decisions, tls.decisions);
      addAll(assumptions, tls.assumptions);
      if (tls.failure) return fail(tls.failure);
      const connection = { sourceIp: identity.ip, certificate: identity.certificate, ehlo: identity.ehlo, mailFromDomain: senderDomain, rcptToDomain: rcptDomain, previousTenants: left };
      const result = attribute(connection, { index: ctx.index, at: ctx.at, isExchangeOnlineDomain: (d) => isExchangeOnlineDomain(ctx, d) });
      hop.eop = { connection: { ...connection, previousTenants: [...left] }, result };
      addAll(assumptions, result.assumptions);
      const tenantLabel = result.tenant?.Name ?? (result.outsideTenantDomain ? outsideTenantLabel(result.outsideTenantDomain) : null);
      hop.attribution = { tenant: tenantLabel, connector: result.connector?.Name ?? null, direction: result.direction, reason: result.trace.join(' '), step: attributionStep(result) };
      hop.authAs = authAsAtExchangeOnline(hop, flow.hops, ctx);
      const trust = crossPremisesNotes(hop, flow.hops, ctx);
      addAll(assumptions, trust.assumptions);
      addAll(flow.anomalies, trust.anomalies);
      if (tenantLabel && result.outcome !== 'rejected') flow.tenants.push(tenantLabel);
      if (result.outcome === 'rejected') return end('rejected', `Exchange Online rejects the message: ${result.trace[result.trace.length - 1] ?? ''}`, result.response);
      if (result.outcome === 'dropped') return end('dropped', `Exchange Online attributes the message to ${result.tenant!.Name} again and discards it without a non-delivery report.`);
      if (result.outsideTenantDomain) return end('delivered', `Delivered to ${rcptDomain} in an Exchange Online tenant outside the case.`);
      const admission = admitAtExchangeOnline({ ctx, spec, flowKind: flow.kind, hop, result, senderDomain, rcptDomain, previousTenants: left });
      addAll(decisions, admission.decisions);
      addAll(assumptions, admission.assumptions);
      addAll(flow.anomalies, admission.anomalies);
      if (admission.failure) {
        // Refused at the connection or at RCPT TO: the message was never processed in the tenant.
        if (tenantLabel && flow.tenants[flow.tenants.length - 1] === tenantLabel) flow.tenants.pop();
        return fail(admission.failure);
      }
      place = { kind: 'tenant', tenant: result.tenant! };
      fromOnPremises = result.direction === 'outbound' || result.direction === 'relay';
      arrivedInbound = result.direction === 'inbound';
      continue;
    }
    const next = ctx.hosts.get(normalizeHost(host)) ?? addressPlace(ctx, host);
    if (!next) return end('delivered', `Handed to ${normalizeHost(host)}, outside the case.`);
    if (next.kind === 'organization') {
      if (sender.type === 'exchange-online') {
        const delivery = deliverToOnPremises({
          ctx,
          tenant: sender.tenant,
          connector: sender.connector,
          targets,
          org: next.org,
          originatedInTenant: !arrivedInbound,
          relayOnward: !next.org.AcceptedDomains.some((d) => d.DomainName === rcptDomain),
        });
        addAll(decisions, delivery.decisions);
        addAll(assumptions, delivery.assumptions);
        addAll(flow.anomalies, delivery.anomalies);
        hop.tls = delivery.tls;
        hop.authAs = delivery.authAs;
        if (delivery.targets) flow.targets = delivery.targets;
        if (delivery.failure) return fail(delivery.failure);
      } else {
        // Mail from a gateway or another system arrives as from any SMTP client (M10).
        hop.authAs = 'Anonymous';
      }
    }
    place = next;
    fromOnPremises = false;
    arrivedInbound = false;
  }
}

function addAll(into: string[], items: readonly string[]): void {
  for (const x of items) if (!into.includes(x)) into.push(x);
}

/** Which M3 step decided, for the hop's `attribution.step` (CONTRACT v1.1). */
function attributionStep(r: Attribution): AttributionStep | null {
  if (r.outcome === 'rejected' && !r.connector) return null;
  switch (r.matchedBy) {
    case 'certificate':
      return 'certificate';
    case 'ip':
      return 'mailfrom';
    case 'recipient':
      return 'recipient';
    default:
      return null;
  }
}

function addressPlace(ctx: SimulationContext, host: string): Place | null {
  for (const ip of ctx.dns.A[normalizeHost(host)] ?? []) {
    const p = ctx.addresses.get(ip);
    if (p) return p;
  }
  return ctx.addresses.get(normalizeHost(host)) ?? null;
}

/** Flow-level anomalies derived from the hops: tenants owning neither side, silent loss, ambiguous attribution. */
function finish(flow: FlowResult, ctx: SimulationContext, senderDomain: string, recipientDomain: string): FlowResult {
  for (const hop of flow.hops) {
    const r = hop.eop?.result;
    if (!r?.tenant || r.outcome === 'rejected') continue;
    if (!ctx.index.acceptedDomain(r.tenant, senderDomain) && !ctx.index.acceptedDomain(r.tenant, recipientDomain)) {
      const note = `passed through ${r.tenant.Name}, which owns neither ${senderDomain} nor ${recipientDomain} (attributed via "${r.connector?.Name ?? 'recipient'}")`;
      if (!flow.anomalies.includes(note)) flow.anomalies.push(note);
    }
    if (r.competingTenants.length > 0) {
      flow.anomalies.push(`the identity presented to Exchange Online matches OnPremises connectors of ${[r.tenant, ...r.competingTenants].map((t) => t.Name).join(', ')}`);
    }
  }
  if (flow.outcome === 'dropped') flow.anomalies.push('lost without a non-delivery report');
  if (flow.outcome === 'looped') flow.anomalies.push('mail loop');
  compactFlow(flow);
  return flow;
}
