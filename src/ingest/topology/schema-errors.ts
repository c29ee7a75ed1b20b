import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isIpAddress, isIpRange } from './ip-text.js';
import { topologySchema } from './schema.js';

/** One schema violation: where (path into the document) and a sentence saying what was expected. */
export interface SchemaProblem {
  path: string[];
  message: string;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // Start-up matters for a CLI: no meta-schema check at run time (a test does it), no code
    // optimisation, and definitions compiled once rather than inlined at every reference.
    const ajv = new Ajv({
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
      strict: true,
      strictRequired: false,
      validateSchema: false,
      inlineRefs: false,
      code: { optimize: false },
    });
    ajv.addFormat('ip-address', { type: 'string', validate: isIpAddress });
    ajv.addFormat('ip-range', { type: 'string', validate: isIpRange });
    compiled = ajv.compile(topologySchema);
  }
  return compiled;
}

/** Validates a parsed topology value; returns one problem per offending node, in document order of discovery. */
export function validateTopology(value: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(value)) return [];
  const kept = resolveAlternatives(validate.errors ?? []);
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of kept) {
    const path = pointerSegments(e.instancePath);
    const message = `${renderPath(path, value)}: ${describe(e)}`;
    const key = `${path.join('/')}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message });
  }
  return problems;
}

/** Keywords that judge a value itself (as opposed to what it contains). */
const VALUE_KEYWORDS = new Set(['type', 'pattern', 'enum', 'const', 'format', 'minLength', 'anyOf']);

type SchemaNode = Record<string, unknown>;

function resolveRef(schema: SchemaNode): SchemaNode {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return schema;
  const defs = topologySchema.$defs as Record<string, SchemaNode>;
  return defs[ref.slice('#/$defs/'.length)] ?? schema;
}

/** Subschemas applied to the same value (combinators and references) — or, with `deep`, to anything inside it too. */
function reachable(schema: SchemaNode, deep: boolean, memo: WeakMap<object, Set<object>>): Set<object> {
  const known = memo.get(schema);
  if (known) return known;
  const out = new Set<object>();
  memo.set(schema, out);
  const visit = (s: unknown): void => {
    if (!s || typeof s !== 'object') return;
    for (const x of reachable(resolveRef(s as SchemaNode), deep, memo)) out.add(x);
  };
  out.add(schema);
  const target = resolveRef(schema);
  out.add(target);
  for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(target[k])) (target[k] as unknown[]).forEach(visit);
  for (const k of ['if', 'then', 'else', 'not']) visit(target[k]);
  if (deep) {
    visit(target.items);
    visit(target.additionalProperties);
    if (target.properties && typeof target.properties === 'object') Object.values(target.properties).forEach(visit);
  }
  return out;
}

const sameValueMemo = new WeakMap<object, Set<object>>();
const deepMemo = new WeakMap<object, Set<object>>();

/** Whether error `e` was produced by `branch` of the anyOf error `alt`. */
function fromBranch(e: ErrorObject, alt: ErrorObject, branch: SchemaNode): boolean {
  const schema = e.parentSchema as object | undefined;
  if (!schema) return false;
  if (e.instancePath === alt.instancePath) return reachable(branch, false, sameValueMemo).has(schema);
  if (!e.instancePath.startsWith(`${alt.instancePath}/`)) return false;
  return reachable(branch, true, deepMemo).has(schema);
}

function branchesOf(alt: ErrorObject): SchemaNode[] {
  return ((alt.parentSchema as { anyOf?: SchemaNode[] } | undefined)?.anyOf ?? []) as SchemaNode[];
}

/**
 * ajv reports every failing branch of an `anyOf`. An admin wants one sentence: when exactly one
 * branch fits the value's type (a list where a list or a string is allowed) and it fails inside
 * the value, those errors are the real ones; otherwise the `anyOf` itself is the error, phrased
 * with its description. Errors are attributed to branches by the schema object that produced
 * them, since `$ref` makes schema paths restart at the definition.
 */
function resolveAlternatives(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const e of errors) if (e.keyword === 'if') dropped.add(e);
  // Outermost first: shallower values, and at one value the later error (ajv reports an anyOf after its branches).
  const alternatives = errors
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.keyword === 'anyOf')
    .sort((a, b) => a.e.instancePath.length - b.e.instancePath.length || b.i - a.i)
    .map(({ e }) => e);
  for (const alt of alternatives) {
    if (dropped.has(alt)) continue;
    const branches = branchesOf(alt);
    const live = errors.filter((e) => e !== alt && !dropped.has(e));
    const inside = live.filter((e) => branches.some((b) => fromBranch(e, alt, b)));
    const fitting = branches.filter((b) => typeFits(resolveRef(b), alt.data));
    const only = fitting.length === 1 ? fitting[0] : undefined;
    if (only) {
      const own = inside.filter((e) => fromBranch(e, alt, only));
      const nested = own.filter((e) => e.keyword === 'anyOf');
      const top = own.filter((e) => !nested.some((n) => n !== e && branchesOf(n).some((b) => fromBranch(e, n, b))));
      const shallow = top.every((e) => e.instancePath === alt.instancePath && VALUE_KEYWORDS.has(e.keyword));
      if (own.length > 0 && !shallow) {
        dropped.add(alt);
        for (const e of inside) if (!own.includes(e)) dropped.add(e);
        continue;
      }
    }
    for (const e of inside) dropped.add(e);
  }
  return errors.filter((e) => !dropped.has(e));
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether a branch could apply to the value's JSON type (a branch without `type` could). */
function typeFits(branch: SchemaNode, value: unknown): boolean {
  const t = branch.type;
  if (t === undefined) return true;
  const types = Array.isArray(t) ? (t as string[]) : [t as string];
  const actual = jsonType(value);
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `tenants[0].InboundConnectors[1].Enabled`, `dns.MX["contoso.com"]`. */
export function renderPath(path: readonly string[], root: unknown): string {
  if (path.length === 0) return 'top level';
  let out = '';
  let node: unknown = root;
  for (const segment of path) {
    if (Array.isArray(node)) {
      out += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? `${out === '' ? '' : '.'}${segment}` : `[${JSON.stringify(segment)}]`;
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return out;
}

export function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(s);
  }
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

function describe(e: ErrorObject): string {
  const description = (e.parentSchema as { description?: unknown } | undefined)?.description;
  const expected = typeof description === 'string' ? description : fallbackExpectation(e);
  switch (e.keyword) {
    case 'required':
      return `missing required property "${String((e.params as { missingProperty?: unknown }).missingProperty)}"`;
    case 'anyOf':
    case 'type':
    case 'pattern':
    case 'enum':
    case 'const':
    case 'format':
    case 'minLength':
      return `expected ${expected}, got ${showValue(e.data)}`;
    default:
      return `${e.message ?? 'is not valid'} (expected ${expected})`;
  }
}

function fallbackExpectation(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'type') {
    const types = String(params.type).split(',');
    return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
  }
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) return params.allowedValues.map((v) => JSON.stringify(v)).join(' or ');
  if (e.keyword === 'const') return JSON.stringify(params.allowedValue);
  return 'a valid value';
}
