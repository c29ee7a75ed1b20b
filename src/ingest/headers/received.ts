import { clientAddress, receiverAddress } from './received-client.js';
import { stampDate, trailingDate, type StampDate } from './received-date.js';

/**
 * One Received header field (RFC 5321 §4.4 "Time-stamp-line", RFC 5322 §3.6.7), parsed as MTAs
 * really write it:
 *   Exchange  `from A (192.0.2.1) by B (198.51.100.2) with Microsoft SMTP Server (version=TLS1_2,
 *             cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8922.25 via Frontend Transport; <date>`
 *   Postfix   `from helo (rdns [ip]) (using TLSv1.3 with cipher … (256/256 bits)) (No client certificate
 *             requested) by host (Postfix) with ESMTPS id Q for <rcpt>; <date>`
 *   Sendmail  `… (version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NO) …`
 *   Exim      `from helo ([ip] helo=x) by host with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) …`
 *   IronPort  `… with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384; <date>`
 */
export interface ReceivedStamp {
  /** The name the client gave (HELO/EHLO), as the receiver wrote it after `from`. */
  from: string | null;
  /** The reverse-DNS name the receiver looked up, from the `from` comment (`(rdns [ip])`). */
  fromHost: string | null;
  /** The connecting client's address, from the `from` clause. */
  ip: string | null;
  by: string | null;
  /** The receiver's own address, when it wrote one in the `by` comment (Exchange does). */
  byIp: string | null;
  /** Comments of the `by` clause (`(Postfix)`, `(8.16.1.2/8.16.1.2)`, …): they name the software. */
  byComments: string[];
  with: string | null;
  id: string | null;
  via: string | null;
  for: string | null;
  tls: { version: string | null; cipher: string | null } | null;
  /**
   * The Exchange build a `with Microsoft SMTP Server … id 15.2.1544.36` stamp names (on-premises
   * `15.x`, Exchange Online `15.20.…`), as written; null for other software or another id.
   */
  serverBuild: string | null;
  /** The date after the last `;`, as written. */
  dateText: string | null;
  /** ISO 8601 UTC, null when absent or not a date RFC 5322 (with its obsolete forms) covers. */
  date: string | null;
  /** How the date was read when the stamp does not follow RFC 5322 §3.6.7 (no `;`, an ISO date); null otherwise. */
  dateNote: string | null;
}

type Token = { kind: 'word'; text: string } | { kind: 'comment'; text: string };

const CLAUSES = new Set(['from', 'by', 'via', 'with', 'id', 'for']);

/**
 * Splits at the last `;` outside comments, and the part before into words and (nested) comments.
 * Words lose the commas and semicolons some writers put after them (withoutTrailingPunctuation),
 * and a word that is nothing else is dropped.
 */
function tokenize(value: string): { tokens: Token[]; dateText: string | null } {
  const tokens: Token[] = [];
  let depth = 0;
  const lastSemicolon = lastSemicolonOutsideComments(value);
  // The head (before the date) is read in place: `n` bounds it, no copy is taken.
  const n = lastSemicolon < 0 ? value.length : lastSemicolon;
  const dateText = lastSemicolon < 0 ? null : value.slice(lastSemicolon + 1).trim() || null;
  // Words and comments are runs of the value: taken as slices, never built a character at a time.
  let i = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 0x28) {
      // A comment runs to the `)` that closes it; nested comments stay inside its text.
      let j = i + 1;
      for (depth = 1; j < n; j++) {
        const d = value.charCodeAt(j);
        if (d === 0x28) depth++;
        else if (d === 0x29 && --depth === 0) break;
      }
      const text = value.slice(i + 1, j).trim();
      // An unclosed comment still says something (a cut-off paste): keep it.
      if (j < n || text !== '') tokens.push({ kind: 'comment', text });
      i = j + 1;
      continue;
    }
    if (isWordBreak(c)) {
      i++;
      continue;
    }
    let j = i + 1;
    for (; j < n; j++) {
      const d = value.charCodeAt(j);
      if (d === 0x28 || isWordBreak(d)) break;
    }
    let end = j;
    while (end > i && (value.charCodeAt(end - 1) === 0x2c /* , */ || value.charCodeAt(end - 1) === 0x3b) /* ; */) end--;
    if (end > i) tokens.push({ kind: 'word', text: value.slice(i, end) });
    i = j;
  }
  return { tokens, dateText };
}

/** Space, tab, CR, LF: what separates the words of a stamp. */
function isWordBreak(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * The first `[…]` in the text with no space or `]` inside, found in one pass. A regular expression
 * such as /\[([^\]\s]+)\]/ rescans from every `[` of a run of them, which is quadratic on hostile
 * text (issue 13: a long run of `[` in a Received comment). Same match: the leftmost `[` after the
 * last space or `]` that a `]` closes.
 */
export function firstBracketed(text: string): { index: number; inner: string } | null {
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5d /* ] */) {
      if (start >= 0 && i > start + 1) return { index: start, inner: text.slice(start + 1, i) };
      start = -1;
    } else if (c === 0x5b /* [ */) {
      if (start < 0) start = i;
    } else if (start >= 0 && /\s/.test(text[i]!)) start = -1;
  }
  return null;
}

/** `TLS1_2`, `TLSv1.2`, `TLS1.2`, `TLSv1` → `TLSv1.2` / `TLSv1`; SSL versions as `SSLv3`. */
export function normaliseTlsVersion(written: string): string {
  const m = /^(TLS|SSL)v?(\d)(?:[._](\d))?$/i.exec(written.trim());
  if (!m) return written.trim();
  if (m[1]!.toUpperCase() === 'SSL') return `SSLv${m[2]}`;
  const minor = m[3] === undefined || (m[2] === '1' && m[3] === '0') ? '' : `.${m[3]}`;
  return `TLSv${m[2]}${minor}`;
}

function tlsFacts(tokens: Token[], withWords: string[]): ReceivedStamp['tls'] {
  let version: string | null = null;
  let cipher: string | null = null;
  let seen = false;
  for (const t of tokens) {
    if (t.kind !== 'comment') continue;
    const text = t.text;
    // Each pattern runs only on a comment holding its literal words (ASCII, so the lower-cased
    // copy finds every case-insensitive match): most comments are addresses and host names.
    const lower = text.toLowerCase();
    // Exchange, Gmail, Sendmail, Mimecast: `version=TLS1_2, cipher=…` (commas optional).
    const v = lower.includes('version=') ? /\bversion=((?:TLS|SSL)v?[\d._]+)/i.exec(text) : null;
    const c = lower.includes('cipher=') ? /\bcipher=([A-Za-z0-9_-]+)/i.exec(text) : null;
    // Postfix: `using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)`.
    const p = lower.includes('using ') ? /\busing ((?:TLS|SSL)v?[\d._]+) with cipher (\S+)/i.exec(text) : null;
    // Exim: `(TLS1.3)` or the older `(TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256)`.
    const e = lower.startsWith('tls') || lower.startsWith('ssl') ? /^((?:TLS|SSL)v?\d(?:[._]\d)?)(?::([A-Za-z0-9_-]+))?(?::\d+)?$/i.exec(text) : null;
    if (v || c || p || e) seen = true;
    version ??= v?.[1] ?? p?.[1] ?? e?.[1] ?? null;
    cipher ??= c?.[1] ?? p?.[2] ?? e?.[2] ?? null;
    // Exchange 2010 and older: `with Microsoft SMTP Server (TLS) id 14.3…`.
    if (/^TLS$/i.test(text)) seen = true;
  }
  const protocol = (withWords[0] ?? '').toUpperCase();
  // RFC 3848: ESMTPS/ESMTPSA (and LMTPS…) are SMTP over TLS; RFC 2818: HTTPS is HTTP over TLS
  // (Exchange Online stamps `with HTTPS` for a client's submission and hops between its servers).
  if (/^(E?SMTPS|ESMTPSA|LMTPS|LMTPSA|UTF8SMTPS|UTF8SMTPSA|HTTPS)$/.test(protocol)) seen = true;
  const ironPort = /^E?SMTP\/TLS\/(\S+)$/i.exec(withWords[0] ?? '');
  if (ironPort) {
    seen = true;
    cipher ??= ironPort[1]!;
  }
  const eximCipher = withWords.findIndex((w) => w.toLowerCase() === 'tls');
  if (eximCipher > 0 && withWords[eximCipher + 1]) {
    seen = true;
    cipher ??= withWords[eximCipher + 1]!;
  }
  if (withWords.some((w) => w.toUpperCase() === 'STARTTLS')) seen = true;
  if (!seen) return null;
  return { version: version === null ? null : normaliseTlsVersion(version), cipher };
}

/**
 * Exchange writes its build as the stamp's id: `with Microsoft SMTP Server (version=TLS1_2, …)
 * id 15.2.1544.36` (2010: `(TLS) id 14.3.…`); EXO-SEMANTICS M12 judges the hop into Exchange Online
 * by it. Other software puts a queue id there, so only Exchange's protocol text counts.
 */
function exchangeBuild(protocolWords: readonly string[], id: string | null): string | null {
  if (id === null || !/^\d{1,3}(?:\.\d{1,5}){1,3}$/.test(id)) return null;
  return protocolWords.join(' ').toLowerCase() === 'microsoft smtp server' ? id : null;
}

/** What a stamp says before its date (all but dateText, date and dateNote). */
export type ReceivedHead = Omit<ReceivedStamp, 'dateText' | 'date' | 'dateNote'>;

/**
 * Heads already parsed, by the text before the date: every message a relay passes to the same
 * next server the same way carries the same head (only the date after the `;` differs), so a
 * mailbox of thousands of messages holds few distinct heads. Bounded in entries and in key
 * length; emptied when full, so hostile input costs at most one parse per stamp, as without it.
 */
const HEADS = new Map<string, ReceivedHead>();
const HEADS_KEPT = 4096;
const HEAD_KEY_MAX = 1024;

/**
 * The last two heads met in each pair of HEAD_SLOTS (a power of two) slots, the pair chosen by the
 * text's length and two of its characters: a message's few stamps then rarely push each other out
 * (one relay's stamps often have equal lengths).
 */
const HEAD_SLOTS = 256;
const slotKeys: (string | undefined)[] = new Array(HEAD_SLOTS);
const slotHeads: (ReceivedHead | undefined)[] = new Array(HEAD_SLOTS);

/** Index of the last `;` outside comments (where the date begins), -1 when there is none. */
function lastSemicolonOutsideComments(value: string): number {
  // Jumps between the three characters that matter with indexOf (native, far faster per character
  // than a loop over charCodeAt); each of the three positions only moves forward: linear.
  let depth = 0;
  let lastSemicolon = -1;
  let open = value.indexOf('(');
  let close = value.indexOf(')');
  let semicolon = value.indexOf(';');
  for (;;) {
    const next = Math.min(open < 0 ? Infinity : open, close < 0 ? Infinity : close, semicolon < 0 ? Infinity : semicolon);
    if (next === Infinity) return lastSemicolon;
    if (next === open) {
      depth++;
      open = value.indexOf('(', next + 1);
    } else if (next === close) {
      if (depth > 0) depth--;
      close = value.indexOf(')', next + 1);
    } else {
      if (depth === 0) lastSemicolon = next;
      semicolon = value.indexOf(';', next + 1);
    }
  }
}

/**
 * The head of a stamp with a date after its `;` at `semicolon` (shared: callers copy what they
 * may change). The tokens before the `;` alone decide it, so it is cached by that text.
 */
function receivedHead(value: string, semicolon: number): ReceivedHead {
  if (semicolon > HEAD_KEY_MAX) return headFromTokens(tokenize(value).tokens);
  const key = value.slice(0, semicolon);
  // The last heads of its pair of slots, compared whole (no hash to compute): the same hop text
  // comes back message after message.
  const slot = (semicolon ^ (key.charCodeAt(semicolon >> 1) << 2) ^ (key.charCodeAt(semicolon >> 2) << 5)) & (HEAD_SLOTS - 2);
  if (slotKeys[slot] === key) return slotHeads[slot]!;
  if (slotKeys[slot + 1] === key) return slotHeads[slot + 1]!;
  let head = HEADS.get(key);
  if (head === undefined) {
    head = headFromTokens(tokenize(value).tokens);
    if (HEADS.size >= HEADS_KEPT) HEADS.clear();
    HEADS.set(key, head);
  }
  // The newer of the pair first; the older one moves to the second slot.
  slotKeys[slot + 1] = slotKeys[slot];
  slotHeads[slot + 1] = slotHeads[slot];
  slotKeys[slot] = key;
  slotHeads[slot] = head;
  return head;
}

/** A stamp read in two parts: its head, and its date. */
export interface ReceivedParts {
  head: ReceivedHead;
  date: StampDate;
  /** The head is the cached one for its text (the same object every time): read-only, and what is derived from it may be cached by it. */
  shared: boolean;
}

export function receivedParts(value: string): ReceivedParts {
  const semicolon = lastSemicolonOutsideComments(value);
  const dateText = semicolon < 0 ? null : value.slice(semicolon + 1).trim() || null;
  // Without a date after the `;`, a date may end the words (trailingDate): read whole, uncached.
  if (dateText === null) return undatedParts(value);
  return { head: receivedHead(value, semicolon), date: stampDate(dateText), shared: semicolon <= HEAD_KEY_MAX };
}

export function parseReceived(value: string): ReceivedStamp {
  const { head, date } = receivedParts(value);
  return withDate(head, date);
}

/** A stamp of a shared head and its own date; spelt out field by field (a spread builds a slow dictionary object). */
function withDate(head: ReceivedHead, date: StampDate): ReceivedStamp {
  return {
    from: head.from,
    fromHost: head.fromHost,
    ip: head.ip,
    by: head.by,
    byIp: head.byIp,
    // Copies: the cached head is shared by every stamp with the same text.
    byComments: head.byComments.slice(),
    with: head.with,
    id: head.id,
    via: head.via,
    for: head.for,
    tls: head.tls === null ? null : { version: head.tls.version, cipher: head.tls.cipher },
    serverBuild: head.serverBuild,
    dateText: date.dateText,
    date: date.date,
    dateNote: date.note,
  };
}

/** A stamp without a date after a `;`: its words may end with one (SendGrid). */
function undatedParts(value: string): ReceivedParts {
  // `mx.example.net,` is read `mx.example.net` (tokenize drops the punctuation between clauses).
  const { tokens, dateText } = tokenize(value);
  let date = stampDate(dateText);
  if (dateText === null) {
    // No `;`: a date may still end the stamp (SendGrid). Its words are no clause's. Comments
    // after it (`+0000 (UTC)`) are the date-time's own CFWS (RFC 5322 §3.3), not a clause's.
    let commentsAtEnd = 0;
    while (commentsAtEnd < tokens.length && tokens[tokens.length - 1 - commentsAtEnd]!.kind === 'comment') commentsAtEnd++;
    const wordsEnd = tokens.length - commentsAtEnd;
    let wordsAtEnd = 0;
    while (wordsAtEnd < wordsEnd && tokens[wordsEnd - 1 - wordsAtEnd]!.kind === 'word') wordsAtEnd++;
    const words = tokens.slice(wordsEnd - wordsAtEnd, wordsEnd).map((t) => t.text);
    const trailing = trailingDate(words, tokens.slice(wordsEnd).map((t) => t.text));
    if (trailing) {
      // The comments go with the date: they are part of its text, not the last clause's.
      tokens.length -= trailing.taken + commentsAtEnd;
      date = trailing.date;
    }
  }
  return { head: headFromTokens(tokens), date, shared: false };
}

/** The clauses of a stamp's words and comments (its date already taken off). */
function headFromTokens(tokens: Token[]): ReceivedHead {
  const clauses = new Map<string, { words: string[]; comments: string[] }>();
  let current: { words: string[]; comments: string[] } | null = null;
  for (const t of tokens) {
    // Clause names are 2–4 letters: longer words (host names, dates) skip the lower-casing.
    const name = t.kind === 'word' && t.text.length <= 4 ? t.text.toLowerCase() : null;
    if (name !== null && CLAUSES.has(name) && !clauses.has(name)) {
      current = { words: [], comments: [] };
      clauses.set(name, current);
      continue;
    }
    if (!current) continue;
    if (t.kind === 'word') current.words.push(t.text);
    else current.comments.push(t.text);
  }
  const fromClause = clauses.get('from');
  const byClause = clauses.get('by');
  const withClause = clauses.get('with');
  const helo = fromClause?.words[0] ?? null;
  const client = clientAddress(fromClause?.words ?? [], fromClause?.comments ?? []);
  const byIp = byClause ? receiverAddress(byClause.comments) : null;
  const withWords = withClause?.words ?? [];
  // Exim appends `tls <cipher>` to the protocol: the cipher is TLS, not part of `with`.
  const tlsAt = withWords.findIndex((w, i) => i > 0 && w.toLowerCase() === 'tls');
  const protocolWords = tlsAt > 0 ? withWords.slice(0, tlsAt) : withWords;
  const forWord = clauses.get('for')?.words[0] ?? null;
  const id = clauses.get('id')?.words[0] ?? null;
  return {
    from: helo,
    fromHost: client.host,
    ip: client.ip,
    by: byClause?.words[0] ?? null,
    byIp,
    byComments: byClause?.comments ?? [],
    with: protocolWords.length > 0 ? protocolWords.join(' ') : null,
    id,
    via: clauses.get('via')?.words.join(' ') || null,
    for: forWord === null ? null : forWord.replace(/^<|>$/g, ''),
    tls: tlsFacts(tokens, withWords),
    serverBuild: exchangeBuild(protocolWords, id),
  };
}
