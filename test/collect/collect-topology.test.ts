import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECT_OPTIONS } from '../../src/collect/collect-options.js';
import { collectScript } from '../../src/collect/collect-script.js';
import { readTopology } from '../../src/ingest/topology/read-topology.js';
import { runMain } from '../cli/in-process.js';

/**
 * What Write-Topology writes for an organization with one server behind NAT, a tenant and one
 * accepted domain: every scalar single-quoted (ConvertTo-YamlText), lists in brackets
 * (ConvertTo-YamlList). The lines below are the script's templates filled in.
 */
const WRITTEN = [
  '# Written by Collect-MailflowEvidence.ps1: what no cmdlet reports. Edit freely.',
  'kind: mailflow-topology',
  'version: 1',
  'sources:',
  "  'onprem/O''Brien Ltd': 'O''Brien Ltd'",
  "  'online/obrien.onmicrosoft.com': 'obrien.onmicrosoft.com'",
  'organizations:',
  "  - Name: 'O''Brien Ltd'",
  '    Servers:',
  "      - Name: 'EX01'",
  "        IPAddresses: ['203.0.113.10', '2001:db8::25']",
  'dns:',
  '  MX:',
  "    'obrien.com': ['obrien-com.mail.protection.outlook.com']",
  '  A:',
  "    'obrien-com.mail.protection.outlook.com': ['52.101.68.8']",
  '',
].join('\r\n');

describe('collect-script: topology.yaml', () => {
  it('the script holds the templates of these lines', () => {
    const s = collectScript({ ...DEFAULT_COLLECT_OPTIONS, side: 'both' });
    for (const template of ["$lines.Add('sources:')", "$lines.Add('organizations:')", "$lines.Add('    Servers:')", "'        IPAddresses: '", "$lines.Add('dns:')", "$lines.Add('  MX:')", "$lines.Add('  A:')", "'  - Name: '", "'      - Name: '"]) {
      expect(s).toContain(template);
    }
    expect(s).toContain("return \"'\" + ($Text -replace \"'\", \"''\") + \"'\"");
  });

  it('what it writes is a valid topology: sources, a server\'s public addresses, MX and A records', () => {
    const read = readTopology(WRITTEN, '/case/topology.yaml', '/case');
    expect(read.fatal).toBeNull();
    expect(read.case.inputs.flatMap((i) => i.diagnostics).filter((d) => d.severity === 'error')).toEqual([]);
    expect(read.sources).toEqual([
      { path: '/case/onprem/O\'Brien Ltd', target: "O'Brien Ltd" },
      { path: '/case/online/obrien.onmicrosoft.com', target: 'obrien.onmicrosoft.com' },
    ]);
    const org = read.case.organizations.find((o) => o.Name === "O'Brien Ltd");
    expect(org?.Servers.find((s) => s.Name === 'EX01')?.IPAddresses).toEqual(['203.0.113.10', '2001:db8::25']);
    expect(JSON.stringify(read.case)).toContain('obrien-com.mail.protection.outlook.com');
  });
});

describe('collect-script: command line', () => {
  it('prints the script for one side; refuses two sides at once', async () => {
    const online = await runMain('collect-script', '--online', '--delegated-organization', 'fabrikam.onmicrosoft.com');
    expect(online.code).toBe(0);
    expect(online.stdout.startsWith('<#')).toBe(true);
    expect(online.stdout).toContain("@('fabrikam.onmicrosoft.com')");
    const two = await runMain('collect-script', '--onprem', '--online');
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('choose one of --onprem, --online, --both');
    const bad = await runMain('collect-script', '--delegated-organization', "x'; Remove-Item C:\\");
    expect(bad.code).toBe(2);
    const help = await runMain('help');
    expect(help.stdout).toContain('collect-script');
  });
});
