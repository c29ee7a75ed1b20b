import { isTopLevelName } from './vocabulary.js';

/**
 * One left-to-right scan of a text that hands every name-like token to a mapper and rebuilds the
 * text with what the mapper returns. Tokens: e-mail addresses, domains, IPv4/IPv6 addresses (with
 * their `/prefix`), GUIDs, long hex strings (thumbprints, serial numbers, session ids) and words.
 * Everything between tokens (quotes, commas, YAML/JSON/XML punctuation, spaces) is copied as it
 * is, so a file stays in its format: a rewrite, not a re-serialisation. Linear in the text.
 */
export interface TokenMapper {
  /** `prefix`: the CIDR length written after the address, or null. */
  ip(text: string, prefix: number | null): string;
  email(local: string, domain: string): string;
  domain(text: string): string;
  guid(text: string): string;
  hex(text: string): string;
  word(text: string): string;
  /** An IPv4 `first-last` range, as a whole (so the addresses between keep their place). */
  range?(first: string, last: string): string;
}

/**
 * Characters a token is made of (`[\p{L}\p{N}.%+\-*@:]`, by code point; read by chunkCharAt); anything else separates tokens. Letters and digits of any script:
 * a German or Polish name (`Jörg Müller`, `Łukasz`) is one word, as it was when it was noted.
 * Underscore separates: CLIXML escapes line breaks as `_x000D__x000A_` right against a value.
 */
const GUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV4_RANGE = /^(\d{1,3}(?:\.\d{1,3}){3})-(\d{1,3}(?:\.\d{1,3}){3})$/;
const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/;
const HEX = /^[0-9A-Fa-f]{16,}$/;
const LABEL = /^(?:\*|[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)$/;
const WORD = /[\p{L}\p{N}]+/gu;
/** A version number that happens to read as an address (`#Version: 15.0.0.0` in Exchange logs). */
const VERSION_BEFORE = /version[:=]?\s*$/i;

export function isDomainText(text: string): boolean {
  if (text.length < 4 || text.length > 253 || !text.includes('.')) return false;
  const labels = text.split('.');
  if (labels.length < 2) return false;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!LABEL.test(l) || (l === '*' && i > 0)) return false;
  }
  return isTopLevelName(labels[labels.length - 1]!);
}

export function isGuidText(text: string): boolean {
  return text.length === 36 && new RegExp(`^${GUID.source}$`).test(text);
}

/** Long hex: a thumbprint (SHA-1 40, SHA-256 64 digits) or GUID without dashes (32) even if all digits; else it must mix digits and letters. */
export function isHexText(text: string): boolean {
  if (!HEX.test(text)) return false;
  if (text.length === 32 || text.length === 40 || text.length === 64) return /[1-9A-Fa-f]/.test(text);
  return /[A-Fa-f]/.test(text) && /[0-9]/.test(text);
}

/**
 * A thumbprint or serial number written in byte pairs (`ab 12 cd …`, `AB:12:CD:…`, as certificate
 * dialogs show them): 16 to 64 bytes. Mapped as the hex it spells, separators kept in place.
 */
const SPACED_HEX = /(?<![0-9A-Za-z:])[0-9A-Fa-f]{2}(?:([ :])[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){14,62}(?![0-9A-Za-z]|:[0-9A-Fa-f])/g;

/**
 * Results of earlier chunks, for a mapper whose answer depends only on what it is given (the
 * forward and reverse rewrites; the collector, whose notes are the same each time). A report or a
 * log repeats most of its tokens, so most chunks are one lookup. Bounded: cleared when full, and
 * only short chunks are kept (a long one is an id that seldom repeats).
 */
export class ChunkCache {
  private readonly results = new Map<string, string>();
  get(chunk: string): string | undefined {
    return this.results.get(chunk);
  }
  set(chunk: string, out: string): void {
    if (this.results.size >= 50000) this.results.clear();
    this.results.set(chunk, out);
  }
}
const MAX_CACHED_CHUNK = 64;

export function scanText(text: string, m: TokenMapper, cache: ChunkCache | null = null): string {
  SPACED_HEX.lastIndex = 0;
  if (!SPACED_HEX.test(text)) return scanChunks(text, m, cache);
  const pieces: string[] = [];
  let copied = 0;
  SPACED_HEX.lastIndex = 0;
  for (let match = SPACED_HEX.exec(text); match !== null; match = SPACED_HEX.exec(text)) {
    const joined = match[0].replace(/[ :]/g, '');
    if (!/[A-Fa-f]/.test(joined) || !/[0-9]/.test(joined)) continue;
    const mapped = m.hex(joined);
    let k = 0;
    const out = match[0].replace(/[0-9A-Fa-f]/g, () => mapped[k++]!);
    pieces.push(scanChunks(text.slice(copied, match.index), m, cache), out);
    copied = match.index + match[0].length;
  }
  pieces.push(scanChunks(text.slice(copied), m, cache));
  return pieces.join('');
}

/** ASCII characters of a chunk: letters, digits and `. % + - * @ :`. */
const ASCII_CHUNK = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_CHUNK[c] = /[A-Za-z0-9.%+\-*@:]/.test(String.fromCharCode(c)) ? 1 : 0;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
/** Answers for code points beyond ASCII, learned as met (0 unknown, 1 yes, 2 no). */
const wideClass = new Uint8Array(0x110000);

function isWideChunkChar(cp: number): boolean {
  let k = wideClass[cp]!;
  if (k === 0) {
    k = LETTER_OR_DIGIT.test(String.fromCodePoint(cp)) ? 1 : 2;
    wideClass[cp] = k;
  }
  return k === 1;
}

/** Width (1, or 2 for a surrogate pair) of the chunk character at i, or 0 when it separates (surrogates are read as the code point they make). */
function chunkCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return ASCII_CHUNK[c]!;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return isWideChunkChar(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000) ? 2 : 0;
    return 0;
  }
  if (c >= 0xdc00 && c <= 0xdfff) return 0;
  return isWideChunkChar(c) ? 1 : 0;
}

/** Set while a chunk is mapped when the answer read the text before it (a `Version:` before an address). */
let readBefore = false;

function scanChunks(text: string, m: TokenMapper, cache: ChunkCache | null): string {
  const pieces: string[] = [];
  let copied = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let w = chunkCharAt(text, i);
    if (w === 0) {
      i++;
      continue;
    }
    const start = i;
    do i += w;
    while (i < n && (w = chunkCharAt(text, i)) !== 0);
    const end = i;
    const chunk = text.slice(start, end);
    // The text around a chunk matters only after `=` (quoted-printable) or before `/` (a prefix length).
    const cacheable = cache !== null && end - start <= MAX_CACHED_CHUNK && text.charCodeAt(start - 1) !== 61 && text.charCodeAt(end) !== 47;
    let out = cacheable ? cache.get(chunk) : undefined;
    if (out === undefined) {
      readBefore = false;
      out = chunkOut(chunk, text, start, end, m);
      if (cacheable && !readBefore) cache.set(chunk, out);
    }
    if (out !== chunk) {
      pieces.push(text.slice(copied, start), out);
      copied = end;
    }
  }
  if (copied === 0) return text;
  pieces.push(text.slice(copied));
  return pieces.join('');
}

function prefixAfter(text: string, end: number): number | null {
  if (text.charCodeAt(end) !== 47) return null;
  const m = /^\/(\d{1,3})(?!\d)/.exec(text.slice(end, end + 5));
  return m ? Number(m[1]) : null;
}

function looksLikeIpv6(core: string): boolean {
  return core.length > 0 && core.length <= 45 && IPV6_CHARS.test(core) && (core.match(/:/g)?.length ?? 0) >= 2 && /[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{0,4}:/.test(core);
}

function chunkOut(chunk: string, text: string, start: number, end: number, m: TokenMapper): string {
  if (chunk.includes(':')) {
    let core = chunk.replace(/^[.:]+|[.:]+$/g, '');
    // `IPv6:2001:db8::1` (an address literal in SMTP), `smtp:…` prefixes: the address after the first colon.
    if (!looksLikeIpv6(core) && looksLikeIpv6(core.slice(core.indexOf(':') + 1))) core = core.slice(core.indexOf(':') + 1);
    if (looksLikeIpv6(core)) {
      const at = chunk.lastIndexOf(core);
      const mapped = m.ip(core, at + core.length === chunk.length ? prefixAfter(text, end) : null);
      if (mapped !== core) return chunk.slice(0, at) + mapped + chunk.slice(at + core.length);
      return chunk;
    }
    const parts = chunk.split(':');
    let changed = false;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const out = partOut(p, text, i === 0 ? start : -1, i === parts.length - 1 ? end : -1, m);
      if (out !== p) {
        parts[i] = out;
        changed = true;
      }
    }
    return changed ? parts.join(':') : chunk;
  }
  return partOut(chunk, text, start, end, m);
}

/** `. - % +` around a name are punctuation, not part of it. */
function isEdgeMark(c: number): boolean {
  return c === 46 || c === 45 || c === 37 || c === 43;
}

/** `start`/`end`: where the part sits in the text when it begins/ends the chunk (else -1). */
function partOut(part: string, text: string, start: number, end: number, m: TokenMapper): string {
  if (part.length === 0) return part;
  // Quoted-printable writes `=` as `=3D`: `Name=3Dmail.contoso.com` holds the name `mail.contoso.com`.
  const qp = start > 0 && text.charCodeAt(start - 1) === 61 && part.startsWith('3D') && part.length > 2 ? '3D' : '';
  if (qp) return qp + partOut(part.slice(2), text, -1, end, m);
  let a = 0;
  while (a < part.length && isEdgeMark(part.charCodeAt(a))) a++;
  if (a === part.length) return part;
  let b = part.length;
  while (isEdgeMark(part.charCodeAt(b - 1))) b--;
  const core = a === 0 && b === part.length ? part : part.slice(a, b);
  const out = coreOut(core, text, start >= 0 ? start + a : -1, end >= 0 && b === part.length ? end : -1, m);
  return out === core ? part : part.slice(0, a) + out + part.slice(b);
}

function coreOut(core: string, text: string, start: number, end: number, m: TokenMapper): string {
  const at = core.lastIndexOf('@');
  if (at > 0 && at < core.length - 1) {
    const domain = core.slice(at + 1);
    if (isDomainText(domain)) return m.email(core.slice(0, at), domain);
  }
  if (IPV4.test(core)) {
    if (start >= 0) readBefore = true;
    if (start >= 0 && VERSION_BEFORE.test(text.slice(Math.max(0, start - 12), start))) return core;
    return m.ip(core, end >= 0 ? prefixAfter(text, end) : null);
  }
  const range = IPV4_RANGE.exec(core);
  if (range) return m.range ? m.range(range[1]!, range[2]!) : `${m.ip(range[1]!, null)}-${m.ip(range[2]!, null)}`;
  if (core.length === 36 && isGuidText(core)) return m.guid(core);
  if (core.length > 36 && core.includes('-')) {
    // A GUID inside a longer token (`Inbound-<guid>`): the GUID, and the words around it.
    let out = '';
    let last = 0;
    GUID.lastIndex = 0;
    for (let g = GUID.exec(core); g !== null; g = GUID.exec(core)) {
      out += wordsOut(core.slice(last, g.index), m) + m.guid(g[0]);
      last = g.index + g[0].length;
    }
    if (last > 0) return out + wordsOut(core.slice(last), m);
  }
  if (isDomainText(core)) return m.domain(core);
  if (core.length >= 16 && isHexText(core)) return m.hex(core);
  return wordsOut(core, m);
}

function wordsOut(text: string, m: TokenMapper): string {
  // Most cores are one ASCII word: no need to look for words inside.
  let plain = true;
  for (let i = 0; i < text.length && plain; i++) {
    const c = text.charCodeAt(i);
    plain = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  }
  if (plain) return text.length === 0 ? text : m.word(text);
  WORD.lastIndex = 0;
  return text.replace(WORD, (w) => m.word(w));
}
