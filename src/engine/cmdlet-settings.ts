import { SESSION_PARAMETERS, type CmdletSpec } from './cmdlet-catalog.js';
import {
  editList,
  toBoolean,
  toEnum,
  toListEdit,
  toPlainValue,
  toText,
  type ListItem,
  type ValueSource,
} from './cmdlet-convert.js';
import type { SettingChange } from './cmdlet-describe.js';
import type { BoundParameter, ParsedCmdlet } from './cmdlet-syntax.js';

/**
 * Applies a cmdlet's parameters to one object: parameters that match a model property go
 * through that property's rule (type, format checks, list edits); the real cmdlet's other
 * parameters are converted by their declared type and kept under `extra`.
 */

/** Converts one parameter's value for a model property; `current` is the property's value now. */
export type PropertyRule = (src: ValueSource, p: BoundParameter, current: unknown) => { value: unknown; notes?: string[] };

export const booleanRule: PropertyRule = (src, p) => ({ value: toBoolean(src, p) });

export function enumRule(values: readonly string[], options: { nullable?: boolean; flags?: boolean } = {}): PropertyRule {
  return (src, p) => ({ value: toEnum(src, p, values, options) });
}

/** Text, `$null` allowed when `nullable`; `check` validates and normalises a non-null value. */
export function textRule(options: { nullable?: boolean; check?: (src: ValueSource, p: BoundParameter, value: string) => string } = {}): PropertyRule {
  return (src, p) => {
    const t = toText(src, p, { nullable: options.nullable });
    if (t === null || (options.nullable && t.trim() === '')) return { value: null };
    return { value: options.check ? options.check(src, p, t) : t };
  };
}

/** A MultiValuedProperty: replaced, or edited with @{Add=…; Remove=…}. */
export function listRule<T>(parse: (src: ValueSource, p: BoundParameter, item: ListItem) => T, key: (item: T) => string): PropertyRule {
  return (src, p, current) => {
    const { items, notes } = editList((current as T[] | undefined) ?? [], toListEdit(src, p), (i) => parse(src, p, i), key);
    return { value: items, notes };
  };
}

export const lowerKey = (s: string): string => s.toLowerCase();

/** Domains compare without an `smtp:…;1` wrapping, which exported SenderDomains may still carry. */
export const domainKey = (s: string): string => s.toLowerCase().replace(/^smtp:/, '').replace(/;\d+$/, '');

/** Smart hosts compare without the brackets Exchange shows around an address (`[203.0.113.44]`). */
export const hostKey = (s: string): string => s.toLowerCase().replace(/^\[(.*)\]$/, '$1');

/** Parameters of one cmdlet that set model properties of the same name. */
export type PropertyRules = Record<string, PropertyRule>;

/**
 * Applies every parameter except the session ones and those in `skip` (handled by the caller,
 * such as -Identity) to `target`, in the order written. Returns what each did.
 */
/**
 * Properties kept in an object's `extra` that the simulation or the rules read (EXO-SEMANTICS
 * "Inputs the v2 model reads"): a what-if that changes them changes the verdict, so it is not
 * described as "no effect on mail flow".
 */
const MODELLED_EXTRA = new Set([
  'MessageExpirationTimeout',
  'EFSkipLastIP',
  'EFSkipIPs',
  'EFUsers',
  'AssociatedAcceptedDomains',
  'TrustedOrganizations',
  'TreatMessagesAsInternal',
  'TlsDomainCapabilities',
  'Bindings',
  'SmartHostAuthMechanism',
  'IgnoreSTARTTLS',
  'RejectDirectSend',
  'RequireTLS',
]);

export function applySettings(
  src: ValueSource,
  spec: CmdletSpec,
  parsed: ParsedCmdlet,
  target: object,
  rules: PropertyRules,
  skip: readonly string[] = [],
): SettingChange[] {
  const object = target as Record<string, unknown> & { extra?: Record<string, unknown> };
  const changes: SettingChange[] = [];
  for (const p of Object.values(parsed.parameters)) {
    if (skip.includes(p.name) || SESSION_PARAMETERS.has(p.name)) continue;
    const rule = rules[p.name];
    if (rule) {
      const before = object[p.name];
      const { value, notes = [] } = rule(src, p, before);
      object[p.name] = value;
      changes.push({ property: p.name, before, after: value, modelled: true, kept: true, notes });
      continue;
    }
    const kind = spec.parameters[p.name]?.kind;
    if (!kind) continue;
    const before = object.extra?.[p.name];
    const after = toPlainValue(src, p, kind, before);
    if (object.extra) object.extra[p.name] = after;
    changes.push({ property: p.name, before, after, modelled: MODELLED_EXTRA.has(p.name), kept: object.extra !== undefined, notes: [] });
  }
  return changes;
}
