/**
 * "Did you mean …" for a name given on the command line (`simulate --origin Contso`): the case's
 * names closest to it by edit distance (Levenshtein, case-insensitive), so a typo fails with the
 * right name instead of a walk from a place the admin did not mean.
 */

/** Edit distance, O(a·b) time and O(b) memory; names on a command line are short. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** Longest name compared in full: a pasted paragraph is not a name, and must not cost quadratic time. */
const MAX_NAME = 256;

/**
 * The candidates within a third of the name's length (at least 2 edits), closest first, at most
 * three; a candidate that contains the name (`Setebos AG` for `Setebos`) counts as close too.
 */
export function closestNames(name: string, candidates: readonly string[], max = 3): string[] {
  if (name.length > MAX_NAME) return [];
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored: { name: string; distance: number }[] = [];
  for (const c of new Set(candidates)) {
    if (c.length > MAX_NAME) continue;
    const cl = c.toLowerCase();
    const contains = lower.length >= 3 && cl.includes(lower);
    const distance = contains ? Math.abs(cl.length - lower.length) / 100 : editDistance(name, c);
    if (distance <= limit) scored.push({ name: c, distance });
  }
  return scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name)).slice(0, max).map((s) => s.name);
}
