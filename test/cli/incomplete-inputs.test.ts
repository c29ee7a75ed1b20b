import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCase } from '../../src/ingest/load-case.js';
import { whatIf, whatIfExitCode } from '../../src/whatif.js';
import { AT } from '../helpers/run-cli.js';
import { runMain } from './in-process.js';

// Issue 12 item 4, "no false green": when an input could not be read or was read only in part,
// the verdict says the results are incomplete (first line of text, a field in JSON) and the exit
// status is non-zero — 2 when nothing usable remains, else at least 1 — unless --allow-incomplete.

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'mfd-incomplete-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

/** On-premises relays all mail through Exchange Online; the tenant's connectors come from an export. */
const TOPOLOGY_WITHOUT_CONNECTORS = `kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]
organizations:
  - Name: Contoso
    AcceptedDomains: [contoso.com]
    Servers:
      - { Name: EX01, Fqdn: ex01.corp.contoso.com, Role: Mailbox, IPAddresses: [203.0.113.10] }
    SendConnectors:
      - Name: Outbound via Office 365
        AddressSpaces: ["smtp:*;1"]
        SmartHosts: [contoso-com.mail.protection.outlook.com]
        DNSRoutingEnabled: false
        SourceTransportServers: [EX01]
sources:
  inbound-connectors.json: contoso.onmicrosoft.com
dns:
  MX:
    contoso.com: [contoso-com.mail.protection.outlook.com]
    tailspintoys.com: [mail.tailspintoys.com]
flows:
  - { From: alice@contoso.com, To: dave@tailspintoys.com, Origin: Contoso }
`;

/** Get-InboundConnector | ConvertTo-Json, cut off inside its first object: the connector that lets relay through is lost. */
const INBOUND_CUT_IN_FIRST_OBJECT = `[
  {
    "Name": "On-premises relay (IP)",
    "Identity": "On-premises relay (IP)",
    "ConnectorType": "OnPremises",
    "Enabled": true,
    "SenderIPAddresses": [
      "203.0.113.10"
    ],
    "SenderDomains": [
      "smtp:*;1"
    ],
    "RestrictDomainsToIPAddresses": false,
    "Cloud`;

type Report = { findings: { rule: string; severity: string; subjects: { type: string; name: string }[] }[]; flows: { from: string; to: string; outcome: string; response: string | null }[]; incomplete: { files: { file: string; kind: string; reason: string }[]; nothingUsable: boolean; message: string } | null; inputs: { file: string; kind: string; records: number; diagnostics: { message: string }[] }[] };

describe('no false green (issue 12 item 4)', () => {
  const truncated = dir({ 'topology.yaml': TOPOLOGY_WITHOUT_CONNECTORS, 'inbound-connectors.json': INBOUND_CUT_IN_FIRST_OBJECT });

  it('regression: a truncated connector export no longer prints "No findings" with exit 0 — the text opens with INCOMPLETE', async () => {
    const r = await runMain('diagnose', truncated, '--at', AT);
    expect(r.stdout.split('\n')[0]).toMatch(/^Results are INCOMPLETE: 1 input\(s\) could not be read or were read in part \(inbound-connectors\.json\)/);
    expect(r.stdout).not.toContain('No findings');
    expect(r.code).not.toBe(0);
    // The relay the lost connector would have accepted fails (M3: no connector attributes it → 5.7.64), and is explained.
    expect(r.stdout).toMatch(/5\.7\.64/);
  });

  it('JSON: a top-level `incomplete` naming the file and why; the failing flow is a finding (flow-fails or a rule naming it)', async () => {
    const r = await runMain('diagnose', truncated, '--at', AT, '--format', 'json');
    const json = JSON.parse(r.stdout) as Report;
    expect(json.incomplete).not.toBeNull();
    expect(json.incomplete!.nothingUsable).toBe(false);
    expect(json.incomplete!.files).toEqual([{ file: join(truncated, 'inbound-connectors.json'), kind: 'powershell-json', reason: expect.stringMatching(/cut short/) }]);
    const flow = json.flows.find((f) => f.to === 'dave@tailspintoys.com')!;
    expect(flow.outcome).toBe('rejected');
    expect(flow.response).toMatch(/^550 5\.7\.64/);
    const named = json.findings.filter((f) => f.severity === 'error' && f.subjects.some((s) => s.type === 'Flow' && s.name === 'alice@contoso.com → dave@tailspintoys.com'));
    expect(named.length).toBeGreaterThan(0);
    expect(r.code).toBe(1);
  });

  it('without failing flows, an incomplete case still exits 1; --allow-incomplete gives the findings\' status (0)', async () => {
    // The clean hybrid example has no findings; the export beside it was cut off.
    const d = dir({ 'topology.yaml': readFileSync('examples/clean-hybrid/topology.yaml', 'utf8'), 'inbound-connectors.json': INBOUND_CUT_IN_FIRST_OBJECT });
    const strict = await runMain('diagnose', d, '--at', AT, '--format', 'json');
    const json = JSON.parse(strict.stdout) as Report;
    expect(json.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(json.incomplete).not.toBeNull();
    expect(strict.code).toBe(1);
    const allowed = await runMain('diagnose', d, '--at', AT, '--allow-incomplete');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout.split('\n')[0]).toMatch(/^Results are INCOMPLETE/);
  });

  it('a complete case has `incomplete: null` and exits as before', async () => {
    const r = await runMain('diagnose', 'examples/clean-hybrid', '--at', AT, '--format', 'json');
    expect((JSON.parse(r.stdout) as Report).incomplete).toBeNull();
    expect(r.code).toBe(0);
  });

  it('an export cut after whole objects: those are read, the file still makes the results incomplete', async () => {
    const two = `[\n  {"Name":"A","Identity":"A","ConnectorType":"Partner","Enabled":true,"SenderIPAddresses":["198.51.100.7"],"SenderDomains":["smtp:fabrikam.com;1"],"RestrictDomainsToIPAddresses":true},\n  {"Name":"B","Identity":"B","ConnectorType":"Partner","Enab`;
    const d = dir({ 'topology.yaml': TOPOLOGY_WITHOUT_CONNECTORS, 'inbound-connectors.json': two });
    const r = await runMain('diagnose', d, '--at', AT, '--format', 'json');
    const json = JSON.parse(r.stdout) as Report;
    const input = json.inputs.find((i) => i.file.endsWith('inbound-connectors.json'))!;
    expect(input.records).toBe(1);
    expect(input.diagnostics.map((x) => x.message).join(' ')).toMatch(/the 1 whole object\(s\) before the cut are read/);
    expect(json.incomplete!.files.map((f) => f.file)).toEqual([join(d, 'inbound-connectors.json')]);
    expect(r.code).not.toBe(0);
  });

  it('exit 2 when nothing usable remains (no tenant, organization, gateway or evidence was read)', async () => {
    const d = dir({ 'dns.yaml': 'kind: mailflow-topology\nversion: 1\ndns:\n  MX:\n    contoso.com: [contoso-com.mail.protection.outlook.com]\n', 'inbound-connectors.json': INBOUND_CUT_IN_FIRST_OBJECT });
    const r = await runMain('diagnose', d, '--at', AT, '--format', 'json');
    const json = JSON.parse(r.stdout) as Report;
    expect(json.incomplete!.nothingUsable).toBe(true);
    expect(r.code).toBe(2);
  });

  it('a file of no known kind among the inputs makes the results incomplete; notes.md in a case folder does not (never an input)', async () => {
    const d = dir({ 'topology.yaml': readFileSync('examples/clean-hybrid/topology.yaml', 'utf8'), 'screenshot.png': '\u0089PNG\r\n\u001a\n\u0000\u0000', 'notes.md': '# Notes\nkind: mailflow-topology\n' });
    const r = await runMain('diagnose', d, '--at', AT, '--format', 'json');
    const json = JSON.parse(r.stdout) as Report;
    expect(json.incomplete!.files.map((f) => [f.file, f.kind])).toEqual([[join(d, 'screenshot.png'), 'unknown']]);
    expect(r.code).toBe(1);
  });

  it('simulate and whatif: incomplete inputs are never exit 0 unless --allow-incomplete', async () => {
    const sim = await runMain('simulate', truncated, '--from', 'alice@contoso.com', '--to', 'dave@tailspintoys.com', '--at', AT);
    expect(sim.stdout.split('\n')[0]).toMatch(/^Results are INCOMPLETE/);
    expect(sim.code).toBe(1);
    const simJson = await runMain('simulate', truncated, '--from', 'alice@contoso.com', '--to', 'dave@tailspintoys.com', '--at', AT, '--format', 'json');
    expect(JSON.parse(simJson.stdout).incomplete.files).toHaveLength(1);
    expect((await runMain('simulate', truncated, '--from', 'alice@contoso.com', '--to', 'dave@tailspintoys.com', '--at', AT, '--allow-incomplete')).code).toBe(0);
    const change = 'Set-SendConnector "Outbound via Office 365" -Enabled $true';
    const w = await runMain('whatif', truncated, '--change', change, '--at', AT);
    expect(w.stderr).toMatch(/Results are INCOMPLETE/);
    expect(w.code).not.toBe(0);
    // Allowed: the what-if's own status, as if the case were whole.
    const own = whatIfExitCode(whatIf((await loadCase([truncated])).case, [change], { at: new Date(AT) }));
    expect((await runMain('whatif', truncated, '--change', change, '--at', AT, '--allow-incomplete')).code).toBe(own);
  });

  it('usage text lists --allow-incomplete', async () => {
    expect((await runMain('help')).stdout).toContain('--allow-incomplete');
  });
});
