import { describe, expect, it } from 'vitest';
import { readTopology } from '../../src/ingest/topology/read-topology.js';

// A JSON topology takes the fast path (JSON.parse + one position scan); its positions must be
// those of the text: counted here by hand from the literal below.
const text = [
  '{',
  '  "kind": "mailflow-topology",',
  '  "version": 1,',
  '  "tenants": [',
  '    {',
  '      "Name": "contoso.onmicrosoft.com",',
  '      "AcceptedDomains": ["contoso.com"],',
  '      "InboundConnectors": [',
  '        { "Name": "A", "Enabled": "sometimes" },',
  '        { "Name": "B", "ConnectorType": "OnPremises", "TlsSenderCertificateName": "smtp.contoso.com" }',
  '      ]',
  '    }',
  '  ],',
  '  "certificates": [ { "Thumbprint": 1234567890123456789012345678901234567890, "Subject": "CN=x" } ]',
  '}',
].join('\n');

describe('JSON topology positions', () => {
  it('reports a wrong type at the value’s own line and column', () => {
    const r = readTopology(text, 'case.json', '.');
    const err = r.report.diagnostics.find((d) => d.severity === 'error' && d.message.includes('Enabled'));
    // line 9: `        { "Name": "A", "Enabled": "sometimes" },` — the value starts at column 35 (8 spaces, then 26 characters before it).
    expect(err?.location).toBe('case.json:9:35');
  });

  it('gives objects their position as provenance', () => {
    const fixed = text.replace('"sometimes"', 'true');
    const r = readTopology(fixed, 'case.json', '.');
    const b = r.case.tenants[0]!.InboundConnectors[1]!;
    expect(b.provenance).toEqual({ file: 'case.json', line: 10, column: 9 });
    expect(r.case.tenants[0]!.provenance).toEqual({ file: 'case.json', line: 5, column: 5 });
  });

  it('keeps a number-typed thumbprint digit for digit, and warns about a repeated key', () => {
    const r = readTopology(text.replace('"Enabled": "sometimes"', '"Enabled": true, "Enabled": false'), 'case.json', '.');
    expect(r.case.certificates[0]?.Thumbprint).toBe('1234567890123456789012345678901234567890');
    expect(r.report.diagnostics.some((d) => d.severity === 'warning' && d.location === 'case.json:9:41' && /twice/.test(d.message))).toBe(true);
  });

  it('JSON with a syntax error still gets a positioned error', () => {
    const r = readTopology(text.replace('"version": 1,', '"version": 1,,'), 'case.json', '.');
    expect(r.fatal).not.toBeNull();
    expect(r.report.diagnostics[0]?.location).toMatch(/^case\.json:3:\d+$/);
  });
});
