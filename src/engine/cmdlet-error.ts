/**
 * The one error type of the what-if change language. Its message speaks to the admin: what was
 * wrong, where in the command (quoted text and column), and what to write instead.
 */
export class CmdletError extends Error {
  /** 1-based column of the offending text in its line, when the error points at one. */
  readonly column: number | null;
  /** 1-based line, for commands that span several lines. */
  readonly line: number | null;

  constructor(message: string, position?: { line: number; column: number }) {
    super(message);
    this.name = 'CmdletError';
    this.column = position?.column ?? null;
    this.line = position?.line ?? null;
  }
}

/** Line and column (both 1-based) of a character offset in the command text. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** `at column 12` for a one-line command, `at line 2, column 5` otherwise. */
export function describePosition(text: string, offset: number): string {
  const p = positionOf(text, offset);
  return text.includes('\n') ? `at line ${p.line}, column ${p.column}` : `at column ${p.column}`;
}

/** Text in quotes that do not clash with it: double quotes, or single ones when it holds a double quote. */
export function quote(s: string): string {
  return /["\u201C\u201D\u201E]/.test(s) && !s.includes("'") ? `'${s}'` : `"${s}"`;
}

/** Up to `max` characters of the line from `offset`, quoted, for showing the offending spot. */
export function excerptAt(text: string, offset: number, max = 40): string {
  const rest = (text.slice(offset).split(/\r?\n/)[0] ?? '').trimEnd();
  const shown = rest.length > max ? `${rest.slice(0, max)}…` : rest;
  return shown === '' ? 'the end of the command' : quote(shown);
}

/**
 * A CmdletError that points at `offset` in `text`: "<what> at column N. <advice>". `what` may
 * place the position itself with `{at}`, right after the text it quotes.
 */
export function errorAt(text: string, offset: number, what: string, advice = ''): CmdletError {
  const at = describePosition(text, offset);
  const located = what.includes('{at}') ? what.replace('{at}', at) : `${what} ${at}`;
  const message = `${located}${advice ? `. ${advice}` : ''}`;
  return new CmdletError(message, positionOf(text, offset));
}
