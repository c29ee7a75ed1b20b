import { describe, expect, it } from 'vitest';
import { readTopology } from '../../../src/ingest/topology/read-topology.js';
import { nestingTooDeep } from '../../../src/ingest/topology/yaml-positions.js';
import { LIMITS } from '../../../src/ingest/limits.js';

// Issue 13: the topology reader must turn hostile nesting into a diagnostic with a position, in
// linear time, instead of exponential work (nested collection keys) or a stack overflow.
const HEAD = 'kind: mailflow-topology\ntenants:\n  - Name: contoso.onmicrosoft.com\n';

describe('topology reader on hostile nesting', () => {
  it('refuses nested mapping keys with a positioned error (they were stringified at exponential cost)', () => {
    let key = 'a';
    for (let i = 0; i < 40; i++) key = `{${key}: 1}`;
    const r = readTopology(`${HEAD}    Extra: ${key}\n`, 't.yaml', '.');
    expect(r.fatal).not.toBeNull();
    expect(r.report.diagnostics.some((d) => d.severity === 'error' && /^t\.yaml:4:\d+$/.test(d.location))).toBe(true);
  });

  it('refuses a deeply nested compact sequence before either YAML parser recurses', () => {
    const r = readTopology(`${HEAD}    Extra: ${'- '.repeat(50_000)}x\n`, 't.yaml', '.');
    expect(r.fatal).not.toBeNull();
    const d = r.report.diagnostics.find((x) => x.severity === 'error')!;
    expect(d.message).toContain(`deeper than ${LIMITS.nestingDepth}`);
    expect(d.location).toMatch(/^t\.yaml:4:\d+$/);
  });

  it('refuses deep flow nesting in JSON and YAML alike', () => {
    expect(nestingTooDeep(`{"a": ${'['.repeat(100_000)}`)).not.toBeNull();
    expect(nestingTooDeep(`x: ${'{a: '.repeat(10_000)}`)).not.toBeNull();
    // Implicit keys chained inside one flow entry nest in the YAML parser too (a fuzz finding).
    expect(nestingTooDeep(`{"kind": "mailflow-topology", "x": {"y": t${': a'.repeat(10_000)}}}`)).not.toBeNull();
  });

  it('does not count keys of one-line JSON as nesting (a minified export is flat)', () => {
    const flat = JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])));
    expect(nestingTooDeep(flat)).toBeNull();
    const realistic = `${HEAD}    InboundConnectors:\n      - Name: "a: b: c"\n        SenderIPAddresses: [203.0.113.0/24, "198.51.100.7"]\n`;
    expect(nestingTooDeep(realistic)).toBeNull();
  });
});
