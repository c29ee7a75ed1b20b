import type { AcceptedDomain, DomainType } from '../../model/case.js';
import type { NormalizeContext } from './normalize-context.js';
import { domainValue, enumValue, isRecord, listItems, textAt, type Raw } from './normalize-values.js';
import type { PathSegment } from './yaml-positions.js';

/**
 * Counting and skipping shared by every object list. Each item of a list is one record; an item
 * with a schema problem of its own is skipped together with the objects nested in it; a second
 * object with a name already used in the same list is reported and skipped (Exchange names are
 * unique per tenant or organization, so a repeat is a copy-paste slip and the first one stands).
 */
export interface ObjectListSpec<T> {
  /** How a message names one item, e.g. "inbound connector". */
  label: string;
  /** Where the list lives, for messages, e.g. `tenant "contoso.onmicrosoft.com"`. */
  owner: string;
  /** Nested object lists, judged and counted on their own. */
  childKeys?: readonly string[];
  /** The property that identifies an item; `Name` unless told. */
  identity?: (item: Raw, path: PathSegment[]) => string | null;
  build: (item: Raw, path: PathSegment[]) => T;
}

export function normalizeObjectList<T>(ctx: NormalizeContext, raw: Raw, key: string, parentPath: readonly PathSegment[], spec: ObjectListSpec<T>): T[] {
  const out: T[] = [];
  // Where each name was first seen, as its path: the location text is made only for a repeat (rare),
  // not for every object of a provider's tens of thousands.
  // Made for the second item: most lists of an export object are empty or hold one.
  let firstSeen: Map<string, PathSegment[]> | null = null;
  let onlyId: string | undefined;
  let onlyPath: PathSegment[] = [];
  const childKeys = spec.childKeys ?? [];
  // An array's items are visited in place (no item objects for a provider's tens of thousands).
  const list = raw[key];
  const items = Array.isArray(list) ? null : listItems(raw, key, parentPath, false);
  const count = items === null ? (list as unknown[]).length : items.length;
  for (let i = 0; i < count; i++) {
    const item = items === null ? { value: (list as unknown[])[i], path: [...parentPath, key, i] } : items[i]!;
    ctx.records += 1;
    if (!isRecord(item.value) || ctx.hasOwnProblem(item.path, childKeys)) {
      ctx.skipped += 1 + countNested(ctx, item.value, childKeys);
      continue;
    }
    const id = spec.identity ? spec.identity(item.value, item.path) : textAt(ctx, item.value, 'Name', item.path);
    const idKey = id?.toLowerCase();
    if (idKey !== undefined) {
      const first = firstSeen === null ? (idKey === onlyId ? onlyPath : undefined) : firstSeen.get(idKey);
      if (first !== undefined) {
        ctx.warn(item.path, `duplicate ${spec.label} "${id}" in ${spec.owner} (first at ${ctx.location(first)}); this one is ignored`);
        ctx.skipped += 1 + countNested(ctx, item.value, childKeys);
        continue;
      }
      if (firstSeen === null && onlyId === undefined) {
        onlyId = idKey;
        onlyPath = item.path;
      } else {
        firstSeen ??= new Map([[onlyId!, onlyPath]]);
        firstSeen.set(idKey, item.path);
      }
    }
    out.push(spec.build(item.value, item.path));
  }
  return out;
}

/** Objects nested under a skipped object still count as records, and as skipped. */
function countNested(ctx: NormalizeContext, value: unknown, childKeys: readonly string[]): number {
  if (!isRecord(value)) return 0;
  let n = 0;
  for (const k of childKeys) {
    const items = listItems(value, k, [], k === 'AcceptedDomains');
    n += items.length;
    ctx.records += items.length;
  }
  return n;
}

const DOMAIN_TYPES: readonly DomainType[] = ['Authoritative', 'InternalRelay', 'ExternalRelay'];

/** Accepted domains: a plain string means Authoritative (CONTRACT.md); objects are Get-AcceptedDomain output. */
export function normalizeAcceptedDomains(ctx: NormalizeContext, raw: Raw, parentPath: readonly PathSegment[], owner: string): AcceptedDomain[] {
  const out: AcceptedDomain[] = [];
  let seen: Set<string> | null = null;
  for (const item of listItems(raw, 'AcceptedDomains', parentPath, true)) {
    ctx.records += 1;
    const value = item.value;
    const domain = typeof value === 'string' ? domainValue(value) : isRecord(value) ? domainValue(value.DomainName) : null;
    if (ctx.hasOwnProblem(item.path) || !domain) {
      ctx.skipped += 1;
      continue;
    }
    if (seen?.has(domain)) {
      ctx.warn(item.path, `accepted domain "${domain}" is listed twice in ${owner}; the repeat is ignored`);
      ctx.skipped += 1;
      continue;
    }
    (seen ??= new Set()).add(domain);
    const type = isRecord(value) ? enumValue(value.DomainType, DOMAIN_TYPES, 'Authoritative') : 'Authoritative';
    out.push({ DomainName: domain, DomainType: type, provenance: ctx.provenance(item.path) });
  }
  return out;
}
