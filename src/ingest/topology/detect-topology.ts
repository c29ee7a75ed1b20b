import { isMap, isScalar, parseDocument } from 'yaml';
import { nestingTooDeep } from './yaml-positions.js';

/** `kind: mailflow-topology` (YAML) or `"kind": "mailflow-topology"` (JSON) somewhere: a cheap first test, most files fail it. */
const TOPOLOGY_MARKER = /(?:^|[\s{,])["']?kind["']?\s*:\s*["']?mailflow-topology\b/m;

/** A `kind: mailflow-topology` entry of the top-level mapping, as a line of its own at column 0. */
const TOP_LEVEL_KIND_LINE = /^["']?kind["']?[ \t]*:[ \t]*["']?mailflow-topology["']?[ \t]*(?:#.*)?$/m;

/** The first line of a YAML document that holds content: a mapping key at column 0, or JSON's `{`. */
const MAPPING_START = /^(?:\{|["']?[A-Za-z_][\w.-]*["']?[ \t]*:(?:[ \t]|$))/;

/**
 * True when a text sample is a topology file (CONTRACT: detected by content, not by name): its
 * top-level YAML or JSON document is a mapping with `kind: mailflow-topology`. The words in prose,
 * in a comment, in a string value or in a script do not make a topology — such a file used to be
 * read as a broken topology and stop the whole case.
 *
 * A topology with a syntax error must still be recognised (so that the error is reported with its
 * line and column, CONTRACT exit 2): when the parser cannot give the top-level mapping, the file
 * counts as a topology if it opens as a mapping and has the `kind` line at column 0.
 */
export function detectTopology(sample: string): boolean {
  // The marker's value is plain text in any case: a search rules out most files before the pattern runs.
  if (!sample.includes('mailflow-topology') || !TOPOLOGY_MARKER.test(sample)) return false;
  const text = sample.replace(/^\uFEFF/, '');
  // A block mapping's keys sit at column 0, and nothing else of the document can (a nested
  // value, a block scalar's text, a comment or a string all start further in or with `#`/quotes
  // inside a value) — so a topology is recognised without parsing it twice: the reader parses
  // it once, with positions. A provider's estate is thousands of such files.
  if (opensAsMapping(text) && TOP_LEVEL_KIND_LINE.test(text)) return true;
  if (/^\s*[[{]/.test(text)) return jsonTopLevelKind(text);
  return false;
}

const KIND_NEAR_TOP = /["']?kind["']?\s*:\s*["']mailflow-topology["']/;

/** JSON (or YAML flow style): the top-level object's `kind`, by a real parse. */
function jsonTopLevelKind(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Record<string, unknown>).kind === 'mailflow-topology';
  } catch {
    // Not strict JSON: YAML flow style, or JSON with a syntax error that must still be reported
    // with its line and column (CONTRACT exit 2). Too deep for the YAML parser's recursion: the
    // `kind` line decides, and the reader reports the nesting with its position.
    if (nestingTooDeep(text)) return KIND_NEAR_TOP.test(text.slice(0, 4096));
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    const root = doc.contents;
    if (isMap(root)) {
      for (const pair of root.items) {
        if (isScalar(pair.key) && pair.key.value === 'kind') return isScalar(pair.value) && pair.value.value === 'mailflow-topology';
      }
    }
    return doc.errors.length > 0 && KIND_NEAR_TOP.test(text.slice(0, 4096));
  }
}

/** The first line that is not blank, a comment, a directive or a document marker. */
function opensAsMapping(text: string): boolean {
  for (const line of text.split('\n', 200)) {
    const t = line.replace(/\r$/, '');
    if (/^\s*(?:#.*)?$/.test(t) || t.startsWith('%') || /^---\s*(?:#.*)?$/.test(t)) continue;
    return MAPPING_START.test(t);
  }
  return false;
}
