import type { HeaderMessageObservation } from '../model/evidence.js';
import { formatSource } from '../model/provenance.js';
import type { Finding } from './finding.js';
import { evidenceOf } from './support/evidence.js';
import type { Rule, RuleContext } from './rule.js';
import { flowName, flowPath } from './support/flow-subject.js';
import { isHybridPartner } from './support/hybrid.js';

/**
 * S4.5: only Exchange (Edge Transport included) is supported between Exchange Online and the
 * on-premises hybrid endpoint. A third-party gateway in the path strips or fails to carry the
 * cross-premises headers, so hybrid mail arrives as external/anonymous.
 */
export const rule: Rule = {
  id: 'third-party-gateway-in-hybrid-path',
  title: 'A third-party gateway sits in the hybrid mail path',
  severity: 'warning',
  description: 'Cross-premises mail through a non-Exchange hop is no longer treated as internal (AuthAs Anonymous).',
  run(ctx: RuleContext): Finding[] {
    const byGateway = new Map<string, Finding>();
    const sim = ctx.simulation.context;
    for (const f of ctx.simulation.flows) {
      if (f.kind !== 'message' || f.outcome !== 'delivered') continue;
      if (!f.hops.some((h) => h.sender.type === 'gateway-route')) continue;
      const ends = [f.origin, f.destination ?? ''].map((n) => n.toLowerCase());
      const org = ends.map((n) => sim.organizationsByName.get(n)).find((o) => o !== undefined);
      const tenant = ends.map((n) => sim.tenantsByName.get(n)).find((t) => t !== undefined);
      if (!org || !tenant || !isHybridPartner(org, tenant)) continue;
      const gwHop = f.hops.find((h) => h.sender.type === 'gateway-route');
      if (!gwHop || gwHop.sender.type !== 'gateway-route') continue;
      // Exchange Online is on the path either as the receiver (on-premises → gateway → EOP) or as the sender (EXO → gateway → on-premises).
      if (!f.hops.some((h) => h.eop || h.sender.type === 'exchange-online')) continue;
      const gw = gwHop.sender.gateway;
      const existing = byGateway.get(gw.Name);
      const ev = { source: 'simulation', text: `${flowName(f)}: ${flowPath(f)}` };
      if (existing) {
        existing.evidence.push(ev);
        continue;
      }
      byGateway.set(gw.Name, {
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `Mail between ${org.Name} and ${tenant.Name} passes gateway ${gw.Name}. Microsoft supports only Exchange (including Edge Transport) between Exchange Online and the hybrid server: through the gateway, cross-premises messages arrive as external (X-MS-Exchange-Organization-AuthAs: Anonymous).`,
        subjects: [{ type: 'Gateway', name: gw.Name }],
        evidence: [ev],
        fix: [
          { text: `Route hybrid mail directly between Exchange (or Edge) and Exchange Online: the on-premises send connector for the coexistence domain uses the tenant's MX host as smart host, and the tenant's OnPremises outbound connector points at the Exchange or Edge servers, not at ${gw.Name}.`, where: 'Exchange admin center' },
          { text: 'Re-run the Hybrid Configuration Wizard to restore the hybrid connectors.', where: 'Exchange admin center' },
        ],
        references: ['https://learn.microsoft.com/exchange/transport-routing'],
      });
    }
    return [...byGateway.values(), ...fromHeaders(this, ctx, new Set(byGateway.keys()))];
  },
};

/** The gateway hop that sits between an Exchange Online hop and an on-premises Exchange hop, either way round. */
function gatewayBetween(m: HeaderMessageObservation): string | null {
  const kinds = m.hops.map((h) => h.kind);
  const isExchange = (k: string): boolean => k === 'exchange-on-premises' || k === 'exchange-edge';
  for (let i = 0; i < m.hops.length; i++) {
    if (kinds[i] !== 'gateway') continue;
    const before = kinds.slice(0, i);
    const after = kinds.slice(i + 1);
    const crosses = (before.includes('exchange-online') && after.some(isExchange)) || (before.some(isExchange) && after.includes('exchange-online'));
    if (crosses) return m.hops[i]!.by ?? m.hops[i]!.from ?? '(unnamed gateway)';
  }
  return null;
}

/** Evidence: Received headers show the gateway between the two Exchange sides (S4.5). */
function fromHeaders(rule: Rule, ctx: RuleContext, reported: Set<string>): Finding[] {
  const byGateway = new Map<string, Finding>();
  for (const m of evidenceOf(ctx.case).messages) {
    const gateway = gatewayBetween(m);
    if (!gateway) continue;
    const ev = {
      source: formatSource(m.source),
      text: `${m.messageId ?? 'message'}: ${m.hops.map((h) => `${h.by ?? '?'} (${h.kind})`).join(' → ')}; AuthAs ${m.authAs ?? '(absent)'}`,
    };
    const existing = byGateway.get(gateway.toLowerCase());
    if (existing) {
      if (existing.evidence.length < 5) existing.evidence.push(ev);
      continue;
    }
    if (reported.has(gateway)) continue;
    byGateway.set(gateway.toLowerCase(), {
      rule: rule.id,
      severity: rule.severity,
      title: rule.title,
      message: `Message headers show ${gateway}, a third-party gateway, between Exchange Online and on-premises Exchange. Microsoft supports only Exchange (including Edge Transport) there: through the gateway, cross-premises messages arrive as external${m.authAs ? ` (this one arrived with AuthAs ${m.authAs})` : ''}.`,
      subjects: [{ type: 'Gateway', name: gateway }],
      evidence: [ev],
      fix: [
        { text: `Route hybrid mail directly between Exchange (or Edge) and Exchange Online, not through ${gateway}: the tenant's OnPremises outbound connector's smart hosts and the on-premises send connector for the coexistence domain must name Exchange hosts.`, where: 'Exchange admin center' },
        { text: 'Re-run the Hybrid Configuration Wizard to restore the hybrid connectors.', where: 'Exchange admin center' },
      ],
      references: ['https://learn.microsoft.com/exchange/transport-routing'],
    });
  }
  return [...byGateway.values()];
}
