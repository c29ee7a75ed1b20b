import type { Diagnostic } from './diagnostics.js';
import type { CertificateSeen, SmtpReply, StartTlsState } from './evidence.js';

/**
 * What the `pcap` command prints and the capture evidence reader turns into observations: one
 * object per SMTP session found in a capture, and a summary of the whole file.
 */

/** A certificate from a TLS Certificate message, decoded from its DER bytes. */
export interface CapturedCertificate extends CertificateSeen {
  /** Serial number, upper-case hex as OpenSSL prints it. */
  serial: string | null;
  /** Why the DER did not parse as X.509 (fingerprints are still those of the bytes sent). */
  error?: string;
}

export interface TlsAlertSeen {
  from: 'client' | 'server';
  level: 'warning' | 'fatal' | string;
  description: string;
  packet: number;
}

export interface CapturedTls {
  /** `TLSv1.2`, `TLSv1.3`, … as negotiated (ServerHello); null when no ServerHello was seen. */
  version: string | null;
  cipher: string | null;
  /** Leaf first; [] when the server sent an empty list; null when the capture cannot show it. */
  serverCertificates: CapturedCertificate[] | null;
  clientCertificateRequested: boolean | null;
  /** [] when the client sent an empty Certificate message or was not asked; null when unknowable. */
  clientCertificates: CapturedCertificate[] | null;
  /** Whether encrypted records were opened with a key log (and, when compressed, decompressed). */
  decrypted: boolean;
  /**
   * The compression method the ServerHello chose (RFC 5246 §7.4.1.3, RFC 3749): `none`,
   * `DEFLATE`, or `method N`; null when no ServerHello was seen. With DEFLATE the plaintext inside
   * TLS is shown only when it could be inflated.
   */
  compression: string | null;
  /** TLS from the first byte (SMTPS on 465) rather than after STARTTLS. */
  implicit: boolean;
  sni: string | null;
  /** ClientHello: legacy version and supported_versions, the suites offered (IANA names or hex). */
  clientHelloVersion: string | null;
  offeredVersions: string[];
  offeredCiphers: string[];
  clientRandom: string | null;
  serverRandom: string | null;
  /** The server resumed an earlier session (abbreviated handshake: no certificates are sent). */
  resumed: boolean;
  alerts: TlsAlertSeen[];
  /** Packet of the ClientHello. */
  packet: number | null;
}

/** A reply with the packet it ended in. */
export interface CapturedReply extends SmtpReply {
  packet: number;
}

export type TransactionOutcome = 'accepted' | 'deferred' | 'rejected' | 'abandoned' | 'incomplete';

export interface CapturedTransaction {
  mailFrom: string | null;
  rcptTo: string[];
  replies: CapturedReply[];
  outcome: TransactionOutcome;
  /** Message bytes the client sent (DATA content or BDAT chunks), not kept. */
  messageBytes: number;
  /** Sent inside TLS (read with a key log). */
  afterTls: boolean;
  packet: number;
}

export interface CapturedGap {
  /** Who sent the bytes the capture lacks. */
  from: 'client' | 'server';
  bytes: number;
  packet: number;
}

export interface CapturedSession {
  /** `ip:port` (IPv6 as `[addr]:port`). */
  client: string;
  server: string;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  /** ISO 8601 of the first packet of the connection that was captured. */
  start: string | null;
  end: string | null;
  packets: { first: number; last: number; count: number };
  /** Whether the capture saw the connection open (SYN) or joined it already open. */
  sawOpen: boolean;
  /** `fin`, `rst`, `idle` (finished after no packet for a long time), `end-of-capture`. */
  closedBy: 'fin' | 'rst' | 'idle' | 'end-of-capture';
  banner: string | null;
  serverName: string | null;
  /** `EHLO` or `HELO` as sent, and the name given. */
  ehloCommand: string | null;
  ehlo: string | null;
  /**
   * The client address a PROXY protocol header (v1 or v2) carried ahead of SMTP: the client on
   * the wire is a proxy, and a server that expects the header treats this address as the client.
   */
  proxiedClient: { ip: string; port: number | null; protocol: string } | null;
  /** Extensions advertised in reply to the first EHLO (keywords as written, masked ones included). */
  extensions: string[];
  /** Extensions advertised after STARTTLS (only when the TLS part was decrypted). */
  extensionsAfterTls: string[] | null;
  starttls: StartTlsState;
  /** AUTH mechanisms tried and the reply code each got (credentials are never kept). */
  auth: { mechanism: string; code: number | null }[];
  tls: CapturedTls | null;
  transactions: CapturedTransaction[];
  /** Replies outside mail transactions (banner, EHLO, STARTTLS, AUTH, QUIT, …). */
  replies: CapturedReply[];
  /** The conversation as `C: …` / `S: …` lines (message content and credentials left out), bounded. */
  dialogue: string[];
  gaps: CapturedGap[];
  notes: string[];
}

export interface CaptureSummary {
  file: string;
  format: 'pcap' | 'pcapng' | null;
  /** Link types met (LINKTYPE_ names). */
  linkTypes: string[];
  packets: number;
  bytes: number;
  /** Packets that could not be decoded, by reason. */
  skipped: number;
  skippedReasons: Record<string, number>;
  /** Packets read fine but not TCP (ARP, UDP, ICMP, …). */
  notTcp: number;
  ipFragments: { reassembled: number; dropped: number };
  tcpConnections: number;
  smtpSessions: number;
  firstPacketAt: string | null;
  lastPacketAt: string | null;
  /** The file ended inside a record. */
  truncated: boolean;
  keyLog: { files: number; fromCapture: number; clientRandoms: number };
}

export interface CaptureReadResult {
  summary: CaptureSummary;
  sessions: CapturedSession[];
  diagnostics: Diagnostic[];
  /** Set when the file is not a capture at all (or cannot be opened). */
  error: string | null;
}
