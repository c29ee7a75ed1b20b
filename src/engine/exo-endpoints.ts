import { EXCHANGE_ONLINE_SMTP_RANGES } from '../data/exchange-online-ip-ranges.js';
import type { SendConnector, Tenant } from '../model/case.js';
import { exchangeOnlineEndpointOf, isCoexistenceDomain, isOnMicrosoftDomain, normalizeHost } from '../model/domains.js';
import { instanceLabel, tenantInstance } from '../model/exchange-online-instance.js';
import type { HopFailure, HopSender } from './flow-types.js';
import { rejected } from './hop-failure.js';
import { ipInRanges, parseIp } from './ip-address.js';
import { tlsTowardsExchangeOnline } from './onprem-to-exo.js';
import { deferredBySender, unknownExpiryAssumption } from './sender-deferral.js';
import type { SimulationContext } from './simulation-context.js';

/**
 * Exchange Online endpoints (EXO-SEMANTICS M1, M13): whether a host a sender connects to is the
 * EOP MX endpoint of the tenant's instance, a legacy or wrong-region host (451 4.4.62 ATTR35), or
 * a submission host used as an unauthenticated relay (5.7.57).
 */
export interface EndpointVerdict {
  /** The host is an EOP MX endpoint: attribution (M3) decides what happens next. */
  isEop: boolean;
  /** Set when the endpoint itself refuses or defers the message (M13). */
  failure: HopFailure | null;
  decisions: string[];
  assumptions: string[];
}

/** NDR-CATALOG: legacy host, EOP IP literal or wrong instance [ATTR35]. */
export const WRONG_REGION_RESPONSE = '451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.';
/** NDR-CATALOG: the documented text [557] with the 530 code seen on the wire (3P). */
export const NOT_AUTHENTICATED_RESPONSE = '530 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM';

/** Send connectors that authenticate to their smart host (Set-SendConnector -SmartHostAuthMechanism). */
const AUTHENTICATING = new Set(['basicauth', 'basicauthrequiretls', 'exchangeserver', 'externalauthoritative']);

export function checkExchangeOnlineEndpoint(host: string, sender: HopSender, rcptDomain: string, ctx: SimulationContext): EndpointVerdict {
  const h = normalizeHost(host);
  const endpoint = exchangeOnlineEndpointOf(h);
  const verdict: EndpointVerdict = { isEop: false, failure: null, decisions: [], assumptions: [] };
  if (endpoint.kind === 'legacy' || (endpoint.kind === 'none' && isEopAddress(h, ctx))) {
    const what = endpoint.kind === 'legacy' ? `${h} is a host of the retired Forefront Online Protection (FOPE/Frontbridge) service` : `${h} is an Exchange Online address used as a smart host instead of the tenant's MX host name`;
    return fail(verdict, sender, WRONG_REGION_RESPONSE, `${what}: Exchange Online answers 451 4.4.62 ATTR35 (wrong region) and never accepts the message there (M13).`);
  }
  if (endpoint.kind === 'submission') return submission(verdict, h, sender);
  if (endpoint.kind !== 'eop') return verdict;

  verdict.isEop = true;
  if (!endpoint.instances.includes('Worldwide')) verdict.decisions.push(`${h} is Exchange Online Protection of ${endpoint.instances.map(instanceLabel).join(' / ')}, a separate instance (M13).`);
  const meant = tenantsMeant(sender, rcptDomain, ctx);
  if (meant.length === 0 || meant.some((t) => endpoint.instances.includes(tenantInstance(t)))) return verdict;
  if (routesByMx(sender) && !(ctx.dns.MX[rcptDomain]?.length)) {
    // The walk implied this MX host because the case has none; the real one is in the tenant's own instance.
    verdict.assumptions.push(`assumed: the MX of ${rcptDomain} points at ${meant.map((t) => instanceLabel(tenantInstance(t))).join(' / ')} (the case gives no MX for it)`);
    return verdict;
  }

  // M13 [model]: connectors and accepted domains exist only in their tenant's instance. TLS comes
  // before MAIL FROM, so a send connector that cannot validate this instance's certificate fails there first (M9).
  if (sender.type === 'send-connector' && tlsTowardsExchangeOnline(sender, h, sender.selection.certificate, ctx).failure) return verdict;
  const where = meant.map((t) => `${t.Name} (${instanceLabel(tenantInstance(t))})`).join(', ');
  verdict.assumptions.push('assumed: a message sent to the Exchange Online instance that does not hold its tenant is answered like a wrong region, 451 4.4.62 ATTR35 (M13 [model])');
  return fail(verdict, sender, WRONG_REGION_RESPONSE, `${h} belongs to ${endpoint.instances.map(instanceLabel).join(' / ')}, but ${where} lives in another instance: there no connector or accepted domain of the tenant exists (M13).`);
}

/** Whether the sender looked the host up by MX rather than using a configured smart host. */
function routesByMx(sender: HopSender): boolean {
  switch (sender.type) {
    case 'send-connector':
      return sender.connector.DNSRoutingEnabled;
    case 'gateway-route':
      return sender.route.DNSRoutingEnabled || sender.route.SmartHosts.length === 0;
    case 'exchange-online':
      return sender.connector === null || sender.connector.UseMXRecord || sender.connector.SmartHosts.length === 0;
    case 'internet':
      return true;
  }
}

function fail(verdict: EndpointVerdict, sender: HopSender, response: string, conclusion: string): EndpointVerdict {
  verdict.failure = deferredBySender(sender, response, conclusion);
  const expiry = unknownExpiryAssumption(sender);
  if (expiry) verdict.assumptions.push(expiry);
  return verdict;
}

/**
 * M13: smtp.office365.com and the other submission hosts accept only authenticated clients
 * (SMTP AUTH). A relay that connects anonymously is refused at MAIL FROM [557].
 */
function submission(verdict: EndpointVerdict, h: string, sender: HopSender): EndpointVerdict {
  if (sender.type === 'send-connector') {
    if (authenticatesToSmartHost(sender.connector)) {
      verdict.decisions.push(`${h} is Exchange Online's client submission endpoint; "${sender.connector.Name}" authenticates (SmartHostAuthMechanism ${String(sender.connector.extra.SmartHostAuthMechanism)}), so the message is submitted as the authenticated mailbox.`);
      verdict.assumptions.push(`assumed: the credentials of "${sender.connector.Name}" are valid and may send as ${h}'s mailbox; what Exchange Online does after authenticated submission is not simulated`);
      return verdict;
    }
  } else if (sender.type === 'gateway-route') {
    verdict.assumptions.push(`assumed: ${sender.gateway.Name} does not authenticate (SMTP AUTH) to ${h}; the case holds no credentials for route "${sender.route.Name}"`);
  }
  verdict.assumptions.push('assumed: Exchange Online answers an unauthenticated MAIL FROM on a submission host with 530 5.7.57 (the code as third parties report it, M13)');
  verdict.failure = rejected(
    NOT_AUTHENTICATED_RESPONSE,
    `${h} is Exchange Online's client submission endpoint (SMTP AUTH), not a relay: an unauthenticated sender is refused at MAIL FROM (M13).`,
  );
  return verdict;
}

/**
 * What a smart host or MX host is to Exchange Online (M13), the EOP address literal included;
 * shared with the rule that reports these hosts from configuration.
 */
export type EndpointKind = ReturnType<typeof exchangeOnlineEndpointOf> | { kind: 'eop-address' };

export function endpointKind(host: string, ctx: SimulationContext): EndpointKind {
  const h = normalizeHost(host);
  const e = exchangeOnlineEndpointOf(h);
  return e.kind === 'none' && isEopAddress(h, ctx) ? { kind: 'eop-address' } : e;
}

/** Send connectors that authenticate to their smart host (SmartHostAuthMechanism other than None). */
export function authenticatesToSmartHost(c: SendConnector): boolean {
  return AUTHENTICATING.has(String(c.extra.SmartHostAuthMechanism ?? 'None').toLowerCase());
}

function isEopAddress(h: string, ctx: SimulationContext): boolean {
  if (!parseIp(h) || ctx.addresses.has(h)) return false;
  return ipInRanges(h, ctx.case.exchangeOnlineIpRanges?.ranges ?? EXCHANGE_ONLINE_SMTP_RANGES.ranges);
}

/**
 * The tenants a message to this host is meant for: those accepting the recipient domain; for an
 * on-premises relay of other domains, the tenants that share the sending organization's domains.
 */
function tenantsMeant(sender: HopSender, rcptDomain: string, ctx: SimulationContext): Tenant[] {
  const byRecipient = ctx.index.tenantsAccepting(rcptDomain);
  if (byRecipient.length > 0 || sender.type !== 'send-connector') return [...byRecipient];
  const out: Tenant[] = [];
  for (const d of sender.org.AcceptedDomains) {
    if (isOnMicrosoftDomain(d.DomainName) && !isCoexistenceDomain(d.DomainName)) continue;
    for (const t of ctx.index.tenantsAccepting(d.DomainName)) if (!out.includes(t)) out.push(t);
  }
  return out;
}

