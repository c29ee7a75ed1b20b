import type { Organization, OutboundConnector, Tenant } from '../model/case.js';
import type { AuthAs, HopFailure, HopTls, TargetResult } from './flow-types.js';
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

export function deliverToOnPremises(_req: OnPremisesDeliveryRequest): OnPremisesDelivery {
  return { failure: null, tls: null, authAs: 'Anonymous', targets: null, decisions: [], assumptions: [], anomalies: [] };
}
