import type { TraceFormat } from '../../model/message-trace.js';

/**
 * Which message-trace format a header row (or a JSON object's property names) is, and which
 * column holds what. Column names are compared normalised (lower case, letters and digits only)
 * so that `date_time_utc`, `DateTimeUtc` and `Date (UTC)` meet; FORMATS.md 1a–1d list the real
 * names, and where it is unsure (the EAC summary export, the V2 cmdlets) plausible variants are
 * accepted and the header decides.
 */

export type { TraceFormat } from '../../model/message-trace.js';

/** What the readers use; every other column is ignored. */
export type TraceField =
  | 'time'
  | 'sender'
  | 'recipient'
  | 'subject'
  | 'status'
  | 'messageId'
  | 'messageTraceId'
  | 'networkMessageId'
  | 'internalMessageId'
  | 'fromIp'
  | 'toIp'
  | 'size'
  | 'organization'
  | 'event'
  | 'action'
  | 'detail'
  | 'data'
  | 'clientIp'
  | 'clientHostname'
  | 'connectorId'
  | 'source'
  | 'recipientStatus'
  | 'directionality'
  | 'tenantId'
  | 'originalClientIp'
  | 'customData';

/** Normalised column name → field. Several names per field: the formats disagree. */
const ALIASES: Record<string, TraceField> = {
  datetimeutc: 'time',
  datetime: 'time',
  origintimestamputc: 'time',
  origintimestamp: 'time',
  received: 'time',
  receiveddatetime: 'time',
  date: 'time',
  dateutc: 'time',
  timestamp: 'time',
  senderaddress: 'sender',
  sender: 'sender',
  from: 'sender',
  fromaddress: 'sender',
  recipientaddress: 'recipient',
  recipient: 'recipient',
  to: 'recipient',
  toaddress: 'recipient',
  messagesubject: 'subject',
  subject: 'subject',
  status: 'status',
  deliverystatus: 'status',
  messageid: 'messageId',
  internetmessageid: 'messageId',
  messagetraceid: 'messageTraceId',
  networkmessageid: 'networkMessageId',
  internalmessageid: 'internalMessageId',
  fromip: 'fromIp',
  toip: 'toIp',
  size: 'size',
  totalbytes: 'size',
  messagesize: 'size',
  organization: 'organization',
  event: 'event',
  eventid: 'event',
  action: 'action',
  detail: 'detail',
  description: 'detail',
  data: 'data',
  clientip: 'clientIp',
  clienthostname: 'clientHostname',
  connectorid: 'connectorId',
  source: 'source',
  recipientstatus: 'recipientStatus',
  directionality: 'directionality',
  direction: 'directionality',
  tenantid: 'tenantId',
  originalclientip: 'originalClientIp',
  customdata: 'customData',
};

export function normalizeColumn(name: string): string {
  // Most names (every property name of an export) are letters and digits only: nothing to remove.
  if (PLAIN_NAME.test(name)) return name.toLowerCase();
  return name.replace(/^\uFEFF/, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

const PLAIN_NAME = /^[A-Za-z0-9]*$/;

export interface TraceLayout {
  format: TraceFormat;
  /** Field → column index (CSV) or property name (JSON). */
  columns: Partial<Record<TraceField, number>>;
  names: Partial<Record<TraceField, string>>;
  width: number;
}

/** The format a set of column names is, with where each field sits; null when it is no trace. */
export function traceLayout(header: readonly string[]): TraceLayout | null {
  const normalized = header.map(normalizeColumn);
  const has = new Set(normalized);
  const format = classify(has);
  if (!format) return null;
  const columns: Partial<Record<TraceField, number>> = {};
  const names: Partial<Record<TraceField, string>> = {};
  normalized.forEach((n, i) => {
    // `date` is the event time in detail rows but Get-MessageTrace's StartDate/EndDate are the query's range: only exact aliases count.
    const field = ALIASES[n];
    if (field && columns[field] === undefined) {
      columns[field] = i;
      names[field] = header[i]!;
    }
  });
  return { format, columns, names, width: header.length };
}

function classify(has: Set<string>): TraceFormat | null {
  if (has.has('eventid') && (has.has('datetimeutc') || has.has('datetime')) && (has.has('customdata') || has.has('networkmessageid') || has.has('sourcecontext'))) {
    return 'extended';
  }
  if ((has.has('origintimestamputc') || has.has('origintimestamp')) && has.has('recipientstatus')) return 'enhanced-summary';
  if (has.has('event') && (has.has('date') || has.has('datetime')) && (has.has('data') || has.has('action') || has.has('detail') || has.has('description'))) {
    return has.has('organization') ? 'get-messagetracedetail' : 'get-messagetracedetail-v2';
  }
  if (has.has('receiveddatetime') && has.has('senderaddress') && has.has('recipientaddress')) return 'graph-messagetrace';
  if (has.has('received') && has.has('senderaddress') && has.has('recipientaddress')) {
    return has.has('organization') || has.has('index') || has.has('startdate') ? 'get-messagetrace' : 'get-messagetrace-v2';
  }
  // The EAC summary's own column names (FORMATS.md 1c: Date, Sender, Recipient, Subject, Status;
  // the export writes `Date (UTC)`), all five. Generic names such as From/To are what any mail
  // gateway's log uses: a CSV of `Date, From, To, Subject, Status, …` is no Microsoft trace.
  const time = has.has('date') || has.has('dateutc') || has.has('datetime') || has.has('received');
  const sender = has.has('sender') || has.has('senderaddress');
  const recipient = has.has('recipient') || has.has('recipientaddress');
  if (time && sender && recipient && has.has('subject') && (has.has('status') || has.has('deliverystatus'))) return 'eac-summary';
  return null;
}

/** Formats whose rows are events of a message, to be gathered into one message per recipient. */
export function isEventFormat(format: TraceFormat): boolean {
  return format === 'extended' || format === 'get-messagetracedetail' || format === 'get-messagetracedetail-v2';
}

export { FORMAT_TITLES } from '../../model/message-trace.js';
