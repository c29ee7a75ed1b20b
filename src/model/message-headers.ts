import type { HeaderHop } from './evidence.js';
import type { Provenance } from './provenance.js';

/**
 * Message headers as the `headers` command prints them (text, JSON, Markdown, HTML): what the
 * headers reader (ingest/headers) decodes and the reports render. Only data lives here.
 */

/** A hop as the `headers` command shows it: the contract's HeaderHop and what else the stamp said. */
export interface DecodedHop extends HeaderHop {
  /** 1-based, oldest first. */
  number: number;
  fromHost: string | null;
  byIp: string | null;
  id: string | null;
  via: string | null;
  for: string | null;
  dateText: string | null;
  /** How the date was read when the stamp does not follow RFC 5322 §3.6.7 (no `;`, an ISO date). */
  dateNote: string | null;
  /** This hop is dated before the previous dated hop: the two servers' clocks disagree. */
  clockSkew: boolean;
  /** Gateway product when `kind` is `gateway`. */
  vendor: string | null;
  /** The signal `kind` rests on. */
  kindBasis: string;
  /** Comments of the `by` clause (`(Postfix)`, `(amavisd-new, port 10024)`): they name the software. */
  byComments: string[];
  /** Line of the Received field. */
  line: number;
  raw: string;
}

export interface MessageVerdicts {
  /** Exchange Online and on-premises Exchange (or Edge) both stamped hops. */
  crossedPremises: boolean;
  /** Organization-AuthAs (else CrossTenant-AuthAs): Internal → true; Anonymous, External, Partner → false; neither → null. */
  treatedAsInternal: boolean | null;
  /** The header and value the verdict rests on. */
  internalBasis: string | null;
  /** Hop numbers of gateways between an Exchange Online hop and an on-premises Exchange hop. */
  gatewayHopsInHybridPath: number[];
  lowestTlsVersion: string | null;
  /** Hop numbers whose stamp shows no TLS. */
  hopsWithoutTls: number[];
  /** Hop numbers dated before the previous dated hop. */
  clockSkewHops: number[];
  /** The tenant the message was attributed to (CrossTenant-Id, else EOP's attribution headers). */
  tenantId: string | null;
  /** X-Forefront-Antispam-Report DIR [ASH]: INB inbound, OUT outbound, INT internal; null when absent. */
  antispamDirection: 'inbound' | 'outbound' | 'internal' | null;
}

/** One message's headers, decoded for the `headers` command (JSON and text) and the evidence. */
export interface DecodedMessage {
  source: Provenance;
  messageId: string | null;
  subject: string | null;
  from: string | null;
  to: string | null;
  date: string | null;
  /** The paste had lost its folding or formatting; fields were recovered by their names. */
  garbled: boolean;
  fieldCount: number;
  hops: DecodedHop[];
  verdicts: MessageVerdicts;
  microsoftHeaders: MicrosoftHeader[];
  forefrontAntispamReport: AntispamField[] | null;
  microsoftAntispam: AntispamField[] | null;
  authenticationResults: AuthenticationResults[];
  arc: ArcSet[];
  /** X-MS-* / X-Microsoft-* headers this version does not explain, verbatim. */
  unknownMicrosoftHeaders: { name: string; value: string; line: number }[];
}

/** A header Microsoft stamps, with what its value means. */
export interface MicrosoftHeader {
  name: string;
  value: string;
  /** What the header is. */
  meaning: string;
  /** What this value says, when the documentation gives values a meaning. */
  valueMeaning: string | null;
  line: number;
}

/** One `KEY:value` of X-Forefront-Antispam-Report or X-Microsoft-Antispam. */
export interface AntispamField {
  key: string;
  value: string;
  meaning: string;
  valueMeaning: string | null;
}

/**
 * Authentication-Results (RFC 8601) and the ARC headers (RFC 8617). Exchange Online writes its
 * Authentication-Results without the authserv-id the RFC requires
 * (`spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=contoso.com; dkim=none …;compauth=pass reason=100`).
 */
export interface AuthResult {
  method: string;
  result: string;
  /** The comment after the result (`(sender IP is 192.0.2.1)`), without parentheses. */
  comment: string | null;
  /** `smtp.mailfrom`, `header.d`, `header.from`, `action`, `reason`, … as written. */
  properties: Record<string, string>;
  /** What the result (and compauth's reason, DMARC's action) means, from Microsoft's documentation. */
  meaning: string | null;
}

export interface AuthenticationResults {
  /** The header it came from (`Authentication-Results`, `X-MS-Exchange-Authentication-Results`, `ARC-Authentication-Results`). */
  header: string;
  authservId: string | null;
  results: AuthResult[];
  line: number;
}

export interface ArcSet {
  instance: number;
  /** ARC-Seal `cv=`: none (first instance), pass or fail — the chain validation the sealer saw. */
  chainValidation: string | null;
  /** The sealing domain and selector (ARC-Seal `d=`, `s=`). */
  sealDomain: string | null;
  sealSelector: string | null;
  signatureDomain: string | null;
  /** ARC-Authentication-Results of this instance. */
  authservId: string | null;
  results: AuthResult[];
}

/** The sources the meanings cite, for the reader of a report. */
export const MEANING_SOURCES: { tag: string; url: string }[] = [
  { tag: 'FW', url: 'https://learn.microsoft.com/exchange/header-firewall-exchange-2013-help' },
  { tag: 'ASH', url: 'https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo' },
  { tag: 'SCL', url: 'https://learn.microsoft.com/defender-office-365/anti-spam-spam-confidence-level-scl-about' },
  { tag: 'BCL', url: 'https://learn.microsoft.com/defender-office-365/anti-spam-bulk-complaint-level-bcl-about' },
  { tag: 'HMF', url: 'https://techcommunity.microsoft.com/t5/exchange-team-blog/demystifying-and-troubleshooting-hybrid-mail-flow-when-is-a/ba-p/1420838' },
  { tag: 'ATT', url: 'https://blogs.technet.microsoft.com/eopfieldnotes/2019/01/03/use-headers-to-determine-which-exchange-online-tenant-a-message-was-attributed-to/' },
  { tag: 'CSM', url: 'https://learn.microsoft.com/powershell/module/exchangepowershell/new-sendconnector' },
  { tag: 'EF', url: 'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors' },
  { tag: 'EDGE', url: 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/email-sent-from-edge-transport-server-appears-as-mail-from-external-contacts' },
];
