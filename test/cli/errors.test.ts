import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AT, cli } from '../helpers/run-cli.js';

// CONTRACT exit status 2: usage errors and inputs that cannot be read, with a message naming the
// file and the reason — never a stack trace.
function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'mfd-err-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);

describe('errors', () => {
  it('bad YAML: exit 2, file:line:column', () => {
    const d = dir({ 'case.yaml': 'kind: mailflow-topology\nversion: 1\ntenants:\n  - Name: a\n    AcceptedDomains: [a.com\n' });
    const r = cli('diagnose', d, '--at', AT);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/case\.yaml:\d+:\d+/);
    noStack(r.stderr);
  });

  it('a wrong type: exit 2 naming the property and what was expected', () => {
    const d = dir({ 'case.yaml': 'kind: mailflow-topology\nversion: 1\ntenants:\n  - Name: a.onmicrosoft.com\n    InboundConnectors:\n      - Name: X\n        Enabled: sometimes\n' });
    const r = cli('diagnose', d, '--at', AT);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/case\.yaml:7:\d+/);
    expect(r.stderr).toMatch(/Enabled/);
    noStack(r.stderr);
  });

  it('a missing path: exit 2 naming it', () => {
    const r = cli('diagnose', '/nonexistent/case', '--at', AT);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/case');
  });

  it('a send connector naming an unknown server is a diagnostic in inputs, the rest still runs', () => {
    const d = dir({
      'case.yaml': 'kind: mailflow-topology\nversion: 1\norganizations:\n  - Name: Org\n    AcceptedDomains: [org.example]\n    Servers: [{ Name: EX01, IPAddresses: [192.0.2.1] }]\n    SendConnectors:\n      - Name: Out\n        AddressSpaces: ["*"]\n        SourceTransportServers: [EX99]\n',
    });
    const r = cli('diagnose', d, '--format', 'json', '--at', AT);
    expect(r.code).not.toBe(2);
    const json = JSON.parse(r.stdout);
    const diags = json.inputs.flatMap((i: { diagnostics: { message: string }[] }) => i.diagnostics.map((x) => x.message)).join(' ');
    expect(diags).toMatch(/EX99/);
  });

  it('what-if: unknown cmdlet and unknown parameter are clear errors, never ignored', () => {
    const a = cli('whatif', 'examples/s2-cert-connector-before', '--change', 'Set-Mailbox alice -Enabled $false', '--at', AT);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/Set-Mailbox/);
    const b = cli('whatif', 'examples/s2-cert-connector-before', '--change', 'Set-InboundConnector "On-premises relay (IP)" -Enabeld $false', '--at', AT);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/-Enabeld/);
    expect(b.stderr).toMatch(/-Enabled/);
    noStack(a.stderr + b.stderr);
  });

  it('usage errors: unknown command, bad --format, bad --at', () => {
    expect(cli('frobnicate').code).toBe(2);
    expect(cli('diagnose', 'examples/clean-hybrid', '--format', 'xml').code).toBe(2);
    const r = cli('diagnose', 'examples/clean-hybrid', '--at', 'yesterday');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ISO 8601/);
  });

  it('an unknown file beside a topology is a warning in inputs, not exit 2; the results are incomplete (issue 12 item 4: exit 1 unless --allow-incomplete)', () => {
    const d = dir({ 'notes.txt': 'just notes', 'case.yaml': 'kind: mailflow-topology\nversion: 1\ntenants:\n  - Name: a.onmicrosoft.com\n    AcceptedDomains: [a.example]\n' });
    const r = cli('diagnose', d, '--format', 'json', '--at', AT);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    const notes = json.inputs.find((i: { file: string }) => i.file.endsWith('notes.txt'));
    expect(notes.diagnostics[0].severity).toBe('warning');
    expect(json.incomplete.files.map((f: { file: string }) => f.file)).toEqual([notes.file]);
    expect(cli('diagnose', d, '--at', AT, '--allow-incomplete').code).toBe(0);
  });
});
