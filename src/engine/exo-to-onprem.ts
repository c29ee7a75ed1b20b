import type { Organization, OutboundConnector, ReceiveConnector, Tenant } from '../model/case.js';
import { grantsTlsDomainCapability, hasAuthMechanism } from '../model/receive-connector-settings.js';
import { EXCHANGE_ONLINE_SMTP_RANGES } from '../data/exchange-online-ip-ranges.js';
import { evaluateTarget, type TargetEvaluation } from './exo-to-onprem-target.js';
import { RELAY_DENIED, RELAY_DENIED_2010 } from './exo-to-onprem-validation.js';
import { exchangeMajorVersion } from './flow-routing.js';
import type { AuthAs, HopFailure, HopTls, TargetResult } from './flow-types.js';
import { deferredByExchangeOnline, rejected } from './hop-failure.js';
import { parseIpRange } from './ip-address.js';
import type { SimulationContext } from './simulation-context.js';

/**
 * Exchange Online → on-premises delivery (EXO-SEMANTICS M8, M10, M14): every smart host of the
 * outbound connector, the receive connector each connection lands on, its STARTTLS certificate,
 * the outbound connector's TlsSettings/TlsDomain validation, the AuthAs stamped on arrival and,
 * with centralized mail transport, whether the landing connector lets Exchange Online relay.
 */
export interface OnPremisesDeliveryRequest {
  ctx: SimulationContext;
  tenant: Tenant;
  /** The outbound connector used; null when Exchange Online delivers by MX without one. */
  connector: OutboundConnector | null;
  /** Every smart host or MX target, in order. */
  targets: readonly string[];
  /** The organization the first target belongs to. */
  org: Organization;
  /** The message originated in the tenant (a cloud mailbox's mail), not internet mail relayed through it (M10). */
  originatedInTenant: boolean;
  /** The recipient's domain is not accepted by the organization: on-premises must relay it onward (M14). */
  relayOnward: boolean;
}

export interface OnPremisesDelivery {
  /** Set when no target accepts the message (deferred or rejected). */
  failure: HopFailure | null;
  tls: HopTls | null;
  authAs: AuthAs;
  /** Per-target results when targets differ (M8.1). */
  targets: TargetResult[] | null;
  decisions: string[];
  assumptions: string[];
  anomalies: string[];
}

/** The domain whose TLS sessions the hybrid receive connector trusts (M10). */
export const CLOUD_DOMAIN = 'mail.protection.outlook.com';

interface Judged {
  ev: TargetEvaluation;
  outcome: 'delivered' | 'deferred' | 'rejected';
  response: string | null;
  reason: string;
}

/** Exchange 2010 (14.x) names the capability AcceptOorgProtocol; 2013 and later AcceptCloudServicesMail (M10). */
function cloudCapability(ev: TargetEvaluation): { capability: string; is2010: boolean | null } {
  const major = exchangeMajorVersion(ev.server?.AdminDisplayVersion ?? null);
  if (major === 14) return { capability: 'AcceptOorgProtocol', is2010: true };
  return { capability: 'AcceptCloudServicesMail', is2010: major === null ? null : false };
}

/**
 * Whether the landing connector grants Exchange Online's TLS session the cross-premises
 * capability: true / false, or null when the case does not hold the connector (assumed as the
 * Hybrid Configuration Wizard sets it). Granted only on a TLS session (M10 [SRC][TLSBLOG25]).
 */
export function grantsCloudServicesMail(ev: TargetEvaluation): boolean | null {
  if (!ev.landing || ev.landing.kind !== 'connector') return ev.tlsEstablished ? null : false;
  if (!ev.tlsEstablished) return false;
  const { capability, is2010 } = cloudCapability(ev);
  const granted = grantsTlsDomainCapability(ev.landing.connector, CLOUD_DOMAIN, capability);
  if (granted === false && is2010 === null) return grantsTlsDomainCapability(ev.landing.connector, CLOUD_DOMAIN, 'AcceptOorgProtocol');
  return granted;
}

/** Every range of the connector lies inside Exchange Online's published ranges (an EOP-only connector). */
function scopedToExchangeOnline(rc: ReceiveConnector): boolean {
  const eop = EXCHANGE_ONLINE_SMTP_RANGES.ranges.map((r) => parseIpRange(r)!);
  return (
    rc.RemoteIPRanges.length > 0 &&
    rc.RemoteIPRanges.every((t) => {
      const r = parseIpRange(t);
      return r !== null && eop.some((e) => e.family === r.family && r.start >= e.start && r.end <= e.end);
    })
  );
}

export interface RelayVerdict {
  allowed: boolean;
  response: string | null;
  explanation: string;
  assumption: string | null;
}

/** M14: may Exchange Online's session relay to a domain the organization does not accept? */
export function relayPermission(ev: TargetEvaluation): RelayVerdict {
  const grant = grantsCloudServicesMail(ev);
  if (!ev.landing || ev.landing.kind !== 'connector') {
    return { allowed: true, response: null, explanation: 'The landing receive connector is not in the case.', assumption: `assumed: the receive connector on ${ev.server?.Name ?? ev.host} lets Exchange Online relay (AcceptCloudServicesMail, as the Hybrid Configuration Wizard sets it)` };
  }
  const rc = ev.landing.connector;
  const { capability, is2010 } = cloudCapability(ev);
  if (grant === true) return { allowed: true, response: null, explanation: `"${rc.Name}" grants ${CLOUD_DOMAIN}:${capability}, so Exchange Online may relay.`, assumption: null };
  if (grant === null) return { allowed: true, response: null, explanation: `The TlsDomainCapabilities of "${rc.Name}" cannot be read.`, assumption: `assumed: "${rc.Name}" grants ${CLOUD_DOMAIN}:${capability} (its TlsDomainCapabilities value could not be read)` };
  if (hasAuthMechanism(rc, 'ExternalAuthoritative') === true) return { allowed: true, response: null, explanation: `"${rc.Name}" treats its sessions as externally secured (ExternalAuthoritative), which includes relay.`, assumption: null };
  if (is2010 === true && scopedToExchangeOnline(rc)) {
    return {
      allowed: true,
      response: null,
      explanation: `"${rc.Name}" on Exchange 2010 is scoped to Exchange Online's addresses.`,
      assumption: `assumed: "${rc.Name}" has the relay permission (ms-Exch-SMTP-Accept-Any-Recipient) the Hybrid Configuration Wizard grants on Exchange 2010; Active Directory permissions are not in the case`,
    };
  }
  const response = is2010 === true ? RELAY_DENIED_2010 : RELAY_DENIED;
  return {
    allowed: false,
    response,
    explanation: `"${rc.Name}" on ${ev.server?.Name} does not grant ${CLOUD_DOMAIN}:${capability}${ev.tlsEstablished ? '' : ' (and the session is not TLS)'}, so Exchange Online's session is anonymous and may not relay (M14).`,
    assumption: null,
  };
}

/** M10: the AuthAs the on-premises server stamps on a message Exchange Online delivers. */
function authAsOnArrival(req: OnPremisesDeliveryRequest, ev: TargetEvaluation, decisions: string[], assumptions: string[]): AuthAs {
  if (!req.originatedInTenant) {
    decisions.push('Internet mail relayed through the tenant arrives on premises as Anonymous (M10).');
    return 'Anonymous';
  }
  if (!req.connector?.CloudServicesMailEnabled) {
    decisions.push(`${req.connector ? `"${req.connector.Name}" has CloudServicesMailEnabled $false` : 'No outbound connector carries the message'}: cross-premises headers are not sent, the message arrives Anonymous (M10).`);
    return 'Anonymous';
  }
  const grant = grantsCloudServicesMail(ev);
  if (grant === false) {
    const rc = ev.landing?.kind === 'connector' ? ev.landing.connector.Name : ev.host;
    decisions.push(`${ev.tlsEstablished ? `"${rc}" does not grant ${CLOUD_DOMAIN}:${cloudCapability(ev).capability}` : 'The session is not TLS'}: the message arrives Anonymous (M10).`);
    return 'Anonymous';
  }
  if (grant === null) assumptions.push(`assumed: the message arrives Internal (the receive connector's TlsDomainCapabilities ${CLOUD_DOMAIN}:AcceptCloudServicesMail as the Hybrid Configuration Wizard sets it)`);
  else decisions.push(`The landing connector grants ${CLOUD_DOMAIN}:${cloudCapability(ev).capability} after TLS: the message arrives Internal (M10).`);
  return 'Internal';
}

function judge(req: OnPremisesDeliveryRequest, ev: TargetEvaluation, assumptions: string[]): Judged {
  if (ev.response) return { ev, outcome: 'deferred', response: ev.response, reason: ev.decisions[ev.decisions.length - 1] ?? ev.response };
  if (ev.org && req.connector?.RouteAllMessagesViaOnPremises && req.relayOnward) {
    const relay = relayPermission(ev);
    if (relay.assumption) assumptions.push(relay.assumption);
    ev.decisions.push(relay.explanation);
    if (!relay.allowed) return { ev, outcome: 'rejected', response: relay.response, reason: relay.explanation };
  }
  return { ev, outcome: 'delivered', response: null, reason: ev.decisions[ev.decisions.length - 1] ?? `handed to ${ev.host}` };
}

export function deliverToOnPremises(req: OnPremisesDeliveryRequest): OnPremisesDelivery {
  const decisions: string[] = [];
  const assumptions: string[] = [];
  const anomalies: string[] = [];
  const hosts = [...new Set(req.targets.map((t) => t.trim()).filter((t) => t !== ''))];
  const judged = hosts.map((h) => {
    const ev = evaluateTarget(req.ctx, req.connector, h, req.org);
    for (const a of ev.assumptions) if (!assumptions.includes(a)) assumptions.push(a);
    return judge(req, ev, assumptions);
  });
  const several = judged.length > 1;
  for (const j of judged) for (const d of j.ev.decisions) decisions.push(several ? `${j.ev.host}: ${d}` : d);

  const ok = judged.filter((j) => j.outcome === 'delivered');
  const refused = judged.find((j) => j.outcome === 'rejected');
  const deferred = judged.filter((j) => j.outcome === 'deferred');
  const chosen = refused ?? ok[0] ?? judged[0];
  const targets: TargetResult[] | null = several ? judged.map((j) => ({ host: j.ev.host, outcome: j.outcome, response: j.response, reason: j.reason })) : null;
  if (!chosen) return { failure: null, tls: null, authAs: null, targets, decisions, assumptions, anomalies };

  if (ok.length > 0 && deferred.length > 0) {
    anomalies.push(`intermittent deferrals via ${deferred.map((j) => `${j.ev.host} (${j.response})`).join(', ')}; delivered via ${ok.map((j) => j.ev.host).join(', ')}`);
  }
  if (refused && ok.length > 0) anomalies.push(`intermittent rejections via ${judged.filter((j) => j.outcome === 'rejected').map((j) => j.ev.host).join(', ')}; delivered via ${ok.map((j) => j.ev.host).join(', ')}`);

  const tls = chosen.ev.tls;
  if (refused) {
    const authAs = refused.ev.org ? 'Anonymous' : null;
    const where = several ? ` Messages Exchange Online hands to ${refused.ev.host} are refused${ok.length ? `; those it hands to ${ok.map((j) => j.ev.host).join(', ')} pass` : ''}.` : '';
    return { failure: rejected(refused.response!, `${refused.reason} Exchange Online returns the message to the sender with a non-delivery report.${where}`), tls, authAs, targets, decisions, assumptions, anomalies };
  }
  if (ok.length === 0) {
    const first = deferred[0]!;
    const all = several ? ` No target accepts it: ${deferred.map((j) => `${j.ev.host} ${j.response}`).join('; ')}.` : '';
    return {
      failure: deferredByExchangeOnline(first.response!, `${first.reason}${all} Exchange Online keeps the message queued and retries for 24 hours, then returns it with a non-delivery report.`),
      tls,
      authAs: null,
      targets,
      decisions,
      assumptions,
      anomalies,
    };
  }
  const used = ok[0]!;
  const authAs = used.ev.org ? authAsOnArrival(req, used.ev, decisions, assumptions) : null;
  return { failure: null, tls, authAs, targets, decisions, assumptions, anomalies };
}
