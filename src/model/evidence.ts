import type { RecognisedStatus } from './ndr.js';
import type { Provenance } from './provenance.js';

/**
 * Evidence: what traces, Exchange logs, captures and message headers show happened, next to the
 * configuration that says what should happen. Readers stream their files and hand one observation
 * at a time to an EvidenceSink (ingest/evidence/); the case keeps them aggregated by what they
 * show, so a multi-GB trace costs memory per distinct route, not per message.
 */

/** An SMTP reply as logged or captured: `550 5.7.64 TenantAttribution; Relay Access Denied`. */
export interface SmtpReply {
  /** The command it answered (`RCPT`, `MAIL`, `EHLO`, `STARTTLS`, `DATA`, `<banner>`, …) or null when unknown. */
  command: string | null;
  code: number;
  /** RFC 3463 enhanced status code (`5.7.64`) or null when the reply has none. */
  enhanced: string | null;
  text: string;
}

/** One message as an Exchange Online message trace shows it (one trace row, or one message's events). */
export interface TraceObservation {
  /** ISO 8601 time Exchange Online received the message, null when the row has none that parses. */
  at: string | null;
  /** Tenant the trace belongs to or that received the message (`InboundConnectorData` TenantId first). */
  tenantId: string | null;
  /** `S:InboundConnectorData=Name=…;ConnectorType=…;TenantId=…` from custom_data, when present. */
  inboundConnector: { name: string; type: string | null; tenantId: string | null } | null;
  /** Direction as the trace writes it (`Inbound`, `Outbound`, `Originating`, `Incoming`, …), verbatim. */
  direction: string | null;
  sender: string | null;
  recipient: string | null;
  /** The connecting client's address: `S:ProxiedClientIPAddress` when set, else the trace's original client IP. */
  clientIp: string | null;
  clientHostname: string | null;
  /** Delivery status as the trace writes it (`Delivered`, `Failed`, `FilteredAsSpam`, …). */
  status: string | null;
  /** The rejection or deferral reply, when the row carries one. */
  response: SmtpReply | null;
  messageId: string | null;
  /** custom_data `S:FromEntity` (`HybridOnPrem`: taken as mail from the tenant's own on-premises organization; `Internet`, `Hosted`). */
  fromEntity?: string | null;
  /** custom_data `S:Oorg`: the organization Exchange Online attributed the sender to. */
  originatorOrg?: string | null;
  /** TLS version of the inbound connection (`TLSv1.2`, from custom_data `S:InboundTlsDetails`), null when not stated. */
  tlsVersion?: string | null;
  source: Provenance;
  /**
   * Where the row comes from: an Exchange Online message trace (absent or `message-trace`), or an
   * on-premises message tracking log's refusal (`tracking-log`: the send connector in `connector`,
   * the sending server in `clientIp`).
   */
  origin?: 'message-trace' | 'tracking-log';
  connector?: string | null;
}

/** How STARTTLS fared in a session (pcap contract values). */
export type StartTlsState = 'none' | 'offered' | 'accepted' | 'refused' | 'masked';

/** A certificate seen on the wire or named in a log; fields unknown to the source are null. */
export interface CertificateSeen {
  subject: string | null;
  commonName: string | null;
  dnsNames: string[];
  issuer: string | null;
  notBefore: string | null;
  notAfter: string | null;
  /** SHA-1 fingerprint, upper-case hex without separators (Exchange's Thumbprint). */
  sha1: string | null;
  sha256: string | null;
  selfSigned: boolean | null;
}

export interface SessionTls {
  /** `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3` (`SSLv3` and older as such), null when not seen. */
  version: string | null;
  /** IANA cipher-suite name (`TLS_AES_256_GCM_SHA384`) or the name the source wrote; null when not seen. */
  cipher: string | null;
  /** Leaf first; [] when the server sent none; null when the source cannot show it. */
  serverCertificates: CertificateSeen[] | null;
  /** Whether the server sent a CertificateRequest; null when the source cannot show it. */
  clientCertificateRequested: boolean | null;
  /** Leaf first; [] when the client sent none (an empty Certificate message, or none asked); null when unknowable. */
  clientCertificates: CertificateSeen[] | null;
  /** Captures: TLS record compression chosen by the ServerHello (`none`, `DEFLATE`, `method N`, RFC 3749). */
  compression?: string | null;
}

export interface SessionEndpoint {
  ip: string | null;
  port: number | null;
}

/** One SMTP session, from an Exchange protocol log or a packet capture. */
export interface SmtpSessionObservation {
  origin: 'protocol-log' | 'capture';
  /** A receive log is the server's view, a send log the client's; a capture sees both. */
  viewpoint: 'server' | 'client' | 'wire';
  /** ISO 8601 start of the session, null when unknown. */
  at: string | null;
  client: SessionEndpoint;
  server: SessionEndpoint;
  /** The on-premises connector that logged it (protocol logs: `connector-id`), null otherwise. */
  connector: string | null;
  /** The host name the server gave in its banner (`220 name …`), null when not seen. */
  serverName: string | null;
  banner: string | null;
  /** The name the client gave in EHLO/HELO. */
  ehlo: string | null;
  /** Extensions the server advertised in reply to EHLO (keywords as written, `XXXXXXXA` included). */
  extensions: string[];
  starttls: StartTlsState;
  /** Null when no TLS was negotiated (or seen). */
  tls: SessionTls | null;
  /** Every reply in order (a reader may keep only the notable ones for long sessions: 4xx/5xx and STARTTLS). */
  replies: SmtpReply[];
  /** Protocol logs only: what Exchange wrote about the session besides the SMTP exchange. */
  protocolLog?: ProtocolLogDetails;
  /** Captures: the address a PROXY protocol header (v1/v2) carried; the client on the wire is a proxy. */
  proxiedClient?: { ip: string; port: number | null; protocol: string } | null;
  /** Captures: what the reader saw that bears on how the session reads (client spoke first, one-sided capture, …). */
  notes?: string[];
  source: Provenance;
}

/** The information rows (`*`) of an Exchange protocol log that say why TLS or attribution went as it did. */
export interface ProtocolLogDetails {
  /** `TLS negotiation failed with error NoCredentials`: the error (`NoCredentials`, `UnknownCredentials`, `SocketError`, …). */
  tlsError: string | null;
  /** Receive side: `TlsDomainCapabilities='AcceptCloudServicesMail'; Status='Success'; Domain='mail.protection.outlook.com'`. */
  tlsDomainCapabilities: { capabilities: string; status: string; domain: string | null } | null;
  /** Receive side: `Client certificate chain validation status: 'EmptyCertificate'` (the status). */
  clientCertificateValidation: string | null;
  /** The disconnect row's context (`Local`, `Remote(SocketError)`, …); null when the file does not hold the session's end. */
  disconnect: string | null;
  /** MAIL FROM and RCPT TO commands seen in the session. */
  messages: number;
  recipients: number;
}

/** The system that stamped a Received header (its `by` side). */
export type HopKind = 'exchange-online' | 'exchange-on-premises' | 'exchange-edge' | 'gateway' | 'other';

export interface HeaderHop {
  from: string | null;
  by: string | null;
  with: string | null;
  /** The connecting client's address from the `from` clause. */
  ip: string | null;
  tls: { version: string | null; cipher: string | null } | null;
  /** ISO 8601, null when the date does not parse. */
  date: string | null;
  /** Signed seconds since the previous dated hop; null where this hop's date does not parse. */
  delaySeconds: number | null;
  kind: HopKind;
  /** Dated before the previous dated hop (the servers' clocks disagree). */
  clockSkew?: boolean;
  /** Exchange build the hop's `with … Microsoft SMTP Server … id 15.2.1544.36` names (EXO-SEMANTICS M12), null when none. */
  serverBuild?: string | null;
}

/** One message's headers, decoded far enough for the evidence rules. */
export interface HeaderMessageObservation {
  messageId: string | null;
  subject: string | null;
  from: string | null;
  /** Oldest hop first. */
  hops: HeaderHop[];
  /** X-MS-Exchange-Organization-AuthAs (`Internal`, `Anonymous`, `Partner`, …). */
  authAs: string | null;
  authSource: string | null;
  authMechanism: string | null;
  crossTenantId: string | null;
  crossTenantAuthAs: string | null;
  crossTenantFromEntityHeader: string | null;
  directionality: string | null;
  originatorOrg: string | null;
  /** Exchange Online and on-premises Exchange both stamped hops: the message crossed premises. */
  crossedPremises: boolean;
  /** AuthAs (else CrossTenant-AuthAs) `Internal` → true; `Anonymous`/`External`/`Partner` → false; neither header → null. */
  treatedAsInternal?: boolean | null;
  /** 1-based numbers (oldest first) of gateway hops between an Exchange Online hop and an on-premises Exchange hop. */
  hybridPathGatewayHops?: number[];
  /** Weakest TLS version any hop names (`TLSv1`, …), null when none names one. */
  lowestTlsVersion?: string | null;
  crossTenantAuthSource?: string | null;
  /** X-EOPTenantAttributedMessage (or the TenantId of CrossTenant-OriginalAttributedTenantConnectingIp). */
  attributedTenantId?: string | null;
  /** X-CrossPremisesHeadersFilteredBySendConnector: an Edge send connector stripped the cross-premises headers. */
  crossPremisesHeadersFilteredBySendConnector?: string | null;
  /** X-Forefront-Antispam-Report `DIR`: how Exchange Online saw the message — inbound, outbound (leaving the tenant) or internal. */
  antispamDirection?: 'inbound' | 'outbound' | 'internal' | null;
  /** Authentication-Results `spf=` result as Exchange Online wrote it (`pass`, `fail`, `softfail`, …), null when absent (M16). */
  spfResult?: string | null;
  /** The IP Exchange Online evaluated SPF against: `(sender IP is 203.0.113.5)` (M16). */
  spfSenderIp?: string | null;
  /** Authentication-Results `compauth=` result (`pass`, `fail`, `softpass`, `none`), null when absent (M16). */
  compauth?: string | null;
  /** X-MS-Exchange-SkipListedInternetSender present: Enhanced Filtering skipped to the original sender (M16). */
  skipListedInternetSender?: boolean;
  /** Statuses recognised in the message (an NDR's diagnostic block, `message/delivery-status`), in order. */
  statuses?: RecognisedStatus[];
  source: Provenance;
}

/** Where a status was read (RULES.md v2, "Evidence: NDR code families the readers must recognise"). */
export type StatusOrigin = 'message-trace' | 'tracking-log' | 'protocol-log' | 'capture' | 'headers' | 'ndr' | 'queue';

/** One recognised status code in evidence, tied to its source position. */
export interface StatusObservation {
  status: RecognisedStatus;
  /** Rule ids the catalog entry names (copied so rules need not look the entry up). */
  rules: string[];
  origin: StatusOrigin;
  /** ISO 8601 time of the event, null when unknown. */
  at: string | null;
  sender: string | null;
  recipient: string | null;
  /** The connector the source names (send connector, outbound connector, queue's next-hop connector), null otherwise. */
  connector: string | null;
  /** The remote host the source names (`FQDN=`, `NextHopDomain`, `Generating server`, the server of a session). */
  remoteHost: string | null;
  /** The remote address the source names (`IP=`, the server side of a session). */
  remoteIp: string | null;
  /** The sending side's address when known (trace client IP, session client). */
  clientIp: string | null;
  /** For an expiry (QUEUE.Expired, 5.4.300): the last deferral quoted (`LED=`, `LastError`), else null. */
  lastError: string | null;
  /** Tenant id the source names (trace), null otherwise. */
  tenantId: string | null;
  source: Provenance;
}

/** Observations that show the same thing, counted once. */
export interface Observed<T> {
  /** The first observation of the group, as read. */
  sample: T;
  count: number;
  /** Earliest and latest ISO time in the group (null when none had a time). */
  first: string | null;
  last: string | null;
  /** Where the first few were read (at most EVIDENCE_SOURCES_KEPT). */
  sources: Provenance[];
}

export const EVIDENCE_SOURCES_KEPT = 5;

export interface EvidenceSet {
  traces: Observed<TraceObservation>[];
  /** Status codes recognised in every evidence kind (NDR-CATALOG), grouped like traces. */
  statuses: Observed<StatusObservation>[];
  sessions: Observed<SmtpSessionObservation>[];
  messages: HeaderMessageObservation[];
  /** Messages read beyond those kept (a large mbox). */
  messagesNotKept: number;
}

export function emptyEvidence(): EvidenceSet {
  return { traces: [], statuses: [], sessions: [], messages: [], messagesNotKept: 0 };
}
