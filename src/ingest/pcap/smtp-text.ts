import type { CapturedReply, CapturedTransaction, TransactionOutcome } from './capture-model.js';

/** Pieces of SMTP text (RFC 5321, RFC 3463, RFC 4954) the dialogue parser needs. */

/** `250 2.1.0 Sender OK` → code 250, enhanced `2.1.0` (RFC 3463: its class matches the reply's first digit). */
export function splitEnhanced(code: number, text: string): { enhanced: string | null; text: string } {
  // Most lines do not start with the reply's class digit: decided without the expression.
  if (text.charCodeAt(0) !== 0x30 + Math.floor(code / 100)) return { enhanced: null, text };
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})(?:\s+|$)/.exec(text);
  if (!m || Number(m[1]) !== Math.floor(code / 100)) return { enhanced: null, text };
  return { enhanced: `${m[1]}.${m[2]}.${m[3]}`, text: text.slice(m[0].length) };
}

/** The reply code of a line starting with three ASCII digits (`250-…`, `554 …`), else -1. */
export function replyCodeOf(line: string): number {
  if (line.length < 3) return -1;
  const a = line.charCodeAt(0) - 0x30;
  const b = line.charCodeAt(1) - 0x30;
  const c = line.charCodeAt(2) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9 ? a * 100 + b * 10 + c : -1;
}

/** The address of `MAIL FROM:<a@b> SIZE=1` or `RCPT TO:<c@d>`, without the angle brackets (`<>` gives ""). */
export function commandAddress(line: string): string | null {
  const colon = line.indexOf(':');
  if (colon < 0) return null;
  const rest = line.slice(colon + 1).trimStart();
  if (rest.startsWith('<')) {
    const close = rest.indexOf('>');
    return close < 0 ? rest.slice(1) : rest.slice(1, close);
  }
  const token = /^\S+/.exec(rest);
  return token ? token[0] : null;
}

/**
 * An EHLO keyword replaced by a firewall's SMTP inspection: Cisco ASA ESMTP inspection writes
 * `XXXXXXXA` for STARTTLS and X-runs for other extensions it strips; PIX `fixup protocol smtp`
 * writes asterisks (EXO-RESEARCH §8, ANCHORS 7).
 */
export function isMaskedKeyword(line: string): boolean {
  const first = line.trimStart().charCodeAt(0);
  // Only keywords starting with X or * can be masked ones; most lines are decided here.
  if (first !== 0x58 && first !== 0x78 && first !== 0x2a) return false;
  const keyword = line.trim().split(/\s+/)[0] ?? '';
  return /^X{3,}[A-Z0-9]?$/i.test(keyword) || /^\*{2,}/.test(keyword) || /^[X*]{4,}$/i.test(keyword);
}

/** The PIX fixup banner keeps only some characters: `220 ****2****0***`. */
export function isMaskedBanner(text: string): boolean {
  return /\*{3,}/.test(text);
}

export function replyClass(code: number): number {
  return Math.floor(code / 100);
}

/** How a transaction ended, from its replies; the reply to the end of the content (`final`) decides when there is one. */
export function transactionOutcome(t: CapturedTransaction, final: CapturedReply | null): TransactionOutcome {
  const by = (command: string): CapturedReply[] => t.replies.filter((r) => r.command === command);
  const failure = (rs: CapturedReply[]): TransactionOutcome | null => {
    const bad = rs.find((r) => replyClass(r.code) >= 4);
    return bad ? (replyClass(bad.code) === 4 ? 'deferred' : 'rejected') : null;
  };
  if (final) return replyClass(final.code) === 2 ? 'accepted' : replyClass(final.code) === 4 ? 'deferred' : 'rejected';
  const mail = failure(by('MAIL'));
  if (mail) return mail;
  const rcpts = by('RCPT');
  if (rcpts.length > 0 && rcpts.every((r) => replyClass(r.code) >= 4)) return rcpts.some((r) => replyClass(r.code) === 4) ? 'deferred' : 'rejected';
  const data = failure([...by('DATA'), ...by('BDAT')]);
  if (data) return data;
  return t.replies.some((r) => r.command === 'RSET') ? 'abandoned' : 'incomplete';
}

/**
 * A line that can only be an SMTP command, never a SASL response (RFC 4954 §4: responses are
 * base64, which has no space or colon): used to resume after an AUTH whose replies are missing.
 */
export function looksLikeCommand(line: string): boolean {
  return /^(MAIL FROM:|RCPT TO:|(EHLO|HELO|LHLO) \S|BDAT \d|(DATA|QUIT|RSET|STARTTLS)$|NOOP( |$))/i.test(line);
}
