import { isExchangeOnlineHost } from '../model/domains.js';
import type { HopFailure, HopSender } from './flow-types.js';
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

export function checkExchangeOnlineEndpoint(host: string, _sender: HopSender, _rcptDomain: string, _ctx: SimulationContext): EndpointVerdict {
  return { isEop: isExchangeOnlineHost(host), failure: null, decisions: [], assumptions: [] };
}
