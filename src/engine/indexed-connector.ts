import type { InboundConnector, Tenant } from '../model/case.js';
import type { CertNameMatch } from './cert-name-match.js';
import type { IpRange } from './ip-address.js';

/** What the ConnectorIndex keeps per inbound connector (connector-index.ts), read on the attribution hot path. */
export interface IndexedConnector extends RelayLineParts {
  tenant: Tenant;
  connector: InboundConnector;
  /** Normalised TlsSenderCertificateName, or null. */
  certificateValue: string | null;
  /** The SenderIPAddresses values Exchange Online accepts: IPv4 addresses and /24–/32 blocks (M3). */
  ranges: IpRange[];
  /**
   * SenderIPAddresses values outside what the parameter accepts (IPv6, prefixes outside /24–/32,
   * `start-end` ranges, unreadable text): ignored by the simulator, reported by
   * `ip-connector-unsupported-range` (EXO-SEMANTICS M3, [NIC]).
   */
  ignoredIpValues: readonly string[];
  /**
   * Enabled and of type OnPremises, read once when the index is built (like the values above): the
   * attribution hot path then never touches the connector object itself.
   */
  activeOnPrem: boolean;
  /** Enabled and of type Partner (M3 step 3), read once like `activeOnPrem`. */
  activePartner: boolean;
  /** Disabled and of type OnPremises: attribution's trace names it (read once like `activeOnPrem`). */
  disabledOnPrem: boolean;
  /** `"name" (type) of tenant` for the attribution trace, built on first use. */
  label: string | null;
  /**
   * Attribution's step-2 sentences about this connector, around the connection's source IP and
   * MAIL FROM domain (built on first use, explain on): the connection's parts are then joined to
   * one kept piece instead of formatting the whole sentence, and the tenant is not loaded.
   */
  stepTwoMiddle: string | null;
  notSenderMiddle: string | null;
  disabledIpTail: string | null;
}

/**
 * Attribution's relay sentences for one connector matched one way (by IP: kept on its entry; by
 * certificate: on the certificate's lookup), without the RCPT TO and MAIL FROM domains that a
 * connection puts between them. Built on first use (explain on).
 */
export interface RelayLineParts {
  relayHead: string | null;
  relayTail: string | null;
  certDomainRelayTail: string | null;
  refusedHead: string | null;
  refusedTail: string | null;
}

export interface CertificateHit {
  entry: IndexedConnector;
  match: CertNameMatch;
  /** The attribution trace's step-1 sentence for this hit, built on first use (hits are memoised). */
  sentence: string | null;
}

/** EXO-SEMANTICS M3 [NIC]: SenderIPAddresses holds IPv4 addresses and CIDR blocks /24 through /32 only. */
export function isSupportedSenderRange(r: IpRange): boolean {
  return r.family === 4 && r.prefixLength !== null && r.prefixLength >= 24 && r.prefixLength <= 32;
}
