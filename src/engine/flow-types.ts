import type { ExchangeServer, FlowOutcome, FlowSpec, Gateway, GatewayNode, GatewayRoute, Organization, OutboundConnector, SendConnector, Tenant } from '../model/case.js';
import type { Attribution, Connection, Direction } from './inbound-attribution.js';
import type { PresentedCertificate } from './send-routing.js';

/** Where a message is while it is walked through the estate. */
export type Place =
  | { kind: 'organization'; org: Organization }
  | { kind: 'gateway'; gateway: Gateway; node: GatewayNode }
  | { kind: 'tenant'; tenant: Tenant };

/** Who opened the SMTP connection of a hop, with the object that decided it. */
export type HopSender =
  | { type: 'send-connector'; org: Organization; connector: SendConnector; server: ExchangeServer; selection: PresentedCertificate }
  | { type: 'gateway-route'; gateway: Gateway; node: GatewayNode; route: GatewayRoute; certificateFrom: 'route' | 'node' | 'none' }
  | { type: 'exchange-online'; tenant: Tenant; connector: OutboundConnector | null }
  | { type: 'internet' };

export interface HopAttributionView {
  tenant: string | null;
  connector: string | null;
  direction: Direction;
  reason: string;
}

export interface Hop {
  from: string;
  to: string;
  presented: { certificate: string | null; thumbprint: string | null; ip: string | null; ehlo: string | null };
  attribution: HopAttributionView;
  sender: HopSender;
  /** Routing decisions that led to this hop, in plain words. */
  decisions: string[];
  /** Set when this hop connects to Exchange Online. */
  eop: { connection: Connection; result: Attribution } | null;
}

export type FlowKind = 'message' | 'journal-report';

export interface FlowResult {
  spec: FlowSpec;
  from: string;
  to: string;
  origin: string;
  destination: string | null;
  kind: FlowKind;
  generated: boolean;
  /** For a journal report: the flow whose processing produced it. */
  parent: FlowResult | null;
  outcome: FlowOutcome;
  response: string | null;
  /** Every tenant the message was attributed to, in order (outside tenants as `(outside tenant: domain)`). */
  tenants: string[];
  hops: Hop[];
  anomalies: string[];
  assumptions: string[];
  /** Where the message ended: the final decision in plain words. */
  conclusion: string;
  journalReports: FlowResult[];
}

export interface Simulation {
  flows: FlowResult[];
  /** Notes about how the flow set was built (generated flows, synthesized DNS). */
  notes: string[];
}

export function outsideTenantLabel(domain: string): string {
  return `(outside tenant: ${domain})`;
}
