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
  /** Which M3 step decided (CONTRACT v1.1); null when the hop does not enter Exchange Online or nothing matched. */
  step: AttributionStep | null;
}

export type AttributionStep = 'certificate' | 'mailfrom' | 'recipient';

/**
 * The `X-MS-Exchange-Organization-AuthAs` value the receiving Exchange system stamps on a hop
 * (EXO-SEMANTICS M10); null where the receiver is not Exchange.
 */
export type AuthAs = 'Internal' | 'Anonymous' | 'Partner' | 'External' | null;

export type TlsValidation = 'ok' | 'SubjectMismatch' | 'UntrustedRoot' | 'Expired' | 'NotOffered' | 'NotRequired';

/** TLS on a hop that negotiates it, or should (CONTRACT v1.1, EXO-SEMANTICS M8/M9). */
export interface HopTls {
  offered: boolean;
  serverCertificate: string | null;
  clientCertificate: string | null;
  validation: TlsValidation;
  /** The on-premises receive connector the connection landed on (M8.3), when known. */
  landedOn: string | null;
}

/** How a hop ended when it did not hand the message on: a 4xx (deferred) or 5xx (rejected) answer. */
export interface HopFailure {
  outcome: 'deferred' | 'rejected';
  response: string;
  /** For deferred: the NDR the sender writes when its queue expires (CONTRACT v1.1). */
  finalResponse?: string;
  /** For deferred: `24h` (Exchange Online) or the server's MessageExpirationTimeout (`2d` default). */
  expiresAfter?: string;
  /** The final decision in plain words. */
  conclusion: string;
}

/** One smart host or MX target of a hop when targets differ in outcome (CONTRACT v1.1 `targets`). */
export interface TargetResult {
  host: string;
  outcome: FlowOutcome;
  response: string | null;
  /** Why this target ended as it did. */
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
  /** M10: what the receiving Exchange system stamps as AuthAs; null when not Exchange or unknown. */
  authAs: AuthAs;
  /** M8/M9: TLS of this hop, where TLS is negotiated or required; null where not modelled. */
  tls: HopTls | null;
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
  /** Deferred flows: the NDR the sender finally writes (e.g. `550 4.4.7 QUEUE.Expired; message expired`). */
  finalResponse: string | null;
  /** Deferred flows: how long the sender retries (`24h` Exchange Online, `2d` Exchange Server default). */
  expiresAfter: string | null;
  /** Per smart host / MX target results when they differ (M8.1); null when a single target decided. */
  targets: TargetResult[] | null;
  /** Every tenant the message was attributed to, in order (outside tenants as `(outside tenant: domain)`). */
  tenants: string[];
  hops: Hop[];
  anomalies: string[];
  assumptions: string[];
  /**
   * Set when the failure rests on a value the case does not hold (CONTRACT.md v1.1: unknown is not
   * false): what is missing and how to supply it. `flow-fails` reports such a flow as a warning.
   */
  unknownGround?: string;
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
