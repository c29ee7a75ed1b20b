import { describe, expect, it } from 'vitest';
import { readTopology } from '../../src/ingest/topology/read-topology.js';
import { fixture, fixtureText, locationOf, positionOf } from './fixture-positions.js';

function read(name: string) {
  const text = fixtureText('topology', name);
  return { text, result: readTopology(text, name, fixture('topology')) };
}

describe('readTopology: YAML syntax errors', () => {
  it('reports a syntax error at its line and column, and is fatal', () => {
    const { text, result } = read('bad-syntax.yaml');
    // "Enabled: true: false": the second mapping starts at "true".
    const where = locationOf('bad-syntax.yaml', text, 'true: false');
    expect(result.report.diagnostics).toEqual([expect.objectContaining({ severity: 'error', location: where, message: expect.stringMatching(/^YAML syntax: /) })]);
    expect(result.fatal).toContain(where);
    expect(result.fatal).toMatch(/^bad-syntax\.yaml: the topology file does not parse/);
    expect(result.case.tenants).toEqual([]);
  });

  it('reports an unclosed flow list where the parser finds the next key', () => {
    const { text, result } = read('unclosed-list.yaml');
    // The list opened on the AcceptedDomains line never closes; the parser notices at the next key.
    const opened = positionOf(text, '[contoso.com');
    const next = positionOf(text, 'InboundConnectors');
    expect(next.line).toBe(opened.line + 1);
    expect(result.report.diagnostics[0]!.location).toBe(`unclosed-list.yaml:${next.line}:${next.column}`);
    expect(result.fatal).not.toBeNull();
  });

  it('rejects a document that is not a mapping', () => {
    const result = readTopology('- just\n- a list\n', 'list.yaml', '.');
    expect(result.fatal).toMatch(/not a topology file/);
    expect(result.report.diagnostics[0]).toMatchObject({ location: 'list.yaml:1:1', message: expect.stringMatching(/expected a mapping/) });
  });
});

describe('readTopology: schema errors', () => {
  const { text, result } = read('wrong-types.yaml');
  const errors = result.report.diagnostics.filter((d) => d.severity === 'error');

  it('says what was expected, at the offending value', () => {
    expect(errors).toContainEqual({
      severity: 'error',
      location: locationOf('wrong-types.yaml', text, 'yes'),
      message: 'tenants[0].InboundConnectors[1].Enabled: expected true or false, got "yes"',
    });
    expect(errors).toContainEqual({
      severity: 'error',
      location: locationOf('wrong-types.yaml', text, '203.0.113.999'),
      message: expect.stringMatching(/^tenants\[0\]\.InboundConnectors\[1\]\.SenderIPAddresses\[1\]: expected an IP address.*got "203\.0\.113\.999"$/),
    });
    expect(errors).toContainEqual({
      severity: 'error',
      location: locationOf('wrong-types.yaml', text, 'Gateway'),
      message: 'organizations[0].Servers[0].Role: expected Mailbox, Hub or Edge, got "Gateway"',
    });
    expect(errors).toContainEqual({
      severity: 'error',
      location: locationOf('wrong-types.yaml', text, 'bounced'),
      message: 'flows[0].Expect.Outcome: expected Delivered, Rejected, Dropped or Looped, got "bounced"',
    });
  });

  it('reports a missing property at the object that lacks it', () => {
    // The third connector's mapping starts at its first key, "ConnectorType: Partner".
    expect(errors).toContainEqual({
      severity: 'error',
      location: locationOf('wrong-types.yaml', text, 'ConnectorType: Partner'),
      message: 'tenants[0].InboundConnectors[2]: missing required property "Name"',
    });
    expect(errors).toContainEqual({
      severity: 'error',
      location: locationOf('wrong-types.yaml', text, 'From: alice@contoso.com'),
      message: 'flows[0]: missing required property "To"',
    });
    expect(errors).toHaveLength(6);
  });

  it('is fatal, listing every error with file:line:column', () => {
    expect(result.fatal).toMatch(/^wrong-types\.yaml: 6 errors in the topology file/);
    for (const e of errors) expect(result.fatal).toContain(`${e.location}: ${e.message}`);
  });

  it('keeps what is usable and counts what is not', () => {
    expect(result.case.tenants[0]!.InboundConnectors.map((c) => c.Name)).toEqual(['Inbound from on-premises']);
    expect(result.case.organizations[0]!.Servers).toEqual([]);
    expect(result.case.flows).toEqual([]);
    // tenant, 3 connectors, organization, server, flow; the two bad connectors, the server and the flow are skipped.
    expect(result.report.records).toBe(7);
    expect(result.report.skipped).toBe(4);
  });

  it('descends into a one-element list given as an object', () => {
    const yaml = 'kind: mailflow-topology\nversion: 1\ntenants:\n  Name: t.onmicrosoft.com\n  InboundConnectors:\n    Name: c\n    RequireTls: 7\n';
    const r = readTopology(yaml, 'one.yaml', '.');
    expect(r.report.diagnostics).toEqual([
      { severity: 'error', location: locationOf('one.yaml', yaml, '7'), message: 'tenants.InboundConnectors.RequireTls: expected true or false, got 7' },
    ]);
  });

  it('warns about a property that differs from a known one only in case, and unknown sections', () => {
    const yaml = 'kind: mailflow-topology\nversion: 1\ntenants:\n  - Name: t.onmicrosoft.com\n    inboundConnectors: []\nconnectors: []\n';
    const r = readTopology(yaml, 'case.yaml', '.');
    expect(r.fatal).toBeNull();
    expect(r.report.diagnostics).toEqual([
      { severity: 'warning', location: locationOf('case.yaml', yaml, '[]'), message: expect.stringContaining('did you mean "InboundConnectors"') },
      { severity: 'warning', location: locationOf('case.yaml', yaml, '[]', 2), message: expect.stringContaining('"connectors" is not a section') },
    ]);
    expect(r.case.tenants[0]!.extra).toEqual({ inboundConnectors: [] });
  });

  it('warns when version is missing and rejects another version', () => {
    expect(readTopology('kind: mailflow-topology\n', 'v.yaml', '.').report.diagnostics[0]).toMatchObject({ severity: 'warning', message: expect.stringMatching(/version/) });
    const r = readTopology('kind: mailflow-topology\nversion: 2\n', 'v2.yaml', '.');
    expect(r.report.diagnostics[0]).toEqual({ severity: 'error', location: 'v2.yaml:2:10', message: 'version: expected 1, got 2' });
  });

  it('reads a thumbprint YAML would take for a number with its digits intact', () => {
    const yaml = 'kind: mailflow-topology\nversion: 1\ncertificates:\n  - Thumbprint: 1234567890123456789012345678901234567890\n';
    const r = readTopology(yaml, 'n.yaml', '.');
    expect(r.case.certificates[0]!.Thumbprint).toBe('1234567890123456789012345678901234567890');
  });
});

describe('the topology schema', () => {
  it('is a valid JSON schema (checked here, skipped at run time for start-up speed)', async () => {
    const { Ajv } = await import('ajv');
    const { topologySchema } = await import('../../src/ingest/topology/schema.js');
    const ajv = new Ajv({ allowUnionTypes: true, strict: true, strictRequired: false });
    expect(ajv.validateSchema(topologySchema)).toBe(true);
    expect(ajv.errors).toBeNull();
  });
});
