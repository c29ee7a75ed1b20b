import { decodeCustomData, type DecodedCustomData } from './custom-data.js';
import type { TraceField, TraceFormat } from './trace-columns.js';
import { newDateContext, parseTraceDate, type DateContext } from './trace-dates.js';
import { eventId, parseReply, statusOfEvent, type TraceMessage } from './trace-message.js';

/** One row (CSV) or object (JSON) of a trace, read field by field. */
export interface TraceRow {
  get(field: TraceField): string | null;
}

export interface RowContext {
  file: string;
  format: TraceFormat;
  dates: DateContext;
  /**
   * The messages only become observations (toObservation): a summary row's subject, organization,
   * connector id and size, which an observation does not keep, are left unread (null).
   */
  observationOnly?: boolean;
}

export function newRowContext(file: string, format: TraceFormat, observationOnly = false): RowContext {
  return { file, format, dates: newDateContext(), observationOnly };
}

function size(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text.replace(/[,\s]/g, ''));
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function blank(format: TraceFormat, line: number, file: string): TraceMessage {
  return {
    format,
    at: null,
    sender: null,
    recipient: null,
    subject: null,
    status: null,
    direction: null,
    messageId: null,
    networkMessageId: null,
    tenantId: null,
    organization: null,
    inboundConnector: null,
    outboundConnector: null,
    connectorId: null,
    clientIp: null,
    clientHostname: null,
    fromEntity: null,
    originatorOrg: null,
    tlsVersion: null,
    response: null,
    size: null,
    events: [],
    source: { file, line },
  };
}

/**
 * A summary row (Get-MessageTrace, V2, Graph, the EAC summary): one message to one recipient.
 * FromIP is the connecting client's address and is blank for mail sent out (FORMATS.md 1a).
 */
export function summaryMessage(row: TraceRow, line: number, ctx: RowContext): TraceMessage {
  const m = blank(ctx.format, line, ctx.file);
  m.at = parseTraceDate(row.get('time'), ctx.dates);
  m.sender = row.get('sender');
  m.recipient = row.get('recipient');
  m.status = row.get('status');
  m.direction = row.get('directionality');
  m.messageId = row.get('messageId');
  m.tenantId = row.get('tenantId');
  m.clientIp = row.get('fromIp') ?? row.get('originalClientIp');
  m.response = parseReply(row.get('detail'));
  if (!ctx.observationOnly) {
    m.subject = row.get('subject');
    m.organization = row.get('organization');
    m.connectorId = row.get('connectorId');
    m.size = size(row.get('size'));
  }
  return m;
}

/**
 * An enhanced-summary row: one message, its recipients in `recipient_status` as
 * `ann@contoso.com##Receive, Deliver;joe@contoso.com##Receive, Fail` (FORMATS.md 1c). Gives one
 * message per recipient, its status from the last event.
 */
export function enhancedSummaryMessages(row: TraceRow, line: number, ctx: RowContext): TraceMessage[] {
  const base = blank(ctx.format, line, ctx.file);
  base.at = parseTraceDate(row.get('time'), ctx.dates);
  base.sender = row.get('sender');
  base.subject = row.get('subject');
  base.messageId = row.get('messageId');
  base.networkMessageId = row.get('networkMessageId');
  base.clientIp = row.get('originalClientIp') ?? row.get('clientIp');
  base.direction = row.get('directionality');
  base.connectorId = row.get('connectorId');
  base.tenantId = row.get('tenantId');
  base.size = size(row.get('size'));
  const status = row.get('recipientStatus') ?? '';
  const recipients = splitRecipientStatus(status);
  if (recipients.length === 0) return [base];
  return recipients.map((r) => {
    const events = r.events.map(eventId);
    let s: string | null = null;
    for (const e of events) s = statusOfEvent(e) ?? s;
    return { ...base, recipient: r.address, status: s ?? (events.length > 0 ? r.events[r.events.length - 1]! : null), events };
  });
}

/** Recipients start where a `;`-chunk carries `##`; an address with an odd quote stays whole. */
export function splitRecipientStatus(text: string): Array<{ address: string; events: string[] }> {
  const out: Array<{ address: string; events: string[] }> = [];
  for (const chunk of text.split(';')) {
    const hash = chunk.indexOf('##');
    if (hash < 0) {
      const last = out[out.length - 1];
      if (last && chunk.trim() !== '') last.events.push(...chunk.split(',').map((e) => e.trim()).filter(Boolean));
      continue;
    }
    const address = chunk.slice(0, hash).trim();
    const events = chunk.slice(hash + 2).split(',').map((e) => e.trim()).filter(Boolean);
    out.push({ address, events });
  }
  return out;
}

/** What an event row says about the connection it came in on (entry events) or left on (SEND). */
export interface EventDetails {
  custom: DecodedCustomData | null;
  connectorId: string | null;
  clientIp: string | null;
  clientHostname: string | null;
}

const MEP = /<MEP\s+Name="([^"]*)"\s+\w+="([^"]*)"\s*\/>/g;

function xmlText(s: string): string {
  return s.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi, (_, dec, hex, name) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[(name as string).toLowerCase()] ?? '';
  });
}

/**
 * Get-MessageTraceDetail's `Data`: `<root><MEP Name="CustomData" Blob="S:…"/>…</root>` (FORMATS.md
 * 1a) or, in V2 exports, the custom data text itself.
 */
export function detailData(data: string | null): EventDetails {
  const out: EventDetails = { custom: null, connectorId: null, clientIp: null, clientHostname: null };
  if (!data) return out;
  if (!data.includes('<MEP')) {
    out.custom = decodeCustomData(data);
    return out;
  }
  const blobs: string[] = [];
  for (const m of data.matchAll(MEP)) {
    const name = m[1]!.toLowerCase();
    const value = xmlText(m[2]!);
    if (name === 'customdata') blobs.push(value);
    else if (name === 'connectorid') out.connectorId ||= value;
    else if (name === 'clientip' || name === 'clientipaddress') out.clientIp ||= value;
    else if (name === 'clientname' || name === 'clienthostname') out.clientHostname ||= value;
  }
  if (blobs.length > 0) out.custom = decodeCustomData(blobs.join(';'));
  return out;
}
