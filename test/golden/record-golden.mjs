// Records the pinned reports of golden-cases.mjs with a build of the project:
//   node test/golden/record-golden.mjs [ROOT]   (ROOT: a checkout with dist/ built; default: this one)
// Run it only when a change of a report is intended, and say why in the commit.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonical, goldenCases, goldenFile } from './golden-cases.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(process.argv[2] ?? join(here, '..', '..'));
const out = join(here, 'reports');
rmSync(out, { recursive: true, force: true });
const tmp = join(out, '.output');
mkdirSync(tmp, { recursive: true });
let n = 0;
for (const c of goldenCases(root)) {
  const target = join(tmp, 'report.json');
  rmSync(target, { force: true });
  const run = spawnSync(process.execPath, [join(root, 'dist/cli/run.js'), ...c.argv, '--output', target], { cwd: root, encoding: 'utf8' });
  let output = '';
  try {
    output = readFileSync(target, 'utf8');
  } catch {
    output = `(no report)\n${run.stderr}`;
  }
  const file = join(out, goldenFile(c.name));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(canonical(root, run.status, output), null, 1) + '\n');
  n++;
}
rmSync(tmp, { recursive: true, force: true });
console.log(`${n} reports recorded in ${out}`);
