import type { SmtpReply, TraceObservation } from '../../model/evidence.js';
import type { TraceMessage } from '../../model/message-trace.js';

export type { TraceMessage } from '../../model/message-trace.js';

export function toObservation(m: TraceMessage): TraceObservation {
  return {
    at: m.at,
    tenantId: m.tenantId,
    inboundConnector: m.inboundConnector,
    direction: m.direction,
    sender: m.sender,
    recipient: m.recipient,
    clientIp: m.clientIp,
    clientHostname: m.clientHostname,
    status: m.status,
    response: m.response,
    messageId: m.messageId,
    fromEntity: m.fromEntity,
    originatorOrg: m.originatorOrg,
    tlsVersion: m.tlsVersion,
    source: m.source,
  };
}

/** Event ids as the extended report writes them (`RECEIVE`) from any spelling (`Receive`, `Send external`). */
export function eventId(text: string): string {
  // The extended report's ids are already in that form: no copy needed.
  if (/^[A-Z]+$/.test(text)) return text;
  const t = text.trim().toUpperCase();
  const space = t.indexOf(' ');
  return space < 0 ? t : t.slice(0, space);
}

/**
 * The Get-MessageTrace status an event leaves a message in, null for events that do not end or
 * hold it (RECEIVE, AGENTINFO, RESOLVE, …). Exchange Online shows a message sent to another
 * organization (SEND) as Delivered.
 */
export function statusOfEvent(event: string): string | null {
  switch (event) {
    case 'DELIVER':
    case 'SEND':
    case 'DUPLICATEDELIVER':
      return 'Delivered';
    case 'FAIL':
    case 'DELIVERFAIL':
    case 'DROP':
    case 'BADMAIL':
    case 'POISONMESSAGE':
    case 'SUBMITFAIL':
    case 'RESUBMITFAIL':
      return 'Failed';
    case 'DEFER':
    case 'SUBMITDEFER':
    case 'RESUBMITDEFER':
    case 'THROTTLE':
      return 'Pending';
    case 'EXPAND':
      return 'Expanded';
    case 'QUARANTINE':
      return 'Quarantined';
    default:
      return null;
  }
}

/** Events through which a message enters Exchange Online (they carry the connection's custom_data). */
export function isEntryEvent(event: string): boolean {
  return event === 'RECEIVE' || event === 'SUBMIT' || event === 'HARECEIVE';
}

/**
 * An SMTP reply inside a status text: `550 5.7.64 TenantAttribution; Relay Access Denied`,
 * `{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound; …}`. Null when there is none.
 */
export function parseReply(text: string | null, command: string | null = null): SmtpReply | null {
  if (!text) return null;
  const m = /(?:^|[^\d.])([2-5]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3})\s*)?([^};\]]*(?:;[^};\]]*)?)/.exec(text);
  if (!m) return null;
  const code = Number(m[1]);
  // Success replies are the normal case; only a refusal or deferral is worth keeping.
  if (code < 400) return null;
  return { command, code, enhanced: m[2] ?? null, text: (m[3] ?? '').trim() };
}

export function domainOf(address: string | null): string | null {
  if (!address) return null;
  const at = address.lastIndexOf('@');
  let d = (at < 0 ? '' : address.slice(at + 1)).trim();
  // Closing `>` and quotes trimmed by a backward scan (a `[>"']+$` regex is quadratic on long runs).
  let end = d.length;
  while (end > 0 && (d[end - 1] === '>' || d[end - 1] === '"' || d[end - 1] === "'")) end--;
  d = d.slice(0, end).toLowerCase();
  return d === '' ? null : d;
}

/**
 * A copy of `s` that does not keep its parent alive. Fields are slices of the decoded chunk they
 * were read from (V8 keeps substrings of 13 characters or more as views into their parent), so a
 * value kept in the grouping window, a summary group or the case would keep a whole multi-MB
 * chunk. Joining two pieces writes the text into one flat string of its own size (concatenating
 * and slicing again would keep a slice of the copy besides: a second object per value, and a trace
 * can keep hundreds of thousands). Only what is kept is copied: the rest of a row is read and dropped.
 */
export function detach<T extends string | null>(s: T): T {
  return (s === null || s.length < 13 ? s : [s.slice(0, 1), s.slice(1)].join('')) as T;
}

/** Every string of a message detached, for a message that is kept (listed, or a case's sample). */
export function detachMessage(m: TraceMessage): TraceMessage {
  const out = { ...m };
  for (const k of ['at', 'sender', 'recipient', 'subject', 'status', 'direction', 'messageId', 'networkMessageId', 'tenantId', 'organization', 'outboundConnector', 'connectorId', 'clientIp', 'clientHostname', 'fromEntity', 'originatorOrg', 'tlsVersion'] as const) {
    (out as Record<string, unknown>)[k] = detach(m[k]);
  }
  if (m.inboundConnector) out.inboundConnector = { name: detach(m.inboundConnector.name), type: detach(m.inboundConnector.type), tenantId: detach(m.inboundConnector.tenantId) };
  if (m.response) out.response = { ...m.response, text: detach(m.response.text) };
  return out;
}

/** Empty and whitespace-only cells are null; the rest is trimmed. */
export function cell(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}
