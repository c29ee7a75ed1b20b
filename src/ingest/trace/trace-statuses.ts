import type { StatusObservation } from '../../model/evidence.js';
import { isExpiry, observation, quotedLastError, recognise, type StatusContext } from '../ndr/status-observations.js';

/**
 * The status of a message-trace event that did not deliver (Defer, Fail, Drop). Exchange Online
 * writes it as `Reason: [{LED=<last error>};{MSG=<message>};{FQDN=<host>};{IP=<address>};
 * {LRT=<last retry time>}]` (NDR-CATALOG "TRACE"; FORMATS.md 1a), in the extended report's
 * `recipient_status` or the detail cmdlets' `Detail`, sometimes followed by
 * `OutboundProxyTargetIP: …. OutboundProxyTargetHostName: …`; custom_data may carry
 * `S:OutboundProxyTargetHostName=…` too. Older rows hold the bare reply (`451 4.4.0 DNS query failed…`).
 */
export interface TraceReason {
  led: string | null;
  msg: string | null;
  fqdn: string | null;
  ip: string | null;
  lrt: string | null;
}

const REASON_KEYS = ['LED', 'MSG', 'FQDN', 'IP', 'LRT'] as const;

/** The `{KEY=value}` items of a reason; null when the text has none (a bare reply). */
export function parseTraceReason(text: string): TraceReason | null {
  if (text.indexOf('{LED=') < 0 && text.indexOf('{led=') < 0) return null;
  const out: TraceReason = { led: null, msg: null, fqdn: null, ip: null, lrt: null };
  for (const key of REASON_KEYS) {
    const start = text.indexOf(`{${key}=`);
    if (start < 0) continue;
    const from = start + key.length + 2;
    // A value ends at its own `};{` or `}]`; LED texts hold `[…]` and `;` of their own.
    let end = text.indexOf('};{', from);
    if (end < 0) end = text.indexOf('}]', from);
    if (end < 0) end = text.lastIndexOf('}');
    if (end < from) end = text.length;
    const value = text.slice(from, end).trim();
    out[key.toLowerCase() as keyof TraceReason] = value === '' ? null : value;
  }
  return out;
}

/**
 * `OutboundProxyTargetHostName: host` (Detail), `S:OutboundProxyTargetHostName=host` (custom_data)
 * or `<MEP Name="OutboundProxyTargetHostName" String="host"/>` (Get-MessageTraceDetail's Data).
 */
function proxyTarget(text: string | null, name: 'HostName' | 'IP'): string | null {
  if (!text) return null;
  const key = `OutboundProxyTarget${name}`;
  const at = text.indexOf(key);
  if (at < 0) return null;
  if (text[at + key.length] === '"') {
    const mep = /^"\s+\w+="([^"]*)"/.exec(text.slice(at + key.length, at + key.length + 300));
    return mep && mep[1] !== '' ? mep[1]! : null;
  }
  let i = at + key.length;
  while (i < text.length && (text[i] === ':' || text[i] === '=' || text[i] === ' ')) i++;
  let end = i;
  while (end < text.length && !' ;]}\r\n'.includes(text[end]!)) end++;
  const value = text.slice(i, end).replace(/\.$/, '');
  return value === '' ? null : value;
}

/** `[DM6NAM12FT019.eop-nam12.prod.protection.outlook.com …]`: the Exchange Online Protection server that wrote a refusal. */
const EOP_HOST = /\[([A-Za-z0-9-]{1,63}\.eop-[A-Za-z0-9-]{1,63}\.prod\.protection\.outlook\.com)\b/;

/** A status in custom_data is rare; the recogniser runs on it only when it holds something like `4.4.317`. */
const STATUS_LIKE = /[245]\.\d{1,3}\.\d{1,3}/;

/**
 * The status observations of one non-delivered event: recognised in LED (and MSG), or in the whole
 * text when it has no reason items, and in custom_data when that holds a status code. FQDN / IP
 * name the remote side, else OutboundProxyTargetHostName / OutboundProxyTargetIP.
 */
export function traceEventStatuses(statusText: string | null, customData: string | null, ctx: StatusContext): StatusObservation[] {
  const out: StatusObservation[] = [];
  if (!statusText && !customData) return out;
  const reason = statusText ? parseTraceReason(statusText) : null;
  const here: StatusContext = {
    ...ctx,
    // A bare refusal names no FQDN: the EOP server in its brackets is the one that refused it.
    remoteHost: reason?.fqdn ?? proxyTarget(statusText, 'HostName') ?? proxyTarget(customData, 'HostName') ?? ctx.remoteHost ?? (reason === null && statusText ? (EOP_HOST.exec(statusText)?.[1] ?? null) : null),
    remoteIp: reason?.ip ?? proxyTarget(statusText, 'IP') ?? proxyTarget(customData, 'IP') ?? ctx.remoteIp,
  };
  const texts: string[] = [];
  if (reason) {
    if (reason.led) texts.push(reason.led);
    if (reason.msg && reason.msg !== reason.led) texts.push(reason.msg);
  } else if (statusText) texts.push(statusText);
  if (customData && STATUS_LIKE.test(customData)) texts.push(customData);
  for (const text of texts) {
    const found = recognise(text);
    for (const s of found) {
      // An expiry's root cause is the last deferral: the reason's LED when the expiry is in MSG, else what the text quotes.
      const lastError = isExpiry(s) ? (quotedLastError(text, s, found) ?? (reason?.led && text !== reason.led ? reason.led : null)) : null;
      out.push(observation(s, here, lastError));
    }
  }
  return out;
}
