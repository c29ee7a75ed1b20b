import { errorAt, excerptAt, quote } from './cmdlet-error.js';
import { ESCAPES, isQuote, readQuotedString, STARTS_VARIABLE, variableError } from './cmdlet-quoting.js';
import type { ArrayValue, CmdletValue, HashtableValue, StringValue } from './cmdlet-syntax.js';

/**
 * Reads values the way PowerShell does in a command's arguments (about_Parsing): bare words,
 * quoted strings (cmdlet-quoting.ts), numbers with KB/MB/GB multipliers, $true/$false/$null,
 * comma lists, @(…), (…) and @{…}.
 * Nothing is evaluated: a variable or a sub-command is an error, since a what-if has no session.
 * Copy-pasted commands often carry typographic quotes and dashes; PowerShell accepts those, so do we.
 */

const DASHES = '-\u2013\u2014\u2015';
const BLANKS = /[ \t\f\v\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\uFEFF]/;
/** Characters that end a bare word in argument mode. */
const WORD_END = /[\s;,|&(){}]/;
/** A number literal as a whole word: decimal or hex, an optional type suffix, a KB…PB multiplier. */
const NUMBER = /^[+-]?(?:0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(?:[ld])?(?:kb|mb|gb|tb|pb)?$/i;
const MULTIPLIERS: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4, pb: 1024 ** 5 };

type Mode = 'argument' | 'expression';

function isDash(c: string | undefined): boolean {
  return c !== undefined && DASHES.includes(c);
}

export class CommandScanner {
  pos = 0;

  constructor(readonly text: string) {}

  peek(ahead = 0): string | undefined {
    return this.text[this.pos + ahead];
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  atLineEnd(): boolean {
    const c = this.peek();
    return c === undefined || c === '\n' || c === '\r';
  }

  fail(offset: number, what: string, advice = ''): never {
    throw errorAt(this.text, offset, what, advice);
  }

  /** Skips spaces, line continuations (a backtick ending the line) and comments; stops at a line end. */
  skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (c !== undefined && BLANKS.test(c)) this.pos++;
      else if (c === '`' && (this.peek(1) === '\n' || this.peek(1) === '\r')) {
        this.pos += this.peek(1) === '\r' && this.peek(2) === '\n' ? 3 : 2;
      } else if (c === '<' && this.peek(1) === '#') {
        const close = this.text.indexOf('#>', this.pos + 2);
        if (close < 0) this.fail(this.pos, 'Unterminated block comment "<#"', 'Close it with #>');
        this.pos = close + 2;
      } else if (c === '#') {
        while (!this.atLineEnd()) this.pos++;
      } else return;
    }
  }

  /** Also skips line ends: inside @(…), @{…}, (…) and after a comma a command goes on. */
  skipBlanksAndLines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.peek() === '\n' || this.peek() === '\r') this.pos++;
      else return;
    }
  }

  /** A parameter starts with a dash followed by a letter, `_` or `?` (`-1` is a number). */
  atParameter(): boolean {
    const next = this.peek(1);
    return isDash(this.peek()) && next !== undefined && /[\p{L}_?]/u.test(next);
  }

  /** An argument: one value, or several joined by commas (`a.com, b.com`). */
  readArgument(): CmdletValue {
    return this.readCommaList('argument');
  }

  private readCommaList(mode: Mode): CmdletValue {
    const start = this.pos;
    const first = this.readPrimary(mode);
    const items = [first];
    for (;;) {
      const save = this.pos;
      this.skipBlanks();
      if (this.peek() !== ',') {
        this.pos = save;
        break;
      }
      const comma = this.pos;
      this.pos++;
      this.skipBlanksAndLines();
      const c = this.peek();
      if (c === undefined || /[;)}|]/.test(c) || (mode === 'argument' && this.atParameter())) {
        this.fail(comma, `Missing value after the comma ${excerptAt(this.text, start)}`, 'Remove the trailing comma or add the next value');
      }
      items.push(this.readPrimary(mode));
    }
    if (items.length === 1) return first;
    return { kind: 'array', items, offset: start, text: this.text.slice(start, this.pos) };
  }

  private readPrimary(mode: Mode): CmdletValue {
    const start = this.pos;
    const c = this.peek();
    if (c === undefined) this.fail(start, 'Missing value');
    if (c === '@') return this.readAtForm();
    if (c === '(') return this.readParenthesized();
    if (c === '$') {
      const special = this.readDollar();
      if (special) return special;
    }
    if (c === '{' || c === '}') this.fail(start, `Unexpected "${c}"`, 'Script blocks cannot be used in a what-if change');
    if (c === ')' || c === ';' || c === '|' || c === '&' || c === ',') {
      this.fail(start, `Unexpected ${excerptAt(this.text, start)}`, c === '|' ? 'Pipelines are not supported: write one cmdlet' : '');
    }
    if (mode === 'expression' && isQuote(c)) {
      const value = this.readQuoted();
      return { kind: 'string', value, quoted: true, offset: start, text: this.text.slice(start, this.pos) };
    }
    return this.readWord(mode);
  }

  /**
   * A bare word; in argument mode quoted parts join it (`abc"d e"` is one value, `abcd e`).
   * A word that is wholly a number literal is a number, keeping its text (`010` binds to a string as `010`).
   */
  private readWord(mode: Mode): StringValue | CmdletValue {
    const start = this.pos;
    let value = '';
    let quoted = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined || WORD_END.test(c)) break;
      if (mode === 'expression' && c === '=') break;
      if (c === '<' || c === '>') {
        this.fail(
          this.pos,
          `Unquoted "${c}" in ${excerptAt(this.text, start)}`,
          'PowerShell reads < and > as redirection: put the value in quotes, e.g. "<I>issuer<S>subject"',
        );
      }
      if (c === '`') {
        const n = this.peek(1);
        if (n === undefined || n === '\n' || n === '\r') break;
        value += ESCAPES[n] ?? n;
        this.pos += 2;
        continue;
      }
      if (isQuote(c)) {
        if (mode === 'expression' && this.pos > start) break;
        value += this.readQuoted();
        quoted = true;
        continue;
      }
      if (c === '$' && STARTS_VARIABLE.test(this.peek(1) ?? '')) this.failVariableAt(this.pos);
      value += c;
      this.pos++;
    }
    const text = this.text.slice(start, this.pos);
    if (text === '') this.fail(start, `Unexpected ${excerptAt(this.text, start)}`);
    if (!quoted && NUMBER.test(value)) return { kind: 'number', value: numberOf(value), offset: start, text };
    if (!quoted && mode === 'expression' && /^[\p{L}]+-[\p{L}\d]+$/u.test(value)) {
      this.fail(start, `The command ${quote(value)} inside parentheses`, 'A what-if change cannot run other commands: write the value itself');
    }
    return { kind: 'string', value, quoted, offset: start, text };
  }

  /** $true, $false, $null; any other variable is an error. A lone `$` is an ordinary character. */
  private readDollar(): CmdletValue | null {
    const start = this.pos;
    const m = /^\$([\p{L}\d_?:]*)/u.exec(this.text.slice(start));
    const name = m?.[1] ?? '';
    const next = this.text[start + 1 + name.length];
    if (name === '' && next !== '(' && next !== '{') return null;
    if (name === '' || next === '.' || next === '[') this.failVariableAt(start);
    const lower = name.toLowerCase();
    if (lower !== 'true' && lower !== 'false' && lower !== 'null') this.failVariableAt(start);
    this.pos = start + 1 + name.length;
    const text = this.text.slice(start, this.pos);
    const after = this.peek();
    if (after !== undefined && !WORD_END.test(after) && after !== '=') {
      this.fail(start, `Unexpected text after ${text} in ${excerptAt(this.text, start)}`, `Write ${text} on its own`);
    }
    if (lower === 'null') return { kind: 'null', offset: start, text };
    return { kind: 'boolean', value: lower === 'true', offset: start, text };
  }

  /** A '…' or "…" string at the current position. */
  private readQuoted(): string {
    const { value, end } = readQuotedString(this.text, this.pos);
    this.pos = end;
    return value;
  }

  private failVariableAt(offset: number): never {
    throw variableError(this.text, offset);
  }

  /** `@(…)` array, `@{…}` hashtable; here-strings and splatting are refused with a reason. */
  private readAtForm(): CmdletValue {
    const start = this.pos;
    const next = this.peek(1);
    if (next === '(') {
      this.pos += 2;
      const items = this.readStatements(start, true);
      return { kind: 'array', items, offset: start, text: this.text.slice(start, this.pos) };
    }
    if (next === '{') return this.readHashtable();
    if (isQuote(next)) {
      this.fail(start, 'Here-strings (@" … "@) are not supported', 'Write the value as an ordinary quoted string');
    }
    if (next !== undefined && /[\p{L}_]/u.test(next)) {
      this.fail(start, `Splatting ${excerptAt(this.text, start)} is not supported`, 'Write the parameters out');
    }
    return this.readWord('argument');
  }

  /** `(a, b)`: one expression, grouped. */
  private readParenthesized(): CmdletValue {
    const start = this.pos;
    this.pos++;
    const items = this.readStatements(start, false);
    if (items.length === 0) this.fail(start, 'Empty parentheses "()"', 'Write a value, or $null');
    const only = items[0]!;
    if (items.length === 1) return only;
    const value: ArrayValue = { kind: 'array', items, offset: start, text: this.text.slice(start, this.pos) };
    return value;
  }

  /**
   * The inside of `@(…)` (statements split by line ends or `;`, comma lists flattened the way
   * PowerShell enumerates them) or of `(…)` (one statement); consumes the closing parenthesis.
   */
  private readStatements(open: number, several: boolean): CmdletValue[] {
    const items: CmdletValue[] = [];
    let statements = 0;
    for (;;) {
      this.skipBlanksAndLines();
      if (several && this.peek() === ';') {
        this.pos++;
        continue;
      }
      if (this.peek() === ')') {
        this.pos++;
        return items;
      }
      if (this.atEnd()) this.fail(open, `${excerptAt(this.text, open, 20)} is never closed`, 'Add the closing )');
      if (!several && statements > 0) this.fail(this.pos, `Unexpected ${excerptAt(this.text, this.pos)}`, 'Separate values with commas');
      const value = this.readCommaList('expression');
      statements++;
      if (value.kind === 'array') items.push(...value.items);
      else items.push(value);
      this.skipBlanks();
      const c = this.peek();
      if (c !== undefined && c !== ')' && c !== ';' && c !== '\n' && c !== '\r') {
        this.fail(this.pos, `Unexpected ${excerptAt(this.text, this.pos)}`, 'Separate values with commas');
      }
      if (c === ';' && !several) this.fail(this.pos, 'Unexpected ";" inside parentheses', 'Separate values with commas');
    }
  }

  private readHashtable(): HashtableValue {
    const start = this.pos;
    this.pos += 2;
    const entries: HashtableValue['entries'] = [];
    for (;;) {
      this.skipBlanksAndLines();
      if (this.peek() === ';') {
        this.pos++;
        continue;
      }
      if (this.peek() === '}') {
        this.pos++;
        return { kind: 'hashtable', entries, offset: start, text: this.text.slice(start, this.pos) };
      }
      if (this.atEnd()) this.fail(start, `${excerptAt(this.text, start, 20)} is never closed`, 'Add the closing }');
      const keyOffset = this.pos;
      const c = this.peek()!;
      let key: string;
      if (isQuote(c)) key = this.readQuoted();
      else {
        const m = /^[\p{L}\d_]+/u.exec(this.text.slice(this.pos));
        if (!m) this.fail(keyOffset, `Expected a key such as Add or Remove, found ${excerptAt(this.text, keyOffset)}`, 'Write @{Add="value"; Remove="value"}');
        key = m[0];
        this.pos += key.length;
      }
      this.skipBlanks();
      if (this.peek() !== '=') {
        this.fail(this.pos, `Expected "=" after the key ${quote(key)}, found ${excerptAt(this.text, this.pos)}`, 'Write @{Add="value"; Remove="value"}');
      }
      this.pos++;
      this.skipBlanksAndLines();
      const v = this.peek();
      if (v === undefined || v === ';' || v === '}') this.fail(this.pos, `Missing value for the key ${quote(key)}`);
      const value = this.readCommaList('expression');
      entries.push({ key, keyOffset, value });
      this.skipBlanks();
      const after = this.peek();
      if (after !== undefined && after !== ';' && after !== '}' && after !== '\n' && after !== '\r') {
        this.fail(this.pos, `Unexpected ${excerptAt(this.text, this.pos)} in the hashtable`, 'Separate entries with ";"');
      }
    }
  }
}

function numberOf(literal: string): number {
  const m = /^(.*?)(kb|mb|gb|tb|pb)?$/i.exec(literal)!;
  let body = m[1]!.replace(/[ld]$/i, '');
  const multiplier = m[2] ? MULTIPLIERS[m[2].toLowerCase()]! : 1;
  let sign = 1;
  if (body.startsWith('-') || body.startsWith('+')) {
    if (body.startsWith('-')) sign = -1;
    body = body.slice(1);
  }
  const n = /^0x/i.test(body) ? parseInt(body.slice(2), 16) : Number(body);
  return sign * n * multiplier;
}
