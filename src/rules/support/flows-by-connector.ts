import type { FlowResult } from '../../engine/flow-types.js';
import type { InboundConnector } from '../../model/case.js';
import type { RuleContext } from '../rule.js';

const cache = new WeakMap<RuleContext, Map<InboundConnector, FlowResult[]>>();

/** Flows with a hop Exchange Online attributed through this connector; built once per rule run. */
export function flowsThrough(ctx: RuleContext, connector: InboundConnector): FlowResult[] {
  let map = cache.get(ctx);
  if (!map) {
    map = new Map();
    for (const f of ctx.simulation.flows) {
      for (const h of f.hops) {
        const c = h.eop?.result.connector;
        if (!c) continue;
        const list = map.get(c);
        if (!list) map.set(c, [f]);
        else if (list[list.length - 1] !== f) list.push(f);
      }
    }
    cache.set(ctx, map);
  }
  return map.get(connector) ?? [];
}
