/**
 * The items of a pretty-printed JSON array, each with where it starts, without scanning every
 * character for the array's structure. ConvertTo-Json writes the root array's items one per line,
 * all at the same indentation, and JSON strings cannot hold a raw line break: so every line break
 * followed by that indentation and `{` is a candidate item start, found by the native search.
 *
 * The candidates are then proved, not trusted: the text must be `[`, the first candidate, and
 * between candidates `,` with white space around, closing with `]`, and every piece between must
 * parse as one JSON value. JSON's grammar is unambiguous, so a text that splits that way is that
 * array and these are its items and their starts. Anything else (an item on the `[` line, a
 * nested object at the same indentation, a syntax error) returns null and the caller takes the
 * character scan (text-positions.ts); at worst the text was parsed about twice.
 */
export interface IndentedItems {
  items: unknown[];
  starts: number[];
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

export function indentedArrayItems(body: string): IndentedItems | null {
  let i = 0;
  while (i < body.length && isSpace(body.charCodeAt(i))) i++;
  if (body.charCodeAt(i) !== 0x5b /* [ */) return null;
  const first = skipSpace(body, i + 1);
  if (body.charCodeAt(first) !== 0x7b /* { */) return null;
  // The indentation of the first item, back to its line break (none: the item is on the `[` line).
  let lineStart = first;
  while (lineStart > i + 1 && (body.charCodeAt(lineStart - 1) === SPACE || body.charCodeAt(lineStart - 1) === TAB)) lineStart--;
  if (body.charCodeAt(lineStart - 1) !== LF) return null;
  const marker = '\n' + body.slice(lineStart, first + 1);

  const end = closingBracket(body);
  if (end < 0) return null;
  const items: unknown[] = [];
  const starts: number[] = [];
  let start = first;
  for (;;) {
    const next = body.indexOf(marker, start + 1);
    const candidate = next < 0 || next > end ? -1 : next + marker.length - 1;
    let pieceEnd: number;
    if (candidate < 0) pieceEnd = end;
    else {
      // Back from the candidate's line break over white space to the comma that must be there.
      let c = next;
      while (c > start && isSpace(body.charCodeAt(c - 1))) c--;
      if (body.charCodeAt(c - 1) !== 0x2c /* , */) return null;
      pieceEnd = c - 1;
    }
    let item: unknown;
    try {
      item = JSON.parse(body.slice(start, pieceEnd));
    } catch {
      return null;
    }
    items.push(item);
    starts.push(start);
    if (candidate < 0) return { items, starts };
    start = candidate;
  }
}

/** Offset of the `]` the text ends with (white space after it allowed), -1 when it does not end so. */
function closingBracket(body: string): number {
  let j = body.length;
  while (j > 0 && isSpace(body.charCodeAt(j - 1))) j--;
  return body.charCodeAt(j - 1) === 0x5d /* ] */ ? j - 1 : -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** JSON's white space: exactly these four (RFC 8259 section 2). */
function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}
