import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseYamlFast } from '../../src/ingest/topology/yaml-fast-parse.js';
import { parsePositioned, parsePositionedWithYaml, provenanceAt, sourceTextAt, type PathSegment, type PositionedDocument } from '../../src/ingest/topology/yaml-positions.js';
// @ts-expect-error -- the benchmark's generator is plain JavaScript
import { dnsTopology, tenantTopology } from '../../bench/topology-generator.mjs';
// @ts-expect-error -- plain JavaScript
import { createRng } from '../../bench/prng.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every YAML file under a folder. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** A value's exact shape: key order, -0, NaN and Infinity included (JSON.stringify would blur them). */
function shape(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shape).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${shape((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return `${typeof value}:${JSON.stringify(value)}`;
}

/** Every path in a value, plus one missing key under each mapping and one index past each sequence. */
function allPaths(value: unknown, path: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(path);
  if (Array.isArray(value)) {
    value.forEach((v, i) => allPaths(v, [...path, i], out));
    out.push([...path, value.length]);
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) allPaths((value as Record<string, unknown>)[k], [...path, k], out);
    out.push([...path, 'NoSuchProperty']);
  }
  return out;
}

/** The fast reading must say exactly what the `yaml` package's reading says: value, diagnostics, every position. */
function expectSameReading(text: string, file: string): { fast: PositionedDocument; slow: PositionedDocument } {
  const fast = parsePositioned(text, file);
  const slow = parsePositionedWithYaml(text, file);
  expect(fast.errors, file).toEqual(slow.errors);
  expect(fast.warnings, file).toEqual(slow.warnings);
  expect(shape(fast.value), file).toBe(shape(slow.value));
  if (slow.errors.length === 0) {
    for (const path of allPaths(slow.value)) {
      expect(provenanceAt(fast, path), `${file} ${path.join('.')}`).toEqual(provenanceAt(slow, path));
      expect(sourceTextAt(fast, path), `${file} ${path.join('.')}`).toEqual(sourceTextAt(slow, path));
    }
  }
  return { fast, slow };
}

/** Object paths (what provenance is taken for) answered without building the `yaml` node tree. */
function expectObjectPositionsFromFastPath(text: string, file: string): void {
  const fast = parsePositioned(text, file);
  expect(fast.fast, file).toBeDefined();
  const objectPaths = allPaths(fast.value).filter((p) => {
    let v: unknown = fast.value;
    for (const s of p) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[s];
    return v !== null && v !== undefined;
  });
  for (const p of objectPaths) provenanceAt(fast, p);
  expect(fast.fast!.treeBuilt, file).toBe(false);
}

describe('fast YAML path: same value, diagnostics and positions as the yaml package', () => {
  const files = [...yamlFiles(join(ROOT, 'examples')), ...yamlFiles(join(ROOT, 'test', 'fixtures'))];

  it('on every example and test fixture', () => {
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expectSameReading(readFileSync(f, 'utf8'), f);
  });

  it('on the benchmark estate generator (tenant files and the DNS file), whose positions need no yaml tree', () => {
    const rng = createRng(7);
    const texts: [string, string][] = [['dns.yaml', YAML.stringify(dnsTopology(40), { lineWidth: 0 })]];
    for (let i = 0; i < 40; i++) texts.push([`tenant-${i}.yaml`, YAML.stringify(tenantTopology(i, rng), { lineWidth: 0 })]);
    for (const [name, text] of texts) {
      const { fast } = expectSameReading(text, name);
      expect(fast.fast, name).toBeDefined();
      expectObjectPositionsFromFastPath(text, name);
    }
  });

  it('on hand-written shapes: comments, quoting, block scalars, empty values, numbers typed as names, CRLF', () => {
    const texts = [
      'kind: mailflow-topology # the kind\nversion: 1\n\n# tenants\ntenants:\n  # first\n  - Name: "contoso.onmicrosoft.com"\n    AcceptedDomains: [contoso.com, \'fabrikam.com\']\n    InboundConnectors:\n    - Name: x\n      SenderIPAddresses:\n      -   1.2.3.4\n      - 5.6.7.8/24\n',
      'tenants:\n- Name: 12345\n  TenantId: 0x1F\n  Other: 0o17\n  F: 1.50\n  E: 1e3\n  N: .nan\n  I: -.inf\n  Z: -0\n  B: True\n  T: ~\n  Empty:\n  Next: x\n',
      'a:\n  - 123\n  - "123"\n  - 0123\n  - +12\n  - 1_000\n  - 0b101\n  - yes\n  - Null\n',
      'note: |\n  line one\n  line two\nfolded: >-\n  a\n  b\nafter: {x: 1, y: [a, b]}\n',
      'kind: mailflow-topology\r\nversion: 1\r\ntenants:\r\n  - Name: a\r\n    AcceptedDomains:\r\n      - a.example\r\n',
      'plain: multi\n  line\n  value\nquoted: "multi\n  line"\nsingle: \'it\'\'s\'\n',
      '---\nkind: mailflow-topology\n...\n',
      '# only a comment\n',
      '',
      '- a\n- - b\n  - c\n- d: e\n  f: g\n',
      'k: [ ]\nm: { }\nn: []\n',
      'x: "\\u00e9\\t\\x41"\n"quoted key": 1\n\'single key\': 2\n',
      'emptyitems:\n  -\n  - a\n  -\n',
      'top:\n  nested:\n    deeper:\n      - {a: 1}\n      - [1, 2]\n',
      'true: 1\n1: 2\n1.5: 3\n',
      'null: 1\n~: 2\n',
    ];
    texts.forEach((t, i) => expectSameReading(t, `shape-${i}.yaml`));
  });

  it('leaves to the yaml package what it does not take: anchors, aliases, tags, directives, tabs, duplicate keys, errors', () => {
    const texts = [
      'base: &b {A: 1}\nuse: *b\n',
      'base: &b\n  A: 1\nuse:\n  <<: *b\n  B: 2\n',
      'x: !!str 123\n',
      '%YAML 1.1\n---\nx: yes\n',
      'x:\n\t- a\n',
      'a: 1\na: 2\n',
      'a: [1, 2\n',
      'a: b: c\n',
      'a:\n  - b\n c: d\n',
      'x: "unterminated\n',
      'a: 1\n---\nb: 2\n',
      `${'k'.repeat(1100)}: 1\n`,
      'a: [\n1, 2]\n',
      'a: {b: 1,\n  c: 2}\n',
      '? complex\n: value\n',
      '__proto__: {a: 1}\n',
      'a: @x\n',
      'a: `x\n',
      '\uFEFFa: 1\n',
      'a: 1\rb: 2\n',
    ];
    texts.forEach((t, i) => expectSameReading(t, `other-${i}.yaml`));
    expect(parseYamlFast('base: &b {A: 1}\nuse: *b\n')).toBeNull();
    expect(parseYamlFast('a: 1\na: 2\n')).toBeNull();
  });

  it('reads a long one-line flow document in linear time (no rescans of the line per collection)', () => {
    const text = `x: [${'[1], '.repeat(50_000)}[1]]\n`;
    const read = parseYamlFast(text);
    expect((read?.value as { x: unknown[] }).x).toHaveLength(50_001);
  });

  it('on five hundred damaged copies of the examples (characters inserted, deleted or doubled)', () => {
    const rng = createRng(2026);
    const pieces = [':', ' ', '-', '\n', '"', "'", '#', '[', ']', '{', '}', ',', '|', '>', '&', '*', '!', '?', '  ', '\n  ', '0', 'x'];
    const sources = files.map((f) => readFileSync(f, 'utf8')).filter((t) => t.length < 6_000);
    for (let n = 0; n < 500; n++) {
      let text = rng.pick(sources) as string;
      const edits = 1 + rng.int(3);
      for (let e = 0; e < edits; e++) {
        const at = rng.int(text.length + 1);
        const kind = rng.int(3);
        if (kind === 0) text = text.slice(0, at) + rng.pick(pieces) + text.slice(at);
        else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1 + rng.int(3));
        else text = text.slice(0, at) + text.slice(at, at + 4) + text.slice(at);
      }
      expectSameReading(text, `damaged-${n}.yaml`);
    }
  });
});
