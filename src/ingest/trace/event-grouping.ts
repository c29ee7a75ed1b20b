import type { SmtpReply, StatusObservation } from '../../model/evidence.js';
import { decodeCustomData } from './custom-data.js';
import { parseTraceDate } from './trace-dates.js';
import { RememberedKeys } from './remembered-keys.js';
import { StringPool } from './string-pool.js';
import { detach, eventId, isEntryEvent, parseReply, statusOfEvent, type TraceMessage } from './trace-message.js';
import { detailData, type EventDetails, type RowContext, type TraceRow } from './trace-rows.js';
import { traceEventStatuses } from './trace-statuses.js';

/**
 * Gathers the event rows of an extended report or a Get-MessageTraceDetail export into one
 * TraceMessage per message and recipient — the unit Get-MessageTrace has a row for.
 *
 * Memory stays bounded: a message's events sit close together in these reports (the detail
 * cmdlet writes them per message; historical search writes them roughly by time, a message's
 * events within seconds of each other), so messages are kept in a window of the most recently
 * touched WINDOW messages. A message pushed out of the window is reported then, with what was
 * seen of it. Rows of a message already reported (its events were further apart than the
 * window) are counted and not reported again, so a message is never counted twice while it is
 * remembered (the last REMEMBERED keys).
 *
 * The entry event (RECEIVE, SUBMIT) gives the time, the connection and the connector: Exchange
 * Online writes InboundConnectorData, FromEntity, Oorg and the proxied client on it (seed 000:
 * "the custom_data column for row source=SMTP and event_id=RECEIVE"). Each recipient's status
 * is that of its latest status event (DELIVER, SEND, FAIL, DEFER, …).
 */

export const WINDOW = 10_000;
export const REMEMBERED = 100_000;
/** Recipients kept per message (a distribution list's expansion can list thousands). */
export const RECIPIENTS_KEPT = 1000;
const EVENTS_KEPT = 32;
/** Distinct recurring values shared at a time (see EventGrouper.shared). */
const SHARED_VALUES = 4096;
/** Status observations held per open message until it is complete (its outbound connector known). */
const STATUSES_KEPT = 32;

interface RecipientState {
  address: string;
  /** Lowercase, to match the recipient's other rows (the same string as `address` when that is already lowercase). */
  key: string;
  status: string | null;
  statusAt: string;
  response: SmtpReply | null;
}

/** What is kept of the entry event: the decoded custom_data itself would cost kilobytes per open message. */
type Entry = Pick<TraceMessage, 'at' | 'inboundConnector' | 'connectorId' | 'clientIp' | 'clientHostname' | 'fromEntity' | 'originatorOrg' | 'tlsVersion'> & {
  line: number;
  /** As written; converted once the message is complete. */
  size: string | null;
};

/** `at`: already detached. `keep`: a detached copy shared with other messages holding the same value. */
function entryOf(at: string | null, line: number, d: EventDetails, originalClientIp: string | null, size: string | null, keep: (v: string | null) => string | null): Entry {
  const c = d.custom;
  const connector = c?.inboundConnector ?? null;
  return {
    at,
    line,
    inboundConnector: connector?.name ? { name: keep(connector.name)!, type: keep(connector.type), tenantId: keep(connector.tenantId) } : null,
    connectorId: keep(d.connectorId),
    clientIp: keep(c?.proxiedClientIp ?? originalClientIp ?? d.clientIp),
    clientHostname: keep(c?.proxiedClientHostname ?? d.clientHostname),
    fromEntity: keep(c?.fromEntity ?? null),
    originatorOrg: keep(c?.originatorOrg ?? null),
    tlsVersion: c?.inboundTls?.version ?? null,
    size: detach(size),
  };
}

interface Group {
  key: string;
  firstLine: number;
  firstAt: string | null;
  entry: Entry | null;
  sender: string | null;
  subject: string | null;
  messageId: string | null;
  networkMessageId: string | null;
  direction: string | null;
  tenantId: string | null;
  organization: string | null;
  outboundConnector: string | null;
  /** In the order first seen (the order reported); `index` finds one by key once there are many. */
  recipients: RecipientState[];
  index: Map<string, RecipientState> | null;
  /** Each array exactly as long as it holds (concat sizes it; a pushed-to array reserves 17 slots): most messages have 2–5 events. */
  events: string[];
  /** Statuses of its Defer/Fail/Drop events, each tied to its own row; handed out in finish(). */
  statuses: StatusObservation[] | null;
  /** Neighbours in the window's order, least recently touched first. */
  older: Group | null;
  newer: Group | null;
}

export class EventGrouper {
  /** Open messages by key; their order (least recently touched first) is the list oldest → newest. */
  private readonly open = new Map<string, Group>();
  private oldest: Group | null = null;
  private newest: Group | null = null;
  private readonly remembered = new RememberedKeys(REMEMBERED);
  /**
   * One detached copy of each value that recurs across messages (direction, tenant, connector,
   * organization, event ids…), shared by the open messages instead of a copy each: the window
   * holds 10 000 of them.
   */
  private readonly shared = new StringPool(SHARED_VALUES);
  private readonly keep = (v: string | null): string | null => this.shared.get(v);
  /** Rows of messages already reported (their events were more than WINDOW messages apart). */
  lateRows = 0;
  firstLateLine: number | null = null;
  /** Recipients beyond RECIPIENTS_KEPT of one message, not reported. */
  recipientsNotKept = 0;

  constructor(
    private readonly ctx: RowContext,
    private readonly emit: (m: TraceMessage) => void,
    private readonly window = WINDOW,
    /** Receives the statuses recognised in non-delivered events (NDR-CATALOG); absent when nobody asks. */
    private readonly onStatus: ((o: StatusObservation) => void) | null = null,
  ) {}

  add(row: TraceRow, line: number): void {
    const detail = this.ctx.format !== 'extended';
    let key = (detail ? row.get('messageTraceId') : row.get('networkMessageId')) ?? row.get('messageId') ?? row.get('internalMessageId') ?? '';
    let group = this.open.get(key);
    if (group) {
      // Most recently touched last: the window drops the message idle longest. Re-inserted under
      // the group's own copy of the key: the row's is a slice of the decoded chunk. A message's
      // events mostly follow each other: one already last stays where it is.
      if (group !== this.newest) {
        this.unlink(group);
        this.append(group);
      }
    } else {
      if (this.remembered.has(key)) {
        this.lateRows++;
        this.firstLateLine ??= line;
        return;
      }
      key = detach(key);
      group = newGroup(key, line);
      this.open.set(key, group);
      this.append(group);
      if (this.open.size > this.window) {
        // A Map's first entry is found by skipping the holes its deletions leave: the list's head is not.
        const old = this.oldest!;
        this.unlink(old);
        this.open.delete(old.key);
        this.finish(old.key, old);
      }
    }
    this.addEvent(group, row, line, detail);
  }

  /** The end of the file: every message still open is reported. */
  flush(): void {
    for (let g = this.oldest; g !== null; g = g.newer) this.finish(g.key, g);
    this.open.clear();
    this.oldest = null;
    this.newest = null;
  }

  private unlink(g: Group): void {
    if (g.older) g.older.newer = g.newer;
    else this.oldest = g.newer;
    if (g.newer) g.newer.older = g.older;
    else this.newest = g.older;
    g.older = null;
    g.newer = null;
  }

  private append(g: Group): void {
    g.older = this.newest;
    if (this.newest) this.newest.newer = g;
    else this.oldest = g;
    this.newest = g;
  }

  private addEvent(g: Group, row: TraceRow, line: number, detail: boolean): void {
    const eventText = row.get('event') ?? '';
    const event = eventId(eventText);
    if (g.events.length < EVENTS_KEPT) g.events = g.events.concat(this.keep(event)!);
    // Extended reports write one ISO shape, which orders as text: parsed once per message, in finish().
    const at = this.ctx.format === 'extended' ? row.get('time') : parseTraceDate(row.get('time'), this.ctx.dates);
    /** The row's time, detached at most once however many of the message's fields keep it. */
    let atKept: string | null = null;
    if (at !== null && (g.firstAt === null || at < g.firstAt)) g.firstAt = atKept = detach(at);
    g.sender ??= detach(row.get('sender'));
    g.subject ??= detach(row.get('subject'));
    g.messageId ??= detach(row.get('messageId'));
    if (g.networkMessageId === null) {
      const id = row.get('networkMessageId');
      // The extended report's key is the network message id: one copy serves both.
      g.networkMessageId = id === g.key ? g.key : detach(id);
    }
    g.direction ??= this.keep(row.get('directionality'));
    g.tenantId ??= this.keep(row.get('tenantId'));
    g.organization ??= this.keep(row.get('organization'));

    if (isEntryEvent(event)) {
      const details = detail ? detailData(row.get('data')) : extendedDetails(row);
      if (!details.clientIp && !detail) details.clientIp = row.get('clientIp');
      // Several entry events (a resubmission, a second hop): the one with connector data wins, then the first.
      if (g.entry === null || (g.entry.inboundConnector === null && details.custom?.inboundConnector?.name)) {
        g.entry = entryOf((atKept ??= detach(at)), line, details, row.get('originalClientIp'), row.get('size'), this.keep);
      }
    } else if (event === 'SEND' && g.outboundConnector === null) {
      const data = detail ? row.get('data') : row.get('customData');
      if (data && data.includes('TenantOutboundConnectorCustomData')) {
        g.outboundConnector = this.keep((detail ? detailData(data).custom : decodeCustomData(data))?.outboundConnector?.name ?? null);
      }
    }

    const recipientText = row.get('recipient');
    const status = statusOfEvent(event);
    const failed = status === 'Failed' || status === 'Pending';
    const statusText = failed ? (detail ? row.get('detail') : row.get('recipientStatus')) : null;
    const reply = failed ? parseReply(statusText) : null;
    const response = reply ? { ...reply, text: detach(reply.text) } : null;
    // Only the events that did not deliver can carry a status: the recogniser never sees the rest.
    if (failed && this.onStatus) this.keepStatuses(g, row, line, at, statusText, detail, recipientText);
    if (recipientText === null) return;
    // An entry event of an on-premises-style row lists every recipient, `;`-separated.
    const addresses = recipientText.includes(';') ? recipientText.split(';').map((a) => a.trim()).filter(Boolean) : [recipientText];
    for (const address of addresses) {
      const k = address.toLowerCase();
      let r = recipientOf(g, k);
      if (!r) {
        if (g.recipients.length >= RECIPIENTS_KEPT) {
          this.recipientsNotKept++;
          continue;
        }
        const kept = detach(address);
        r = { address: kept, key: k === address ? kept : detach(k), status: null, statusAt: '', response: null };
        addRecipient(g, r);
      }
      // The latest status event decides; a later row breaks a tie (the file's order).
      const when = at ?? '';
      if (status !== null && when >= r.statusAt) {
        r.status = status;
        r.statusAt = at === null ? '' : (atKept ??= detach(at));
        r.response = response;
      }
    }
  }

  private keepStatuses(g: Group, row: TraceRow, line: number, at: string | null, statusText: string | null, detail: boolean, recipientText: string | null): void {
    const data = detail ? row.get('data') : row.get('customData');
    const found = traceEventStatuses(statusText, data, {
      origin: 'message-trace',
      at: parseTraceDate(at, this.ctx.dates),
      sender: g.sender,
      recipient: recipientText,
      connector: null,
      remoteHost: null,
      remoteIp: null,
      clientIp: null,
      tenantId: g.tenantId,
      source: { file: this.ctx.file, line },
    });
    if (found.length === 0) return;
    const kept = (g.statuses ??= []);
    for (const o of found) if (kept.length < STATUSES_KEPT) kept.push(o);
  }

  private finish(key: string, g: Group): void {
    this.remembered.add(key);
    const e = g.entry;
    const iso = (t: string | null): string | null => (this.ctx.format === 'extended' ? parseTraceDate(t, this.ctx.dates) : t);
    const base: TraceMessage = {
      format: this.ctx.format,
      at: iso(e?.at ?? g.firstAt),
      sender: g.sender,
      recipient: null,
      subject: g.subject,
      status: null,
      direction: g.direction,
      messageId: g.messageId,
      networkMessageId: g.networkMessageId,
      tenantId: e?.inboundConnector?.tenantId ?? g.tenantId,
      organization: g.organization,
      inboundConnector: e?.inboundConnector ?? null,
      outboundConnector: g.outboundConnector,
      connectorId: e?.connectorId ?? null,
      clientIp: e?.clientIp ?? null,
      clientHostname: e?.clientHostname ?? null,
      fromEntity: e?.fromEntity ?? null,
      originatorOrg: e?.originatorOrg ?? null,
      tlsVersion: e?.tlsVersion ?? null,
      response: null,
      size: e?.size ? sizeOf(e.size) : null,
      events: g.events,
      source: { file: this.ctx.file, line: e?.line ?? g.firstLine },
    };
    if (g.statuses && this.onStatus) {
      for (const o of g.statuses) {
        // What the whole message tells: the outbound connector (SEND), its client and tenant (RECEIVE).
        o.connector ??= g.outboundConnector;
        o.sender ??= g.sender;
        o.clientIp ??= base.clientIp;
        o.tenantId = base.tenantId ?? o.tenantId;
        this.onStatus(o);
      }
    }
    if (g.recipients.length === 0) {
      this.emit({ ...base, status: statusOf(g.events) });
      return;
    }
    for (const r of g.recipients) {
      this.emit({ ...base, recipient: r.address, status: r.status ?? statusOf(g.events), response: r.response });
    }
  }

}

function newGroup(key: string, line: number): Group {
  return {
    key,
    firstLine: line,
    firstAt: null,
    entry: null,
    sender: null,
    subject: null,
    messageId: null,
    networkMessageId: null,
    direction: null,
    tenantId: null,
    organization: null,
    outboundConnector: null,
    recipients: [],
    index: null,
    events: [],
    statuses: null,
    older: null,
    newer: null,
  };
}

/** Up to this many recipients a message's list is searched in order; past it, by a Map. */
const LISTED_RECIPIENTS = 8;

function recipientOf(g: Group, key: string): RecipientState | undefined {
  if (g.index !== null) return g.index.get(key);
  for (const r of g.recipients) if (r.key === key) return r;
  return undefined;
}

function addRecipient(g: Group, r: RecipientState): void {
  // Short lists exactly as long as they hold, like `events`; a long one grows the usual way.
  if (g.recipients.length < LISTED_RECIPIENTS) g.recipients = g.recipients.concat(r);
  else g.recipients.push(r);
  if (g.index !== null) g.index.set(r.key, r);
  else if (g.recipients.length > LISTED_RECIPIENTS) g.index = new Map(g.recipients.map((x) => [x.key, x]));
}

function extendedDetails(row: TraceRow): EventDetails {
  const data = row.get('customData');
  return { custom: data ? decodeCustomData(data) : null, connectorId: row.get('connectorId'), clientIp: null, clientHostname: row.get('clientHostname') };
}

/** A message with no per-recipient status event: what its events say, or Received when it only came in. */
function statusOf(events: string[]): string | null {
  let s: string | null = null;
  for (const e of events) s = statusOfEvent(e) ?? s;
  if (s === null && events.some(isEntryEvent)) return 'Received';
  return s;
}

function sizeOf(text: string): number | null {
  const n = Number(text.replace(/[,\s]/g, ''));
  return Number.isFinite(n) && n >= 0 ? n : null;
}
