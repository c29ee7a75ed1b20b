import { addDiagnostic } from '../limits.js';
import type { InputReport } from '../../model/diagnostics.js';
import type { SmtpReply, StatusObservation, TraceObservation } from '../../model/evidence.js';
import { toByteSource, type ByteSource } from '../byte-source.js';
import { observeStatuses } from '../ndr/status-observations.js';
import type { EvidenceReader, EvidenceReadOptions } from '../evidence/evidence-reader.js';
import { readExchangeLog, type LogHeader } from './exchange-log-file.js';
import { commonDiagnostics, exchangeLogTypeOfSample } from './read-protocol-log.js';
import { parseReplyLine, replyOf } from './smtp-lines.js';

/**
 * One event of an on-premises message tracking log (`MSGTRK*.LOG`, FORMATS.md 2): columns by the
 * names the file's `#Fields` gives them (26 in 2010, 27 in 2013, 30 in 2016 and later); a column
 * the file lacks is null.
 */
export interface TrackingEvent {
  at: string | null;
  /** `RECEIVE`, `SEND`, `DELIVER`, `FAIL`, `DEFER`, `DSN`, `SUBMIT`, `RESOLVE`, `EXPAND`, `REDIRECT`, `HAREDIRECT`, … */
  eventId: string | null;
  /** `SMTP`, `STOREDRIVER`, `ROUTING`, `AGENT`, `DSN`, … */
  source: string | null;
  sourceContext: string | null;
  connectorId: string | null;
  clientIp: string | null;
  clientHostname: string | null;
  serverIp: string | null;
  serverHostname: string | null;
  sender: string | null;
  /** `recipient-address`, `;`-separated and aligned with `recipientStatus`. */
  recipients: string[];
  /** `recipient-status` per recipient, verbatim (`250 2.1.5 Recipient OK`, `550 5.7.64 …`, `To`, …). */
  recipientStatus: string[];
  /** The recipient statuses that are SMTP replies (`550 5.7.64 TenantAttribution; …`), decoded. */
  replies: SmtpReply[];
  messageId: string | null;
  internalMessageId: string | null;
  networkMessageId: string | null;
  subject: string | null;
  directionality: string | null;
  tenantId: string | null;
  originalClientIp: string | null;
  line: number;
}

const COLUMN_NAMES = {
  at: 'date-time',
  eventId: 'event-id',
  source: 'source',
  sourceContext: 'source-context',
  connectorId: 'connector-id',
  clientIp: 'client-ip',
  clientHostname: 'client-hostname',
  serverIp: 'server-ip',
  serverHostname: 'server-hostname',
  sender: 'sender-address',
  recipients: 'recipient-address',
  recipientStatus: 'recipient-status',
  messageId: 'message-id',
  internalMessageId: 'internal-message-id',
  networkMessageId: 'network-message-id',
  subject: 'message-subject',
  directionality: 'directionality',
  tenantId: 'tenant-id',
  originalClientIp: 'original-client-ip',
} as const;

type Columns = Record<keyof typeof COLUMN_NAMES, number>;

function columnsOf(header: LogHeader): Columns {
  const out = {} as Columns;
  for (const [key, name] of Object.entries(COLUMN_NAMES) as [keyof Columns, string][]) out[key] = header.fields.indexOf(name);
  return out;
}

function multi(value: string | null): string[] {
  if (!value) return [];
  return value.split(';').filter((v) => v !== '');
}

/**
 * `recipient-status` per recipient. A status may itself hold `;` (`550 5.7.64 TenantAttribution;
 * Relay Access Denied`, `550 4.4.7 QUEUE.Expired;…`), so it is cut only where a new status starts
 * (a reply code, or `To`/`Cc`/`Bcc`), and not at all for a single recipient.
 */
function statuses(value: string | null, recipients: number): string[] {
  if (!value) return [];
  if (recipients <= 1) return [value];
  // `[{LRT=};{LED=550 5.7.1 …; text};{FQDN=};{IP=}]` per recipient (Get-MessageTrackingLog's
  // RecipientStatus, the queue's LastError form): `;` and codes occur inside, so only `];[` cuts.
  if (value.startsWith('[{')) return value.split(/(?<=\]);(?=\[)/).map((v) => v.trim());
  return value.split(/;(?=\s*(?:[2-5]\d\d(?:[ -]|$)|To$|Cc$|Bcc$|To;|Cc;|Bcc;))/).map((v) => v.trim());
}

/**
 * The reply a recipient status holds: the status itself, or in the bracketed form
 * `[{LRT=…};{LED=550 5.7.1 RESOLVER.RST.AuthRequired; authentication required};{FQDN=};{IP=}]`
 * the last error (`LED`), where the reply code and enhanced code are.
 */
export function statusReplyText(status: string): string {
  if (!status.startsWith('[{')) return status;
  const at = status.indexOf('{LED=');
  if (at < 0) return status;
  const end = status.indexOf('};{', at);
  const text = status.slice(at + 5, end >= 0 ? end : status.endsWith('}]') ? status.length - 2 : status.length).trim();
  return text === '' ? status : text;
}

/**
 * Reads a message tracking log, handing out each event. Events are not turned into observations
 * yet (they name no TLS or certificate); rules can use `readTrackingLog` directly.
 */
export async function readTrackingLog(
  input: ByteSource | string,
  onEvent: (e: TrackingEvent) => void,
  options: EvidenceReadOptions = {},
): Promise<InputReport> {
  const source = toByteSource(input);
  const file = source.name;
  let columns: Columns | null = null;
  let notTrackingRows = 0;
  const result = await readExchangeLog(
    source,
    {
      header(header) {
        columns = header.type === 'message-tracking' ? columnsOf(header) : null;
      },
      row(values, line) {
        const c = columns;
        if (!c) {
          notTrackingRows++;
          return;
        }
        const get = (i: number): string | null => (i >= 0 && values[i] !== '' ? values[i]! : null);
        const recipients = multi(get(c.recipients));
        const recipientStatus = statuses(get(c.recipientStatus), recipients.length);
        const replies: SmtpReply[] = [];
        for (const status of recipientStatus) {
          const reply = parseReplyLine(statusReplyText(status));
          if (reply) replies.push(replyOf(null, reply.code, [reply.text]));
        }
        onEvent({
          at: get(c.at),
          eventId: get(c.eventId),
          source: get(c.source),
          sourceContext: get(c.sourceContext),
          connectorId: get(c.connectorId),
          clientIp: get(c.clientIp),
          clientHostname: get(c.clientHostname),
          serverIp: get(c.serverIp),
          serverHostname: get(c.serverHostname),
          sender: get(c.sender),
          recipients,
          recipientStatus,
          replies,
          messageId: get(c.messageId),
          internalMessageId: get(c.internalMessageId),
          networkMessageId: get(c.networkMessageId),
          subject: get(c.subject),
          directionality: get(c.directionality),
          tenantId: get(c.tenantId),
          originalClientIp: get(c.originalClientIp),
          line,
        });
      },
    },
    options.progress,
  );
  const diagnostics = commonDiagnostics(file, result);
  if (notTrackingRows > 0) {
    diagnostics.push({ severity: 'warning', location: file, message: `${notTrackingRows} row(s) under a header that is not a message tracking log header were not read` });
  }
  return { file, kind: 'tracking-log', records: result.rows - notTrackingRows, skipped: result.malformed.count + notTrackingRows, diagnostics };
}

/**
 * The refusals a tracking log records for mail leaving this organization — a FAIL or DEFER event
 * of the SMTP source carries the remote server's reply per recipient (`550 5.7.64
 * TenantAttribution; …` from Exchange Online) — as observations, one per refused recipient.
 * Other events carry no session, TLS or certificate and are only counted.
 */
export function refusalsOf(e: TrackingEvent, file: string): TraceObservation[] {
  if (e.source !== 'SMTP' || (e.eventId !== 'FAIL' && e.eventId !== 'DEFER')) return [];
  const out: TraceObservation[] = [];
  e.recipientStatus.forEach((status, i) => {
    const reply = parseReplyLine(statusReplyText(status));
    if (!reply || reply.code < 400) return;
    out.push({
      at: e.at,
      tenantId: null,
      inboundConnector: null,
      direction: e.directionality,
      sender: e.sender,
      recipient: e.recipients[i] ?? null,
      clientIp: e.clientIp,
      clientHostname: e.clientHostname,
      status: e.eventId,
      response: replyOf(null, reply.code, [reply.text]),
      messageId: e.messageId,
      source: { file, line: e.line },
      origin: 'tracking-log',
      connector: e.connectorId,
    });
  });
  return out;
}

/** Events whose recipient status can be a refusal, a deferral or an NDR's status (FORMATS.md 2: `550 4.4.7 QUEUE.Expired;…`). */
const STATUS_EVENTS = new Set(['FAIL', 'DEFER', 'DSN', 'DELIVERFAIL', 'SUBMITDEFER', 'RESUBMITDEFER', 'POISONMESSAGE']);

/**
 * The statuses (NDR-CATALOG, `MTL`) in a FAIL, DEFER or DSN event's recipient-status, one per
 * recipient whose status is a refusal or deferral; other events never reach the recogniser.
 * The send connector (`connector-id`) and, for SMTP events, the remote server are named.
 */
export function trackingStatuses(e: TrackingEvent, file: string): StatusObservation[] {
  const out: StatusObservation[] = [];
  if (e.eventId === null || !STATUS_EVENTS.has(e.eventId.toUpperCase())) return out;
  const smtp = e.source === 'SMTP';
  e.recipientStatus.forEach((verbatim, i) => {
    const status = statusReplyText(verbatim);
    const c = status.charCodeAt(0);
    // `250 2.1.5 Recipient OK`, `To`, `Cc`: nothing to recognise.
    if (c !== 52 && c !== 53 && !/[45]\.\d{1,3}\.\d/.test(status)) return;
    observeStatuses(
      status,
      {
        origin: 'tracking-log',
        at: e.at,
        sender: e.sender,
        recipient: e.recipients[i] ?? (e.recipients.length === 1 ? e.recipients[0]! : null),
        connector: e.connectorId,
        remoteHost: smtp ? e.serverHostname : null,
        remoteIp: smtp ? e.serverIp : null,
        clientIp: e.clientIp,
        tenantId: e.tenantId,
        source: { file, line: e.line },
      },
      (o) => out.push(o),
    );
  });
  return out;
}

export const trackingLogReader: EvidenceReader = {
  kind: 'tracking-log',
  detect(sample) {
    return exchangeLogTypeOfSample(sample) === 'message-tracking';
  },
  async read(source, sink, options) {
    const file = source.name;
    const report = await readTrackingLog(
      source,
      (e) => {
        for (const o of refusalsOf(e, file)) sink.trace(o);
        for (const o of trackingStatuses(e, file)) sink.status?.(o);
      },
      options,
    );
    // Refusals are trace observations: past the bound on distinct routes they are grouped coarsely (trace-groups.ts), which the report says.
    const notice = sink.traceGroupingNotice?.(report.file);
    if (notice) addDiagnostic(report.diagnostics, notice, report.file);
    return report;
  },
};
