/** Where an object or value came from, so a finding can cite it. */
export interface Provenance {
  file: string;
  line?: number;
  column?: number;
}

export function formatLocation(p: Provenance | undefined): string {
  if (!p) return '(unknown)';
  if (p.line === undefined) return p.file;
  return p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
}

/** `file:line` for evidence (the contract's evidence `source`). */
export function formatSource(p: Provenance | undefined): string {
  if (!p) return '(derived)';
  return p.line === undefined ? p.file : `${p.file}:${p.line}`;
}
