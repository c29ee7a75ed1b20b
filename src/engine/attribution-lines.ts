import { NO_TEXT } from './certificate-lookup.js';

/**
 * The explain lines of the attributions in progress (inbound-attribution.ts), one stack for the
 * trace and one for the assumptions: a call writes its lines above those of any call it runs
 * within (ctx.isExchangeOnlineDomain is the caller's code) and takes them out, on return, as one
 * array of exactly their number — no per-call array grows by pushing, and an answer without
 * lines shares NO_TEXT.
 *
 * A fresh small array per answer is cheaper than sharing one between answers with the same lines
 * (kept per domain or per certificate): allocation is sequential and stays in cache, where
 * reaching a memo of 10,000s of domains costs cache misses on every connection (measured).
 */

const traceLines: string[] = [];
let traceTop = 0;
const assumptionLines: string[] = [];
let assumptionTop = 0;

export function say(line: string): void {
  traceLines[traceTop++] = line;
}

export function assume(line: string): void {
  assumptionLines[assumptionTop++] = line;
}

/** The stacks' positions where a call's lines start. */
export function traceMark(): number {
  return traceTop;
}

export function assumptionMark(): number {
  return assumptionTop;
}

/** The trace lines said since `from`, as a new array of that exact size, or NO_TEXT. */
export function takeTrace(from: number): readonly string[] {
  return linesFrom(traceLines, from, traceTop);
}

export function takeAssumptions(from: number): readonly string[] {
  return linesFrom(assumptionLines, from, assumptionTop);
}

/** Drops the lines said since the marks. */
export function rewind(traceFrom: number, assumptionFrom: number): void {
  traceTop = traceFrom;
  assumptionTop = assumptionFrom;
}

/** lines[from..to) as a new array of that exact size (usually one to three lines), or NO_TEXT. */
function linesFrom(lines: readonly string[], from: number, to: number): readonly string[] {
  switch (to - from) {
    case 0:
      return NO_TEXT;
    case 1:
      return [lines[from]!];
    case 2:
      return [lines[from]!, lines[from + 1]!];
    case 3:
      return [lines[from]!, lines[from + 1]!, lines[from + 2]!];
    default:
      return lines.slice(from, to);
  }
}
