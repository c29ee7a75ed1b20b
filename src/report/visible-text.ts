import type { DecodedMessage } from '../model/message-headers.js';

/**
 * Header text made safe to print on a terminal or paste into a ticket. A header is written by the
 * sender: an RFC 2047 encoded word may decode to CR, LF, ESC or any other control character, which
 * an RFC 5322 field body cannot otherwise hold (§2.2, §3.2.5 `unstructured`: CR and LF only as
 * folding). Printed as they are they would forge report lines ("Mailsploit") or drive the terminal
 * (ANSI escape sequences: colour, cursor moves, line erase) — CWE-150, CWE-117. Each such character
 * is written as a visible escape instead; the JSON report keeps the exact value (JSON escapes them).
 *
 * Escaped: C0 controls (tab too: it can misalign the report's columns), DEL, C1 controls, the line
 * and paragraph separators U+2028/U+2029 (line breaks to some viewers), and the bidirectional
 * formatting characters (U+061C, U+200E/F, U+202A–E, U+2066–9), which reorder what a reader sees
 * (CVE-2021-42574, "Trojan Source"). A backslash is left as written: the escapes neutralise, they
 * are not meant to be decoded back (the JSON report is exact).
 */
// One character class, no quantifier: a single linear pass whatever the text.
const UNSAFE_CLASS = '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]';
const UNSAFE = new RegExp(UNSAFE_CLASS, 'g');
const UNSAFE_ONE = new RegExp(UNSAFE_CLASS);
/** The report's own styles (style.ts: `ESC [ code m` with one of its codes) first, kept; any other unsafe character escaped. */
const OWN_STYLE_OR_UNSAFE = new RegExp(`\\x1b\\[(?:0|1|2|31|32|33|36)m|${UNSAFE_CLASS}`, 'g');

const NAMED: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };

function escaped(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A line of a text report made safe like visibleText, keeping the report's own colour codes: for
 * lines that mix the tool's styling with text from the input (a banner, an SMTP reply, a finding's
 * evidence). One pass.
 */
export function visibleLine(line: string): string {
  return UNSAFE_ONE.test(line) ? line.replace(OWN_STYLE_OR_UNSAFE, (m) => (m.length > 1 ? m : escaped(m))) : line;
}

/** The text with every control, separator and bidi character written as `\r`, `\n`, `\x1b`, `\u202e`… */
export function visibleText(text: string): string {
  // Nearly every header is clean: tested first, returned as it is.
  return UNSAFE_ONE.test(text) ? text.replace(UNSAFE, escaped) : text;
}

/**
 * Every string (and object key) in a decoded value made visible, the value rebuilt only where
 * something changed. Plain data only (strings, numbers, booleans, null, arrays, plain objects), as
 * DecodedMessage holds.
 */
function visibleStrings<T>(value: T): T {
  if (typeof value === 'string') return visibleText(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((item, i) => {
      const v = visibleStrings(item);
      if (v !== item) (out ??= value.slice())[i] = v;
    });
    return (out ?? value) as T;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(value)) {
    const key = visibleText(k);
    const v = visibleStrings(item);
    if (key !== k || v !== item) changed = true;
    out[key] = v;
  }
  return changed ? (out as T) : value;
}

/**
 * A message with every header-derived string made visible (visibleText), for the text report and
 * what is built from it. Its source (the input file and line) is the tool's own and is kept: the
 * output step rewrites the file path as written.
 */
export function visibleMessage(m: DecodedMessage): DecodedMessage {
  const { source, ...rest } = m;
  const visible = visibleStrings(rest);
  return visible === rest ? m : { source, ...visible };
}
