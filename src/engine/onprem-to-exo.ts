import type { Certificate } from '../model/certificate.js';
import type { HopFailure, HopSender, HopTls } from './flow-types.js';
import type { SimulationContext } from './simulation-context.js';

/**
 * TLS from an on-premises sender to Exchange Online (EXO-SEMANTICS M9): the send connector's
 * RequireTLS, TlsAuthLevel and TlsDomain validated against the certificate EOP presents for the
 * tenant's instance. A failure queues the message on premises (deferred).
 */
export interface ExoTlsVerdict {
  tls: HopTls | null;
  failure: HopFailure | null;
  decisions: string[];
  assumptions: string[];
}

export function tlsTowardsExchangeOnline(_sender: HopSender, _host: string, _clientCertificate: Certificate | null, _ctx: SimulationContext): ExoTlsVerdict {
  return { tls: null, failure: null, decisions: [], assumptions: [] };
}
