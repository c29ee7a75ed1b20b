import type { SmtpReply } from '../../model/evidence.js';

/**
 * SMTP text as Exchange's protocol logs hold it: one reply line per row (`250-SIZE`, `250 XSHADOW`)
 * when Exchange logs what it received, and its own EHLO answer as one row with the keywords joined
 * by spaces (`250  EX01.contoso.com Hello [192.0.2.1] SIZE 37748736 PIPELINING … STARTTLS …`).
 */

export interface ReplyLine {
  code: number;
  /** `250-…`: more lines of the same reply follow. */
  continued: boolean;
  /** Text after the code and separator, leading spaces dropped (Exchange writes `250  host`). */
  text: string;
}

export function parseReplyLine(data: string): ReplyLine | null {
  const code = replyCodeOf(data);
  if (code < 0) return null;
  return { code, continued: data.charCodeAt(3) === 45, text: replyLineText(data) };
}

/** The reply code of a reply line (`250-…`, `550 …`, `221`), -1 when the text is not one. */
export function replyCodeOf(data: string): number {
  if (data.length < 3) return -1;
  const c0 = data.charCodeAt(0) - 48;
  const c1 = data.charCodeAt(1) - 48;
  const c2 = data.charCodeAt(2) - 48;
  if (c0 < 2 || c0 > 5 || c1 < 0 || c1 > 9 || c2 < 0 || c2 > 9) return -1;
  const sep = data.charCodeAt(3);
  if (data.length > 3 && sep !== 32 && sep !== 45) return -1;
  return c0 * 100 + c1 * 10 + c2;
}

/** A reply line's text after the code and separator, leading spaces dropped (Exchange writes `250  host`). */
export function replyLineText(data: string): string {
  return data.length > 4 ? data.slice(4).trimStart() : '';
}

/**
 * Length of the RFC 3463 enhanced status code starting `text` (`[245].d{1,3}.d{1,3}` followed by
 * whitespace or the end), 0 when there is none. Read by hand: every reply row of a log comes here,
 * and a regular expression's match array is an allocation per row.
 */
export function enhancedCodeLength(text: string, from = 0): number {
  const c = text.charCodeAt(from);
  if ((c !== 50 && c !== 52 && c !== 53) || text.charCodeAt(from + 1) !== 46) return 0;
  const subjectEnd = digitsEnd(text, from + 2);
  if (subjectEnd === from + 2 || text.charCodeAt(subjectEnd) !== 46) return 0;
  const detailEnd = digitsEnd(text, subjectEnd + 1);
  if (detailEnd === subjectEnd + 1) return 0;
  if (detailEnd < text.length && !isWhitespace(text.charCodeAt(detailEnd))) return 0;
  return detailEnd - from;
}

/** Where a run of at most three digits from `from` ends (a fourth digit then fails the caller's next test). */
function digitsEnd(text: string, from: number): number {
  let i = from;
  while (i < from + 3 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  return i;
}

/** JavaScript's `\s`: ASCII whitespace directly, other characters by the regular expression. */
function isWhitespace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  return c > 127 && /\s/.test(String.fromCharCode(c));
}

/** A complete reply from its lines; the enhanced status code (RFC 3463) is read from the first line. */
export function replyOf(command: string | null, code: number, texts: string[]): SmtpReply {
  if (texts.length === 1) return replyOfText(command, code, texts[0]!);
  const first = texts[0] ?? '';
  const length = enhancedCodeLength(first);
  const enhanced = length > 0 ? first.slice(0, length) : null;
  const stripped = texts.map((t) => (enhanced !== null && t.startsWith(enhanced) ? t.slice(length).trimStart() : t));
  return { command, code, enhanced, text: stripped.join(' ').trim() };
}

/**
 * `replyOfText(command, code, replyLineText(row))` for a one-line reply row (`550 5.7.1 text`),
 * read in place: the text is one slice of the row, not three (replies are a third of a log's rows).
 */
export function replyOfRow(command: string | null, code: number, data: string): SmtpReply {
  const end = data.length;
  let from = end > 4 ? 4 : end;
  while (from < end && isWhitespace(data.charCodeAt(from))) from++;
  const length = enhancedCodeLength(data, from);
  const enhanced = length > 0 ? data.slice(from, from + length) : null;
  let start = from + length;
  while (start < end && isWhitespace(data.charCodeAt(start))) start++;
  let stop = end;
  while (stop > start && isWhitespace(data.charCodeAt(stop - 1))) stop--;
  return { command, code, enhanced, text: data.slice(start, stop) };
}

/** A one-line reply (the common case), without the array the multi-line form needs. */
export function replyOfText(command: string | null, code: number, text: string): SmtpReply {
  const length = enhancedCodeLength(text);
  return { command, code, enhanced: length > 0 ? text.slice(0, length) : null, text: length > 0 ? text.slice(length).trim() : text.trim() };
}

/** The verb of a command row (`MAIL FROM:<a@b>` → `MAIL`), upper-cased. */
export function commandVerb(data: string): string {
  let end = 0;
  while (end < data.length) {
    const c = data.charCodeAt(end);
    if (c === 32 || c === 58 /* : */) break;
    end++;
  }
  return data.slice(0, end).toUpperCase();
}

/**
 * A command a firewall's SMTP inspection replaced with filler (Cisco ASA/PIX "ESMTP inspection"
 * overwrites commands it does not allow with `X`; others use `*`). STARTTLS comes out `XXXXXXXX`.
 */
export function isMaskedCommand(data: string): boolean {
  const c = data.charCodeAt(0);
  if (c !== 88 && c !== 120 && c !== 42 && c !== 32) return false; // X, x, *, or a leading space
  const t = data.trim();
  return t.length >= 4 && (/^X+$/i.test(t) || /^\*+$/.test(t));
}

/**
 * An EHLO keyword a firewall masked: the same inspection rewrites `STARTTLS` in the server's EHLO
 * answer as `XXXXXXXA` (seed 004, issue 7), so the client never sees the offer.
 */
export function isMaskedKeyword(line: string): boolean {
  const keyword = keywordOf(line);
  // Only X, x or * can start a masked keyword: the others skip the regular expressions.
  const c = keyword.charCodeAt(0);
  if (c !== 88 && c !== 120 && c !== 42) return false;
  return /^X{4,}A?$/i.test(keyword) || /^\*{4,}$/.test(keyword);
}

/** Keywords whose parameters follow them on the same line (RFC 1870 SIZE, RFC 4954 AUTH, Exchange's X-EXPS / X-EXCHANGEAUTH). */
const TAKES_PARAMETERS = new Set(['SIZE', 'AUTH', 'X-EXPS', 'X-EXCHANGEAUTH', 'AUTH=LOGIN', 'XEXCH50']);

/** Names that are parameters of the keyword before them, never keywords (SASL mechanisms, hash names). */
const PARAMETER_WORDS = new Set([
  'NTLM',
  'LOGIN',
  'PLAIN',
  'GSSAPI',
  'EXCHANGEAUTH',
  'XOAUTH2',
  'OAUTHBEARER',
  'CRAM-MD5',
  'DIGEST-MD5',
  'SCRAM-SHA-1',
  'SCRAM-SHA-256',
  'SHA256',
  'SHA1',
  'KERBEROS_V4',
  'ANONYMOUS',
]);

/**
 * The extension lines of an EHLO answer written on one row (Exchange's own answer in a receive
 * log): the greeting `host Hello [ip]` comes first, then keywords each followed by its parameters,
 * rebuilt as the lines a multi-line answer would have had (`SIZE 37748736`, `AUTH NTLM LOGIN`).
 */
export function extensionsOfOneRowEhloReply(text: string): { greeting: string; extensions: string[] } {
  const { greeting, extensions } = oneRowEhloReply(text);
  return { greeting, extensions };
}

/** What an EHLO answer's extension lines say about STARTTLS: a keyword masked by a firewall, or STARTTLS offered. */
export interface EhloExtensionFacts {
  masked: boolean;
  offersStartTls: boolean;
}

export function ehloExtensionFacts(extensions: readonly string[]): EhloExtensionFacts {
  // X-ANONYMOUSTLS is Exchange's STARTTLS between its own servers (smtp-session.ts startsTls).
  return { masked: extensions.some(isMaskedKeyword), offersStartTls: extensions.some((e) => /^(?:STARTTLS|X-ANONYMOUSTLS)$/i.test(keywordOf(e))) };
}

/**
 * extensionsOfOneRowEhloReply with the answer's STARTTLS facts; the extension lines are copies
 * (not slices of the text), so a session may keep them as they are.
 */
export function oneRowEhloReply(text: string): { greeting: string; extensions: string[] } & EhloExtensionFacts {
  const bracket = text.indexOf(']');
  const hello = /\sHello\s/i.exec(text);
  let greetingEnd: number;
  if (hello && bracket > hello.index) greetingEnd = bracket + 1;
  else {
    // No `Hello [ip]`: the greeting is the host name alone.
    const space = text.indexOf(' ');
    greetingEnd = space < 0 ? text.length : space;
  }
  const greeting = text.slice(0, greetingEnd).trim();
  const keywords = text.slice(greetingEnd);
  // A server answers every session with the same keywords: the last few answers read are reused.
  let read: KeywordsRead | undefined;
  for (const seen of keywordsSeen) {
    if (seen.keywords === keywords) {
      read = seen;
      break;
    }
  }
  if (!read) {
    const extensions = extensionLinesOf(keywords).map((e) => (' ' + e).slice(1));
    read = { keywords: (' ' + keywords).slice(1), extensions, ...ehloExtensionFacts(extensions) };
    keywordsSeen[keywordsNext] = read;
    keywordsNext = (keywordsNext + 1) % KEYWORDS_REMEMBERED;
  }
  return { greeting, extensions: read.extensions.slice(), masked: read.masked, offersStartTls: read.offersStartTls };
}

const KEYWORDS_REMEMBERED = 4;
type KeywordsRead = { keywords: string; extensions: string[] } & EhloExtensionFacts;
/** Copies (not slices of a log chunk), so keeping them does not keep a chunk alive. */
const keywordsSeen: KeywordsRead[] = [];
let keywordsNext = 0;

/** The keywords of a one-row EHLO answer, each followed by its parameters. */
function extensionLinesOf(keywords: string): string[] {
  const extensions: string[] = [];
  let keyword: string | null = null;
  for (const token of keywords.split(' ')) {
    if (token === '') continue;
    const isParameter = keyword !== null && TAKES_PARAMETERS.has(keyword) && (/^\d+$/.test(token) || PARAMETER_WORDS.has(token.toUpperCase()));
    if (isParameter) {
      extensions[extensions.length - 1] += ` ${token}`;
      continue;
    }
    extensions.push(token);
    keyword = token.toUpperCase();
  }
  return extensions;
}

/** The keyword of one extension line (`AUTH NTLM LOGIN` → `AUTH`), as written. */
export function keywordOf(line: string): string {
  const t = line.trim();
  const space = t.indexOf(' ');
  return space < 0 ? t : t.slice(0, space);
}
