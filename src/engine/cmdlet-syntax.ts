/**
 * What one PowerShell command is made of once read: the cmdlet, and each parameter bound to the
 * value written for it. Values keep their place in the text so later errors can point at them.
 */

interface ValueBase {
  /** Character offset of the value in the command text. */
  offset: number;
  /** The value as written. */
  text: string;
}

/** A bare word (argument mode) or a quoted string, after escapes are resolved. */
export interface StringValue extends ValueBase {
  kind: 'string';
  value: string;
  quoted: boolean;
}

/** A number literal, possibly with a multiplier suffix (`10MB`); `text` keeps the written form. */
export interface NumberValue extends ValueBase {
  kind: 'number';
  value: number;
}

export interface BooleanValue extends ValueBase {
  kind: 'boolean';
  value: boolean;
}

export interface NullValue extends ValueBase {
  kind: 'null';
}

/** `a,b,"c d"`, `@(…)` or `(…, …)`. */
export interface ArrayValue extends ValueBase {
  kind: 'array';
  items: CmdletValue[];
}

/** `@{Add="x","y"; Remove="z"}`: Exchange's way of editing a multi-valued property in place. */
export interface HashtableValue extends ValueBase {
  kind: 'hashtable';
  entries: Array<{ key: string; keyOffset: number; value: CmdletValue }>;
}

/** A switch parameter written without a value (`-Force`): present means on. */
export interface SwitchValue extends ValueBase {
  kind: 'switch';
}

export type CmdletValue = StringValue | NumberValue | BooleanValue | NullValue | ArrayValue | HashtableValue | SwitchValue;

export interface BoundParameter {
  /** The parameter's name as the cmdlet defines it (`Enabled`), or as written for an unknown cmdlet. */
  name: string;
  /** What was written (`-enab`), or null when the value was bound by position. */
  written: string | null;
  /** Offset of the parameter name (or of the positional value) in the text. */
  offset: number;
  value: CmdletValue;
}

export interface ParsedCmdlet {
  /** The command exactly as given. */
  text: string;
  /** `Set-InboundConnector`: the cmdlet's own spelling when it is known, else as written. */
  name: string;
  verb: string;
  noun: string;
  /** Whether the cmdlet is one the change language knows (its parameters were checked). */
  known: boolean;
  /** Parameters by name, in the order written. */
  parameters: Record<string, BoundParameter>;
  /** Positional values no parameter took (only for an unknown cmdlet; a known one rejects them). */
  positional: CmdletValue[];
}
