import { FAILSAFE_SCHEMA, Type, load, type State } from 'js-yaml';

/**
 * A fast reading of plain YAML topology files: js-yaml builds the value (several times faster than
 * building the `yaml` package's node tree, which a provider's estate of ten thousand files
 * pays for on every run), and its parse events give the offset of every collection and of every
 * scalar inside one, which is all a valid file's objects need for their provenance.
 *
 * It only takes documents on which both parsers are known to agree. Anything outside that —
 * anchors, aliases, tags, directives, tabs, lone CRs, multi-line flow collections, very long keys,
 * keys that are not plain text, any error or warning — returns null, and the caller reads the file
 * with the `yaml` package as before, so diagnostics keep their exact wording and positions.
 */
export interface FastYaml {
  value: unknown;
  /** Offset of the root node's first character (when the root is a collection or a scalar). */
  rootOffset: number;
  /** For each collection of the value: the offset of each child's first character, by key or index. */
  children: Map<object, ChildOffsets>;
}

export interface ChildOffsets {
  /** Offset by key (mapping) or index (sequence, as a string). */
  offsets: Map<string, number>;
  /** Source text of children that are numbers (a thumbprint or a name YAML typed as a number). */
  numberTexts: Map<string, string> | null;
}

// Plain scalars resolve as the `yaml` package's YAML 1.2 core schema does (its schema/core: the
// same tests in the same order), so a value is typed identically by both paths. js-yaml keeps one
// implicit type per tag, so the three integer and three float forms are one type each.
let numberSource: string | null = null;
type Form = [RegExp, (text: string) => unknown];
const scalarType = (tag: string, forms: Form[], isNumber: boolean): Type =>
  new Type(tag, {
    kind: 'scalar',
    resolve: (data: unknown) => typeof data === 'string' && forms.some(([test]) => test.test(data)),
    construct: (data: string) => {
      if (isNumber) numberSource = data;
      return forms.find(([test]) => test.test(data))![1](data);
    },
  });
const CORE_AS_YAML_PACKAGE = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalarType('tag:yaml.org,2002:null', [[/^(?:~|[Nn]ull|NULL)?$/, () => null]], false),
    scalarType('tag:yaml.org,2002:bool', [[/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T']], false),
    scalarType(
      'tag:yaml.org,2002:int',
      [
        [/^0o[0-7]+$/, (s) => parseInt(s.substring(2), 8)],
        [/^[-+]?[0-9]+$/, (s) => parseInt(s, 10)],
        [/^0x[0-9a-fA-F]+$/, (s) => parseInt(s.substring(2), 16)],
      ],
      true,
    ),
    scalarType(
      'tag:yaml.org,2002:float',
      [
        [/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY)],
        [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, (s) => parseFloat(s)],
        [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, (s) => parseFloat(s)],
      ],
      true,
    ),
  ],
});

/** Nesting deeper than any topology file needs; js-yaml stops there (the `yaml` path then reports the file). */
const MAX_DEPTH = 64;
/** The `yaml` package rejects an implicit key whose ':' is more than 1024 characters after its start. */
const MAX_KEY_SPAN = 1000;

/** Text the fast path leaves to the `yaml` package: a directive line, a tab, a CR not before LF, a BOM. */
const UNSUPPORTED_TEXT = /^%|\t|\r(?!\n)|^\uFEFF/m;

/**
 * A scalar's text is a slice of the file's text, and V8 keeps a slice's whole parent alive: the
 * case holds names and addresses for the whole run, and with them every topology file's text
 * (45 MB for ten thousand tenants). So each scalar is replaced by its own copy before anything
 * keeps it — one copy per distinct text: a provider's files repeat the same values (connector
 * types, TLS settings, issuers, versions) thousands of times. The table is bounded (emptied when
 * full), so it never holds more than a few MB.
 */
const SHARED_TEXTS_MAX = 1 << 16;
const SHARED_TEXT_LENGTH_MAX = 256;
const sharedTexts = new Map<string, string>();
function ownCopy(text: string): string {
  const known = sharedTexts.get(text);
  if (known !== undefined) return known;
  // Slicing a concatenation flattens it into a new string first: the slice's parent is then that copy.
  const copy = (' ' + text).slice(1);
  if (text.length > SHARED_TEXT_LENGTH_MAX) return copy;
  if (sharedTexts.size >= SHARED_TEXTS_MAX) sharedTexts.clear();
  sharedTexts.set(copy, copy);
  return copy;
}

/** Thrown from the listener to stop js-yaml at the first construct the fast path leaves alone. */
class NotPlain extends Error {}

/**
 * The children read so far of every node still open, one slot each, in four parallel stacks (no
 * object per node: a provider's estate has millions of nodes). A node's children start at the
 * `base` it was opened with; when it closes they are indexed and dropped, and it becomes a child
 * of its parent.
 */
class Kids {
  values: unknown[] = [];
  starts: number[] = [];
  isKey: boolean[] = [];
  numberTexts: (string | null)[] = [];
  count = 0;

  push(value: unknown, start: number, isKey: boolean, numberText: string | null): void {
    const i = this.count++;
    this.values[i] = value;
    this.starts[i] = start;
    this.isKey[i] = isKey;
    this.numberTexts[i] = numberText;
  }
}

export function parseYamlFast(text: string): FastYaml | null {
  if (UNSUPPORTED_TEXT.test(text)) return null;
  const children = new Map<object, ChildOffsets>();
  const kids = new Kids();
  const openStarts: number[] = [];
  const openBases: number[] = [];
  const openLines: number[] = [];
  let depth = 0;
  let rootOffset = 0;
  let rootSeen = false;

  const listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      const start = contentStart(text, state.position);
      const c = text.charCodeAt(start);
      // & anchor, * alias, ! tag, ? explicit key: the `yaml` path reads them.
      if (c === 38 || c === 42 || c === 33 || c === 63) throw new NotPlain();
      openStarts[depth] = start;
      openBases[depth] = kids.count;
      openLines[depth] = state.line + lineBreaks(text, state.position, start);
      depth++;
      return;
    }
    depth--;
    const start = openStarts[depth]!;
    const base = openBases[depth]!;
    const count = kids.count - base;
    if (typeof state.result === 'string') state.result = ownCopy(state.result);
    const result: unknown = state.result;
    const end = state.position;
    let numberText: string | null = null;
    if (result !== null && typeof result === 'object') {
      const first = text.charCodeAt(start);
      // A flow collection over several lines: the `yaml` package checks its indentation.
      // (A flow collection ends at its closing bracket, so js-yaml's line is the line it ends on.)
      if ((first === 91 || first === 123) && state.line !== openLines[depth]) throw new NotPlain();
      // A node read twice (a block mapping tried first, then kept as what it held) is indexed once, from the inner read.
      if (!children.has(result)) {
        const index = Array.isArray(result) ? sequenceChildren(kids, base, count, result) : mappingChildren(kids, base, count, result as Record<string, unknown>);
        if (index) children.set(result, index);
      }
    } else if (typeof result === 'number') {
      numberText = numberSource;
      numberSource = null;
      // `- 123` is first tried as a mapping key: the inner read resolved the number and kept its text.
      if (numberText === null && count === 1 && Object.is(kids.values[base], result)) numberText = kids.numberTexts[base] ?? null;
    }
    kids.count = base;
    if (depth === 0) {
      if (!rootSeen) rootOffset = start;
      rootSeen = true;
      return;
    }
    const isKey = followedByColon(text, end);
    if (isKey) {
      if (typeof result !== 'string' && typeof result !== 'number' && typeof result !== 'boolean') throw new NotPlain();
      if (result === '__proto__' || end - start > MAX_KEY_SPAN) throw new NotPlain();
    }
    kids.push(result, start, isKey, numberText);
  };

  let value: unknown;
  let warned = false;
  try {
    value = load(text, {
      schema: CORE_AS_YAML_PACKAGE,
      listener: function (this: State, event, state) {
        listener(event, state);
      },
      onWarning: () => {
        warned = true;
      },
      maxDepth: MAX_DEPTH,
    } as Parameters<typeof load>[1]);
  } catch {
    return null;
  } finally {
    numberSource = null;
  }
  if (warned) return null;
  return { value: value ?? null, rootOffset, children };
}

/** Items of a block or flow sequence, one child each; an item js-yaml filled in without reading a node leaves the sequence unindexed. */
function sequenceChildren(kids: Kids, base: number, count: number, items: unknown[]): ChildOffsets | null {
  if (count !== items.length) return null;
  const offsets = new Map<string, number>();
  let numberTexts: Map<string, string> | null = null;
  for (let i = 0; i < count; i++) {
    if (kids.isKey[base + i] || !Object.is(kids.values[base + i], items[i])) return null;
    offsets.set(String(i), kids.starts[base + i]!);
    const n = kids.numberTexts[base + i];
    if (n !== null && n !== undefined) (numberTexts ??= new Map()).set(String(i), n);
  }
  return { offsets, numberTexts };
}

/** Pairs of a mapping: each key child, then its value child unless the value is empty. Checked against the object built. */
function mappingChildren(kids: Kids, base: number, count: number, map: Record<string, unknown>): ChildOffsets | null {
  const offsets = new Map<string, number>();
  let numberTexts: Map<string, string> | null = null;
  let pairs = 0;
  for (let i = base; i < base + count; i++) {
    if (!kids.isKey[i]) return null;
    const key = String(kids.values[i]);
    pairs++;
    const hasValue = i + 1 < base + count && !kids.isKey[i + 1];
    const value = hasValue ? kids.values[i + 1] : null;
    if (!Object.prototype.hasOwnProperty.call(map, key) || !Object.is(map[key], value)) return null;
    if (hasValue) {
      i++;
      offsets.set(key, kids.starts[i]!);
      const t = kids.numberTexts[i];
      if (t !== null && t !== undefined) (numberTexts ??= new Map()).set(key, t);
    }
  }
  if (pairs !== Object.keys(map).length) return null;
  return { offsets, numberTexts };
}

/** The first character of a node read from `from`: past spaces, line breaks and comments. */
function contentStart(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13) i++;
    else if (c === 35 && (i === 0 || isSpace(text.charCodeAt(i - 1)))) {
      const eol = text.indexOf('\n', i);
      if (eol < 0) return text.length;
      i = eol + 1;
    } else return i;
  }
}

/** Line breaks between `from` and `to` (the blank lines and comments before a node). */
function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13;
}

/** A key is followed on its line by ':' (after spaces). */
function followedByColon(text: string, from: number): boolean {
  let i = from;
  while (text.charCodeAt(i) === 32) i++;
  return text.charCodeAt(i) === 58;
}
