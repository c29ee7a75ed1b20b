import { collectAddressPhrases, collectDisplayNames, registerDisplayName } from './display-names.js';
import { guidCase, hexCase, inCaseOf, MX_SUFFIXES, RedactionMap, type WordCategory } from './redaction-map.js';
import { rewriteBase64Parts } from './mime-base64.js';
import { ChunkCache, scanText, type TokenMapper } from './token-scan.js';
import { caseTopLevelNameCount, isKeptDomain, isKeptHex, isRoleLocalPart, isServiceRegistrable, publicSuffixOf } from './vocabulary.js';

/**
 * The three passes over text: collect (note every name to pseudonymise), forward (real →
 * pseudonym) and reverse (pseudonym → real). All three walk a domain the same way (domainShape):
 * Microsoft's names stay, `X.onmicrosoft.com` keeps its suffix with the tenant label
 * pseudonymised, `X.mail.protection.outlook.com` follows X's domain, and any other domain keeps
 * its structure: the registrable part (label + public suffix) becomes `customer-N.example`, the
 * labels under it are pseudonymised word by word.
 */

type DomainShape =
  | { kind: 'kept' }
  | { kind: 'mx'; label: string; rest: string }
  | { kind: 'tenant'; labels: string[]; tenantAt: number }
  | { kind: 'general'; sub: string[]; registrable: string }
  /** A mail security service's host: its domain stays, the labels under it are the customer's. */
  | { kind: 'service'; sub: string[]; registrable: string };

function domainShape(lower: string, keep: Set<string>): DomainShape {
  if (keep.has(lower)) return { kind: 'kept' };
  for (const suffix of MX_SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) {
      const head = lower.slice(0, lower.length - suffix.length);
      if (head.includes('.') || head === '*') return { kind: 'kept' };
      return { kind: 'mx', label: head, rest: suffix };
    }
  }
  const labels = lower.split('.');
  if (lower.endsWith('.onmicrosoft.com') && labels.length >= 3) {
    const at = labels.length - 3;
    // `contoso.mail.onmicrosoft.com` is the same tenant's coexistence domain.
    const tenantAt = labels[at] === 'mail' && at > 0 ? at - 1 : at;
    return { kind: 'tenant', labels, tenantAt };
  }
  if (isKeptDomain(lower)) return { kind: 'kept' };
  const suffix = publicSuffixOf(labels);
  if (labels.length <= suffix) return { kind: 'kept' };
  const registrable = labels.slice(-suffix - 1).join('.');
  if (keep.has(registrable)) return { kind: 'kept' };
  if (isServiceRegistrable(registrable)) return { kind: 'service', sub: labels.slice(0, -suffix - 1), registrable };
  return { kind: 'general', sub: labels.slice(0, -suffix - 1), registrable };
}

function sameCase(original: string, lowerResult: string): string {
  return original === original.toUpperCase() && original !== original.toLowerCase() ? lowerResult.toUpperCase() : lowerResult;
}

/** Notes names to pseudonymise. `wordCategory`: plain words are names of that kind (a case's object names); null for file text. */
export function collectText(text: string, map: RedactionMap, wordCategory: WordCategory | null = null): void {
  const c = collector(map, wordCategory);
  // The collector notes a name once however often it is met, so repeated chunks are skipped.
  const cache = new ChunkCache();
  scanText(
    rewriteBase64Parts(text, (decoded) => {
      collectDisplayNames(decoded, map);
      return scanText(decoded, c, cache);
    }),
    c,
    cache,
  );
  if (wordCategory === null) collectDisplayNames(text, map);
}

/**
 * collectText of a file's text given as pieces (file-pieces.ts: no token, header field or base64
 * part spans a cut, and the file holds no `DisplayName`), with the same notes in the same order:
 * base64 parts of every piece first, then the plain scan of every piece, then the address phrases
 * (kept in order of first appearance; noting one again adds nothing). `pieces` is read twice.
 */
export function collectPieces(pieces: () => Iterable<string>, map: RedactionMap): void {
  const c = collector(map, null);
  const cache = new ChunkCache();
  const decodedPart = (decoded: string): string => {
    collectDisplayNames(decoded, map);
    return scanText(decoded, c, cache);
  };
  for (const piece of pieces()) rewriteBase64Parts(piece, decodedPart);
  const phrases = new Set<string>();
  for (const piece of pieces()) {
    scanText(piece, c, cache);
    collectAddressPhrases(piece, (phrase) => phrases.add(phrase));
  }
  for (const phrase of phrases) registerDisplayName(phrase, map);
}

function collector(map: RedactionMap, wordCategory: WordCategory | null): TokenMapper {
  const words = (text: string, category: WordCategory): void => {
    for (const w of text.split(/[^\p{L}\p{N}]+/u)) if (w) map.registerWord(w, category);
  };
  const domain = (text: string): string => {
    const lower = text.toLowerCase();
    map.seenFullDomains.add(lower);
    // A name already in the case (customer-1.example in a test estate) is never handed out as a pseudonym.
    map.seenDomains.add(lower.split('.').slice(-2).join('.'));
    const shape = domainShape(lower, map.keep);
    if (shape.kind === 'mx') {
      if (!map.mxLabels.has(shape.label)) map.mxLabels.set(shape.label, null);
    } else if (shape.kind === 'tenant') {
      shape.labels.slice(0, shape.tenantAt + 1).forEach((l, i) => words(l, i === shape.tenantAt ? 'tenant' : 'host'));
    } else if (shape.kind === 'general') {
      map.seenDomains.add(shape.registrable);
      if (!map.domains.has(shape.registrable)) map.domains.set(shape.registrable, null);
      for (const l of shape.sub) if (l !== '*') words(l, 'host');
    } else if (shape.kind === 'service') {
      for (const l of shape.sub) if (l !== '*') words(l, 'host');
    }
    return text;
  };
  return {
    ip(text, prefix) {
      if (!map.keep.has(text.toLowerCase())) map.ips.register(prefix === null ? text : `${text}/${prefix}`);
      return text;
    },
    range(first, last) {
      if (!map.keep.has(first) && !map.keep.has(last)) map.ips.registerRange(first, last);
      return `${first}-${last}`;
    },
    email(local, d) {
      const lower = local.toLowerCase();
      if (!isRoleLocalPart(lower) && !map.keep.has(lower) && !map.localParts.has(lower)) map.localParts.set(lower, null);
      return `${local}@${domain(d)}`;
    },
    domain,
    guid(text) {
      const lower = text.toLowerCase();
      if (!map.keep.has(lower) && !map.guids.has(lower)) map.guids.set(lower, null);
      return text;
    },
    hex(text) {
      const lower = text.toLowerCase();
      if (!map.keep.has(lower) && !isKeptHex(lower) && !map.hex.has(lower)) map.hex.set(lower, null);
      return text;
    },
    word(text) {
      const lower = text.toLowerCase();
      map.seenWords.add(lower);
      if (wordCategory !== null) map.registerWord(text, wordCategory);
      return text;
    },
  };
}

/**
 * Real names → pseudonyms, for any text (a file's, or a report's for `--redact`). Only what the
 * map holds is replaced: names the tool itself prints (Microsoft's, its own examples) stay.
 */
export function redactText(text: string, map: RedactionMap): string {
  const { mapper: f, cache } = forwardScan(map);
  return scanText(rewriteBase64Parts(text, (decoded) => scanText(decoded, f, cache)), f, cache);
}

/**
 * One forwarder and chunk cache per map, shared by every call (a report is redacted piece by
 * piece): valid while the map's pseudonyms and kept names (its generation) and the case's
 * top-level names stay as they were.
 */
const forwardScans = new WeakMap<RedactionMap, { generation: number; tlds: number; mapper: TokenMapper; cache: ChunkCache }>();

function forwardScan(map: RedactionMap): { mapper: TokenMapper; cache: ChunkCache } {
  const known = forwardScans.get(map);
  if (known && known.generation === map.generation && known.tlds === caseTopLevelNameCount()) return known;
  const fresh = { generation: map.generation, tlds: caseTopLevelNameCount(), mapper: forwarder(map), cache: new ChunkCache() };
  forwardScans.set(map, fresh);
  return fresh;
}

function forwarder(map: RedactionMap): TokenMapper {
  const domain = (text: string): string => {
    const lower = text.toLowerCase();
    const shape = domainShape(lower, map.keep);
    let out = lower;
    if (shape.kind === 'mx') out = (map.mxLabels.get(shape.label) ?? shape.label) + shape.rest;
    else if (shape.kind === 'tenant') out = shape.labels.map((l, i) => (i <= shape.tenantAt ? map.forwardWords(l) : l)).join('.');
    else if (shape.kind === 'general') {
      const pseudo = map.domains.get(shape.registrable);
      if (!pseudo) return text;
      out = [...shape.sub.map((l) => map.forwardWords(l)), pseudo].join('.');
    } else if (shape.kind === 'service') out = [...shape.sub.map((l) => map.forwardWords(l)), shape.registrable].join('.');
    else return text;
    return out === lower ? text : sameCase(text, out);
  };
  const hashed = (m: Map<string, string | null>, inCase: (o: string, p: string) => string) => (text: string): string => {
    const p = m.get(text.toLowerCase());
    return p ? inCase(text, p) : text;
  };
  return {
    ip: (text) => (map.keep.has(text.toLowerCase()) ? text : (map.ips.map(text) ?? text)),
    email(local, d) {
      const p = map.localParts.get(local.toLowerCase());
      return `${p ? inCaseOf(local, p) : local}@${domain(d)}`;
    },
    domain,
    guid: hashed(map.guids, guidCase),
    hex: hashed(map.hex, hexCase),
    word: (w) => map.forwardWord(w),
  };
}

/** Pseudonyms → real names (`redact --reverse`): for a redacted answer pasted back. */
export function reverseText(text: string, map: RedactionMap): string {
  const r = reverser(map);
  const cache = new ChunkCache();
  return scanText(rewriteBase64Parts(text, (decoded) => scanText(decoded, r, cache)), r, cache);
}

function reverser(map: RedactionMap): TokenMapper {
  const r = map.reverse();
  const word = (w: string): string => {
    const original = r.words.get(w.toLowerCase());
    if (original === undefined) return w;
    if (w === w.toUpperCase() && w !== w.toLowerCase()) return original.toUpperCase();
    if (w === w.toLowerCase()) return original.toLowerCase();
    return original;
  };
  const words = (text: string): string => text.replace(/[A-Za-z0-9]+/g, word);
  const domain = (text: string): string => {
    const lower = text.toLowerCase();
    const shape = domainShape(lower, new Set());
    let out = lower;
    if (shape.kind === 'mx') out = (r.mxLabels.get(shape.label) ?? shape.label) + shape.rest;
    else if (shape.kind === 'tenant') out = shape.labels.map((l, i) => (i <= shape.tenantAt ? words(l) : l)).join('.');
    else if (shape.kind === 'service') out = [...shape.sub.map(words), shape.registrable].join('.');
    else if (lower.endsWith('.example') || lower.endsWith('.local') || shape.kind === 'general') {
      const labels = lower.split('.');
      const registrable = labels.slice(-2).join('.');
      const original = r.domains.get(registrable);
      if (original === undefined) return text;
      out = [...labels.slice(0, -2).map(words), original].join('.');
    }
    return out === lower ? text : sameCase(text, out);
  };
  const hashed = (m: Map<string, string>, inCase: (o: string, p: string) => string) => (text: string): string => {
    const p = m.get(text.toLowerCase());
    return p ? inCase(text, p) : text;
  };
  return {
    ip: (text) => map.ips.reverse(text) ?? text,
    email(local, d) {
      const p = r.localParts.get(local.toLowerCase());
      return `${p ?? local}@${domain(d)}`;
    },
    domain,
    guid: hashed(r.guids, guidCase),
    hex: hashed(r.hex, hexCase),
    word,
  };
}
