import { isIP } from 'node:net';

/**
 * The connecting client of a Received `from` clause (RFC 5321 §4.4):
 *
 *   From-domain     = "FROM" FWS Extended-Domain
 *   Extended-Domain = Domain / ( Domain FWS "(" TCP-info ")" ) / ( address-literal FWS "(" TCP-info ")" )
 *   TCP-info        = address-literal / ( Domain FWS address-literal )
 *
 * The first element is the name the client gave in EHLO/HELO; the address "determined from the
 * TCP connection" is the TCP-info in the comment. MTAs write many variants of it:
 *
 *   Postfix     `from helo (rdns [203.0.113.5])`, `from [192.168.1.100] (unknown [203.0.113.5])`
 *   Exchange    `from host (203.0.113.5)`, `from host ([fe80::1%4])`
 *   Exim        `from helo ([203.0.113.5] helo=x)`; with no reverse name `from [203.0.113.5] (helo=[192.168.1.100])`
 *               (the connecting address first, the HELO labelled `helo=`); Exim 3 `[a.b.c.d.port]`
 *   qmail       `from unknown (HELO x) (user@203.0.113.7)`, `(203.0.113.8:23198)`
 *   vger/zmailer`from host ([203.0.113.9]:50387 "EHLO host" …)`, `[203.0.113.9:50387]`
 *   CommuniGate `from [128.114.2.223] (account u@x HELO [10.10.10.10])` — the HELO labelled by the word before it
 *   others      `from host [203.0.113.7] by …` — a bare literal after the name, outside the parentheses
 *
 * So the connecting address is the first address in the clause's comments that is not labelled
 * as the HELO; else a literal written after the name; else the name itself when it is an address
 * literal (it is then the only address the stamp holds).
 */

/** Characters a writer leaves around a word: `,` `;` and the quotes of `"EHLO x"`. */
function trimWord(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && (word[start] === '"' || word[start] === "'")) start++;
  while (end > start && ',;"\''.includes(word[end - 1]!)) end--;
  return word.slice(start, end);
}

const DOTTED_QUAD_PORT = /^(\d{1,3}(?:\.\d{1,3}){3})[.:](\d{1,5})$/;

/** The IP a word names, in any of the forms above; null when it names none. */
export function addressIn(written: string): string | null {
  let s = trimWord(written);
  // `ident@ip` (qmail's TCPREMOTEINFO@TCPREMOTEIP): the address follows the last `@`.
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(at + 1);
  let bracketed = false;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return null;
    // `[ip]:port` — the port follows the literal.
    const after = s.slice(close + 1);
    if (after !== '' && !/^:\d{1,5}$/.test(after)) return null;
    s = s.slice(1, close);
    bracketed = true;
  }
  // `IPv6:` literal prefix (RFC 5321 §4.1.3); the first letter spares the pattern on other words.
  if ((s.charCodeAt(0) | 0x20) === 0x69 /* i */ && /^ipv6:/i.test(s)) s = s.slice(5);
  if (isBareIp(s)) return s;
  // `203.0.113.8:23198` and, inside brackets, Exim 3's `203.0.113.10.4321`: IPv4 and the client port.
  const m = DOTTED_QUAD_PORT.exec(s);
  if (m && (bracketed || s.includes(':')) && isIP(m[1]!) === 4) return m[1]!;
  return null;
}

/** An IP as written; a link-local address may carry its zone (`fe80::1%4`, as Exchange writes for MAPI). */
function isBareIp(s: string): boolean {
  const zone = s.indexOf('%');
  const address = zone >= 0 ? s.slice(0, zone) : s;
  // An address is hex digits, `.` and `:` only: host names (most words) are told apart without
  // isIP's two regular expressions.
  return onlyAddressCharacters(address) && isIP(address) !== 0;
}

function onlyAddressCharacters(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x3a) /* 0-9 : */ || c === 0x2e /* . */ || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
    if (!ok) return false;
  }
  return true;
}

const HELO_LABEL = /^(?:helo|ehlo)$/i;
const HELO_ASSIGNMENT = /^(?:helo|ehlo)=/i;

/** The name written before the address in the TCP-info (`rdns [ip]`; Postfix writes `unknown` when there is none), as written. */
function hostName(word: string | undefined): string | null {
  if (word === undefined) return null;
  const w = trimWord(word);
  if (w === '' || w.includes('=') || HELO_LABEL.test(w) || !/^[A-Za-z0-9_.-]+$/.test(w) || addressIn(w) !== null) return null;
  return w;
}

export interface ClientAddress {
  ip: string | null;
  /** The reverse-DNS name beside the address in the TCP-info (`rdns [ip]`), when there is one. */
  host: string | null;
}

/** Printable ASCII and spaces only: splitting at ' ' then gives the words splitting at /\s+/ does. */
function plainSpaced(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** The address of one comment that is not labelled as the HELO, and the name before it. */
function addressOfComment(comment: string): ClientAddress | null {
  // Most comments are one address (`(192.0.2.1)`, Exchange): one word, no split.
  const words = plainSpaced(comment) ? (comment.includes(' ') ? comment.split(' ').filter((w) => w !== '') : comment === '' ? [] : [comment]) : comment.split(/\s+/).filter((w) => w !== '');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (HELO_ASSIGNMENT.test(w)) continue;
    const previous = i > 0 ? trimWord(words[i - 1]!) : '';
    if (HELO_LABEL.test(previous)) continue;
    const ip = addressIn(w);
    if (ip !== null) return { ip, host: w.startsWith('[') ? hostName(words[i - 1]) : null };
  }
  return null;
}

/**
 * The connecting client of a `from` clause: its words (the HELO name first) and its comments, in
 * the order written. Linear in the clause's length.
 */
export function clientAddress(words: readonly string[], comments: readonly string[]): ClientAddress {
  for (const comment of comments) {
    const found = addressOfComment(comment);
    if (found) return found;
  }
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('[')) continue;
    const ip = addressIn(w);
    if (ip !== null) return { ip, host: null };
  }
  const helo = words[0];
  const ip = helo === undefined ? null : addressIn(helo);
  return { ip, host: null };
}

/** The receiver's own address in its `by` comment (`by B (198.51.100.2)`, as Exchange writes it). */
export function receiverAddress(comments: readonly string[]): string | null {
  for (const comment of comments) {
    const found = addressOfComment(comment);
    if (found) return found.ip;
  }
  return null;
}
