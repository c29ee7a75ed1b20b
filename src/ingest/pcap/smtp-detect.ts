/**
 * Whether a TCP connection carries SMTP, decided from the first bytes each side sends (on any
 * port: SMTP is recognised by what is said, not where), so other traffic is dropped early instead
 * of being reassembled. Either side can decide: a client whose first bytes are not EHLO/HELO (a
 * PROXY protocol header, junk, a ClientHello to port 25) is still an SMTP client when the server
 * greets with 220 (RFC 5321 §3.1).
 */

export const SMTP_PORTS = new Set([25, 465, 587, 2525]);
export const IMPLICIT_TLS_PORT = 465;

export const NOT_SMTP = 0;
/** The sender of these bytes is the SMTP server. */
export const SENT_BY_SERVER = 1;
export const SENT_BY_CLIENT = 2;
/** A TLS ClientHello to or from port 465: SMTP inside TLS from the first byte (RFC 8314). */
export const TLS_CLIENT_HELLO = 3;
/** Too few bytes to tell yet: more from the same side may decide (a greeting split across segments). */
export const NOT_YET = 4;

/** The PROXY protocol v2 signature (haproxy proxy-protocol.txt §2.2). */
export const PROXY_V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** Bytes enough to recognise any first line this module knows. */
const DECISIVE = 16;

const COMMANDS = /^(EHLO|HELO|LHLO|MAIL FROM:|RCPT TO:|DATA|BDAT|QUIT|RSET|NOOP|STARTTLS|AUTH|VRFY|EXPN|HELP)\b/i;
const SERVER_FIRST = /^(220|421|554)[ -]/;
const ANY_REPLY = /^[2-5][0-5]\d[ -]/;

/**
 * `midStream`: the capture joined the connection after it opened, so the first bytes may be any
 * command or reply (still SMTP on an SMTP port, where message content may come first).
 */
export function classifyFirstBytes(b: Buffer, start: number, end: number, senderPort: number, receiverPort: number, midStream: boolean): number {
  const length = end - start;
  if (length <= 0) return NOT_YET;
  if (length >= 6 && b[start] === 0x16 && b[start + 1] === 3 && b[start + 5] === 1) {
    // On 465 it is implicit TLS; elsewhere the server's first bytes decide (a ClientHello sent to port 25 is still an SMTP session).
    return senderPort === IMPLICIT_TLS_PORT || receiverPort === IMPLICIT_TLS_PORT ? TLS_CLIENT_HELLO : NOT_SMTP;
  }
  if (length < 6 && b[start] === 0x16) return NOT_YET;
  // PROXY protocol v1 (text) and v2 (binary) headers come before the client's first SMTP byte.
  const signature = Math.min(length, PROXY_V2_SIGNATURE.length);
  if (b.compare(PROXY_V2_SIGNATURE, 0, signature, start, start + signature) === 0) return signature === PROXY_V2_SIGNATURE.length ? SENT_BY_CLIENT : NOT_YET;
  const head = b.toString('latin1', start, Math.min(end, start + DECISIVE));
  if (SERVER_FIRST.test(head)) return SENT_BY_SERVER;
  if (/^(EHLO|HELO|LHLO)[ \t\r\n]/i.test(head) || /^PROXY /.test(head)) return SENT_BY_CLIENT;
  // A greeting or EHLO cut after a few bytes ("22", "EH"): wait for the rest of the line.
  if (length < DECISIVE && !head.includes('\n') && couldStillBe(head)) return NOT_YET;
  if (!midStream) return NOT_SMTP;
  if (ANY_REPLY.test(head)) return SENT_BY_SERVER;
  if (COMMANDS.test(head)) return SENT_BY_CLIENT;
  if (!/^[\t\r\n\x20-\x7e]/.test(head)) return NOT_SMTP;
  if (SMTP_PORTS.has(receiverPort) && !SMTP_PORTS.has(senderPort)) return SENT_BY_CLIENT;
  if (SMTP_PORTS.has(senderPort) && !SMTP_PORTS.has(receiverPort)) return SENT_BY_SERVER;
  return NOT_SMTP;
}

/** Whether `head` is the start of a greeting, EHLO/HELO or PROXY line not yet whole. */
function couldStillBe(head: string): boolean {
  for (const whole of ['220 ', '220-', '421 ', '421-', '554 ', '554-', 'EHLO ', 'HELO ', 'LHLO ', 'PROXY ']) {
    if (head.length < whole.length && whole.startsWith(head.toUpperCase())) return true;
  }
  return false;
}
