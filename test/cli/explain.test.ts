import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runMain } from './in-process.js';

/**
 * `explain` (CONTRACT v1.1 "Commands added in this stage"): every status of the NDR catalog in
 * the text, in order, with code, meaning, causes and fixes; unrecognised text said plainly (exit 0,
 * no guess); `--case` names the case's findings and whether the simulator reproduces the code.
 */
const AT = '2026-11-22T12:00:00Z';
const LOOP = '554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [AM0PR01MB1234.eop-EUR01.prod.protection.outlook.com]';
const STARTTLS_LED = '{LED=450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail]};{FQDN=mail.contoso.com}';

async function withStdin<T>(input: string, run: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(input)]), configurable: true });
  try {
    return await run();
  } finally {
    Object.defineProperty(process, 'stdin', original);
  }
}

describe('explain command', () => {
  it('text: code, meaning, where, causes, fixes with where to run them, and the rule ids (NDR-CATALOG 5.4.14 ATTR34)', async () => {
    const r = await runMain('explain', LOOP);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('1 status recognised');
    expect(r.stdout).toContain('Code: 554 5.4.14   markers: ATTR34');
    expect(r.stdout).toMatch(/Meaning: .*loops between systems/);
    expect(r.stdout).toMatch(/Causes:\n\s+- The hybrid outbound connector routes by MX while MX points to Exchange Online\./);
    expect(r.stdout).toContain('(Exchange Online PowerShell) Set-OutboundConnector "<hybrid connector>" -UseMXRecord $false');
    expect(r.stdout).toContain('Rules: routing-loop');
    expect(r.stdout).not.toContain('In this case');
  });

  it('words given unquoted are joined; several statuses are explained each, in order', async () => {
    const r = await runMain('explain', ...`550 5.4.1 Recipient address rejected: Access denied. AS(201806281) then ${STARTTLS_LED}`.split(' '));
    expect(r.code).toBe(0);
    const order = ['1. 550 5.4.1 Recipient address rejected', '2. 450 4.4.317 Cannot connect', '3. 451 5.7.3 STARTTLS is required'].map((h) => r.stdout.indexOf(h));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(r.stdout).toContain('Rules: recipient-blocked-by-dbeb');
    expect(r.stdout).toContain('Rules: exo-to-onprem-starttls-unavailable');
  });

  it('json: the statuses with their catalog entries; no case', async () => {
    const r = await runMain('explain', '--format', 'json', `Remote Server returned '${LOOP}'`);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ recognised: true, message: null, case: null });
    expect(j.statuses).toHaveLength(1);
    expect(j.statuses[0]).toMatchObject({ entryId: '5.4.14-hop-count-attr34', basicCode: 554, enhancedCode: '5.4.14', markers: ['ATTR34'], occurrences: 1, inCase: null });
    expect(j.statuses[0].entry.rules).toEqual(['routing-loop']);
    expect(j.statuses[0].entry.fixes.every((f: { where: string }) => f.where.length > 0)).toBe(true);
  });

  it('an expiry names the last deferral before it in the text as its cause (NDR-CATALOG "Message expiry", [447])', async () => {
    const r = await runMain('explain', '--format', 'json',
      '{LED=450 4.4.316 Connection refused [Message=Socket error code 10061]};{FQDN=mail.contoso.com} then 550 4.4.7 QUEUE.Expired; message expired');
    const [deferral, expiry] = JSON.parse(r.stdout).statuses;
    expect(deferral.entryId).toBe('4.4.316-connection-refused');
    expect(deferral.lastDeferral).toBeNull();
    expect(expiry.entryId).toBe('4.4.7-queue-expired');
    expect(expiry.lastDeferral).toBe('450 4.4.316 Connection refused [Message=Socket error code 10061]');
  });

  it('markdown: headed per status', async () => {
    const r = await runMain('explain', '--format', 'markdown', '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# mailflow-doctor explain\n/);
    expect(r.stdout).toContain('## 1. `550 5.7.68 TenantInboundAttribution;');
    expect(r.stdout).toContain('### Fixes');
    expect(r.stdout).toContain('*Exchange Online PowerShell*: `Get-OrganizationConfig | fl RejectDirectSend');
  });

  it('- reads standard input (an NDR diagnostic block); a status repeated in it is explained once', async () => {
    const ndr = `Diagnostic information for administrators:\n\nGenerating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com\n\nbob@contoso.com\nRemote Server returned '${LOOP}'\n\nOriginal message headers: …\nStatus: 5.4.14\nDiagnostic-Code: smtp; ${LOOP}\n`;
    const r = await withStdin(ndr, () => runMain('explain', '--format', 'json', '-'));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.statuses.map((s: { entryId: string }) => s.entryId)).toEqual(['5.4.14-hop-count-attr34']);
    expect(j.statuses[0].occurrences).toBe(3);
  });

  it('unrecognised text: says plainly that no catalog status was recognised, exit 0, no guess', async () => {
    for (const format of ['text', 'json']) {
      const r = await runMain('explain', '--format', format, '550 5.2.2 mailbox full; and 550 5.7.1 Client host blocked using Spamhaus');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('No status in the NDR catalog was recognised');
      if (format === 'json') expect(JSON.parse(r.stdout)).toMatchObject({ recognised: false, statuses: [] });
      else expect(r.stdout).not.toMatch(/Meaning:|Rules:/);
    }
  });

  it('usage errors exit 2: no text; an unreadable --case', async () => {
    const none = await runMain('explain');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/explain needs the text/);
    const badCase = await runMain('explain', '--case', 'examples/does-not-exist', LOOP);
    expect(badCase.code).toBe(2);
    expect(badCase.stderr).toMatch(/mailflow-doctor explain: /);
    const help = await runMain('explain', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/mailflow-doctor explain TEXT…/);
  });

  it('--case examples/routing-loop: names the routing-loop finding and the simulated flow that loops with 5.4.14 (M5.2)', async () => {
    const r = await runMain('explain', '--case', 'examples/routing-loop', '--at', AT, LOOP);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('In this case:');
    expect(r.stdout).toMatch(/- error routing-loop: .*\n\s+concerns: Flow "dave@tailspintoys\.com → bob@contoso\.com"/);
    expect(r.stdout).toContain('the simulator reproduces it: dave@tailspintoys.com → bob@contoso.com (looped): 554 5.4.14 Hop count exceeded - possible mail loop ATTR34');
    const j = JSON.parse((await runMain('explain', '--case', 'examples/routing-loop', '--at', AT, '--format', 'json', LOOP)).stdout);
    expect(j.case).toBe('examples/routing-loop');
    expect(j.statuses[0].inCase.reproduced).toBe(true);
    expect(j.statuses[0].inCase.reproducedBy).toEqual([{ flow: 'dave@tailspintoys.com → bob@contoso.com', outcome: 'looped', target: null, response: '554 5.4.14 Hop count exceeded - possible mail loop ATTR34' }]);
    expect(j.statuses[0].inCase.findings.map((f: { rule: string }) => f.rule)).toContain('routing-loop');
  });

  it('--case: a smart-host target that defers with 4.7.320 reproduces it (M8.1 intermittent); a status the case never shows is said not to be reproduced', async () => {
    const r = await runMain('explain', '--case', 'examples/exo-onprem-subject-mismatch', '--at', AT, '--format', 'json',
      '450 4.7.320 Certificate validation failed [Message=SubjectMismatch] and 550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources');
    expect(r.code).toBe(0);
    const [tls, direct] = JSON.parse(r.stdout).statuses;
    expect(tls.inCase.reproducedBy[0]).toMatchObject({ target: 'mail2.contoso.com', outcome: 'deferred', response: '450 4.7.320 Certificate validation failed [Message=SubjectMismatch]' });
    expect(tls.inCase.findings.map((f: { rule: string }) => f.rule)).toContain('exo-to-onprem-tls-validation-fails');
    expect(tls.inCase.findings[0].subjects).toContainEqual({ type: 'ReceiveConnector', name: 'Default Frontend EX02', organization: 'Contoso' });
    expect(direct.inCase).toEqual({ findings: [], reproduced: false, reproducedBy: [] });
    const text = await runMain('explain', '--case', 'examples/exo-onprem-subject-mismatch', '--at', AT, '550 5.7.68 TenantInboundAttribution; Direct Send not allowed');
    expect(text.stdout).toContain('the simulator does not reproduce this on any route of the case');
  });
});
