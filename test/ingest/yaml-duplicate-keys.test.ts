import { describe, expect, it } from 'vitest';
import { readTopology } from '../../src/ingest/topology/read-topology.js';

// YAML 1.2: keys of a mapping must be unique; a repeated key is an error at the repeated key.
describe('YAML duplicate keys', () => {
  it('are an error at the second occurrence, with its line and column', () => {
    const text = ['kind: mailflow-topology', 'version: 1', 'dns:', '  MX:', '    contoso.com: [a.example]', '    fabrikam.com: [b.example]', '    contoso.com: [c.example]', ''].join('\n');
    const r = readTopology(text, 'case.yaml', '.');
    expect(r.fatal).not.toBeNull();
    const d = r.report.diagnostics.find((x) => /unique/.test(x.message));
    expect(d?.location).toBe('case.yaml:7:5');
    expect(d?.message).toContain('contoso.com');
  });
  it('distinct keys pass', () => {
    const text = ['kind: mailflow-topology', 'version: 1', 'dns:', '  MX:', '    contoso.com: [a.example]', '    fabrikam.com: [b.example]', ''].join('\n');
    expect(readTopology(text, 'case.yaml', '.').fatal).toBeNull();
  });
});
