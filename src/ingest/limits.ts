import type { Diagnostic } from '../model/diagnostics.js';
import { countText } from './count-text.js';

/**
 * The limits every reader honours, in one place (hostile or broken input must cost bounded time
 * and memory): a limit reached becomes a diagnostic with a position, never a crash.
 */
export const LIMITS = {
  /** Diagnostics kept per input file; the rest are counted in one closing line. */
  diagnosticsPerFile: 500,
  /** Characters of input text quoted inside one diagnostic message. */
  quotedText: 120,
  /** Nesting depth of a structured document (YAML/JSON topology, MIME parts, ASN.1). */
  nestingDepth: 64,
  /** Characters in one line of a line-oriented format before it is cut. */
  lineLength: 1 << 20,
  /** Characters in one record (a CSV row with quoted line breaks, a JSON element). */
  recordSize: 8 << 20,
} as const;

/** `text` cut to LIMITS.quotedText characters for a diagnostic, saying how much was left out. */
export function quoteForDiagnostic(text: string, max: number = LIMITS.quotedText): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** The closing "and N more" line of each capped list, by list. */
const overflow = new WeakMap<Diagnostic[], { line: Diagnostic; dropped: number }>();

/**
 * Appends diagnostics one by one (a spread of 100,000+ items overflows the call stack) and keeps at
 * most LIMITS.diagnosticsPerFile; the rest are counted in one closing warning.
 */
export function addDiagnostics(into: Diagnostic[], items: Iterable<Diagnostic>, where = 'this input', max: number = LIMITS.diagnosticsPerFile): void {
  for (const d of items) addDiagnostic(into, d, where, max);
}

export function addDiagnostic(into: Diagnostic[], d: Diagnostic, where = 'this input', max: number = LIMITS.diagnosticsPerFile): void {
  const over = overflow.get(into);
  if (over) {
    over.dropped++;
    return;
  }
  if (into.length < max) {
    into.push(d);
    return;
  }
  const state = { line: null as unknown as Diagnostic, dropped: 1 };
  // The count is written when the line is read, not on each of (possibly) millions of drops.
  const line = { severity: 'warning', location: d.location.replace(/:\d+(?::\d+)?$/, '') } as Diagnostic;
  state.line = Object.defineProperty(line, 'message', {
    enumerable: true,
    configurable: true,
    get: () => moreText(state.dropped, where),
    // A later rewrite of the message (e.g. paths made relative) replaces it with a plain value.
    set: (value: string) => Object.defineProperty(line, 'message', { value, enumerable: true, writable: true, configurable: true }),
  });
  into.push(state.line);
  overflow.set(into, state);
}

function moreText(n: number, where: string): string {
  return `and ${countText(n)} more diagnostic${n === 1 ? '' : 's'} in ${where} not shown (at most ${LIMITS.diagnosticsPerFile} are kept per file)`;
}
