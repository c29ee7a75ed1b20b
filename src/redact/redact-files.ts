import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { loadCase } from '../ingest/load-case.js';
import { listInputFiles } from '../ingest/walk-inputs.js';
import { collectCaseNames } from './case-names.js';
import { encodeWithEncoding, fileText, type FileText } from './file-text.js';
import { RedactionMap } from './redaction-map.js';
import { planPieces, readPieces, type PiecePlan } from './file-pieces.js';
import { collectPieces, collectText, redactText } from './redact-text.js';

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
  /** Smallest piece a large plain-text file is learned and rewritten in (file-pieces.ts); default 8 MiB. */
  pieceBytes?: number;
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

/** Stands for a text learned and let go (the map alone is wanted). */
const LEARNED: FileText = { text: '', encoding: 'utf8', outputSuffix: '', note: null };

interface Source {
  file: string;
  /** Path under the output folder, before redaction. */
  rel: string;
  content: FileText | { skipped: string };
  /** A large plain-text file learned and rewritten in pieces (content then holds no text). */
  pieces?: PiecePlan;
}

/**
 * Builds (or extends) the mapping for the inputs under `paths` without writing anything: for a
 * report to be redacted (`redactText(report, map)`) with the same pseudonyms `redact` uses.
 */
export async function buildRedactionMap(paths: readonly string[], options: RedactOptions = {}): Promise<RedactionMap> {
  return (await collect(paths, options, false)).map;
}

/**
 * Notes every name of every input. A large plain-text file is learned in pieces (file-pieces.ts)
 * rather than read as one string, and rewritten so too. `keepText`: the other texts are kept for
 * the rewrite that follows (`redact`); for the map alone each is dropped once learned.
 */
async function collect(paths: readonly string[], options: RedactOptions, keepText = true): Promise<{ map: RedactionMap; sources: Source[]; missing: string[] }> {
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
      const plan = planPieces(file, options.pieceBytes);
      if (plan !== null) {
        collectPieces(() => readPieces(file, plan), map);
        sources.push({ file, rel, content: LEARNED, pieces: plan });
        continue;
      }
      const content = await fileText(file);
      if (!('skipped' in content)) collectText(content.text, map);
      sources.push({ file, rel, content: keepText || 'skipped' in content ? content : LEARNED });
    }
  }
  // File and folder names are redacted like any text (a file named after a customer's domain).
  for (const s of sources) collectText(s.rel, map);
  map.allocate();
  return { map, sources, missing };
}

/**
 * A file learned in pieces, rewritten piece by piece: the cuts that keep learning the same keep
 * the rewrite the same (no token or base64 part spans one), and UTF-8 is cut at line ends only.
 */
function writePieces(file: string, plan: PiecePlan, out: string, map: RedactionMap): void {
  const fd = openSync(out, 'w');
  try {
    const put = (b: Buffer): void => {
      for (let done = 0; done < b.length; ) done += writeSync(fd, b, done, b.length - done);
    };
    // Piece 0 starts after a byte-order mark when the file has one: it is written back.
    if (plan[0] === 3) put(Buffer.from([0xef, 0xbb, 0xbf]));
    for (const piece of readPieces(file, plan)) put(Buffer.from(redactText(piece, map), 'utf8'));
  } finally {
    closeSync(fd);
  }
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
    if (s.pieces) writePieces(s.file, s.pieces, out, map);
    else writeFileSync(out, encodeWithEncoding(redactText(s.content.text, map), s.content.encoding));
    files.push({ input: s.file, output: out, note: s.content.note });
    if (s.content.note) noted.set(s.file, { input: s.file, output: out, note: s.content.note });
  }
  map.files = [...noted.values()];
  return { map, files, missing };
}
