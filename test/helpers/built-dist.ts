import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The project root (the folder holding src/, dist/ and test/). */
export const ROOT = new URL('../../', import.meta.url).pathname;

/** Newest modification time of a .ts file below dir. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Whether the built module (a path below the root) exists and is newer than every source: tests
 * that run dist/ (`npm test` builds it first) would otherwise judge other code than src/.
 */
export function builtIsFresh(builtModule: string): boolean {
  const path = join(ROOT, builtModule);
  return existsSync(path) && statSync(path).mtimeMs >= newestSource(join(ROOT, 'src'));
}
