import type { HopFailure } from './flow-types.js';

/**
 * Deferral texts and expiry (EXO-SEMANTICS "Output conventions", CONTRACT v1.1): a deferred
 * message is retried until the sender's queue expires, then the sender writes an NDR.
 */
export const QUEUE_EXPIRED = '550 4.4.7 QUEUE.Expired; message expired';
/** Exchange Online retries for 24 hours [MFI][447]. */
export const EXCHANGE_ONLINE_EXPIRY = '24h';
/** Exchange Server's default MessageExpirationTimeout (Set-TransportService) is 2 days [STS]. */
export const EXCHANGE_SERVER_DEFAULT_EXPIRY = '2d';

export function deferredByExchangeOnline(response: string, conclusion: string): HopFailure {
  return { outcome: 'deferred', response, finalResponse: QUEUE_EXPIRED, expiresAfter: EXCHANGE_ONLINE_EXPIRY, conclusion };
}

/**
 * A message queued on an Exchange server; `timeout` is the server's MessageExpirationTimeout
 * (`2.00:00:00` as Get-TransportService prints it) when the case holds it.
 */
export function deferredByExchangeServer(response: string, conclusion: string, timeout: unknown = null): HopFailure {
  return { outcome: 'deferred', response, finalResponse: QUEUE_EXPIRED, expiresAfter: expiryText(timeout), conclusion };
}

export function rejected(response: string, conclusion: string): HopFailure {
  return { outcome: 'rejected', response, conclusion };
}

/** `2.00:00:00` → `2d`, `12:00:00` → `12h`; anything else is kept as written. */
function expiryText(timeout: unknown): string {
  if (typeof timeout !== 'string' || timeout.trim() === '') return EXCHANGE_SERVER_DEFAULT_EXPIRY;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(timeout.trim());
  if (!m) return timeout.trim();
  const days = Number(m[1] ?? 0);
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (minutes === 0 && hours === 0 && days > 0) return `${days}d`;
  if (minutes === 0) return `${days * 24 + hours}h`;
  return `${days * 24 * 60 + hours * 60 + minutes}m`;
}
