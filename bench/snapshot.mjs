import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Others build into dist/ while the benchmark runs (npm test builds too): a rebuild halfway
 * would mix two versions of the code in one report. So the bench runs from a private copy of
 * the build made right after `npm run build` — dist/, bin/, examples/, package.json and bench/,
 * with node_modules linked — and names the copy by a hash of its dist/.
 */
export function makeSnapshot(repo, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const part of ['dist', 'bin', 'examples', 'package.json']) cpSync(join(repo, part), join(dir, part), { recursive: true });
  mkdirSync(join(dir, 'bench'));
  for (const f of readdirSync(join(repo, 'bench'))) if (f.endsWith('.mjs')) cpSync(join(repo, 'bench', f), join(dir, 'bench', f));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return distHash(dir);
}

/** SHA-1 over every file of dist/ (names and contents), short form. */
export function distHash(root) {
  const hash = createHash('sha1');
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) hash.update(relative(root, p)).update(readFileSync(p));
    }
  };
  walk(join(root, 'dist'));
  return hash.digest('hex').slice(0, 12);
}
