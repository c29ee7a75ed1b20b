import { topLevelStarts } from './text-positions.js';

/**
 * A ConvertTo-Json export cut off before its end (a copy that stopped, a full disk, a console
 * buffer pasted into a file): the text ends with brackets still open. Exchange's exports are a
 * list of objects, so the objects before the cut are whole and can be read; what is after the cut
 * is lost, and the report says so (ingest/input-completeness.ts makes the results incomplete).
 */
export interface TruncatedJson {
  /** The whole objects before the cut (empty when the cut is inside the first one or the root is one object). */
  items: unknown[];
  /** Where the object the cut falls in starts (the end of the text when only the closing bracket is missing). */
  cutAt: number;
}

/** Null when the text is not cut short (its brackets close, or it is not JSON at all). */
export function readTruncatedJson(body: string): TruncatedJson | null {
  if (!endsInsideJson(body)) return null;
  if (!/^\s*\[/.test(body)) return { items: [], cutAt: body.search(/\S/) };
  // Only the closing bracket missing: every object is whole.
  const whole = tryParse(withoutTrailingCommas(body) + ']');
  if (whole) return { items: whole, cutAt: body.length };
  const starts = topLevelStarts(body);
  const last = starts[starts.length - 1];
  if (last === undefined) return { items: [], cutAt: body.length };
  const before = tryParse(withoutTrailingCommas(body.slice(0, last)) + ']');
  return { items: before ?? [], cutAt: last };
}

/**
 * The text without trailing white space and commas, scanning back from the end (the regular
 * expression `[\s,]*$` retries from every position of a long run: quadratic).
 */
function withoutTrailingCommas(text: string): string {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c === 0x2c || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0xfeff) end--;
    else break;
  }
  return text.slice(0, end);
}

function tryParse(text: string): unknown[] | null {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** True when the text ends inside a string or with a bracket or brace still open. One pass, no recursion. */
function endsInsideJson(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      let j = i + 1;
      for (; j < text.length; j++) {
        const c = text.charCodeAt(j);
        if (c === 0x5c) j++;
        else if (c === 0x22) break;
      }
      if (j >= text.length) return true;
      i = j;
    } else if (ch === 0x5b || ch === 0x7b) depth++;
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return depth > 0;
}
