import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../../model/diagnostics.js';
import type { Provenance } from '../../model/provenance.js';
import { lineColumn, lineStarts, pathKey, scanJsonPositions, type JsonPositions } from './json-positions.js';

/**
 * A topology file parsed with positions. JSON is parsed by the same YAML parser (JSON is YAML
 * 1.2), so a `ConvertTo-Json` export gets the same line:column reporting as a hand-written file.
 */
export interface PositionedDocument {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Set for JSON text, read by the fast path (json-positions.ts); `doc` is then unused. */
  json?: { positions: JsonPositions; lineStarts: number[] };
  /** Plain value (null when the document is empty). */
  value: unknown;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export type PathSegment = string | number;

export function parsePositioned(text: string, file: string): PositionedDocument {
  const json = parseJsonFast(text, file);
  if (json) return json;
  const lineCounter = new LineCounter();
  // The parser's own duplicate-key check compares every key with every earlier one (quadratic on
  // a DNS section of thousands of names); a Set per mapping does the same job linearly.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): string => {
    const p = lineCounter.linePos(offset);
    return `${file}:${Math.max(p.line, 1)}:${Math.max(p.col, 1)}`;
  };
  const errors: Diagnostic[] = doc.errors.map((e) => ({ severity: 'error', location: at(e.pos[0]), message: `YAML syntax: ${firstLine(e.message)}` }));
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(key)) {
          const offset = (pair.key as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0;
          errors.push({ severity: 'error', location: at(offset), message: `YAML syntax: Map keys must be unique ("${key}" is written twice)` });
        }
        seen.add(key);
      }
    },
  });
  const warnings: Diagnostic[] = doc.warnings.map((e) => ({ severity: 'warning', location: at(e.pos[0]), message: `YAML: ${firstLine(e.message)}` }));
  let value: unknown = null;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 }) ?? null;
    } catch (e) {
      errors.push({ severity: 'error', location: `${file}:1:1`, message: `YAML: ${(e as Error).message}` });
    }
  }
  return { file, doc, lineCounter, value, errors, warnings };
}

/**
 * Valid JSON takes the fast path: JSON.parse for the value and one scan for positions. Anything
 * else (YAML, or JSON with a syntax error) goes to the YAML parser, which reports the error's
 * position.
 */
function parseJsonFast(text: string, file: string): PositionedDocument | null {
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  if (first !== '{' && first !== '[') return null;
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return null;
  }
  const positions = scanJsonPositions(text);
  const starts = lineStarts(text);
  const warnings: Diagnostic[] = positions.duplicateKeys.map((d) => {
    const p = lineColumn(starts, d.offset);
    return { severity: 'warning', location: `${file}:${p.line}:${p.column}`, message: `JSON: key "${d.key}" is written twice in one object; the last value is used` };
  });
  return { file, doc: undefined as unknown as Document.Parsed, lineCounter: undefined as unknown as LineCounter, json: { positions, lineStarts: starts }, value: value ?? null, errors: [], warnings };
}

function jsonOffset(pd: PositionedDocument, path: readonly PathSegment[]): number | undefined {
  const offsets = pd.json!.positions.offsets;
  // The value at the path, else the nearest enclosing value that exists (as nodeAt does for YAML).
  for (let n = path.length; n >= 0; n--) {
    const o = offsets.get(pathKey(path.slice(0, n)));
    if (o !== undefined) return o;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/**
 * The node at `path`, or the nearest node that exists on the way there: the key of a pair whose
 * value is empty, else the deepest collection reached.
 */
export function nodeAt(pd: PositionedDocument, path: readonly PathSegment[]): Node | null {
  let node: unknown = pd.doc.contents;
  let best: Node | null = (node as Node | null) ?? null;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(pd.doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (!pair) return best;
      if (pair.value === null || pair.value === undefined) return (pair.key as Node | null) ?? best;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined || item === null) return best;
      node = item;
    } else {
      return best;
    }
    if (node && typeof node === 'object' && 'range' in node) best = node as Node;
  }
  return best;
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

export function provenanceAt(pd: PositionedDocument, path: readonly PathSegment[]): Provenance {
  if (pd.json) {
    const offset = jsonOffset(pd, path);
    if (offset === undefined) return { file: pd.file, line: 1, column: 1 };
    const p = lineColumn(pd.json.lineStarts, offset);
    return { file: pd.file, line: p.line, column: p.column };
  }
  const node = nodeAt(pd, path);
  const offset = node?.range?.[0];
  if (offset === undefined) return { file: pd.file, line: 1, column: 1 };
  const p = pd.lineCounter.linePos(offset);
  return { file: pd.file, line: Math.max(p.line, 1), column: Math.max(p.col, 1) };
}

export function locationAt(pd: PositionedDocument, path: readonly PathSegment[]): string {
  const p = provenanceAt(pd, path);
  return `${p.file}:${p.line}:${p.column}`;
}

/** The source text of a scalar, for values YAML typed as numbers that are really names or thumbprints. */
export function sourceTextAt(pd: PositionedDocument, path: readonly PathSegment[]): string | null {
  if (pd.json) return pd.json.positions.numberTexts.get(pathKey(path)) ?? null;
  const node = nodeAt(pd, path);
  if (isScalar(node) && typeof node.source === 'string') return node.source;
  return null;
}
