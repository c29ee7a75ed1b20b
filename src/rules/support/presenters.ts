import type { AddressSpace, Case, ExchangeServer, Gateway, GatewayNode, GatewayRoute, InboundConnector, Organization, SendConnector } from '../../model/case.js';
import type { Certificate } from '../../model/certificate.js';
import { isExchangeOnlineHost, normalizeHost } from '../../model/domains.js';
import { certificatesOfServer } from '../../engine/simulate-flow.js';
import { presentedCertificate, serverByName, serverFqdn, type PresentedCertificate } from '../../engine/send-routing.js';
import type { SimulationContext } from '../../engine/simulation-context.js';
import type { Provenance } from '../../model/provenance.js';

/**
 * Every identity the estate presents when it sends mail out: one per (send connector, source
 * server) and per (gateway route, node) — the certificate and source IP another system, Exchange
 * Online in particular, sees (EXO-SEMANTICS M2). Rules compare these with tenants' connectors.
 */
export interface Presenter {
  kind: 'send-connector' | 'gateway-route';
  label: string;
  organization: Organization | null;
  connector: SendConnector | null;
  server: ExchangeServer | null;
  selection: PresentedCertificate | null;
  gateway: Gateway | null;
  node: GatewayNode | null;
  route: GatewayRoute | null;
  certificate: Certificate | null;
  ip: string | null;
  addressSpaces: AddressSpace[];
  /** Delivers by MX (an internet route) rather than to smart hosts. */
  usesMx: boolean;
  smartHosts: string[];
  provenance: Provenance;
}

export function collectPresenters(c: Case, ctx: SimulationContext): Presenter[] {
  const out: Presenter[] = [];
  for (const org of c.organizations) {
    for (const connector of org.SendConnectors) {
      if (!connector.Enabled) continue;
      for (const name of connector.SourceTransportServers) {
        const server = serverByName(org, name);
        if (!server) continue;
        const selection = presentedCertificate(connector, server, certificatesOfServer(ctx, server.Certificates, serverFqdn(server)), ctx.at);
        out.push({
          kind: 'send-connector',
          label: `send connector "${connector.Name}" on ${server.Name} (${org.Name})`,
          organization: org,
          connector,
          server,
          selection,
          gateway: null,
          node: null,
          route: null,
          certificate: selection.certificate,
          ip: server.IPAddresses[0] ?? null,
          addressSpaces: connector.AddressSpaces,
          usesMx: connector.DNSRoutingEnabled,
          smartHosts: connector.DNSRoutingEnabled ? [] : connector.SmartHosts.map(normalizeHost),
          provenance: connector.provenance,
        });
      }
    }
  }
  for (const gateway of c.gateways) {
    for (const route of gateway.Routes) {
      for (const node of gateway.Nodes) {
        const thumb = route.Certificate ?? node.Certificate;
        const usesMx = route.DNSRoutingEnabled || route.SmartHosts.length === 0;
        out.push({
          kind: 'gateway-route',
          label: `gateway ${gateway.Name} route "${route.Name}" from ${node.Name}`,
          organization: null,
          connector: null,
          server: null,
          selection: null,
          gateway,
          node,
          route,
          certificate: thumb ? ctx.certificates.get(thumb) ?? null : null,
          ip: node.IPAddresses[0] ?? null,
          addressSpaces: route.AddressSpaces,
          usesMx,
          smartHosts: usesMx ? [] : route.SmartHosts.map(normalizeHost),
          provenance: route.provenance,
        });
      }
    }
  }
  return out;
}

/** Whether the presenter sends straight to Exchange Online (all its smart hosts are EOP). */
export function sendsToExchangeOnline(p: Presenter): boolean {
  return p.smartHosts.length > 0 && p.smartHosts.every(isExchangeOnlineHost);
}

/** An internet route: delivers by MX for `*` (or any domain), so it also reaches other tenants' MX. */
export function isInternetRoute(p: Presenter): boolean {
  return p.usesMx && p.addressSpaces.some((a) => a.Domain === '*' || !a.Domain.endsWith('.onmicrosoft.com'));
}

/** Connectors with the presenters whose identity matches them, each presenter listed once. */
export class PresentersByConnector extends Map<InboundConnector, Presenter[]> {
  add(connector: InboundConnector, p: Presenter): void {
    const list = this.get(connector);
    if (!list) this.set(connector, [p]);
    else if (!list.includes(p)) list.push(p);
  }
}
