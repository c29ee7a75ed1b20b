import type { SmtpSessionObservation, StatusObservation } from '../../model/evidence.js';
import { copy, isExpiry, observation, quotedLastError, type recognise, type StatusContext } from '../ndr/status-observations.js';

/** A status read in a protocol-log session, before the session's endpoints and names are all known. */
export interface PendingStatus {
  found: ReturnType<typeof recognise>;
  /** The reply or information text it was found in (copied). */
  text: string;
  line: number;
  /** The row's date-time, '' when the reader did not read it (rows after a session's first). */
  time: string;
  sender: string | null;
  recipient: string | null;
}

/**
 * The statuses of one session (replies of 400 and above, `*` rows), each tied to its row, with the
 * session's connector and endpoints (NDR-CATALOG `PLOG`): the remote side is the session's server.
 */
export function sessionStatusObservations(pending: readonly PendingStatus[], session: SmtpSessionObservation, file: string): StatusObservation[] {
  const out: StatusObservation[] = [];
  for (const p of pending) {
    const ctx: StatusContext = {
      origin: 'protocol-log',
      at: p.time !== '' ? p.time : session.at,
      sender: p.sender,
      recipient: p.recipient,
      connector: session.connector,
      remoteHost: session.serverName,
      remoteIp: session.server.ip,
      clientIp: session.client.ip,
      tenantId: null,
      source: { file, line: p.line },
    };
    for (const s of p.found) out.push(observation(s, ctx, isExpiry(s) ? quotedLastError(p.text, s, p.found) : null));
  }
  return out;
}

/** The address of a `MAIL FROM:<a@b> SIZE=…` or `RCPT TO:<a@b>` row, null when none. */
export function addressOf(data: string | null): string | null {
  if (data === null) return null;
  const open = data.indexOf('<');
  const close = open < 0 ? -1 : data.indexOf('>', open + 1);
  if (close < 0) return null;
  const address = data.slice(open + 1, close).trim();
  return address === '' ? null : copy(address);
}
