/** "Did you mean …?" for mistyped parameter, cmdlet and object names. */

/** Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= t.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1]!;
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[s.length]![t.length]!;
}

/**
 * The candidate closest to what was written, when it is close enough to be a likely typo: a
 * small edit distance, or the written text found inside a longer name (`-CertificateName` for
 * `-TlsSenderCertificateName`).
 */
export function closestName(written: string, candidates: readonly string[]): string | null {
  const w = written.toLowerCase();
  if (w === '') return null;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const allowed = Math.max(2, Math.floor(w.length / 3));
  if (best !== null && bestDistance <= allowed) return best;
  if (w.length >= 4) {
    const containing = candidates.filter((c) => c.toLowerCase().includes(w));
    if (containing.length === 1) return containing[0]!;
  }
  return null;
}

/** `"a", "b" and "c"`; past `max` items, `… and N more`. */
export function listNames(names: readonly string[], max = 10, quote = true): string {
  const q = (n: string): string => (quote ? `"${n}"` : n);
  const shown = names.slice(0, max).map(q);
  const more = names.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
