import { describe, expect, it } from 'vitest';
import { exampleTopology, ruleSeverity } from './rule-test-kit.js';
import { statusFindings, statusGroup } from './status-kit.js';

const RULE = 'trace-recipient-not-found';
const HYBRID = exampleTopology('exo-onprem-subject-mismatch');
// NDR-CATALOG "Recipients": the exact texts.
const EXO_NOT_FOUND = '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup';
const ONPREM_NOT_FOUND = '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found';

describe('trace-recipient-not-found', () => {
  it('is info in the catalog (RULES.md v2)', () => {
    expect(ruleSeverity(RULE)).toBe('info');
  });

  it('M11: 5.1.10 for an address in an accepted domain names the address, the domain holders, where it was read and where to look', () => {
    const g = statusGroup(EXO_NOT_FOUND, { origin: 'ndr', sender: 'alice@fabrikam.com', recipient: 'carol@contoso.com', count: 2, first: '2026-11-20T09:00:00Z', last: '2026-11-20T11:00:00Z' });
    const [f, ...rest] = statusFindings(HYBRID, { statuses: [g] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.subjects).toEqual([{ type: 'Recipient', name: 'carol@contoso.com' }]);
    expect(f!.message).toContain('2 NDRs between 2026-11-20T09:00:00Z and 2026-11-20T11:00:00Z');
    expect(f!.message).toContain(EXO_NOT_FOUND);
    expect(f!.message).toContain('contoso.com is an accepted domain (tenant contoso.onmicrosoft.com (Authoritative), organization Contoso (Authoritative))');
    expect(f!.evidence[0]!.source).toBe(`evidence.csv:${g.sample.source.line}`);
    // 5.1.10 is Exchange Online's: look there first, then on premises.
    expect(f!.fix[0]).toMatchObject({ command: 'Get-Recipient -Identity carol@contoso.com | Format-List Name,RecipientTypeDetails,PrimarySmtpAddress,EmailAddresses', where: 'Exchange Online PowerShell' });
    expect(f!.fix[1]!.where).toBe('Exchange Management Shell');
  });

  it("5.1.1 RecipNotFound is Exchange Server's: look on premises first", () => {
    const [f] = statusFindings(HYBRID, { statuses: [statusGroup(ONPREM_NOT_FOUND, { origin: 'ndr', recipient: 'dave@contoso.com' })] }, RULE);
    expect(f!.fix[0]!.where).toBe('Exchange Management Shell');
  });

  it('is silent for an address outside every accepted domain of the case', () => {
    expect(statusFindings(HYBRID, { statuses: [statusGroup(EXO_NOT_FOUND, { origin: 'ndr', recipient: 'carol@fabrikam.com' })] }, RULE)).toEqual([]);
  });

  it('is silent for another recipient code (DBEB 5.4.1 belongs to recipient-blocked-by-dbeb)', () => {
    const dbeb = statusGroup('550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', { origin: 'ndr', recipient: 'carol@contoso.com' });
    expect(statusFindings(HYBRID, { statuses: [dbeb] }, RULE)).toEqual([]);
  });
});
