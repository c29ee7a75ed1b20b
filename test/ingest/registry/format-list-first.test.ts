import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputLazily } from '../../../src/ingest/registry/lazy-detect.js';
import { readTraceFile } from '../../../src/ingest/trace/read-trace.js';
import { runMain } from '../../cli/in-process.js';

// FORMATS.md 4.3b: "`Format-List` / `Format-Table` text (`Name      : value` padded columns, values
// cut with `...`) is not an export: it is recognised by that shape (before any other text detector,
// such as pasted headers) and answered with a diagnostic that says which command to run instead."
// Get-MessageTrace's properties (FORMATS.md 1a): Organization, MessageId, Received, SenderAddress,
// RecipientAddress, Subject, Status, ToIP, FromIP, Size, MessageTraceId, StartDate, EndDate, Index;
// its export is Export-Csv (FORMATS.md 1a, 4.4).
const MESSAGE_TRACE_FL = [
  '',
  '',
  'Organization     : contoso.onmicrosoft.com',
  'MessageId        : <x1@fabrikam.com>',
  'Received         : 3/4/2025 9:15:02 AM',
  'SenderAddress    : bob@fabrikam.com',
  'RecipientAddress : ann@contoso.com',
  'Subject          : Hi',
  'Status           : Failed',
  'ToIP             :',
  'FromIP           : 203.0.113.7',
  'Size             : 2048',
  '',
  '',
].join('\r\n');

// Get-ReceiveConnector's properties (FORMATS.md 4.1) as Format-List prints them.
const CONNECTOR_FL = ['', 'Identity       : EX01\\Default Frontend EX01', 'Bindings       : {0.0.0.0:25, [::]:25}', 'RemoteIPRanges : {::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff...}', 'Fqdn           : ex01.contoso.com', 'RequireTLS     : False', ''].join('\n');

const HISTORICAL_FL = ['origin_timestamp_utc : 2025-03-23T10:00:09.3284899Z', 'sender_address       : bob@contoso.com', 'recipient_status     : ann@fabrikam.com##Receive, Send', 'directionality       : Originating', ''].join('\n');

function file(name: string, text: string): string {
  const d = mkdtempSync(join(tmpdir(), 'mfd-fl-'));
  const path = join(d, name);
  writeFileSync(path, text);
  return path;
}

async function kindOf(path: string): Promise<string | null> {
  const input = await readInputLazily(path);
  return input.evidence?.kind ?? input.kind ?? null;
}

describe('Format-List text is recognised before the header detector', () => {
  it('Get-MessageTrace | Format-List: not headers; the trace reader names the export command', async () => {
    const path = file('trace-fl.txt', MESSAGE_TRACE_FL);
    expect(await kindOf(path)).toBe('message-trace');
    const report = await readTraceFile(path, () => expect.unreachable());
    expect(report).toMatchObject({ records: 0, format: 'get-messagetrace' });
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ severity: 'error', location: `${path}:1` });
    expect(report.diagnostics[0]!.message).toMatch(/^Format-List output of Get-MessageTrace objects/);
    expect(report.diagnostics[0]!.message).toMatch(/Export instead with: Get-MessageTrace .*\| Export-Csv -NoTypeInformation/);
  });

  it('diagnose and trace give that diagnostic', async () => {
    const path = file('trace-fl.txt', MESSAGE_TRACE_FL);
    // The file is the whole case and nothing in it is read: diagnose says so (exit 2), with the diagnostic.
    const d = await runMain('diagnose', path, '--format', 'json');
    expect(d.code).toBe(2);
    expect(d.stdout + d.stderr).toMatch(/trace-fl\.txt:1: Format-List output of Get-MessageTrace objects.*Export-Csv/);
    expect(d.stdout + d.stderr).not.toMatch(/headers/i);
    const t = await runMain('trace', path);
    expect(t.stdout + t.stderr).toMatch(/Format-List output of Get-MessageTrace objects.*Export-Csv/);
  });

  it('a historical search report row through Format-List: told to keep the report CSV', async () => {
    const path = file('report-fl.txt', HISTORICAL_FL);
    expect(await kindOf(path)).toBe('message-trace');
    const report = await readTraceFile(path, () => expect.unreachable());
    expect(report.format).toBe('enhanced-summary');
    expect(report.diagnostics[0]!.message).toMatch(/Format-List output of enhanced summary report objects.*Import-Csv -Encoding Unicode/);
  });

  it('another cmdlet\'s Format-List text is the PowerShell formatted-text input, not headers', async () => {
    expect(await kindOf(file('connector-fl.txt', CONNECTOR_FL))).toBe('powershell-formatted');
  });

  it('real header blocks are still headers', async () => {
    const headers = 'Received: from a.fabrikam.com (203.0.113.7) by b.contoso.com (192.0.2.1) with Microsoft SMTP Server id 15.2.1544.4; Tue, 4 Mar 2025 09:15:02 +0000\nFrom: bob@fabrikam.com\nTo: ann@contoso.com\nSubject: Hi\nMessage-ID: <x1@fabrikam.com>\nDate: Tue, 4 Mar 2025 09:15:00 +0000\n';
    expect(await kindOf(file('headers.txt', headers))).toBe('headers');
  });
});
