import { allParameters, cmdletSpec, COMMON_PARAMETERS, PARAMETER_ALIASES, type CmdletSpec, type ParamType } from './cmdlet-catalog.js';
import { CmdletError, excerptAt, quote } from './cmdlet-error.js';
import { CommandScanner } from './cmdlet-scan.js';
import { closestName, listNames } from './cmdlet-suggest.js';
import type { BoundParameter, CmdletValue, ParsedCmdlet } from './cmdlet-syntax.js';

export type { BoundParameter, CmdletValue, ParsedCmdlet } from './cmdlet-syntax.js';

/**
 * Parameters a cmdlet lacks that admins reach for, with what to use instead
 * (journal rules are switched on and off by their own cmdlets, not by -Enabled).
 */
const PARAMETER_HINTS: Record<string, Record<string, string>> = {
  'Set-JournalRule': {
    enabled: 'Journal rules are switched on and off with Enable-JournalRule or Disable-JournalRule',
  },
};

/** Verbs whose first positional value is the object to act on; New- names the object to create. */
const IDENTITY_VERBS = new Set(['set', 'enable', 'disable', 'remove', 'get']);

/**
 * Reads one PowerShell command as an admin types it: `Set-InboundConnector "Inbound from on-prem"
 * -Enabled:$false -Confirm:$false`. For a cmdlet the change language knows, parameter names are
 * bound the way PowerShell binds them (any letter case, an unambiguous prefix, the aliases),
 * switches take no value unless written `-Switch:$value`, and the first positional value binds
 * to the parameter at position 1. Throws a CmdletError pointing at the offending text.
 */
export function parseCmdlet(text: string): ParsedCmdlet {
  const s = new CommandScanner(text);
  s.skipBlanksAndLines();
  if (s.atEnd()) throw new CmdletError('The change is empty: write a cmdlet such as Set-InboundConnector "Name" -Enabled $false');

  const nameStart = s.pos;
  const written = /^[^\s;|(){},]+/.exec(text.slice(s.pos))?.[0] ?? '';
  if (!/^[\p{L}]+-[\p{L}\d]+$/u.test(written)) {
    const advice = written.startsWith('$')
      ? 'Variables and assignments are not supported: write the cmdlet with literal values'
      : 'A change starts with a cmdlet name such as Set-InboundConnector';
    s.fail(nameStart, `Expected a cmdlet name, found ${excerptAt(text, nameStart)}`, advice);
  }
  s.pos += written.length;
  const spec = cmdletSpec(written);
  const dash = written.indexOf('-');
  const verb = written.slice(0, dash);
  const noun = written.slice(dash + 1);

  const parameters: Record<string, BoundParameter> = {};
  const positional: CmdletValue[] = [];
  /** The switch just read without a value, to explain `-Confirm $false`. */
  let lastBareSwitch: string | null = null;

  for (;;) {
    s.skipBlanks();
    if (s.atEnd()) break;
    const c = s.peek()!;
    if (c === '\n' || c === '\r' || c === ';') {
      ensureNothingFollows(s);
      break;
    }
    if (c === '|') s.fail(s.pos, 'Pipelines are not supported', 'Write the change as one cmdlet naming its object with -Identity');
    if (c === ')' || c === '}') s.fail(s.pos, `Unexpected ${excerptAt(text, s.pos)}`);

    if (s.atParameter()) {
      const bound = readParameter(s, spec);
      const previous = parameters[bound.name];
      if (previous) {
        s.fail(
          bound.offset,
          `The parameter -${bound.name} is given twice`,
          previous.written === null ? `${quote(previous.value.text)} was already bound to it by position` : '',
        );
      }
      parameters[bound.name] = bound;
      lastBareSwitch = bound.value.kind === 'switch' ? bound.name : null;
      continue;
    }

    const offset = s.pos;
    const value = s.readArgument();
    const target = spec ? spec.positional : IDENTITY_VERBS.has(verb.toLowerCase()) ? 'Identity' : verb.toLowerCase() === 'new' ? 'Name' : null;
    if (target !== null && !parameters[target] && positional.length === 0) {
      parameters[target] = { name: target, written: null, offset, value };
    } else if (spec) {
      const advice = lastBareSwitch
        ? `-${lastBareSwitch} is a switch and takes no separate value: write -${lastBareSwitch}:${value.text}`
        : 'Put a value that holds spaces in quotes, and write the parameter name before each value';
      s.fail(offset, `No parameter of ${spec.name} takes the positional value ${quote(value.text)}`, advice);
    } else {
      positional.push(value);
    }
    lastBareSwitch = null;
  }

  if (spec) checkMandatory(spec, parameters);
  return { text, name: spec?.name ?? written, verb, noun, known: spec !== undefined, parameters, positional };
}

function ensureNothingFollows(s: CommandScanner): void {
  for (;;) {
    s.skipBlanksAndLines();
    if (s.peek() !== ';') break;
    s.pos++;
  }
  if (!s.atEnd()) {
    s.fail(s.pos, `A second command ${excerptAt(s.text, s.pos)}`, 'Give one cmdlet per change (repeat --change for more)');
  }
}

function readParameter(s: CommandScanner, spec: CmdletSpec | undefined): BoundParameter {
  const offset = s.pos;
  s.pos++;
  const name = /^[\p{L}\d_?]+/u.exec(s.text.slice(s.pos))?.[0] ?? '';
  s.pos += name.length;
  const written = s.text.slice(offset, s.pos);
  const colon = s.peek() === ':';
  if (colon) s.pos++;
  else {
    const after = s.peek();
    if (after !== undefined && !/[\s;|)}]/.test(after)) {
      s.fail(s.pos, `Unexpected ${excerptAt(s.text, s.pos)} after the parameter ${written}`, `Write ${written} value, or ${written}:value`);
    }
  }

  const canonical = spec ? resolveParameterName(s, spec, name, offset) : name;
  const kind: ParamType | undefined = spec ? allParameters(spec)[canonical]?.kind : undefined;

  const missingValue = (): boolean => {
    s.skipBlanks();
    const c = s.peek();
    return c === undefined || c === '\n' || c === '\r' || c === ';' || c === '|' || c === ')' || c === '}' || s.atParameter();
  };

  if (colon) {
    if (missingValue()) s.fail(offset, `Missing value after ${written}:`, `Write ${written}:value with no space before the value`);
    return { name: canonical, written, offset, value: s.readArgument() };
  }
  if (kind?.type === 'switch') return { name: canonical, written, offset, value: switchValue(offset, written) };
  if (missingValue()) {
    if (!spec) return { name: canonical, written, offset, value: switchValue(offset, written) };
    s.fail(offset, `Missing value for the parameter ${written}`, valueHint(canonical, kind));
  }
  return { name: canonical, written, offset, value: s.readArgument() };
}

function switchValue(offset: number, text: string): CmdletValue {
  return { kind: 'switch', offset, text };
}

function valueHint(name: string, kind: ParamType | undefined): string {
  switch (kind?.type) {
    case 'boolean':
      return `Write -${name} $true or -${name} $false`;
    case 'enum':
      return `Write -${name} followed by one of ${kind.values.join(', ')}`;
    case 'list':
      return `Write -${name} followed by one value or a comma-separated list ($null empties it)`;
    default:
      return `Write -${name} followed by its value (in quotes if it holds spaces)`;
  }
}

/**
 * PowerShell's name binding: exact name or alias first, then a prefix that only one parameter
 * starts with (`-Enab` is -Enabled). Anything else is refused, with the likely intended name.
 */
function resolveParameterName(s: CommandScanner, spec: CmdletSpec, written: string, offset: number): string {
  const all = allParameters(spec);
  const names = Object.keys(all);
  const lower = written.toLowerCase();
  const exact = names.find((n) => n.toLowerCase() === lower);
  if (exact) return exact;
  const alias = Object.entries(PARAMETER_ALIASES).find(([a, target]) => a === lower && target in all);
  if (alias) return alias[1];
  const prefixed = names.filter((n) => n.toLowerCase().startsWith(lower));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) {
    s.fail(offset, `The parameter name -${written} is ambiguous for ${spec.name}`, `It could be ${listNames(prefixed.map((n) => `-${n}`), 10, false)}: write more of the name`);
  }
  const hint = PARAMETER_HINTS[spec.name]?.[lower];
  if (hint) s.fail(offset, `${spec.name} has no parameter -${written}`, hint);
  const own = Object.keys(spec.parameters);
  const suggestion = closestName(written, own) ?? closestName(written, Object.keys(COMMON_PARAMETERS));
  const advice = suggestion
    ? `Did you mean -${suggestion}?`
    : `Its parameters are ${listNames(own.map((n) => `-${n}`), 60, false)}`;
  s.fail(offset, `${spec.name} has no parameter -${written}`, advice);
}

function checkMandatory(spec: CmdletSpec, parameters: Record<string, BoundParameter>): void {
  for (const [name, p] of Object.entries(spec.parameters)) {
    if (p.required && !parameters[name]) {
      const what = name === 'Identity' ? ' (the name of the object to change)' : '';
      throw new CmdletError(`${spec.name} needs -${name}${what}: the parameter is mandatory`);
    }
  }
}
