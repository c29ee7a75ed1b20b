import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCase } from '../../../src/ingest/load-case.js';
import { removeTempDirs, tempDir } from '../openssl-helpers.js';
import { clixmlText } from './clixml-writer.js';

afterAll(removeTempDirs);

const LOCAL_PRINCIPAL = ['Microsoft.PowerShell.Commands.LocalPrincipal', 'System.Object'];
const principals = (n: number) => Array.from({ length: n }, (_, i) => ({ Name: `EX\\Group ${i}`, ObjectClass: 'Group' }));
const acceptedDomain = { DomainName: 'contoso.com', DomainType: 'Authoritative', Default: true, Name: 'contoso.com', DistinguishedName: 'CN=contoso.com,CN=Accepted Domains,CN=Transport Settings,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com' };
const ACCEPTED_DOMAIN = ['Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain', 'Deserialized.System.Object'];

function folder(name: string, files: Record<string, string>): string {
  const dir = join(tempDir(name), 'exports');
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

// Issue "Ingest", item 6: an unknown file gets one clear diagnostic that says what the file looks
// like and what kinds are read, printed once with the path once — not one per object.
describe('an export of a cmdlet the tool does not read', () => {
  it('gets one warning for the file, with what it holds, its objects counted as skipped', async () => {
    const dir = folder('unknown-export', { 'GetLocalGroupMember.xml': clixmlText(principals(250), LOCAL_PRINCIPAL), 'GetAcceptedDomain.xml': clixmlText([acceptedDomain], ACCEPTED_DOMAIN) });
    const loaded = await loadCase([dir]);
    expect(loaded.fatal).toBeNull();
    const report = loaded.case.inputs.find((r) => r.file.endsWith('GetLocalGroupMember.xml'))!;
    expect(report.records).toBe(250);
    expect(report.skipped).toBe(250);
    expect(report.diagnostics).toHaveLength(1);
    const [d] = report.diagnostics;
    expect(d!.severity).toBe('warning');
    expect(d!.message).toMatch(/objects of no kind mailflow-doctor reads \(250 Microsoft\.PowerShell\.Commands\.LocalPrincipal\).*Get-AcceptedDomain.*ignored/);
    expect(d!.message.split(report.file)).toHaveLength(2);
    // The export beside it is read as before.
    expect(loaded.case.inputs.find((r) => r.file.endsWith('GetAcceptedDomain.xml'))!.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('unknown objects among known ones: one error per kind of object, with their count', async () => {
    const mixed = clixmlText([acceptedDomain], ACCEPTED_DOMAIN).replace('</Objs>', clixmlText(principals(3), LOCAL_PRINCIPAL).replace(/^[\s\S]*?<Objs[^>]*>/, '').replace(/RefId="(\d+)"/g, (_m, n: string) => `RefId="${Number(n) + 100}"`));
    const dir = folder('unknown-mixed', { 'mixed.xml': mixed });
    const loaded = await loadCase([dir]);
    const report = loaded.case.inputs.find((r) => r.file.endsWith('mixed.xml'))!;
    expect(report.records).toBe(4);
    expect(report.skipped).toBe(3);
    const unknown = report.diagnostics.filter((d) => /no known kind/.test(d.message));
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.severity).toBe('error');
    expect(unknown[0]!.message).toMatch(/^3 objects of no known kind \(Microsoft\.PowerShell\.Commands\.LocalPrincipal\)/);
  });
});
