// What counts as a failure when a reader meets a mutated input (issue: "bad input gets a clear
// error and nothing is lost"): an exception that escapes the readers and loses the whole case, an
// internal JavaScript error shown to the user as if it were a diagnostic, or diagnostics without
// bound. Time and memory are watched by the harness (a worker with limits), not here.

/** Messages of JavaScript's own errors: never meant for an admin, and a sign a reader threw. */
const INTERNAL = /Cannot read propert|is not a function|is not iterable|Maximum call stack|Invalid time value|Invalid array length|Invalid string length|DataView|Offset is outside|Cannot convert|\bRangeError\b|\bTypeError\b|undefined is not|null is not/;

/** More diagnostics than this for one file means a reader does not honour the per-file limit. */
export const MAX_DIAGNOSTICS_SEEN = 5000;

/**
 * Reads one file as a case with `loadCase` (detection and every reader) and judges the result.
 * Returns null when the reader behaved, else { kind, problem }.
 */
export async function judge(loadCase, file) {
  let loaded;
  try {
    loaded = await loadCase([file]);
  } catch (e) {
    return { kind: 'throw', problem: `loadCase threw: ${String(e?.stack ?? e).slice(0, 500)}` };
  }
  if (loaded.fatal && /could not read the case:/.test(loaded.fatal)) return { kind: 'lost-case', problem: loaded.fatal.slice(0, 500) };
  if (loaded.fatal && INTERNAL.test(loaded.fatal)) return { kind: 'internal-error', problem: loaded.fatal.slice(0, 500) };
  let total = 0;
  for (const input of loaded.case.inputs) {
    total += input.diagnostics.length;
    for (const d of input.diagnostics) {
      if (INTERNAL.test(d.message)) return { kind: 'internal-error', problem: `${d.location}: ${d.message.slice(0, 400)}` };
      if (d.message.length > 20_000) return { kind: 'huge-diagnostic', problem: `${d.location}: a diagnostic of ${d.message.length} characters` };
    }
  }
  if (total > MAX_DIAGNOSTICS_SEEN) return { kind: 'unbounded-diagnostics', problem: `${total} diagnostics for one file` };
  return null;
}
