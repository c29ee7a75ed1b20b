import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { loadCase } from '../ingest/load-case.js';
import { listInputFiles } from '../ingest/walk-inputs.js';
import { collectCaseNames } from './case-names.js';
import { encodeWithEncoding, fileText, type FileText } from './file-text.js';
import { RedactionMap } from './redaction-map.js';
import { collectText, redactText } from './redact-text.js';

/**
 * `redact`: every input a case is read from, copied with pseudonyms. Two scans per file — one to
 * collect every name (so pseudonyms can be chosen that no original uses), one to rewrite — each a
 * single pass of the tokenizer with a map lookup per token.
 */

export interface RedactOptions {
  /** Names to leave as they are (`--keep`). */
  keep?: readonly string[];
  /** A map from an earlier run: its pseudonyms are reused. */
  map?: RedactionMap;
}

export interface RedactedFile {
  input: string;
  /** Written file, or null when the input was left out. */
  output: string | null;
  note: string | null;
}

export interface RedactResult {
  map: RedactionMap;
  files: RedactedFile[];
  /** Given paths that do not exist. */
  missing: string[];
}

interface Source {
  file: string;
  /** Path under the output folder, before redaction. */
  rel: string;
  content: FileText | { skipped: string };
}

/**
 * Builds (or extends) the mapping for the inputs under `paths` without writing anything: for a
 * report to be redacted (`redactText(report, map)`) with the same pseudonyms `redact` uses.
 */
export async function buildRedactionMap(paths: readonly string[], options: RedactOptions = {}): Promise<RedactionMap> {
  return (await collect(paths, options)).map;
}

async function collect(paths: readonly string[], options: RedactOptions): Promise<{ map: RedactionMap; sources: Source[]; missing: string[] }> {
  const map = options.map ?? new RedactionMap();
  for (const k of options.keep ?? []) map.addKeep(k);
  const loaded = await loadCase([...paths]);
  collectCaseNames(loaded.case, map);
  const sources: Source[] = [];
  const missing: string[] = [];
  const many = paths.length > 1;
  for (const [i, p] of paths.entries()) {
    const listing = await listInputFiles([p]);
    missing.push(...listing.missing.map((m) => `${m.path}: ${m.reason}`));
    const isDir = listing.missing.length === 0 && statSync(p).isDirectory();
    const root = isDir ? p : dirname(p);
    // With several paths, each keeps its own folder in the output so names cannot clash.
    const prefix = many ? `${i + 1}-${basename(p)}` : '';
    for (const file of listing.files) {
      const rel = join(prefix, relative(root, file));
      const content = await fileText(file);
      if (!('skipped' in content)) collectText(content.text, map);
      sources.push({ file, rel, content });
    }
  }
  // File and folder names are redacted like any text (a file named after a customer's domain).
  for (const s of sources) collectText(s.rel, map);
  map.allocate();
  return { map, sources, missing };
}

/** Redacts every input under `paths` into `outDir`; returns the map (the caller saves it). */
export async function redactPaths(paths: readonly string[], outDir: string, options: RedactOptions = {}): Promise<RedactResult> {
  const { map, sources, missing } = await collect(paths, options);
  const files: RedactedFile[] = [];
  const noted = new Map(map.files.map((f) => [f.input, f]));
  for (const s of sources) {
    if ('skipped' in s.content) {
      files.push({ input: s.file, output: null, note: `left out: ${s.content.skipped}` });
      continue;
    }
    const rel = redactText(s.rel, map).split(/[\\/]/).join(sep) + s.content.outputSuffix;
    const out = join(outDir, rel);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, encodeWithEncoding(redactText(s.content.text, map), s.content.encoding));
    files.push({ input: s.file, output: out, note: s.content.note });
    if (s.content.note) noted.set(s.file, { input: s.file, output: out, note: s.content.note });
  }
  map.files = [...noted.values()];
  return { map, files, missing };
}
