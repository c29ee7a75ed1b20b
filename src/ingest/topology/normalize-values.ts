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
  const path = [...parentPath, key];
  if (Array.isArray(value)) return value.map((v, i) => ({ value: v, path: [...path, i] }));
  if (typeof value === 'string') {
    const parts = splitStrings ? value.split(',') : [value];
    return parts.map((s) => s.trim()).filter((s) => s !== '').map((s) => ({ value: s, path }));
  }
  if (value === null || value === undefined) return [];
  return [{ value, path }];
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

export function domainList(raw: Raw, key: string, parentPath: readonly PathSegment[]): string[] {
  return dedupe(listItems(raw, key, parentPath).map((i) => domainValue(i.value)).filter((d): d is string => !!d));
}

export function hostList(raw: Raw, key: string, parentPath: readonly PathSegment[]): string[] {
  return dedupe(
    listItems(raw, key, parentPath)
      .map((i) => domainValue(i.value))
      .filter((d): d is string => !!d)
      .map(normalizeHost),
  );
}

export function ipList(raw: Raw, key: string, parentPath: readonly PathSegment[]): string[] {
  return dedupe(
    listItems(raw, key, parentPath)
      .filter((i): i is { value: string; path: PathSegment[] } => typeof i.value === 'string')
      .map((i) => normalizeIpText(i.value)),
  );
}

/** Address spaces (`smtp:contoso.com;1`, `*`, objects); an entry that does not parse is reported and left out. */
export function addressSpaceList(ctx: NormalizeContext | null, raw: Raw, key: string, parentPath: readonly PathSegment[]): AddressSpace[] {
  const out: AddressSpace[] = [];
  for (const item of listItems(raw, key, parentPath)) {
    const parsed = parseAddressSpace(item.value);
    if (parsed) out.push(parsed);
    else ctx?.warn(item.path, `${key}: ${JSON.stringify(item.value)} is not an address space (expected e.g. smtp:contoso.com;1 or *); ignored`);
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
export function enumValue<T extends string>(value: unknown, allowed: readonly T[], fallback: T, aliases: Record<string, T> = {}): T {
  if (typeof value !== 'string') return fallback;
  const v = value.trim().toLowerCase();
  const hit = allowed.find((a) => a.toLowerCase() === v);
  if (hit) return hit;
  for (const [alias, target] of Object.entries(aliases)) if (alias.toLowerCase() === v) return target;
  return fallback;
}

export function dedupe<T>(values: T[]): T[] {
  return [...new Set(values)];
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
}

const KNOWN_LOOKUPS = new WeakMap<readonly string[], KnownLookup>();
const UNRELATED_MAX = 4096;

function knownLookup(known: readonly string[]): KnownLookup {
  let l = KNOWN_LOOKUPS.get(known);
  if (!l) {
    l = { names: new Set(known), lower: new Map(known.map((k) => [k.toLowerCase(), k])), unrelated: new Set() };
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
  const { names, lower, unrelated } = knownLookup(known);
  for (const k in raw) {
    if (names.has(k) || (!ctx.keepsBookkeeping && isBookkeeping(k))) continue;
    const v = raw[k];
    extra[k] = v;
    if (unrelated.has(k)) continue;
    const meant = lower.get(k.toLowerCase());
    if (meant) ctx.warn([...path, k], `property "${k}" is not known; did you mean "${meant}"? (property names are case-sensitive; this value is ignored)`);
    else if (unrelated.size < UNRELATED_MAX) unrelated.add(k);
  }
  return extra;
}

/** Names of the properties written in the input, among the model's. */
export function writtenKeys(raw: Raw, known: readonly string[]): string[] {
  return known.filter((k) => has(raw, k) && raw[k] !== null);
}

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
