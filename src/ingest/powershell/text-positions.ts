/** Offsets in a text turned into 1-based line:column, for diagnostics and provenance. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] as number) + 1 };
  }
}

/**
 * Line:column of offsets asked in increasing order, counting newlines as it goes: no index of
 * every line is built (a provider's exports hold millions of lines, and the array would only feed
 * the garbage collector). An offset before the last one asked starts the count again.
 */
export class ForwardPositions {
  private offset = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  position(offset: number): { line: number; column: number } {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
      this.lineStart = 0;
    }
    for (let i = this.text.indexOf('\n', this.offset); i >= 0 && i < offset; i = this.text.indexOf('\n', i + 1)) {
      this.line++;
      this.lineStart = i + 1;
    }
    this.offset = offset;
    return { line: this.line, column: offset - this.lineStart + 1 };
  }
}

/**
 * Where each top-level object of a JSON text starts: every item of a root array, or the root
 * itself. JSON.parse keeps no positions, and a full positioned parse of a provider's 100 MB
 * export would cost far more than this one pass over the characters.
 */
export function topLevelStarts(text: string): number[] {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== BRACKET_OPEN) return i < text.length ? [i] : [];
  const starts: number[] = [];
  let depth = 0;
  let expectValue = false;
  const strings = new StringEnds(text);
  for (; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      if (expectValue && depth === 1) starts.push(i);
      expectValue = false;
      i = strings.closingQuote(i);
      continue;
    }
    if (ch === SPACE || ch === LF || ch === CR || ch === TAB) continue;
    if (ch === BRACKET_OPEN || ch === BRACE_OPEN) {
      if (expectValue && depth === 1) starts.push(i);
      expectValue = depth === 0;
      depth++;
      continue;
    }
    if (ch === BRACKET_CLOSE || ch === BRACE_CLOSE) {
      depth--;
      expectValue = false;
      continue;
    }
    if (ch === COMMA && depth === 1) {
      expectValue = true;
      continue;
    }
    if (expectValue && depth === 1) starts.push(i);
    expectValue = false;
  }
  return starts;
}

const QUOTE = 0x22;
const SPACE = 0x20;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const COMMA = 0x2c;
const BRACKET_OPEN = 0x5b;
const BRACKET_CLOSE = 0x5d;
const BRACE_OPEN = 0x7b;
const BRACE_CLOSE = 0x7d;

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}

/**
 * The closing quotes of the strings of one text, found with the native search rather than a
 * character at a time (strings are most of an export's text). The next quote and the next
 * backslash are kept until passed, so each is searched for once: linear whatever the text.
 */
class StringEnds {
  private nextQuote = -1;
  private nextBackslash = -1;

  constructor(private readonly text: string) {}

  /** Index of the closing quote of the string opening at `i` (the text's length when it has none). */
  closingQuote(i: number): number {
    const { text } = this;
    let j = i + 1;
    for (;;) {
      if (this.nextQuote < j) this.nextQuote = indexOrEnd(text, '"', j);
      if (this.nextBackslash < j) this.nextBackslash = indexOrEnd(text, '\\', j);
      // A backslash before the quote escapes the character after it (perhaps that quote).
      if (this.nextBackslash >= this.nextQuote) return this.nextQuote;
      j = this.nextBackslash + 2;
    }
  }
}

function indexOrEnd(text: string, ch: string, from: number): number {
  const at = from >= text.length ? -1 : text.indexOf(ch, from);
  return at < 0 ? text.length : at;
}

/** The offset a JSON.parse error names (Node 20: "at position N"; Node 22: "(line L column C)"). */
export function jsonErrorOffset(message: string, text: string): number | null {
  const pos = /position (\d+)/.exec(message);
  if (pos?.[1] !== undefined) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc?.[1] !== undefined && lc[2] !== undefined) {
    let offset = 0;
    for (let line = 1; line < Number(lc[1]); line++) {
      const nl = text.indexOf('\n', offset);
      if (nl < 0) return null;
      offset = nl + 1;
    }
    return offset + Number(lc[2]) - 1;
  }
  if (/end of (JSON )?input/i.test(message)) return text.length;
  return null;
}
