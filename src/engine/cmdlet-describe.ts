import type { AddressSpace } from '../model/case.js';

/** Plain-words rendering of values and changes for the one-line description of a what-if change. */

/** What one parameter did to the object. */
export interface SettingChange {
  property: string;
  before: unknown;
  after: unknown;
  /** False for settings kept under `extra`: accepted, but the model does not act on them. */
  modelled: boolean;
  /** False when the model has no place for the setting at all (it is checked, then dropped). */
  kept: boolean;
  notes: string[];
}

export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function isAddressSpace(v: unknown): v is AddressSpace {
  return typeof v === 'object' && v !== null && 'Domain' in v && 'Cost' in v && 'Type' in v;
}

/** A value as an admin reads it: `$true`, `$null`, `(empty)`, `a.com, b.com`, `"two words"`. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '$null';
  if (typeof v === 'boolean') return v ? '$true' : '$false';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v === '' || /[\s,]/.test(v) ? `"${v}"` : v;
  if (Array.isArray(v)) return v.length === 0 ? '(empty)' : v.map(formatValue).join(', ');
  if (isAddressSpace(v)) return `${v.Type}:${v.Domain};${v.Cost}`;
  return JSON.stringify(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function formatChange(c: SettingChange): string {
  const notes = c.notes.length ? ` (${c.notes.join('; ')})` : '';
  if (!c.kept) return `${c.property} ${formatValue(c.after)} accepted but not kept (the model has no such setting)${notes}`;
  const effect = c.modelled ? '' : ' (kept; no effect on mail flow in the model)';
  if (sameValue(c.before, c.after)) return `${c.property} unchanged at ${formatValue(c.after)}${effect}${notes}`;
  const from = c.before === undefined ? 'unset' : formatValue(c.before);
  return `${c.property} ${from} → ${formatValue(c.after)}${effect}${notes}`;
}

export function formatChanges(changes: SettingChange[]): string {
  return changes.length === 0 ? 'no settings given, nothing changed' : changes.map(formatChange).join('; ');
}
