import { describe, expect, it } from 'vitest';
import { diagnoseCase } from '../../src/diagnose.js';
import { DBEB_RESPONSE } from '../../src/engine/recipient-directory.js';
import { emptyEvidence } from '../../src/model/evidence.js';
import type { Case } from '../../src/model/case.js';
import { whatIf } from '../../src/whatif.js';
import { AT, exampleTopology, findingsOf, loadTopology, onlyFinding, variant } from './rule-test-kit.js';
import { statusGroup } from './status-kit.js';

/**
 * RULES.md v2 `recipient-blocked-by-dbeb` (EXO-SEMANTICS M11, NDR-CATALOG "Recipients"):
 * simulation — Incoming mail to an address the tenant's directory lacks in an Authoritative domain
 * is rejected `550 5.4.1 Recipient address rejected: Access denied`; configuration warning — MX at
 * EOP, Authoritative, on-premises-only objects; evidence — 5.4.1 `Recipient address rejected`.
 * Fix per NDR-CATALOG: sync the object, or Set-AcceptedDomain -DomainType InternalRelay in EXO.
 */
const RULE = 'recipient-blocked-by-dbeb';
const DBEB = exampleTopology('dbeb-unsynced-recipient');
/** The same estate with the shared mailbox synchronised (a mail user in the tenant). */
const SYNCED = variant(
  DBEB,
  '        RecipientTypeDetails: MailUser\n\norganizations:',
  `        RecipientTypeDetails: MailUser
      - PrimarySmtpAddress: accounts@contoso.com
        EmailAddresses: ["SMTP:accounts@contoso.com", "smtp:accounts@contoso.mail.onmicrosoft.com"]
        RecipientTypeDetails: MailUser

organizations:`,
);
const ACCOUNTS_FLOW = '  - From: dave@tailspintoys.com\n    To: accounts@contoso.com\n';

describe('recipient-blocked-by-dbeb: simulation (M11)', () => {
  it('fires for internet mail to an on-premises-only object, naming the flow, the domain, the object and the fix', () => {
    const f = onlyFinding(DBEB, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toContainEqual({ type: 'Flow', name: 'dave@tailspintoys.com → accounts@contoso.com' });
    expect(f.subjects[0]).toEqual({ type: 'AcceptedDomain', name: 'contoso.com', tenant: 'contoso.onmicrosoft.com' });
    expect(f.message).toContain(DBEB_RESPONSE);
    expect(f.message).toContain('accounts@contoso.com (SharedMailbox in Contoso)');
    const all = [f.fix, ...(f.alternatives ?? []).map((a) => a.fix)].flat();
    const relay = all.find((s) => s.command === 'Set-AcceptedDomain -Identity contoso.com -DomainType InternalRelay');
    expect(relay?.where).toBe('Exchange Online PowerShell');
    expect(all.some((s) => /Entra Connect/.test(s.text))).toBe(true);
  });

  it('its fixed twin (the object synchronised as a mail user) does not fire, and the mail reaches the on-premises mailbox', () => {
    const d = diagnoseCase(loadTopology(SYNCED), { at: AT });
    expect(d.findings.filter((f) => f.rule === RULE)).toEqual([]);
    expect(d.simulation.flows.find((f) => f.to === 'accounts@contoso.com')!.outcome).toBe('delivered');
  });

  it('what-if: Set-AcceptedDomain -DomainType InternalRelay (Exchange Online) predicts delivery on premises and resolves the finding', () => {
    const r = whatIf(loadTopology(DBEB), ['Set-AcceptedDomain -Identity "contoso.onmicrosoft.com\\contoso.com" -DomainType InternalRelay'], { at: AT });
    expect(r.before.simulation.flows.find((f) => f.to === 'accounts@contoso.com')!.response).toBe(DBEB_RESPONSE);
    const after = r.after.simulation.flows.find((f) => f.to === 'accounts@contoso.com')!;
    expect(after.outcome).toBe('delivered');
    expect(after.destination).toBe('Contoso');
    expect(r.after.findings.filter((f) => f.rule === RULE)).toEqual([]);
  });

  it('no recipient data in the case: never fires (every address exists, v1)', () => {
    expect(findingsOf(exampleTopology('clean-hybrid'), RULE)).toEqual([]);
  });
});

describe('recipient-blocked-by-dbeb: configuration (M11)', () => {
  const NO_FLOW = variant(DBEB, ACCOUNTS_FLOW, '');

  it('warns when MX is at EOP, the domain Authoritative and an on-premises object is missing from the tenant', () => {
    const f = onlyFinding(NO_FLOW, RULE);
    expect(f.severity).toBe('warning');
    expect(f.subjects).toEqual([{ type: 'AcceptedDomain', name: 'contoso.com', tenant: 'contoso.onmicrosoft.com' }]);
    expect(f.message).toContain('accounts@contoso.com');
  });

  it('does not warn when the MX points on premises (DBEB only works with MX at EOP)', () => {
    expect(findingsOf(variant(NO_FLOW, 'contoso.com: [contoso-com.mail.protection.outlook.com]', 'contoso.com: [mail.contoso.com]'), RULE)).toEqual([]);
  });

  it('does not warn when the domain is InternalRelay in the tenant', () => {
    const relay = variant(NO_FLOW, 'AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]', 'AcceptedDomains: [{ DomainName: contoso.com, DomainType: InternalRelay }, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]');
    expect(findingsOf(relay, RULE)).toEqual([]);
  });
});

function withDbebStatus(c: Case, recipient: string): Case {
  // The catalog recognises the text and ties it to this rule (NDR-CATALOG 5.4.1, DBEB).
  const group = statusGroup('550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', {
    rule: RULE,
    origin: 'ndr',
    at: '2026-11-20T10:00:00Z',
    sender: 'dave@tailspintoys.com',
    recipient,
    source: { file: 'bounce.eml', line: 40 },
  });
  c.evidence = { ...emptyEvidence(), statuses: [group] };
  return c;
}

describe('recipient-blocked-by-dbeb: evidence (RULES.md NDR table: 5.4.1 + Recipient address rejected)', () => {
  it('an NDR with 5.4.1 for the same recipient domain joins the simulation finding', () => {
    const d = diagnoseCase(withDbebStatus(loadTopology(DBEB), 'accounts@contoso.com'), { at: AT });
    const found = d.findings.filter((f) => f.rule === RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence.some((e) => e.source === 'bounce.eml:40' && e.text.includes('5.4.1'))).toBe(true);
  });

  it('without recipient data, the NDR alone raises the finding on the accepted domain, with checks in Exchange Online', () => {
    const d = diagnoseCase(withDbebStatus(loadTopology(exampleTopology('clean-hybrid')), 'carol@contoso.com'), { at: AT });
    const found = d.findings.filter((f) => f.rule === RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects[0]).toEqual({ type: 'AcceptedDomain', name: 'contoso.com', tenant: 'contoso.onmicrosoft.com' });
    expect(found[0]!.fix.some((s) => s.command === 'Get-Recipient -Identity carol@contoso.com')).toBe(true);
  });

  it('no 5.4.1 in the evidence and no recipient data: nothing', () => {
    const c = loadTopology(exampleTopology('clean-hybrid'));
    c.evidence = emptyEvidence();
    expect(diagnoseCase(c, { at: AT }).findings.filter((f) => f.rule === RULE)).toEqual([]);
  });
});
