import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface InputListing {
  /** Files to read, in a stable order: each given path in turn, folders walked depth-first, names sorted. */
  files: string[];
  /** Given paths that do not exist (or cannot be examined), with the reason. */
  missing: { path: string; reason: string }[];
}

/** Names a case folder may hold that are never evidence: hidden files (.git, .DS_Store) and installed packages. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/** Lists the files of a case. A file named directly is read even if its name would be skipped in a folder walk. */
export async function listInputFiles(paths: readonly string[]): Promise<InputListing> {
  const listing: InputListing = { files: [], missing: [] };
  const seen = new Set<string>();
  const addFile = (file: string): void => {
    const key = resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    listing.files.push(file);
  };
  // Synchronous on purpose: a provider's case is tens of thousands of small folders, and a thread-pool
  // round-trip per folder leaves the process idle most of the walk.
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (ignored(entry.name)) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) addFile(full);
      else if (entry.isSymbolicLink()) {
        let s = null;
        try {
          s = statSync(full);
        } catch {
          // A dangling link: nothing to read.
        }
        if (s?.isFile()) addFile(full);
      }
    }
  };
  for (const p of paths) {
    try {
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else addFile(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      listing.missing.push({ path: p, reason: code === 'ENOENT' ? 'no such file or folder' : (e as Error).message });
    }
  }
  return listing;
}
