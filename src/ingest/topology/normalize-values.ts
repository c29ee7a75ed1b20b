import { isoTime } from '../../model/iso-time.js';
import { isBookkeeping } from '../exchange-bookkeeping.js';
import type { AddressSpace } from '../../model/case.js';
import { normalizeHost, parseAddressSpace } from '../../model/domains.js';
import { BOOLEAN_TEXT } from './schema.js';
import { normalizeIpText } from './ip-text.js';
import type { NormalizeContext } from './normalize-context.js';
import type { PathSegment } from './yaml-positions.js';

/**
 * Value converters shared by the topology normalisers. They accept the shapes the schema lets
 * through (PowerShell strings for booleans and lists, ConvertTo-Json objects for domains) and
 * never throw: a value of another shape yields the fallback.
 */

export type Raw = Record<string, unknown>;

export function isRecord(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function has(raw: Raw, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(raw, key) && raw[key] !== undefined;
}

export function boolValue(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && BOOLEAN_TEXT.test(value)) return /true/i.test(value);
  return fallback;
}

export function optionalBool(value: unknown): boolean | null {
  if (typeof value === 'boolean' || (typeof value === 'string' && BOOLEAN_TEXT.test(value))) return boolValue(value, false);
  return null;
}

/** Text of a scalar; numbers are re-read from the source so `0012` or `1E5` keep their spelling. */
export function textValue(ctx: NormalizeContext, value: unknown, path: readonly PathSegment[]): string | null {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return ctx.sourceText(path)?.trim() ?? String(value);
  if (typeof value === 'boolean') return String(value);
  return null;
}

/** One list item with the path of the node it came from (for positions). */
export interface ListItem {
  value: unknown;
  path: PathSegment[];
}

/**
 * Items of a list property: an array, one comma-separated string (how a cmdlet parameter is
 * typed), or a single object (ConvertTo-Json writes a one-element array as its element).
 */
export function listItems(raw: Raw, key: string, parentPath: readonly PathSegment[], splitStrings = true): ListItem[] {
  const value = raw[key];
  // Most lists of an export object are absent: no path is built for them.
  if (value === null || value === undefined) return [];
  const path = [...parentPath, key];
  if (Array.isArray(value)) return value.map((v, i) => ({ value: v, path: [...path, i] }));
  const values = typeof value === 'string' && !splitStrings ? [value.trim()].filter((s) => s !== '') : listValues(raw, key);
  return values.map((v) => ({ value: v, path }));
}

/**
 * The values `listItems` gives, without their paths: for lists whose items are only converted
 * (addresses, domains, hosts), where a path per item would be built for every object of an
 * estate and never used.
 */
/** The path listItems gives the i-th of listValues(raw, key): its index only in an array. */
function listItemPath(raw: Raw, key: string, parentPath: readonly PathSegment[], i: number): PathSegment[] {
  return Array.isArray(raw[key]) ? [...parentPath, key, i] : [...parentPath, key];
}

export function listValues(raw: Raw, key: string): unknown[] {
  const value = raw[key];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    const out: string[] = [];
    for (const part of value.split(',')) {
      const s = part.trim();
      if (s !== '') out.push(s);
    }
    return out;
  }
  if (value === null || value === undefined) return [];
  return [value];
}

/** `textValue` of `raw[key]`, the path to it built only when the value is a number (which is re-read from the source). */
export function textAt(ctx: NormalizeContext, raw: Raw, key: string, path: readonly PathSegment[]): string | null {
  const value = raw[key];
  if (typeof value === 'string') return value.trim();
  return textValue(ctx, value, typeof value === 'number' ? [...path, key] : path);
}

export function textList(ctx: NormalizeContext, raw: Raw, key: string, parentPath: readonly PathSegment[]): string[] {
  const out: string[] = [];
  for (const item of listItems(raw, key, parentPath)) {
    const t = isRecord(item.value) ? textValue(ctx, item.value.Name, [...item.path, 'Name']) : textValue(ctx, item.value, item.path);
    if (t) out.push(t);
  }
  return out;
}

/** A domain from a string or a ConvertTo-Json SmtpDomain(WithSubdomains) object; lower case, no trailing dot. */
export function domainValue(value: unknown): string | null {
  if (typeof value === 'string') return normalizeDomain(value);
  if (isRecord(value)) {
    const inner = value.Domain ?? value.Address;
    const name = typeof inner === 'string' ? inner : isRecord(inner) && typeof inner.Domain === 'string' ? inner.Domain : null;
    if (!name) return null;
    const d = normalizeDomain(name);
    return value.IncludeSubDomains === true && !d.startsWith('*') ? `*.${d}` : d;
  }
  return null;
}

export function normalizeDomain(text: string): string {
  return text.trim().toLowerCase().replace(/\.$/, '');
}

// The list converters take `parentPath` for the callers' symmetry; their items need no position.
export function domainList(raw: Raw, key: string, _parentPath: readonly PathSegment[]): string[] {
  const out: string[] = [];
  for (const v of listValues(raw, key)) {
    const d = domainValue(v);
    if (d) out.push(d);
  }
  return dedupe(out);
}

export function hostList(raw: Raw, key: string, _parentPath: readonly PathSegment[]): string[] {
  const out: string[] = [];
  for (const v of listValues(raw, key)) {
    const d = domainValue(v);
    if (d) out.push(normalizeHost(d));
  }
  return dedupe(out);
}

export function ipList(raw: Raw, key: string, _parentPath: readonly PathSegment[]): string[] {
  const out: string[] = [];
  for (const v of listValues(raw, key)) if (typeof v === 'string') out.push(normalizeIpText(v));
  return dedupe(out);
}

/** Address spaces (`smtp:contoso.com;1`, `*`, objects); an entry that does not parse is reported and left out. */
export function addressSpaceList(ctx: NormalizeContext | null, raw: Raw, key: string, parentPath: readonly PathSegment[]): AddressSpace[] {
  const out: AddressSpace[] = [];
  const values = listValues(raw, key);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const parsed = parseAddressSpace(value);
    if (parsed) out.push(parsed);
    // The item's path (as listItems gives it) only for the message.
    else ctx?.warn(listItemPath(raw, key, parentPath, i), `${key}: ${JSON.stringify(value)} is not an address space (expected e.g. smtp:contoso.com;1 or *); ignored`);
  }
  return out;
}

/** Exchange shows thumbprints as 40 upper-case hex digits; copies from Windows dialogs carry spaces, colons and a hidden U+200E. */
export function normalizeThumbprint(text: string): string {
  return text.replace(/[\s:\u200e\u200f\ufeff]/g, '').toUpperCase();
}

export function thumbprintValue(ctx: NormalizeContext, value: unknown, path: readonly PathSegment[]): string | null {
  const t = textValue(ctx, value, path);
  return t ? normalizeThumbprint(t) : null;
}

/** Canonical spelling of a case-insensitive enumeration value, or the fallback. */
export function enumValue<T extends string>(value: unknown, allowed: readonly T[], fallback: T, aliases?: Record<string, T>): T {
  if (typeof value !== 'string') return fallback;
  const v = value.trim().toLowerCase();
  // The allowed names lower-cased once per list (each caller's is a constant), not per value.
  const lower = lowerCased(allowed);
  for (let i = 0; i < lower.length; i++) if (lower[i] === v && allowed[i] !== '') return allowed[i]!;
  if (aliases !== undefined) for (const alias in aliases) if (Object.hasOwn(aliases, alias) && alias.toLowerCase() === v) return aliases[alias]!;
  return fallback;
}

const LOWER_CASED = new WeakMap<readonly string[], readonly string[]>();

function lowerCased(names: readonly string[]): readonly string[] {
  let lower = LOWER_CASED.get(names);
  if (lower === undefined) LOWER_CASED.set(names, (lower = names.map((n) => n.toLowerCase())));
  return lower;
}

export function dedupe<T>(values: T[]): T[] {
  // Nothing to drop from fewer than two. Still a copy: the lists are filled with push(), which
  // leaves room for ~17 items, and the case keeps hundreds of thousands of them (~15 MB on a
  // 10,000-tenant estate); a copy is exactly its size.
  return values.length < 2 ? values.slice() : [...new Set(values)];
}

/** Per list of known names (each normaliser has one constant list): a set and a lower-case lookup, built once. */
interface KnownLookup {
  names: Set<string>;
  lower: Map<string, string>;
  /**
   * Other names already found to be no case variant of a known one: an export object carries
   * dozens of extra properties, the same few dozen names in every object of a provider's estate,
   * and lower-casing each again shows in the load. Bounded, as the names come from the input.
   */
  unrelated: Set<string>;
  /**
   * Per property name already met, what becomes of it, with and without bookkeeping kept: left
   * out (false), or kept in `extra` (true) — one lookup per property instead of two. Bounded too.
   */
  keptWithBookkeeping: Map<string, boolean>;
  keptWithoutBookkeeping: Map<string, boolean>;
}

const KNOWN_LOOKUPS = new WeakMap<readonly string[], KnownLookup>();
const UNRELATED_MAX = 4096;

function knownLookup(known: readonly string[]): KnownLookup {
  let l = KNOWN_LOOKUPS.get(known);
  if (!l) {
    l = { names: new Set(known), lower: new Map(known.map((k) => [k.toLowerCase(), k])), unrelated: new Set(), keptWithBookkeeping: new Map(), keptWithoutBookkeeping: new Map() };
    KNOWN_LOOKUPS.set(known, l);
  }
  return l;
}

/**
 * Properties the model does not name, kept verbatim. A key that differs from a known property
 * only in letter case is almost surely a typo (YAML keys are case-sensitive, PowerShell's are
 * not), so it is pointed out rather than silently ignored.
 */
export function extraProperties(ctx: NormalizeContext, raw: Raw, known: readonly string[], path: readonly PathSegment[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  const { names, lower, unrelated, keptWithBookkeeping, keptWithoutBookkeeping } = knownLookup(known);
  const bookkeeping = ctx.keepsBookkeeping;
  const kept = bookkeeping ? keptWithBookkeeping : keptWithoutBookkeeping;
  for (const k in raw) {
    let keep = kept.get(k);
    if (keep === undefined) {
      keep = !(names.has(k) || (!bookkeeping && isBookkeeping(k)));
      if (kept.size < UNRELATED_MAX) kept.set(k, keep);
    }
    if (!keep) continue;
    const v = raw[k];
    extra[k] = v;
    if (unrelated.has(k)) continue;
    const meant = lower.get(k.toLowerCase());
    if (meant) ctx.warn([...path, k], `property "${k}" is not known; did you mean "${meant}"? (property names are case-sensitive; this value is ignored)`);
    else if (unrelated.size < UNRELATED_MAX) unrelated.add(k);
  }
  return extra;
}

/**
 * Names of the properties written in the input, among the model's. The list is shared by every
 * object that wrote the same ones (never change it): an estate's hundreds of thousands of objects
 * write a handful of distinct sets, and markGiven finds its set by the list itself.
 */
export function writtenKeys(raw: Raw, known: readonly string[]): readonly string[] {
  if (known.length > 30) return known.filter((k) => has(raw, k) && raw[k] !== null);
  let mask = 0;
  for (let i = 0; i < known.length; i++) {
    const k = known[i]!;
    if (has(raw, k) && raw[k] !== null) mask |= 1 << i;
  }
  let lists = WRITTEN_LISTS.get(known);
  if (lists === undefined) WRITTEN_LISTS.set(known, (lists = new Map()));
  let list = lists.get(mask);
  if (list === undefined) {
    list = Object.freeze(known.filter((_, i) => (mask & (1 << i)) !== 0));
    if (lists.size < WRITTEN_LISTS_MAX) lists.set(mask, list);
  }
  return list;
}

/** Per list of known names (a normaliser's constant): the written-names list of each subset seen. */
const WRITTEN_LISTS = new WeakMap<readonly string[], Map<number, readonly string[]>>();
const WRITTEN_LISTS_MAX = 4096;

/** `/Date(1735689600000)/` (Windows PowerShell 5.1 ConvertTo-Json) or any Date.parse-able text → ISO 8601. */
export function dateValue(value: unknown): { iso: string | null; ok: boolean } {
  if (value === null || value === undefined) return { iso: null, ok: true };
  if (typeof value === 'string') {
    const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value.trim());
    const t = ms?.[1] !== undefined ? Number(ms[1]) : Date.parse(value);
    const iso = isoTime(t);
    if (iso !== null) return { iso, ok: true };
  }
  return { iso: null, ok: false };
}
