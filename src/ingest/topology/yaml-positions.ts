import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../../model/diagnostics.js';
import { LIMITS, quoteForDiagnostic } from '../limits.js';
import type { Provenance } from '../../model/provenance.js';
import { lineColumn, lineStarts, pathKey, scanJsonPositions, type JsonPositions } from './json-positions.js';
import { parseYamlFast, type FastYaml } from './yaml-fast-parse.js';

/**
 * A topology file parsed with positions. JSON is parsed by the same YAML parser (JSON is YAML
 * 1.2), so a `ConvertTo-Json` export gets the same line:column reporting as a hand-written file.
 */
export interface PositionedDocument {
  file: string;
  /** The `yaml` package's node tree; on the fast paths it is only built (once) when a position they lack is asked for. */
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** Set for JSON text, read by the fast path (json-positions.ts); `doc` is then unused. */
  json?: { positions: JsonPositions; lineStarts: number[] };
  /** Set for plain YAML read by js-yaml (yaml-fast-parse.ts); `treeBuilt` once `doc` had to be built after all. */
  fast?: { index: FastYaml; lineStarts: number[]; treeBuilt: boolean };
  /** Plain value (null when the document is empty). */
  value: unknown;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export type PathSegment = string | number;

/**
 * `file`, `doc` and `lineCounter` of a fast path's document: the `yaml` node tree is built (once)
 * only when a position the fast path lacks is asked for. Callers add their fields with
 * Object.assign, which keeps these getters (a spread would call them).
 */
function lazyYamlTree(text: string, file: string, onBuild?: () => void): { file: string; readonly doc: Document.Parsed; readonly lineCounter: LineCounter } {
  let slow: PositionedDocument | null = null;
  const read = (): PositionedDocument => {
    onBuild?.();
    return (slow ??= parsePositionedWithYaml(text, file));
  };
  return { file, get doc() { return read().doc; }, get lineCounter() { return read().lineCounter; } };
}

export function parsePositioned(text: string, file: string): PositionedDocument {
  const tooDeep = nestingTooDeep(text);
  if (tooDeep) return unparsed(text, file, tooDeep.offset, `nesting deeper than ${LIMITS.nestingDepth} levels (a topology file needs fewer than 10); the file is not read`);
  return parseJsonFast(text, file) ?? parseYamlFastPositioned(text, file) ?? parsePositionedWithYaml(text, file);
}

/** A document refused before parsing (both YAML parsers recurse per level of nesting). */
function unparsed(text: string, file: string, offset: number, message: string): PositionedDocument {
  const starts = lineStarts(text);
  const p = lineColumn(starts, offset);
  const errors: Diagnostic[] = [{ severity: 'error', location: `${file}:${p.line}:${p.column}`, message: `YAML: ${message}` }];
  return Object.assign(lazyYamlTree('', file), { value: null, errors, warnings: [] });
}

/**
 * An upper bound of the document's nesting, in one pass: flow brackets outside quotes, block
 * indentation levels, and compact nesting on one line (`- - -`, `a: b: c:`). Returns where it first
 * passes LIMITS.nestingDepth, or null.
 */
export function nestingTooDeep(text: string): { offset: number } | null {
  const max = LIMITS.nestingDepth;
  const indents: number[] = [];
  let flow = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Start of a line: its indentation decides the block level.
    let col = 0;
    while (i < n && text.charCodeAt(i) === 32) {
      i++;
      col++;
    }
    const c0 = text.charCodeAt(i);
    const blank = i >= n || c0 === 10 || c0 === 13 || c0 === 35;
    if (!blank && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= col) indents.pop();
      indents.push(col);
    }
    let compact = 0;
    // Implicit keys chained inside one flow entry (`{a: b: c: …}`) nest too; a `,` or a bracket
    // starts a new entry, so `{"a": 1, "b": 2}` on one line stays flat.
    let flowCompact = 0;
    let quote = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) break;
      if (quote !== 0) {
        // `\"` does not end a double-quoted scalar (YAML 1.2 §5.7).
        if (c === 92 && quote === 34) i++;
        else if (c === quote) quote = 0;
        continue;
      }
      if (c === 34 || c === 39) quote = c;
      else if (c === 35 && (i === 0 || text.charCodeAt(i - 1) === 32)) {
        // A comment runs to the end of the line.
        const lf = text.indexOf('\n', i);
        i = lf < 0 ? n : lf;
        break;
      } else if (c === 91 || c === 123) {
        flow++;
        flowCompact = 0;
      } else if (c === 93 || c === 125) {
        flow = Math.max(0, flow - 1);
        flowCompact = 0;
      } else if (c === 44) flowCompact = 0;
      else if (flow === 0 && (c === 45 || c === 58 || c === 63) && (i + 1 >= n || text.charCodeAt(i + 1) === 32)) compact++;
      // Inside brackets too: a text the JSON reader refuses goes to the YAML parser, whose recovery
      // reads a run of `- - -` there as nested block sequences (found by the fuzzer).
      else if (flow > 0 && (c === 45 || c === 58 || c === 63) && (i + 1 >= n || text.charCodeAt(i + 1) === 32)) flowCompact++;
      if (indents.length + flow + compact + flowCompact > max) return { offset: i };
    }
    i++;
  }
  return null;
}

/**
 * Plain YAML (what topology files are) takes the fast path: js-yaml for the value and the offsets of
 * every object; the `yaml` node tree is built only if a position the fast path does not hold is
 * asked for (a schema error at a key, an empty value). Whatever the fast path does not take (see
 * yaml-fast-parse.ts) is read by the `yaml` package, which reports syntax errors with positions.
 */
function parseYamlFastPositioned(text: string, file: string): PositionedDocument | null {
  const index = parseYamlFast(text);
  if (!index) return null;
  const fast = { index, lineStarts: lineStarts(text), treeBuilt: false };
  return Object.assign(lazyYamlTree(text, file, () => (fast.treeBuilt = true)), { fast, value: index.value, errors: [], warnings: [] });
}

/** The `yaml` package's reading: a node tree with positions, syntax errors and warnings. */
export function parsePositionedWithYaml(text: string, file: string): PositionedDocument {
  const lineCounter = new LineCounter();
  // The parser's own duplicate-key check compares every key with every earlier one (quadratic on
  // a DNS section of thousands of names); a Set per mapping does the same job linearly.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): string => {
    const p = lineCounter.linePos(offset);
    return `${file}:${Math.max(p.line, 1)}:${Math.max(p.col, 1)}`;
  };
  // The parser catches its own stack overflow and reports it once per open level: one message
  // in the admin's words instead (nestingTooDeep bounds what it can foresee; a parser's error
  // recovery can nest where the text does not).
  const overflow = doc.errors.find((e) => e.message.includes('call stack'));
  if (overflow) return unparsed(text, file, overflow.pos[0], `nesting too deep for the parser to follow (a topology file needs fewer than 10 levels); the file is not read`);
  const errors: Diagnostic[] = doc.errors.map((e) => ({ severity: 'error', location: at(e.pos[0]), message: `YAML syntax: ${firstLine(e.message)}` }));
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (pair.key !== null && pair.key !== undefined && !isScalar(pair.key)) {
          // A mapping or sequence used as a key: no topology property is one, and turning nested
          // ones into text costs exponential time in the parser's toJS.
          const offset = (pair.key as Node).range?.[0] ?? map.range?.[0] ?? 0;
          errors.push({ severity: 'error', location: at(offset), message: 'YAML: a key that is itself a mapping or sequence is not valid in a topology file' });
          continue;
        }
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
  return Object.assign(lazyYamlTree(text, file), { json: { positions, lineStarts: starts }, value: value ?? null, errors: [], warnings });
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

/** The parser's message, first line only and cut: it quotes the offending token, which may be a whole long line. */
function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return quoteForDiagnostic((nl < 0 ? message : message.slice(0, nl)).trim(), 200);
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
  // Collection keys are refused when parsed; never stringify one (exponential for nested keys).
  return '\u0000';
}

export function provenanceAt(pd: PositionedDocument, path: readonly PathSegment[]): Provenance {
  if (pd.json) {
    const offset = jsonOffset(pd, path);
    if (offset === undefined) return { file: pd.file, line: 1, column: 1 };
    const p = lineColumn(pd.json.lineStarts, offset);
    return { file: pd.file, line: p.line, column: p.column };
  }
  if (pd.fast) {
    const offset = fastOffset(pd.fast.index, path);
    if (offset !== undefined) {
      const p = lineColumn(pd.fast.lineStarts, offset);
      return { file: pd.file, line: p.line, column: p.column };
    }
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
  if (pd.fast) {
    const text = fastNumberText(pd.fast.index, path);
    if (text !== undefined) return text;
  }
  const node = nodeAt(pd, path);
  if (isScalar(node) && typeof node.source === 'string') return node.source;
  return null;
}

/**
 * The fast path's offset of the value at `path`, when it holds one: every step found, and the value
 * there neither empty nor null. Otherwise undefined, and the `yaml` node tree answers (its nearest
 * enclosing node, or the key of an empty value).
 */
function fastOffset(index: FastYaml, path: readonly PathSegment[]): number | undefined {
  let node: unknown = index.value;
  let offset = index.rootOffset;
  for (const segment of path) {
    const step = fastStep(index, node, segment);
    if (!step) return undefined;
    node = step.node;
    offset = step.offset;
  }
  return node === null || node === undefined ? undefined : offset;
}

function fastNumberText(index: FastYaml, path: readonly PathSegment[]): string | null | undefined {
  if (path.length === 0) return undefined;
  let node: unknown = index.value;
  for (const segment of path.slice(0, -1)) {
    const step = fastStep(index, node, segment);
    if (!step) return undefined;
    node = step.node;
  }
  const last = path[path.length - 1]!;
  const step = fastStep(index, node, last);
  if (!step) return undefined;
  // Only numbers' texts are kept (the only values whose text is asked for); anything else is looked up in the tree.
  if (typeof step.node !== 'number') return undefined;
  return index.children.get(node as object)?.numberTexts?.get(childKey(node as object, last)) ?? undefined;
}

function fastStep(index: FastYaml, node: unknown, segment: PathSegment): { node: unknown; offset: number } | null {
  if (node === null || typeof node !== 'object') return null;
  const children = index.children.get(node);
  if (!children) return null;
  const key = childKey(node, segment);
  const offset = children.offsets.get(key);
  if (offset === undefined) return null;
  return { node: (node as Record<string, unknown>)[key], offset };
}

/** A sequence is stepped into by index (as nodeAt does: Number(segment)), a mapping by key text. */
function childKey(node: object, segment: PathSegment): string {
  return Array.isArray(node) ? String(Number(segment)) : String(segment);
}
