import type { Tenant } from '../../model/case.js';
import { isCoexistenceDomain, isExchangeOnlineHost } from '../../model/domains.js';
import type { Hop } from '../../engine/flow-types.js';
import { isExchangeOnlineDomain, type SimulationContext } from '../../engine/simulation-context.js';
import { isHybridPartner } from './hybrid.js';

/**
 * Whether a hop into Exchange Online only delivers when it is attributed through a tenant's
 * OnPremises connector (EXO-SEMANTICS M3/M4): the hybrid route (to the tenant's coexistence
 * domain, or smart-hosted to EOP by the tenant's own organization) or relay through Exchange
 * Online to a domain no tenant receives. Ordinary internet mail to another tenant's MX needs no
 * connector and is not meant to match one.
 */
export interface AttributionNeed {
  tenant: Tenant;
  route: 'hybrid' | 'relay';
}

export function attributionNeeded(hop: Hop, ctx: SimulationContext): AttributionNeed | null {
  if (!hop.eop) return null;
  if (hop.sender.type !== 'send-connector' && hop.sender.type !== 'gateway-route') return null;
  const { rcptToDomain: rcpt, mailFromDomain: sender } = hop.eop.connection;
  const recipientTenant = ctx.index.tenantsAccepting(rcpt)[0];
  if (recipientTenant && isCoexistenceDomain(rcpt)) return { tenant: recipientTenant, route: 'hybrid' };
  if (recipientTenant && hop.sender.type === 'send-connector' && !hop.sender.connector.DNSRoutingEnabled && hop.sender.connector.SmartHosts.every(isExchangeOnlineHost)) {
    if (isHybridPartner(hop.sender.org, recipientTenant)) return { tenant: recipientTenant, route: 'hybrid' };
  }
  if (!recipientTenant && !isExchangeOnlineDomain(ctx, rcpt)) {
    const senderTenant = ctx.index.tenantsAccepting(sender)[0];
    if (senderTenant) return { tenant: senderTenant, route: 'relay' };
  }
  return null;
}

/** The tenant's enabled OnPremises connectors that are scoped by certificate name. */
export function certificateScopedConnectors(t: Tenant) {
  return t.InboundConnectors.filter((c) => c.Enabled && c.ConnectorType === 'OnPremises' && c.TlsSenderCertificateName);
}
