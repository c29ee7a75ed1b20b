import type { InputReport } from './diagnostics.js';
import type { SmtpReply } from './evidence.js';
import type { Provenance } from './provenance.js';

/**
 * What the `trace` command prints: the message-trace formats (FORMATS.md 1), one message per
 * recipient as a trace shows it, what one file yielded, and the summary counted while files
 * stream. The readers (src/ingest/trace/) fill these; the report layer prints them.
 */

export type TraceFormat =
  /** Get-MessageTrace (FORMATS.md 1a): one row per message and recipient. */
  | 'get-messagetrace'
  /** Get-MessageTraceV2 (1b): the same shape without Organization/StartDate/EndDate/Index. */
  | 'get-messagetrace-v2'
  /** Graph exchangeMessageTrace (1b). */
  | 'graph-messagetrace'
  /** Get-MessageTraceDetail (1a): one row per event of a message and recipient. */
  | 'get-messagetracedetail'
  | 'get-messagetracedetail-v2'
  /** The EAC's on-screen summary exported (1c): Date, Sender, Recipient, Subject, Status. */
  | 'eac-summary'
  /** The EAC's enhanced summary / historical search ReportType MessageTrace (1c). */
  | 'enhanced-summary'
  /** The EAC's extended report / historical search ReportType MessageTraceDetail (1c, 1d). */
  | 'extended';

export const FORMAT_TITLES: Record<TraceFormat, string> = {
  'get-messagetrace': 'Get-MessageTrace',
  'get-messagetrace-v2': 'Get-MessageTraceV2',
  'graph-messagetrace': 'Graph messageTraces',
  'get-messagetracedetail': 'Get-MessageTraceDetail',
  'get-messagetracedetail-v2': 'Get-MessageTraceDetailV2',
  'eac-summary': 'admin center message trace summary',
  'enhanced-summary': 'enhanced summary report',
  extended: 'extended report (historical search MessageTraceDetail)',
};

/**
 * The encodings message-trace files arrive in. Windows PowerShell 5.1 writes `Out-File`/`>` as
 * UTF-16LE with a BOM and `Export-Csv` as ASCII; PowerShell 7 writes UTF-8 without a BOM;
 * historical search reports are UTF-16LE (FORMATS.md 1d); Excel's "Unicode text" and some
 * re-saves give UTF-16BE or UTF-8 with a BOM; 5.1 `Export-Csv -Encoding Default` gives the ANSI
 * code page (Windows-1252 in Western locales).
 */
export type TraceEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * One message to one recipient, as a message trace shows it — the unit Get-MessageTrace has one
 * row for. Event reports (extended, Get-MessageTraceDetail) are gathered into these; summary
 * reports give them directly. Richer than the case's TraceObservation: the `trace` command
 * also shows subject, size, events and the outbound connector.
 */
export interface TraceMessage {
  format: TraceFormat;
  /** ISO 8601 UTC time Exchange Online received it (the RECEIVE event), else the earliest time seen. */
  at: string | null;
  sender: string | null;
  recipient: string | null;
  subject: string | null;
  /** Get-MessageTrace's word (`Delivered`, `Failed`, `Pending`, `Expanded`, …); for event reports derived from the last status event. */
  status: string | null;
  /** As the trace writes it (`Originating`, `Incoming`, `1`, `2`, …). */
  direction: string | null;
  messageId: string | null;
  networkMessageId: string | null;
  /** The tenant that received it: InboundConnectorData's TenantId, else the report's tenant_id. */
  tenantId: string | null;
  /** Get-MessageTrace's `Organization` (the tenant's initial domain), when the format has it. */
  organization: string | null;
  inboundConnector: { name: string; type: string | null; tenantId: string | null } | null;
  outboundConnector: string | null;
  /** The `connector_id` column of the entry event (an internal receive connector in Exchange Online). */
  connectorId: string | null;
  /** ProxiedClientIPAddress, else original_client_ip, else the entry event's client IP (Get-MessageTrace: FromIP). */
  clientIp: string | null;
  clientHostname: string | null;
  /** `S:FromEntity` (`HybridOnPrem` = taken as the tenant's own on-premises organization). */
  fromEntity: string | null;
  /** `S:Oorg`: the organization Exchange Online took the sender to be. */
  originatorOrg: string | null;
  /** TLS version of the inbound connection (`S:InboundTlsDetails`). */
  tlsVersion: string | null;
  response: SmtpReply | null;
  size: number | null;
  /** Event ids seen for it, in file order (event reports only). */
  events: string[];
  /** The row of its entry event (or its first row). */
  source: Provenance;
}

/** What one trace file yielded: InputReport (rows read and skipped) plus what the file was. */
export interface TraceFileReport extends InputReport {
  format: TraceFormat | null;
  encoding: TraceEncoding | null;
  /** Messages (per recipient) handed on. */
  messages: number;
}

export interface TraceFilters {
  /** Inbound connector names (or the report's connector id, or the outbound connector); any matches. */
  connectors: string[];
  /** Sender domains; `*.example.com` also matches its subdomains. */
  senderDomains: string[];
  /** ISO 8601 bounds, inclusive; a message without a time does not match a bound. */
  since: string | null;
  until: string | null;
}

export interface TraceGroup {
  /** UTC day `yyyy-mm-dd`, null for messages without a time. */
  day: string | null;
  connector: string | null;
  connectorType: string | null;
  tenant: string | null;
  direction: string | null;
  senderDomain: string | null;
  messages: number;
  first: string | null;
  last: string | null;
  /** Messages per status (`Delivered`, `Failed`, …; `(none)` when unknown). */
  statuses: Record<string, number>;
}

export interface TraceRollup {
  key: string | null;
  messages: number;
  first: string | null;
  last: string | null;
}

export interface TraceSummary {
  totals: { messages: number; first: string | null; last: string | null };
  groups: TraceGroup[];
  byConnector: Array<TraceRollup & { connectorType: string | null; tenant: string | null }>;
  byTenant: TraceRollup[];
  byDirection: TraceRollup[];
  bySenderDomain: TraceRollup[];
  byDay: TraceRollup[];
  /** The matching messages (with --list), oldest first; at most the limit. */
  messages: TraceMessage[] | null;
  notListed: number;
}

/** The connector a message came in through, as the trace names it. */
export function connectorOf(m: TraceMessage): string | null {
  // The enhanced summary has no custom_data; its connector_id is what it says of the connector.
  return m.inboundConnector?.name ?? (m.format === 'enhanced-summary' ? m.connectorId : null);
}

export function tenantOf(m: TraceMessage): string | null {
  return m.inboundConnector?.tenantId ?? m.tenantId ?? m.organization;
}
