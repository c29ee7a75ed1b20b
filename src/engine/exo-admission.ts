import type { FlowSpec } from '../model/case.js';
import type { FlowKind, Hop, HopFailure } from './flow-types.js';
import type { Attribution } from './inbound-attribution.js';
import { partnerConnectorCheck } from './partner-connectors.js';
import { directoryCheckAtPerimeter } from './recipient-directory.js';
import type { SimulationContext } from './simulation-context.js';
import { blockedConnectorCheck, directSendCheck, outOfDateServerCheck } from './tenant-policies.js';

/**
 * What Exchange Online checks after it has attributed a connection and before it accepts the
 * recipient (EXO-SEMANTICS M11, M12, M15). Connection-level policies come first (a blocked
 * connector or tenant, an out-of-date on-premises server: M12), then the `RCPT TO` checks of
 * Incoming mail in the model's order (EXO-SEMANTICS M3, "Order of checks at EOP"): RejectDirectSend
 * (5.7.68, M12), Partner connector restrictions (5.7.51, M15), Directory-Based Edge Blocking
 * (5.4.1, M11).
 */
export interface AdmissionInput {
  ctx: SimulationContext;
  spec: FlowSpec;
  flowKind: FlowKind;
  /** The hop entering Exchange Online, with `eop`, `sender`, `tls`, `presented` filled. */
  hop: Hop;
  /** Attribution of the hop (not rejected, not dropped). */
  result: Attribution;
  senderDomain: string;
  rcptDomain: string;
  /** Tenants the message already left over an outbound connector (M5.1). */
  previousTenants: readonly string[];
}

export interface AdmissionResult {
  decisions: string[];
  assumptions: string[];
  anomalies: string[];
  /** The check that refused or deferred the message, null when it is admitted. */
  failure: HopFailure | null;
}

export type AdmissionCheck = (input: AdmissionInput) => AdmissionResult | null;

/** The checks in the order Exchange Online applies them (see above). */
const CHECKS: readonly AdmissionCheck[] = [blockedConnectorCheck, outOfDateServerCheck, directSendCheck, partnerConnectorCheck, directoryCheckAtPerimeter];

export function admitAtExchangeOnline(input: AdmissionInput): AdmissionResult {
  const out: AdmissionResult = { decisions: [], assumptions: [], anomalies: [], failure: null };
  for (const check of CHECKS) {
    const r = check(input);
    if (!r) continue;
    out.decisions.push(...r.decisions);
    out.assumptions.push(...r.assumptions);
    out.anomalies.push(...r.anomalies);
    if (r.failure) {
      out.failure = r.failure;
      break;
    }
  }
  return out;
}
