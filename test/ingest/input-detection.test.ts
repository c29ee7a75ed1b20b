import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectKind } from '../../src/ingest/detect.js';
import { incompleteInputs } from '../../src/ingest/input-completeness.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { detectTopology } from '../../src/ingest/topology/detect-topology.js';
import { listInputFiles } from '../../src/ingest/walk-inputs.js';
import { AT } from '../helpers/run-cli.js';
import { runMain } from '../cli/in-process.js';

// Issue 12 item 5, "detection that does not misfire": a file is a topology only when its top-level
// YAML/JSON document is a mapping with kind: mailflow-topology; code, documentation, node_modules
// and dot-folders are skipped with one summary line; empty exports are recognised as such.

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'mfd-detect-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

const TOPOLOGY = readFileSync('examples/clean-hybrid/topology.yaml', 'utf8');
const README_QUOTE = '# Notes on the case\n\nThe README says a topology starts with\n\n```yaml\nkind: mailflow-topology\nversion: 1\n```\n\nso I wrote one: see topology.yaml.\n';

describe('a topology is a top-level mapping with kind: mailflow-topology', () => {
  it.each([
    ['YAML', 'kind: mailflow-topology\nversion: 1\n'],
    ['YAML after a comment and ---', '# estate\n---\nkind: "mailflow-topology"\nversion: 1\n'],
    ['JSON', '{"kind": "mailflow-topology", "version": 1}'],
    // Broken files are still topologies, so their syntax errors are reported with line and column (exit 2).
    ['YAML with a syntax error', 'kind: mailflow-topology\nversion: 1\ntenants:\n  - Name: a\n    AcceptedDomains: [a.com\n'],
    ['YAML with a tab error before kind', 'version: 1\ntenants:\n  - Name: a\n\tbad\nkind: mailflow-topology\n'],
    ['JSON cut short', '{"kind": "mailflow-topology", "version": 1, "tenants": ['],
  ])('%s: a topology', (_, text) => {
    expect(detectTopology(text)).toBe(true);
  });

  it.each([
    ['prose quoting the README (markdown code block)', README_QUOTE],
    ['prose on one line', 'kind: mailflow-topology is what the first line must say\n'],
    ['prose, then the line', 'Notes\nkind: mailflow-topology\n'],
    ['a string value', 'description: "kind: mailflow-topology"\nother: 1\n'],
    ['a comment', '# kind: mailflow-topology\nfoo: 1\n'],
    ['a nested mapping', 'meta:\n  kind: mailflow-topology\n'],
    ['another kind', 'kind: something-else\nnote: "kind: mailflow-topology"\n'],
    ['JavaScript with a template literal', "const t = `\nkind: mailflow-topology\nversion: 1\n`;\nexport default t;\n"],
    ['JavaScript with an object', "// kind: mailflow-topology\nimport x from 'y';\nconst a = { kind: 'mailflow-topology' };\n"],
    ['a JSON string', '{"note": "kind: mailflow-topology"}'],
  ])('%s: not a topology', (_, text) => {
    expect(detectTopology(text)).toBe(false);
  });

  it('regression: a notes file quoting kind: mailflow-topology beside a real topology does not abort the case', async () => {
    // Named directly, so it is read (a folder walk leaves .md out); by content it is not a topology.
    const d = dir({ 'topology.yaml': TOPOLOGY, 'notes.md': README_QUOTE, 'notes.txt': README_QUOTE });
    const loaded = await loadCase([join(d, 'topology.yaml'), join(d, 'notes.md'), join(d, 'notes.txt')]);
    expect(loaded.fatal).toBeNull();
    expect(loaded.case.tenants.length).toBeGreaterThan(0);
    expect(loaded.case.inputs.map((i) => i.kind)).toEqual(['topology', 'unknown', 'unknown']);
    const walked = await loadCase([d]);
    expect(walked.fatal).toBeNull();
    expect(walked.case.inputs.filter((i) => i.kind === 'topology')).toHaveLength(1);
  });
});

describe('walking folders', () => {
  it('files of code and documentation are skipped by extension, in folders of any name; exports in them are read', async () => {
    const d = dir({
      'src/index.ts': 'export {};',
      'bench/run.mjs': 'kind: mailflow-topology',
      'dist/x.js.map': '{}',
      'scripts/collect.ps1': 'Get-InboundConnector | ConvertTo-Json',
      'README.md': README_QUOTE,
      'src/inbound.json': '[]',
      '.git/config': '[core]',
      'node_modules/x/package.json': '{}',
      'case/topology.yaml': TOPOLOGY,
    });
    const listing = await listInputFiles([d]);
    expect(listing.files.map((f) => f.slice(d.length + 1)).sort()).toEqual(['case/topology.yaml', 'src/inbound.json']);
    expect(Object.fromEntries(listing.notWalked.byExtension)).toEqual({ '.ts': 1, '.mjs': 1, '.map': 1, '.ps1': 1, '.md': 1 });
    expect([...listing.notWalked.folders].sort()).toEqual(['.git', 'node_modules']);
  });

  it('regression: diagnose on a folder holding a copy of bench/*.mjs prints no YAML errors for them, only one summary line', async () => {
    const d = dir({ 'topology.yaml': TOPOLOGY });
    // The scripts only (bench/out holds a benchmark run's snapshot when one was made here).
    const names = readdirSync('bench').filter((f) => f.endsWith('.mjs'));
    for (const f of names) cpSync(join('bench', f), join(d, 'bench', f));
    const scripts = names.length;
    expect(scripts).toBeGreaterThan(10);
    const r = await runMain('diagnose', d, '--at', AT);
    expect(r.stdout).not.toMatch(/YAML/);
    expect(r.stdout).not.toMatch(/\.mjs:/);
    const summary = r.stdout.split('\n').filter((l) => /not read: /.test(l));
    expect(summary).toHaveLength(1);
    expect(summary[0]).toContain(`.mjs ${scripts}`);
    // Skipping what is never an input does not make the results incomplete.
    expect(r.stdout).not.toMatch(/INCOMPLETE/);
    expect(r.code).toBe(0);
  });
});

describe('empty exports (what PowerShell writes when a cmdlet returns nothing)', () => {
  const SHAPES: [string, string, string][] = [
    ['an empty file', 'inbound.json', ''],
    ['a byte-order mark and a line break', 'inbound.json', '\ufeff\r\n'],
    ['ConvertTo-Json of an empty list', 'inbound.json', '[]'],
    ['ConvertTo-Json of an empty list, spread over lines', 'inbound.json', '[\r\n\r\n]\r\n'],
    ['$null | ConvertTo-Json', 'inbound.json', 'null'],
    ['Export-Csv with only the #TYPE line', 'inbound.csv', '#TYPE Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantInboundConnector\r\n'],
    ['Export-Csv with only a header row', 'inbound.csv', '"Name","Enabled","ConnectorType","Comment"\r\n'],
    ['Export-Csv with the #TYPE line and a header row', 'inbound.csv', '#TYPE Selected.System.Management.Automation.PSCustomObject\r\n"Name","Enabled"\r\n'],
    ['Export-Clixml of nothing (self-closing)', 'inbound.xml', '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04" />'],
    ['Export-Clixml of nothing', 'inbound.xml', '\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">\r\n</Objs>'],
  ];

  it.each(SHAPES)('%s: an empty export — 0 records, no diagnostic, results not incomplete', async (_, name, text) => {
    expect(detectKind(Buffer.from(text, 'utf8'))).toBe('empty-export');
    const d = dir({ 'topology.yaml': TOPOLOGY, [name]: text });
    const { case: c, fatal } = await loadCase([d]);
    expect(fatal).toBeNull();
    expect(c.inputs.find((i) => i.file.endsWith(name))).toEqual({ file: join(d, name), kind: 'empty-export', records: 0, skipped: 0, diagnostics: [] });
    expect(incompleteInputs(c)).toBeNull();
  });

  it('a text of one word or an export with objects is not an empty export', () => {
    expect(detectKind(Buffer.from('hello\n'))).not.toBe('empty-export');
    expect(detectKind(Buffer.from('#TYPE X\r\n"Name","Identity"\r\n"a","a"\r\n'))).not.toBe('empty-export');
    expect(detectKind(Buffer.from('<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj RefId="0"/></Objs>'))).not.toBe('empty-export');
  });

  it('a case of nothing but empty exports cannot be diagnosed, and says why', async () => {
    const d = dir({ 'inbound.json': '[]', 'outbound.csv': '' });
    const { fatal } = await loadCase([d]);
    expect(fatal).toMatch(/nothing to diagnose .*2 empty export\(s\)/);
  });

  it('an empty file named as a certificate is still a broken certificate, not an empty export', async () => {
    const d = dir({ 'topology.yaml': TOPOLOGY, 'edge.cer': '' });
    const { case: c } = await loadCase([d]);
    expect(c.inputs.find((i) => i.file.endsWith('edge.cer'))!.kind).toBe('certificate');
  });
});
