import { CmdletError, errorAt, excerptAt, quote } from './cmdlet-error.js';

/**
 * PowerShell's quoting rules (about_Quoting_Rules): '…' is literal, with '' for a quote; "…"
 * takes backtick escapes and `" or "" for a quote, and would expand `$name` and `$(…)`. A what-if
 * has no session to expand them in, so a variable is an error that says so.
 * PowerShell also takes the typographic quotes word processors put in pasted commands.
 */

export const SINGLE_QUOTES = "'\u2018\u2019\u201A\u201B";
export const DOUBLE_QUOTES = '"\u201C\u201D\u201E';
export const ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
/** The character after `$` that makes it a variable or subexpression rather than a plain `$`. */
export const STARTS_VARIABLE = /[\p{L}\d_?{(:]/u;

export function isQuote(c: string | undefined): boolean {
  return c !== undefined && (SINGLE_QUOTES.includes(c) || DOUBLE_QUOTES.includes(c));
}

export function variableError(text: string, offset: number): CmdletError {
  const m = /^\$(\{[^}]*\}?|\([^)]*\)?|[\p{L}\d_?:]*)/u.exec(text.slice(offset));
  const shown = m?.[0] ?? '$';
  return errorAt(
    text,
    offset,
    `${shown.startsWith('$(') ? 'The subexpression' : 'The variable'} ${quote(shown)}`,
    'A what-if change has no PowerShell session, so nothing is expanded: write the value itself ($true, $false and $null are understood), or use single quotes for a literal $',
  );
}

/** The quoted string starting at `start` (its opening quote): its value and the offset after it. */
export function readQuotedString(text: string, start: number): { value: string; end: number } {
  return SINGLE_QUOTES.includes(text[start]!) ? readSingleQuoted(text, start) : readDoubleQuoted(text, start);
}

function readSingleQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (!SINGLE_QUOTES.includes(c)) value += c;
    else if (SINGLE_QUOTES.includes(text[i + 1] ?? '\u0000')) {
      value += "'";
      i++;
    } else return { value, end: i + 1 };
  }
  throw errorAt(text, start, `Unterminated string ${excerptAt(text, start)}`, "Add the closing ' (a quote inside the string is written '')");
}

/** Where the double-quoted string at `start` closes, or -1. */
function closingDoubleQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '`') i++;
    else if (DOUBLE_QUOTES.includes(c)) {
      if (DOUBLE_QUOTES.includes(text[i + 1] ?? '\u0000')) i++;
      else return i;
    }
  }
  return -1;
}

function readDoubleQuoted(text: string, start: number): { value: string; end: number } {
  // An unclosed string is the real mistake even when a `$` inside it would be refused first.
  const close = closingDoubleQuote(text, start);
  if (close < 0) {
    throw errorAt(text, start, `Unterminated string ${excerptAt(text, start)}`, 'Add the closing " (a quote inside the string is written `" or "")');
  }
  let value = '';
  for (let i = start + 1; i < close; i++) {
    const c = text[i]!;
    if (DOUBLE_QUOTES.includes(c)) {
      value += '"';
      i++;
    } else if (c === '`') {
      const n = text[i + 1]!;
      const unicode = n === 'u' ? /^`u\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i)) : null;
      const code = unicode ? parseInt(unicode[1]!, 16) : NaN;
      if (unicode && code <= 0x10ffff) {
        value += String.fromCodePoint(code);
        i += unicode[0].length - 1;
      } else {
        value += ESCAPES[n] ?? n;
        i++;
      }
    } else if (c === '$' && STARTS_VARIABLE.test(text[i + 1] ?? '')) {
      throw variableError(text, i);
    } else value += c;
  }
  return { value, end: close + 1 };
}
