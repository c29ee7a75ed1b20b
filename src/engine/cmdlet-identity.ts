import type { Case } from '../model/case.js';
import { CmdletError, quote } from './cmdlet-error.js';
import { failValue, requireText, type ValueSource } from './cmdlet-convert.js';
import { withArticle } from './cmdlet-describe.js';
import { closestName, listNames } from './cmdlet-suggest.js';
import type { BoundParameter } from './cmdlet-syntax.js';

/**
 * Finds the object a cmdlet's -Identity names. A case may hold several tenants and on-premises
 * organizations, so a bare name is looked up in all of them; `Scope\Name` (the tenant's or the
 * organization's name, as in "contoso.onmicrosoft.com\Inbound from on-prem") picks one. Receive
 * connectors also take Exchange's own `Server\Name` form.
 */

export interface Scope<T> {
  kind: 'tenant' | 'organization';
  /** The tenant's or organization's Name. */
  name: string;
  /** Other names that qualify it (a tenant's TenantId). */
  aliases: string[];
  items: T[];
}

export interface Found<T> {
  scope: Scope<T>;
  item: T;
  index: number;
}

export interface Lookup<T> {
  /** `inbound connector`, for messages. */
  what: string;
  /** Where such objects live: `tenant`, `organization`, or `tenant or organization`. */
  place: string;
  scopes: Scope<T>[];
  nameOf: (item: T) => string;
  /** The server an item lives on, for `Server\Name` identities. */
  serverOf?: (item: T) => string | null;
}

export function tenantScopes<T>(c: Case, items: (t: Case['tenants'][number]) => T[]): Scope<T>[] {
  return c.tenants.map((t) => ({ kind: 'tenant', name: t.Name, aliases: t.TenantId ? [t.TenantId] : [], items: items(t) }));
}

export function organizationScopes<T>(c: Case, items: (o: Case['organizations'][number]) => T[]): Scope<T>[] {
  return c.organizations.map((o) => ({ kind: 'organization', name: o.Name, aliases: [], items: items(o) }));
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function scopeMatches<T>(scope: Scope<T>, qualifier: string): boolean {
  return same(scope.name, qualifier) || scope.aliases.some((a) => same(a, qualifier));
}

function qualifiedName<T>(lookup: Lookup<T>, found: Found<T>): string {
  const server = lookup.serverOf?.(found.item);
  return `${server ?? found.scope.name}\\${lookup.nameOf(found.item)}`;
}

/** Resolves -Identity to exactly one object, or explains why it cannot. */
export function findByIdentity<T>(src: ValueSource, lookup: Lookup<T>, identity: BoundParameter): Found<T> {
  const id = requireText(src, identity).trim();
  const all: Found<T>[] = lookup.scopes.flatMap((scope) => scope.items.map((item, index) => ({ scope, item, index })));
  const named = (candidates: Found<T>[], name: string): Found<T>[] => candidates.filter((f) => same(lookup.nameOf(f.item), name));

  let candidates = all;
  let name = id;
  let where = '';
  const slash = id.indexOf('\\');
  if (slash > 0 && named(all, id).length === 0) {
    const qualifier = id.slice(0, slash).trim();
    name = id.slice(slash + 1).trim();
    const onServer = (f: Found<T>): boolean => lookup.serverOf !== undefined && same(lookup.serverOf(f.item) ?? '', qualifier);
    candidates = all.filter((f) => scopeMatches(f.scope, qualifier) || onServer(f));
    if (candidates.length === 0 && !lookup.scopes.some((s) => scopeMatches(s, qualifier))) {
      const known = lookup.scopes.map((s) => s.name);
      failValue(
        src,
        identity.value,
        `${quote(qualifier)} in ${quote(id)} {at} is not a ${lookup.place}${lookup.serverOf ? ' or server' : ''} of the case`,
        known.length ? `Known: ${listNames(known)}` : `The case has no ${lookup.place}`,
      );
    }
    where = ` in ${quote(qualifier)}`;
  }

  const matches = named(candidates, name);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    const names = matches.map((m) => `${m.scope.name}\\${lookup.nameOf(m.item)}`);
    const distinct = new Set(names.map((n) => n.toLowerCase())).size === names.length;
    const places = matches.map((m) => `${m.scope.kind} ${m.scope.name}`);
    failValue(
      src,
      identity.value,
      `${quote(id)} {at} matches ${matches.length} ${lookup.what}s, in ${listNames(places, 10, false)}`,
      distinct ? `Qualify it: ${listNames(names)}` : `Qualify it with its server: ${listNames(matches.map((m) => qualifiedName(lookup, m)))}`,
    );
  }
  const available = candidates.map((f) => (lookup.scopes.length > 1 ? qualifiedName(lookup, f) : lookup.nameOf(f.item)));
  const suggestion = closestName(name, candidates.map((f) => lookup.nameOf(f.item)));
  const advice = available.length
    ? `${suggestion ? `Did you mean ${quote(suggestion)}? ` : ''}Available: ${listNames(available)}`
    : `There is no ${lookup.what}${where || ' in the case'}`;
  failValue(src, identity.value, `No ${lookup.what} named ${quote(name)} {at}${where}`, advice);
}

/**
 * Where a New- cmdlet creates its object: `-Name "Scope\Name"` picks the tenant or organization;
 * a plain name is enough when the case has only one.
 */
export function placeNew<T>(src: ValueSource, lookup: Lookup<T>, nameParam: BoundParameter): { scope: Scope<T>; name: string } {
  const written = requireText(src, nameParam).trim();
  const kind = lookup.place;
  let scope: Scope<T> | undefined;
  let name = written;
  const slash = written.indexOf('\\');
  if (slash > 0) {
    const qualifier = written.slice(0, slash).trim();
    scope = lookup.scopes.find((s) => scopeMatches(s, qualifier));
    if (!scope) {
      failValue(
        src,
        nameParam.value,
        `${quote(qualifier)} in ${quote(written)} {at} is not a ${kind} of the case`,
        lookup.scopes.length ? `Known: ${listNames(lookup.scopes.map((s) => s.name))}` : `The case has no ${kind}`,
      );
    }
    name = written.slice(slash + 1).trim();
    if (name === '') failValue(src, nameParam.value, `${quote(written)} names no ${lookup.what} after the backslash`);
  } else if (lookup.scopes.length === 1) {
    scope = lookup.scopes[0]!;
  } else if (lookup.scopes.length === 0) {
    throw new CmdletError(`${src.cmdlet}: the case has no ${kind} to create the ${lookup.what} in`);
  } else {
    failValue(
      src,
      nameParam.value,
      `The case has ${lookup.scopes.length} ${kind}s, so -Name must say which one gets the new ${lookup.what}`,
      `Write -Name ${quote(`${lookup.scopes[0]!.name}\\${name}`)} (${kind}s: ${listNames(lookup.scopes.map((s) => s.name))})`,
    );
  }
  const existing = scope.items.find((i) => same(lookup.nameOf(i), name));
  if (existing) {
    failValue(
      src,
      nameParam.value,
      `${capital(withArticle(lookup.what))} named ${quote(lookup.nameOf(existing))} already exists in ${scope.kind} ${scope.name}`,
      `Change it with Set-${src.cmdlet.split('-')[1]} instead`,
    );
  }
  return { scope, name };
}

/** A rename (-Name on a Set- cmdlet) must not collide with another object in the same place. */
export function checkRename<T>(src: ValueSource, lookup: Lookup<T>, found: Found<T>, nameParam: BoundParameter): string {
  const name = requireText(src, nameParam).trim();
  const clash = found.scope.items.find((i, index) => index !== found.index && same(lookup.nameOf(i), name));
  if (clash) failValue(src, nameParam.value, `${capital(withArticle(lookup.what))} named ${quote(name)} already exists in ${found.scope.kind} ${found.scope.name}`);
  return name;
}
