import type { CapturedCertificate, CapturedTls } from '../model/capture.js';
import type { StartTlsState } from '../model/evidence.js';

/**
 * What `mailflow-doctor probe` asks for and what it saw. The probe plays the part of an
 * on-premises server sending to Exchange Online (EXO-SEMANTICS M3/M4: attribution is decided by
 * the certificate presented and the MAIL FROM domain, answered at RCPT TO), so the dialogue stops
 * after RCPT TO unless a test message is asked for.
 */

export type StartTlsMode = 'require' | 'try' | 'no';

/** The client certificate to present: PEM pair or PKCS#12 (the passphrase only from the environment). */
export type ProbeCredentials = { kind: 'pem'; cert: Buffer; key: Buffer } | { kind: 'pfx'; pfx: Buffer; passphrase: string | undefined };

export interface ProbeOptions {
  /** The target as given (`HOST[:PORT]` or a domain with --mx). */
  target: string;
  host: string;
  /** The address to connect to when DNS was asked here (--mx with --dns); null: the host name is resolved by the system. */
  address: string | null;
  port: number;
  from: string;
  to: string;
  ehlo: string;
  starttls: StartTlsMode;
  implicitTls: boolean;
  /** Name the server's certificate must carry (like a connector's TlsDomain with DomainValidation). */
  expectName: string | null;
  timeoutMs: number;
  credentials: ProbeCredentials | null;
  /** Extra roots to trust when validating the server's chain (PEM), besides the system's. */
  ca: Buffer | null;
  /** Where the NSS key log goes (null: kept in memory only, to read the handshake). */
  keylogFile: string | null;
  sendTestMessage: boolean;
}

/** One reply as read: every line's text kept. */
export interface ProbeReply {
  /** The command it answers (`<banner>`, `EHLO`, `STARTTLS`, `MAIL`, `RCPT`, `DATA`, `RSET`, `QUIT`, `<message>`). */
  command: string;
  code: number;
  enhanced: string | null;
  /** First line's text after the code and enhanced code; further lines joined by "\n". */
  text: string;
  lines: string[];
  /** Order in the dialogue (1-based, counting commands and replies), the "packet" of the session shape. */
  step: number;
  /** Said inside TLS. */
  afterTls: boolean;
}

export type ProbeFailureKind = 'connect' | 'timeout' | 'closed' | 'tls' | 'dns' | 'protocol';

export interface ProbeFailure {
  kind: ProbeFailureKind;
  /** The command awaiting a reply, or the stage (`connect`, `TLS handshake`). */
  during: string;
  message: string;
}

export interface ServerCertificateCheck {
  /** The chain validated against the trusted roots (Node's `authorized`). */
  trusted: boolean;
  /** OpenSSL's reason when not trusted (`UNABLE_TO_GET_ISSUER_CERT_LOCALLY`, `CERT_HAS_EXPIRED`, …). */
  error: string | null;
  expectName: string | null;
  /** Whether the leaf names `expectName` (tls.checkServerIdentity); null when no name was expected. */
  nameMatches: boolean | null;
  nameError: string | null;
}

export interface ProbeResult {
  target: string;
  host: string;
  port: number;
  /** MX hosts tried, when the target was a domain. */
  mx: { exchange: string; priority: number }[] | null;
  startedAt: string;
  local: { ip: string | null; port: number | null };
  remote: { ip: string | null; port: number | null };
  transcript: string[];
  replies: ProbeReply[];
  banner: string | null;
  serverName: string | null;
  extensions: string[];
  extensionsAfterTls: string[] | null;
  starttls: StartTlsState;
  notes: string[];
  tls: CapturedTls | null;
  serverCheck: ServerCertificateCheck | null;
  /** The certificate the probe had to present (null: none given). */
  ownCertificate: CapturedCertificate | null;
  /** `--send-test-message` was given and the test message's content went out after DATA. */
  testMessageSent: boolean;
  failure: ProbeFailure | null;
  closedBy: 'quit' | 'server' | 'timeout' | 'error';
}
