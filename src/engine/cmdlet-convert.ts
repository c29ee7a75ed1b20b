import type { ParamType } from './cmdlet-catalog.js';
import { errorAt, quote } from './cmdlet-error.js';
import type { BoundParameter, CmdletValue } from './cmdlet-syntax.js';

/**
 * Converts a written value to what the parameter's .NET type takes, the way PowerShell's binder
 * does: a Boolean takes $true/$false or a number (not the word "false"), an enum takes its names
 * in any letter case, a MultiValuedProperty takes one value, a list, $null or @{Add=…; Remove=…}.
 * Each failure points at the value in the command text.
 */

/** Where values come from, for error positions. */
export interface ValueSource {
  text: string;
  cmdlet: string;
}

export function failValue(src: ValueSource, value: { offset: number }, what: string, advice = ''): never {
  throw errorAt(src.text, value.offset, what, advice);
}

function shown(v: CmdletValue): string {
  return quote(v.text.length > 60 ? `${v.text.slice(0, 60)}…` : v.text);
}

export function toBoolean(src: ValueSource, p: BoundParameter): boolean {
  const v = p.value;
  if (v.kind === 'boolean') return v.value;
  if (v.kind === 'switch') return true;
  if (v.kind === 'number') return v.value !== 0;
  failValue(
    src,
    v,
    `-${p.name} takes a Boolean, not ${shown(v)}`,
    'Boolean parameters accept only $true, $false, 1 or 0 (the words true and false without $ are text)',
  );
}

/** One text value; `$null` only where the property may be empty. */
export function toText(src: ValueSource, p: BoundParameter, options: { nullable?: boolean } = {}): string | null {
  const v = p.value;
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'number':
      // The written form, as PowerShell hands a numeric-looking argument to a string parameter.
      return v.text;
    case 'boolean':
      return v.value ? 'True' : 'False';
    case 'null':
      if (options.nullable) return null;
      return failValue(src, v, `-${p.name} cannot be $null`, 'Give it a value');
    case 'array':
      return failValue(src, v, `-${p.name} takes one value, not the list ${shown(v)}`, 'Put a value that holds commas in quotes');
    default:
      return failValue(src, v, `-${p.name} takes one value, not ${shown(v)}`);
  }
}

export function requireText(src: ValueSource, p: BoundParameter): string {
  const t = toText(src, p)!;
  if (t.trim() === '') failValue(src, p.value, `-${p.name} cannot be empty`);
  return t;
}

export function toInt(src: ValueSource, p: BoundParameter, min: number, max: number): number {
  const v = p.value;
  const n = v.kind === 'number' ? v.value : v.kind === 'string' && /^\s*[+-]?\d+\s*$/.test(v.value) ? Number(v.value) : NaN;
  if (!Number.isInteger(n)) failValue(src, v, `-${p.name} takes a whole number, not ${shown(v)}`);
  if (n < min || n > max) failValue(src, v, `-${p.name} must be between ${min} and ${max}, not ${v.text}`);
  return n;
}

/** An enumeration value in the spelling the cmdlet defines; flags enums join several with ", ". */
export function toEnum(
  src: ValueSource,
  p: BoundParameter,
  values: readonly string[],
  options: { nullable?: boolean; flags?: boolean } = {},
): string | null {
  const v = p.value;
  if (v.kind === 'null' && options.nullable) return null;
  const parts: Array<{ text: string; at: CmdletValue }> = [];
  const collect = (item: CmdletValue): void => {
    if (item.kind === 'string') {
      for (const piece of options.flags ? item.value.split(',') : [item.value]) parts.push({ text: piece.trim(), at: item });
    } else if (item.kind === 'array' && options.flags) item.items.forEach(collect);
    else if (item.kind === 'array') failValue(src, item, `-${p.name} takes one of ${values.join(', ')}, not a list`);
    else failValue(src, item, `${shown(item)} is not a valid value for -${p.name}`, `Valid values: ${values.join(', ')}`);
  };
  collect(v);
  const canonical: string[] = [];
  for (const part of parts) {
    const match = values.find((x) => x.toLowerCase() === part.text.toLowerCase());
    if (!match) {
      failValue(src, part.at, `${quote(part.text)} is not a valid value for -${p.name}`, `Valid values: ${values.join(', ')}`);
    }
    if (!canonical.includes(match)) canonical.push(match);
  }
  return canonical.join(', ');
}

/** One item of a list, with where it was written. */
export interface ListItem {
  text: string;
  offset: number;
}

/** A list edit: replace the whole list, or add and remove items (Exchange's @{Add=…; Remove=…}). */
export type ListEdit = { replace: ListItem[] } | { add: ListItem[]; remove: ListItem[] };

export function toListEdit(src: ValueSource, p: BoundParameter): ListEdit {
  const v = p.value;
  if (v.kind !== 'hashtable') return { replace: listItems(src, p, v) };
  const edit = { add: [] as ListItem[], remove: [] as ListItem[] };
  const seen = new Set<string>();
  for (const entry of v.entries) {
    const key = entry.key.toLowerCase();
    if (key !== 'add' && key !== 'remove') {
      failValue(src, { offset: entry.keyOffset }, `Unknown key ${quote(entry.key)} in the hashtable for -${p.name}`, 'Only Add and Remove are understood: @{Add="value"; Remove="value"}');
    }
    if (seen.has(key)) failValue(src, { offset: entry.keyOffset }, `The key ${entry.key} appears twice in the hashtable for -${p.name}`, 'Duplicate keys are not allowed in a hash literal');
    seen.add(key);
    edit[key].push(...listItems(src, p, entry.value));
  }
  return edit;
}

function listItems(src: ValueSource, p: BoundParameter, v: CmdletValue): ListItem[] {
  switch (v.kind) {
    case 'null':
      return [];
    case 'string':
      return [{ text: v.value, offset: v.offset }];
    case 'number':
      return [{ text: v.text, offset: v.offset }];
    case 'array':
      return v.items.flatMap((item) => listItems(src, p, item));
    case 'hashtable':
      return failValue(src, v, `A hashtable cannot be nested in the value of -${p.name}`);
    default:
      return failValue(src, v, `-${p.name} takes text values, not ${shown(v)}`);
  }
}

/**
 * Applies a list edit to the current items. `parse` checks and normalises one item; `key` tells
 * when two items are the same (Exchange compares case-insensitively). Returns notes for items a
 * Remove did not find or an Add already had.
 */
export function editList<T>(
  current: readonly T[],
  edit: ListEdit,
  parse: (item: ListItem) => T,
  key: (item: T) => string,
): { items: T[]; notes: string[] } {
  const notes: string[] = [];
  const dedupe = (items: T[]): T[] => {
    const seen = new Set<string>();
    return items.filter((i) => {
      const k = key(i);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  if ('replace' in edit) return { items: dedupe(edit.replace.map(parse)), notes };
  const items = [...current];
  for (const raw of edit.add) {
    const item = parse(raw);
    if (items.some((i) => key(i) === key(item))) notes.push(`${raw.text} was already listed`);
    else items.push(item);
  }
  for (const raw of edit.remove) {
    const k = key(parse(raw));
    const at = items.findIndex((i) => key(i) === k);
    if (at < 0) notes.push(`${raw.text} was not listed`);
    else items.splice(at, 1);
  }
  return { items, notes };
}

/**
 * A parameter the model does not act on, converted by its declared type and kept as plain data
 * under the object's `extra` (what an export of the object would show).
 */
export function toPlainValue(src: ValueSource, p: BoundParameter, kind: ParamType, previous: unknown): unknown {
  switch (kind.type) {
    case 'switch':
    case 'boolean':
      return toBoolean(src, p);
    case 'int':
      return toInt(src, p, kind.min, kind.max);
    case 'enum':
      return toEnum(src, p, kind.values, { nullable: true, flags: kind.flags });
    case 'list': {
      const current = Array.isArray(previous) ? previous.map(String) : [];
      return editList(current, toListEdit(src, p), (i) => i.text, (s) => s.toLowerCase()).items;
    }
    case 'string':
    case 'text':
      return toText(src, p, { nullable: true });
  }
}
