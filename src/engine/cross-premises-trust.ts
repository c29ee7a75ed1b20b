import type { AuthAs, Hop } from './flow-types.js';
import type { SimulationContext } from './simulation-context.js';

/**
 * Cross-premises trust (EXO-SEMANTICS M10): the AuthAs Exchange Online stamps on a hop that
 * enters it, from CloudServicesMailEnabled on the send and inbound connectors,
 * TreatMessagesAsInternal, and gateway hops in between.
 */
export function authAsAtExchangeOnline(hop: Hop, _previousHops: readonly Hop[], _ctx: SimulationContext): AuthAs {
  const r = hop.eop?.result;
  if (!r || r.outcome === 'rejected') return null;
  return r.direction === 'outbound' || r.direction === 'relay' ? 'Internal' : 'Anonymous';
}
