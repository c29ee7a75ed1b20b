// The cases whose reports are pinned: every example, every fixture file and every fixture folder
// through `diagnose`, and each evidence fixture through the command that prints its format. Shared
// by the recorder (record-golden.mjs, run against a build) and the test (reports.test.ts, run
// against the sources), so both run exactly the same command lines.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Certificates are judged at a fixed moment, so a report does not change with the calendar. */
export const GOLDEN_AT = '2026-12-01T00:00:00Z';

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      out.dirs.push(path);
      walk(path, out);
    } else out.files.push(path);
  }
  return out;
}

/** The command for an evidence fixture's own format, or null. */
function formatCommand(file) {
  if (file.startsWith('test/fixtures/trace/')) return 'trace';
  if (file.startsWith('test/fixtures/exchange-log/')) return 'logs';
  if (/\.(pcap|pcapng)$/.test(file)) return 'pcap';
  if (file.startsWith('test/fixtures/headers/') || file.startsWith('test/fixtures/ndr/')) return 'headers';
  return null;
}

/** Every pinned case: a name (its golden file) and the command line, relative to the project root. */
export function goldenCases(root) {
  const cases = [];
  for (const e of readdirSync(join(root, 'examples')).sort()) {
    const dir = join('examples', e);
    if (statSync(join(root, dir)).isDirectory()) cases.push({ name: `diagnose/${dir}`, argv: ['diagnose', dir, '--format', 'json', '--at', GOLDEN_AT] });
  }
  const here = process.cwd();
  process.chdir(root);
  let tree;
  try {
    tree = walk('test/fixtures', { files: [], dirs: [] });
  } finally {
    process.chdir(here);
  }
  for (const dir of tree.dirs) cases.push({ name: `diagnose/${dir}/`, argv: ['diagnose', dir, '--format', 'json', '--at', GOLDEN_AT] });
  for (const file of tree.files) {
    cases.push({ name: `diagnose/${file}`, argv: ['diagnose', file, '--format', 'json', '--at', GOLDEN_AT] });
    const command = formatCommand(file);
    if (command !== null) cases.push({ name: `${command}/${file}`, argv: [command, file, '--format', 'json'] });
  }
  return cases;
}

/** The golden file of a case. */
export function goldenFile(name) {
  return name.replace(/\/$/, '/_folder').replace(/[^A-Za-z0-9._/-]/g, '_') + '.json';
}

/**
 * What is compared: the exit status and the report, with the project's absolute location replaced
 * (some reports name files by absolute path).
 */
export function canonical(root, exitCode, output) {
  return { exitCode, output: output.split(root).join('<root>') };
}
