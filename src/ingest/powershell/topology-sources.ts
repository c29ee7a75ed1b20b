import { isAbsolute, join, resolve, sep } from 'node:path';

/**
 * The topology file's optional `sources:` mapping: a file or folder path (relative to the
 * topology file) → the tenant, organization or server whose exports it holds. It places export
 * objects that do not say where they belong (placement.ts).
 */
export interface SourceMapping {
  /** Absolute path. */
  path: string;
  target: string;
}

export function readSources(value: unknown, baseDir: string): SourceMapping[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const out: SourceMapping[] = [];
  for (const [path, target] of Object.entries(value as Record<string, unknown>)) {
    if (typeof target !== 'string' || target.trim() === '') continue;
    // A path written on Windows (exports\contoso) still names the folder elsewhere.
    const portable = sep === '/' ? path.replace(/\\/g, '/') : path;
    out.push({ path: resolve(isAbsolute(portable) ? portable : join(baseDir, portable)), target: target.trim() });
  }
  return out;
}
