import { createHash, randomBytes } from 'node:crypto';
import { IpPseudonyms, type IpBlockRecord } from './ip-pseudonyms.js';
import { isGenericWord, isKeptDomain, isRoleLocalPart, PRIVATE_TLDS, publicSuffixOf } from './vocabulary.js';

/**
 * The mapping between real names and pseudonyms. It stays with the admin (it is the key to the
 * redacted files); a later run given the same map reuses every pseudonym in it, so files redacted
 * on different days stay consistent and `redact --reverse` can turn an answer back.
 *
 * Keys are lower case (DNS names, GUIDs and hex are case-insensitive; words are matched so too);
 * a pseudonym is written in the case pattern of the text it replaces.
 */

/** What kind of name a word came from: the pseudonym's prefix says it (`srv3`, `org1`). */
export type WordCategory = 'org' | 'srv' | 'conn' | 'gw' | 'route' | 'rule' | 'host' | 'tenant' | 'name';

interface WordEntry {
  pseudonym: string | null;
  original: string;
  category: WordCategory;
}

export interface RedactionMapFile {
  schema: 'mailflow-doctor/redaction-map@1';
  note: string;
  salt: string;
  keep: string[];
  domains: Record<string, string>;
  mxLabels: Record<string, string>;
  words: Record<string, { pseudonym: string; original: string; category: WordCategory }>;
  localParts: Record<string, string>;
  guids: Record<string, string>;
  hex: Record<string, string>;
  ipBlocks: IpBlockRecord[];
  /** Files not copied as they were (certificates, captures, Outlook items) and what was written instead. */
  files: { input: string; output: string | null; note: string }[];
  unmappedIpRanges: string[];
}

/** Mail-protection host names Exchange Online derives from a domain (`contoso-com.mail.protection.outlook.com`). */
export const MX_SUFFIXES = ['.mail.protection.outlook.com', '.mail.protection.partner.outlook.cn', '.mail.protection.office365.us'];

export class RedactionMap {
  salt: string;
  keep = new Set<string>();
  domains = new Map<string, string | null>();
  mxLabels = new Map<string, string | null>();
  words = new Map<string, WordEntry>();
  localParts = new Map<string, string | null>();
  guids = new Map<string, string | null>();
  hex = new Map<string, string | null>();
  ips: IpPseudonyms;
  files: RedactionMapFile['files'] = [];
  /** Every plain word and registrable domain seen while collecting: a pseudonym must differ from all of them. */
  seenWords = new Set<string>();
  seenDomains = new Set<string>();
  private reverseIndex: Reverse | null = null;
  /** Changes whenever what a name is rewritten to may change (pseudonyms given, names kept): results cached before are stale. */
  generation = 0;

  constructor(file?: RedactionMapFile) {
    this.salt = file?.salt ?? randomBytes(16).toString('hex');
    this.ips = new IpPseudonyms(file?.ipBlocks ?? []);
    if (!file) return;
    for (const k of file.keep) this.keep.add(k);
    for (const [k, v] of Object.entries(file.domains)) this.domains.set(k, v);
    for (const [k, v] of Object.entries(file.mxLabels)) this.mxLabels.set(k, v);
    for (const [k, v] of Object.entries(file.words)) this.words.set(k, { ...v });
    for (const [k, v] of Object.entries(file.localParts)) this.localParts.set(k, v);
    for (const [k, v] of Object.entries(file.guids)) this.guids.set(k, v);
    for (const [k, v] of Object.entries(file.hex)) this.hex.set(k, v);
    this.files = [...file.files];
  }

  static parse(text: string): RedactionMap {
    const file = JSON.parse(text) as RedactionMapFile;
    if (file?.schema !== 'mailflow-doctor/redaction-map@1') throw new Error('not a mailflow-doctor redaction map (schema mailflow-doctor/redaction-map@1)');
    return new RedactionMap(file);
  }

  /** `--keep NAME`: the name, and each of its words, stay as they are. */
  addKeep(name: string): void {
    const lower = name.trim().toLowerCase();
    if (!lower) return;
    this.generation++;
    this.keep.add(lower);
    for (const w of lower.split(/[^a-z0-9]+/)) if (w) this.keep.add(w);
  }

  /** Notes a word of a name (of the given kind) as one to pseudonymise, unless generic or kept. */
  registerWord(word: string, category: WordCategory): void {
    const lower = word.toLowerCase();
    if (this.keep.has(lower) || isGenericWord(lower) || this.words.has(lower)) return;
    this.words.set(lower, { pseudonym: null, original: word, category });
  }

  /** Gives every name noted since the last call a pseudonym no original uses. */
  allocate(): void {
    const counters = new Map<string, number>();
    // Every original is taken before any pseudonym is chosen: `tenant0` must not become `tenant1` when `tenant1` is real.
    const usedWords = new Set<string>([...this.seenWords, ...this.words.keys(), ...this.mxLabels.keys(), ...[...this.words.values()].map((e) => e.pseudonym).filter((p): p is string => p !== null)]);
    const next = (prefix: string, used: Set<string>, make: (n: number) => string): string => {
      for (let n = (counters.get(prefix) ?? 0) + 1; ; n++) {
        const candidate = make(n);
        if (!used.has(candidate)) {
          counters.set(prefix, n);
          used.add(candidate);
          return candidate;
        }
      }
    };
    for (const e of this.words.values()) if (e.pseudonym === null) e.pseudonym = next(e.category, usedWords, (n) => `${e.category}${n}`);
    const usedDomains = new Set<string>([...this.seenDomains, ...this.domains.keys(), ...[...this.domains.values()].filter((v): v is string => v !== null)]);
    for (const [key, v] of this.domains) {
      if (v !== null) continue;
      const tld = key.slice(key.lastIndexOf('.') + 1);
      const suffix = PRIVATE_TLDS.has(tld) ? tld : 'example';
      this.domains.set(key, next(`customer.${suffix}`, usedDomains, (n) => `customer-${n}.${suffix}`));
    }
    // An Exchange Online MX label follows its domain (dots → dashes) when it is one the case names.
    const dashed = new Map<string, string>();
    for (const d of [...this.domains.keys(), ...this.seenFullDomains]) dashed.set(d.replace(/\./g, '-'), d);
    for (const [label, v] of this.mxLabels) {
      if (v !== null) continue;
      const domain = dashed.get(label);
      if (domain !== undefined) this.mxLabels.set(label, this.forwardDomainLower(domain).replace(/\./g, '-'));
      else {
        this.mxLabels.set(label, next('mx', usedWords, (n) => `mx-host-${n}`));
      }
    }
    const usedLocals = new Set<string>([...this.localParts.keys(), ...[...this.localParts.values()].filter((v): v is string => v !== null)]);
    for (const [key, v] of this.localParts) if (v === null) this.localParts.set(key, next('user', usedLocals, (n) => `user-${n}`));
    this.fillHashed(this.guids, (k, i) => guidFrom(this.digest(k, i)));
    this.fillHashed(this.hex, (k, i) => this.digest(k, i).repeat(Math.ceil(k.length / 64) + 1).slice(0, k.length));
    this.ips.allocate();
    this.reverseIndex = null;
    this.generation++;
  }

  /** Full (lower-case) domains seen while collecting, to recognise MX labels derived from them. */
  seenFullDomains = new Set<string>();

  private digest(key: string, attempt: number): string {
    return createHash('sha256').update(`${this.salt}:${attempt}:${key}`).digest('hex');
  }

  private fillHashed(map: Map<string, string | null>, make: (key: string, attempt: number) => string): void {
    const used = new Set<string>([...map.keys(), ...[...map.values()].filter((v): v is string => v !== null)]);
    for (const [key, v] of map) {
      if (v !== null) continue;
      let attempt = 0;
      let p = make(key, attempt);
      while (used.has(p)) p = make(key, ++attempt);
      used.add(p);
      map.set(key, p);
    }
  }

  /** The pseudonym of a lower-case domain (used for MX labels); the domain itself when it stays. */
  forwardDomainLower(lower: string): string {
    if (this.keep.has(lower) || isKeptDomain(lower)) return lower;
    const labels = lower.split('.');
    const suffix = publicSuffixOf(labels);
    if (labels.length <= suffix) return lower;
    const registrable = labels.slice(-suffix - 1).join('.');
    const pseudo = this.domains.get(registrable);
    if (!pseudo) return lower;
    const sub = labels.slice(0, -suffix - 1).map((l) => this.forwardWords(l));
    return [...sub, pseudo].join('.');
  }

  /** Each word of a text replaced by its pseudonym (words not in the map stay). */
  forwardWords(text: string): string {
    return text.replace(/[A-Za-z0-9]+/g, (w) => this.forwardWord(w));
  }

  forwardWord(word: string): string {
    const e = this.words.get(word.toLowerCase());
    return e?.pseudonym ? inCaseOf(word, e.pseudonym) : word;
  }

  /** Pseudonym → original, built on first use after the map changed. */
  reverse(): Reverse {
    if (this.reverseIndex) return this.reverseIndex;
    const invert = (m: Map<string, string | null>): Map<string, string> => {
      const out = new Map<string, string>();
      for (const [k, v] of m) if (v !== null) out.set(v, k);
      return out;
    };
    const words = new Map<string, string>();
    for (const e of this.words.values()) if (e.pseudonym) words.set(e.pseudonym, e.original);
    this.reverseIndex = { domains: invert(this.domains), mxLabels: invert(this.mxLabels), words, localParts: invert(this.localParts), guids: invert(this.guids), hex: invert(this.hex) };
    return this.reverseIndex;
  }

  toJSON(): RedactionMapFile {
    const plain = (m: Map<string, string | null>): Record<string, string> => Object.fromEntries([...m].filter((e): e is [string, string] => e[1] !== null));
    const words: RedactionMapFile['words'] = {};
    for (const [k, e] of this.words) if (e.pseudonym) words[k] = { pseudonym: e.pseudonym, original: e.original, category: e.category };
    return {
      schema: 'mailflow-doctor/redaction-map@1',
      note: 'Keep this file private: it turns the redacted files back into real names (mailflow-doctor redact --reverse --map FILE).',
      salt: this.salt,
      keep: [...this.keep],
      domains: plain(this.domains),
      mxLabels: plain(this.mxLabels),
      words,
      localParts: plain(this.localParts),
      guids: plain(this.guids),
      hex: plain(this.hex),
      ipBlocks: this.ips.records(),
      files: this.files,
      unmappedIpRanges: this.ips.unmapped,
    };
  }
}

export interface Reverse {
  domains: Map<string, string>;
  mxLabels: Map<string, string>;
  words: Map<string, string>;
  localParts: Map<string, string>;
  guids: Map<string, string>;
  hex: Map<string, string>;
}

/** A version-4-shaped GUID from hash bytes. */
function guidFrom(hex: string): string {
  const h = hex.slice(0, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16]!, 16) & 3]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** The replacement written in the case pattern of the text it replaces (EX01 → SRV1, ex01 → srv1, Contoso → Org1). */
/** Hex in the case pattern of the original: thumbprints are upper case unless written in lower case. */
export function hexCase(original: string, pseudonym: string): string {
  return /[a-f]/.test(original) ? pseudonym.toLowerCase() : pseudonym.toUpperCase();
}

/** GUIDs are lower case unless written in upper case. */
export function guidCase(original: string, pseudonym: string): string {
  return /[A-F]/.test(original) ? pseudonym.toUpperCase() : pseudonym.toLowerCase();
}

export function inCaseOf(original: string, replacement: string): string {
  const hasLower = original !== original.toUpperCase();
  const hasUpper = original !== original.toLowerCase();
  if (hasUpper && !hasLower) return replacement.toUpperCase();
  if (!hasUpper) return replacement.toLowerCase();
  if (original[0] === original[0]!.toUpperCase() && original.slice(1) === original.slice(1).toLowerCase()) return replacement[0]!.toUpperCase() + replacement.slice(1).toLowerCase();
  return replacement;
}

export function isRoleLocal(lower: string): boolean {
  return isRoleLocalPart(lower);
}
