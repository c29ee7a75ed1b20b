import type { Case } from '../model/case.js';
import type { Provenance } from '../model/provenance.js';
import type { CmdletSpec } from './cmdlet-catalog.js';
import { CmdletError, errorAt } from './cmdlet-error.js';
import type { ValueSource } from './cmdlet-convert.js';
import { formatChanges, formatValue, type SettingChange } from './cmdlet-describe.js';
import { checkRename, findByIdentity, placeNew, type Found, type Lookup, type Scope } from './cmdlet-identity.js';
import { applySettings, type PropertyRules } from './cmdlet-settings.js';
import type { ParsedCmdlet } from './cmdlet-syntax.js';

/**
 * What New-, Set-, Remove-, Enable- and Disable- do to any named object, given how to find it
 * (a Lookup), how its parameters map to the model (PropertyRules), and its own checks.
 */

/** The object a change touched, in the shape of a finding's subject (CONTRACT.md). */
export interface ChangeSubject {
  type: string;
  name: string;
  tenant?: string;
  organization?: string;
}

export interface ChangeOutcome {
  description: string;
  subject: ChangeSubject;
}

export interface ApplyContext {
  src: ValueSource;
  parsed: ParsedCmdlet;
  spec: CmdletSpec;
  /** The copy being changed. */
  case: Case;
  /** Provenance of objects the change creates. */
  provenance: Provenance;
}

interface Named {
  Name: string;
  extra: Record<string, unknown>;
}

export interface ObjectKind<T extends Named> {
  /** The subject type (`InboundConnector`). */
  type: string;
  lookup: (c: Case) => Lookup<T>;
  rules: PropertyRules;
  /** Cross-setting checks Exchange makes when saving; `given` holds the parameters written. */
  validate?: (ctx: ApplyContext, object: T, given: ReadonlySet<string>, scope: Scope<T>) => void;
}

/** A CmdletError at the parameter when it was written, else without a position. */
export function failParameter(ctx: ApplyContext, name: string, message: string, advice = ''): never {
  const p = ctx.parsed.parameters[name];
  if (p) throw errorAt(ctx.src.text, p.offset, message, advice);
  throw new CmdletError(`${ctx.src.cmdlet}: ${message}${advice ? `. ${advice}` : ''}`);
}

function subjectOf<T extends Named>(kind: ObjectKind<T>, scope: Scope<T>, name: string): ChangeSubject {
  return scope.kind === 'tenant' ? { type: kind.type, name, tenant: scope.name } : { type: kind.type, name, organization: scope.name };
}

function label<T extends Named>(lookup: Lookup<T>, scope: Scope<T>, name: string): string {
  return `${lookup.what} "${name}" in ${scope.kind} ${scope.name}`;
}

function givenNames(ctx: ApplyContext): Set<string> {
  return new Set(Object.keys(ctx.parsed.parameters));
}

function identityOf<T extends Named>(ctx: ApplyContext, lookup: Lookup<T>): Found<T> {
  const identity = ctx.parsed.parameters.Identity;
  if (!identity) throw new CmdletError(`${ctx.spec.name} needs -Identity (the name of the ${lookup.what} to change)`);
  return findByIdentity(ctx.src, lookup, identity);
}

export function setObject<T extends Named>(ctx: ApplyContext, kind: ObjectKind<T>): ChangeOutcome {
  const lookup = kind.lookup(ctx.case);
  const found = identityOf(ctx, lookup);
  const object = found.item;
  const oldName = object.Name;
  const changes: SettingChange[] = [];
  const rename = ctx.parsed.parameters.Name;
  if (rename && 'Name' in ctx.spec.parameters) {
    object.Name = checkRename(ctx.src, lookup, found, rename);
    changes.push({ property: 'Name', before: oldName, after: object.Name, modelled: true, kept: true, notes: [] });
  }
  changes.push(...applySettings(ctx.src, ctx.spec, ctx.parsed, object, kind.rules, ['Identity', 'Name']));
  kind.validate?.(ctx, object, givenNames(ctx), found.scope);
  return {
    description: `${ctx.spec.name}: ${label(lookup, found.scope, oldName)}: ${formatChanges(changes)}`,
    subject: subjectOf(kind, found.scope, object.Name),
  };
}

export function removeObject<T extends Named>(ctx: ApplyContext, kind: ObjectKind<T>): ChangeOutcome {
  const lookup = kind.lookup(ctx.case);
  const found = identityOf(ctx, lookup);
  found.scope.items.splice(found.index, 1);
  return {
    description: `${ctx.spec.name}: removed ${label(lookup, found.scope, found.item.Name)}`,
    subject: subjectOf(kind, found.scope, found.item.Name),
  };
}

/** Enable-/Disable- cmdlets: the same as setting Enabled. */
export function switchObject<T extends Named & { Enabled: boolean }>(ctx: ApplyContext, kind: ObjectKind<T>, enabled: boolean): ChangeOutcome {
  const lookup = kind.lookup(ctx.case);
  const found = identityOf(ctx, lookup);
  const before = found.item.Enabled;
  found.item.Enabled = enabled;
  const change: SettingChange = { property: 'Enabled', before, after: enabled, modelled: true, kept: true, notes: [] };
  return {
    description: `${ctx.spec.name}: ${label(lookup, found.scope, found.item.Name)}: ${formatChanges([change])}`,
    subject: subjectOf(kind, found.scope, found.item.Name),
  };
}

/**
 * New-: `make` builds the object with Exchange's defaults; `finish` may adjust defaults that
 * depend on what was given (e.g. RequireTls follows ConnectorType) before the checks run.
 */
export function newObject<T extends Named>(
  ctx: ApplyContext,
  kind: ObjectKind<T>,
  make: (name: string, scope: Scope<T>) => T,
  finish?: (ctx: ApplyContext, object: T, given: ReadonlySet<string>, scope: Scope<T>) => void,
): ChangeOutcome {
  const lookup = kind.lookup(ctx.case);
  const { scope, name } = placeNew(ctx.src, lookup, ctx.parsed.parameters.Name!);
  const object = make(name, scope);
  const changes = applySettings(ctx.src, ctx.spec, ctx.parsed, object, kind.rules, ['Name']);
  const given = givenNames(ctx);
  finish?.(ctx, object, given, scope);
  kind.validate?.(ctx, object, given, scope);
  scope.items.push(object);

  const record = object as unknown as Record<string, unknown>;
  const settings = Object.keys(kind.rules).map((p) => `${p} ${formatValue(record[p])}${given.has(p) ? '' : ' (default)'}`);
  const kept = changes.filter((c) => !c.modelled);
  const keptText = kept.length ? `; also kept: ${kept.map((c) => `${c.property} ${formatValue(c.after)}`).join(', ')}` : '';
  const notes = changes.flatMap((c) => c.notes);
  return {
    description:
      `${ctx.spec.name}: created ${label(lookup, scope, name)} with ${settings.join(', ')}${keptText}` +
      (notes.length ? ` (${notes.join('; ')})` : ''),
    subject: subjectOf(kind, scope, name),
  };
}
