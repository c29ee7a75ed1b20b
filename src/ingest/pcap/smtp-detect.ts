/**
 * Whether a TCP connection carries SMTP, decided from the first bytes one side sends (on any
 * port: SMTP is recognised by what is said, not where), so other traffic is dropped after its
 * first segment instead of being reassembled.
 */

export const SMTP_PORTS = new Set([25, 465, 587, 2525]);
export const IMPLICIT_TLS_PORT = 465;

export const NOT_SMTP = 0;
/** The sender of these bytes is the SMTP server. */
export const SENT_BY_SERVER = 1;
export const SENT_BY_CLIENT = 2;
/** A TLS ClientHello to or from port 465: SMTP inside TLS from the first byte (RFC 8314). */
export const TLS_CLIENT_HELLO = 3;

const COMMANDS = /^(EHLO|HELO|LHLO|MAIL FROM:|RCPT TO:|DATA|BDAT|QUIT|RSET|NOOP|STARTTLS|AUTH|VRFY|EXPN|HELP)\b/i;
const SERVER_FIRST = /^(220|421|554)[ -]/;
const ANY_REPLY = /^[2-5][0-5]\d[ -]/;

/**
 * `midStream`: the capture joined the connection after it opened, so the first bytes may be any
 * command or reply (still SMTP on an SMTP port, where message content may come first).
 */
export function classifyFirstBytes(b: Buffer, start: number, end: number, senderPort: number, receiverPort: number, midStream: boolean): number {
  if (end - start >= 6 && b[start] === 0x16 && b[start + 1] === 3 && b[start + 5] === 1) {
    return senderPort === IMPLICIT_TLS_PORT || receiverPort === IMPLICIT_TLS_PORT ? TLS_CLIENT_HELLO : NOT_SMTP;
  }
  const head = b.toString('latin1', start, Math.min(end, start + 16));
  if (SERVER_FIRST.test(head)) return SENT_BY_SERVER;
  if (/^(EHLO|HELO|LHLO) /i.test(head)) return SENT_BY_CLIENT;
  if (!midStream) return NOT_SMTP;
  if (ANY_REPLY.test(head)) return SENT_BY_SERVER;
  if (COMMANDS.test(head)) return SENT_BY_CLIENT;
  if (!/^[\t\r\n\x20-\x7e]/.test(head)) return NOT_SMTP;
  if (SMTP_PORTS.has(receiverPort) && !SMTP_PORTS.has(senderPort)) return SENT_BY_CLIENT;
  if (SMTP_PORTS.has(senderPort) && !SMTP_PORTS.has(receiverPort)) return SENT_BY_SERVER;
  return NOT_SMTP;
}
