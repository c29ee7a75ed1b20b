import { splitEnhanced } from '../ingest/pcap/smtp-text.js';

/**
 * SMTP replies as lines arrive (RFC 5321 §4.2): `250-…` continues, `250 …` ends; the enhanced
 * status code (RFC 3463) is split off the first line. Pure, so the dialogue parser is tested
 * without a network.
 */
export interface AssembledReply {
  code: number;
  enhanced: string | null;
  text: string;
  lines: string[];
}

/** Longest reply kept (lines), so a hostile server cannot grow the transcript without end. */
export const MAX_REPLY_LINES = 200;
/** Longest line kept (RFC 5321 §4.5.3.1.5 allows 512 octets; some servers send more). */
export const MAX_LINE = 4096;

export class ReplyAssembler {
  private lines: string[] = [];
  private code: number | null = null;

  /** One line without its CRLF; the whole reply once its last line arrives, else null. */
  feed(raw: string): AssembledReply | { error: string } | null {
    const line = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
    const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (!m) return { error: `not an SMTP reply line: ${JSON.stringify(line.slice(0, 80))}` };
    const code = Number(m[1]);
    if (this.code !== null && code !== this.code) return { error: `reply code changed inside a multi-line reply (${this.code} then ${code})` };
    this.code = code;
    if (this.lines.length < MAX_REPLY_LINES) this.lines.push(m[3]!);
    if (m[2] === '-') return null;
    const lines = this.lines;
    this.lines = [];
    this.code = null;
    const first = splitEnhanced(code, lines[0] ?? '');
    // Enhanced codes repeat on every line of a multi-line reply: strip each.
    const rest = lines.slice(1).map((l) => splitEnhanced(code, l).text);
    return { code, enhanced: first.enhanced, text: [first.text, ...rest].join('\n'), lines };
  }
}

/** EHLO reply lines after the greeting: the extension keywords as written (`XXXXXXXA` included). */
export function extensionsOf(lines: readonly string[]): string[] {
  return lines.slice(1).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** `mx.contoso.com ESMTP Postfix` → `mx.contoso.com` (RFC 5321 §4.3.1: the greeting starts with the server's name). */
export function serverNameOf(banner: string): string | null {
  const name = banner.trim().split(/\s+/)[0] ?? '';
  return /^[A-Za-z0-9.-]+$/.test(name) && name.includes('.') ? name : name.length > 0 && /^\[[0-9a-fA-F:.]+\]$/.test(name) ? name : null;
}

/** The reply as one transcript line per reply line: `S: 250-…` / `S: 250 …`. */
export function replyTranscript(r: AssembledReply): string[] {
  return r.lines.map((l, i) => `S: ${r.code}${i === r.lines.length - 1 ? ' ' : '-'}${l}`);
}
