import type { Diagnostic } from '../model/diagnostics.js';

/** Sorts diagnostics into file order (line, then column; those without a position first), so a reader can work down the file. */
export function sortByPosition(diagnostics: Diagnostic[]): void {
  const pos = (d: Diagnostic): [number, number] => {
    const m = /:(\d+)(?::(\d+))?$/.exec(d.location);
    return m ? [Number(m[1]), Number(m[2] ?? 0)] : [0, 0];
  };
  diagnostics.sort((a, b) => {
    const [la, ca] = pos(a);
    const [lb, cb] = pos(b);
    return la - lb || ca - cb;
  });
}
