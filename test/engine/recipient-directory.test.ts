import { describe, expect, it } from 'vitest';
import type { FlowResult } from '../../src/engine/flow-types.js';
import { DBEB_RESPONSE, ONPREM_RECIPIENT_NOT_FOUND } from '../../src/engine/recipient-directory.js';
import { LOOP_RESPONSE, RECIPIENT_NOT_FOUND, SERVER_LOOP_RESPONSE } from '../../src/engine/simulate-flow.js';
import { AT, diagnose, exampleTopology, variant } from '../rules/rule-test-kit.js';

/**
 * EXO-SEMANTICS M11 (NDR-CATALOG "Recipients"): DBEB answers Incoming mail for an address the
 * tenant's directory lacks in an Authoritative domain with `550 5.4.1 Recipient address rejected:
 * Access denied` at RCPT TO; InternalRelay turns it off and routes the message on; Originating mail
 * gets 5.1.10 from the tenant; Exchange Server's counterpart is 5.1.1. Without recipient data every
 * address exists (v1).
 */

const CLOUD = `kind: mailflow-topology
version: 1
tenants:
  - Name: fabrikam.onmicrosoft.com
    AcceptedDomains: [fabrikam.com, fabrikam.onmicrosoft.com]
    OutboundConnectors:
      - Name: To legacy mail system
        ConnectorType: Partner
        RecipientDomains: [fabrikam.com]
        SmartHosts: [legacy.fabrikam.net]
        Enabled: false
dns:
  MX:
    fabrikam.com: [fabrikam-com.mail.protection.outlook.com]
    tailspintoys.com: [mail.tailspintoys.com]
flows:
  - From: dave@tailspintoys.com
    To: bob@fabrikam.com
  - From: dave@tailspintoys.com
    To: alice@fabrikam.com
  - From: alice@fabrikam.com
    To: bob@fabrikam.com
`;

const WITH_LIST = variant(
  CLOUD,
  '    AcceptedDomains: [fabrikam.com, fabrikam.onmicrosoft.com]\n',
  `    AcceptedDomains: [fabrikam.com, fabrikam.onmicrosoft.com]
    Recipients:
      - PrimarySmtpAddress: alice@fabrikam.com
        EmailAddresses: ["SMTP:alice@fabrikam.com", "smtp:al@fabrikam.com", "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice@fabrikam.com"]
        RecipientTypeDetails: UserMailbox
`,
);

function flow(yaml: string, from: string, to: string, at: Date = AT): FlowResult {
  const f = diagnose(yaml, at).simulation.flows.find((x) => x.from === from && x.to === to);
  if (!f) throw new Error(`no flow ${from} → ${to}`);
  return f;
}

describe('Directory-Based Edge Blocking (M11)', () => {
  it('without any recipient data every address exists, as in v1', () => {
    const f = flow(CLOUD, 'dave@tailspintoys.com', 'bob@fabrikam.com');
    expect(f.outcome).toBe('delivered');
    expect(f.assumptions.join(' ')).not.toMatch(/directory/);
  });

  it('Incoming mail to an address the tenant lacks in an Authoritative domain: 550 5.4.1 at RCPT TO, never processed in the tenant', () => {
    const f = flow(WITH_LIST, 'dave@tailspintoys.com', 'bob@fabrikam.com');
    expect(f.outcome).toBe('rejected');
    expect(f.response).toBe('550 5.4.1 Recipient address rejected: Access denied');
    expect(f.hops[f.hops.length - 1]!.attribution.direction).toBe('inbound');
    expect(f.tenants).toEqual([]);
  });

  it('a listed address, and any SMTP proxy address of it, passes; X500 entries are not addresses', () => {
    expect(flow(WITH_LIST, 'dave@tailspintoys.com', 'alice@fabrikam.com').outcome).toBe('delivered');
    const proxy = variant(WITH_LIST, '    To: bob@fabrikam.com\n  - From: dave', '    To: al@fabrikam.com\n  - From: dave');
    expect(flow(proxy, 'dave@tailspintoys.com', 'al@fabrikam.com').outcome).toBe('delivered');
  });

  it('InternalRelay turns DBEB off: the unknown address is accepted and routed on by the outbound connector for the domain', () => {
    const relay = variant(
      variant(WITH_LIST, 'AcceptedDomains: [fabrikam.com, fabrikam.onmicrosoft.com]', 'AcceptedDomains: [{ DomainName: fabrikam.com, DomainType: InternalRelay }, fabrikam.onmicrosoft.com]'),
      '        Enabled: false\n',
      '        Enabled: true\n',
    );
    const f = flow(relay, 'dave@tailspintoys.com', 'bob@fabrikam.com');
    expect(f.outcome).toBe('delivered');
    expect(f.tenants).toEqual(['fabrikam.onmicrosoft.com']);
    expect(f.hops[f.hops.length - 1]!.to).toBe('legacy.fabrikam.net');
  });

  it('Originating mail to an unknown address of an Authoritative domain: 5.1.10 from the tenant', () => {
    const f = flow(WITH_LIST, 'alice@fabrikam.com', 'bob@fabrikam.com');
    expect(f.outcome).toBe('rejected');
    expect(f.response).toBe(RECIPIENT_NOT_FOUND);
    expect(RECIPIENT_NOT_FOUND).toBe('550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup');
  });

  it('RecipientExists: false rejects without any recipient list', () => {
    const yaml = variant(CLOUD, '    To: bob@fabrikam.com\n  - From: dave', '    To: bob@fabrikam.com\n    RecipientExists: false\n  - From: dave');
    expect(flow(yaml, 'dave@tailspintoys.com', 'bob@fabrikam.com').response).toBe(DBEB_RESPONSE);
    expect(flow(yaml, 'dave@tailspintoys.com', 'alice@fabrikam.com').outcome).toBe('delivered');
  });

  it('before June 2025 DBEB did not recognise a dynamic distribution group of the tenant [DBEB25]; since then it does', () => {
    const ddg = variant(WITH_LIST, '        RecipientTypeDetails: UserMailbox\n', '        RecipientTypeDetails: DynamicDistributionGroup\n');
    expect(flow(ddg, 'dave@tailspintoys.com', 'alice@fabrikam.com', new Date('2025-03-01T00:00:00Z')).response).toBe(DBEB_RESPONSE);
    expect(flow(ddg, 'dave@tailspintoys.com', 'alice@fabrikam.com').outcome).toBe('delivered');
  });
});

describe('hybrid directories (M11)', () => {
  const DBEB = exampleTopology('dbeb-unsynced-recipient');

  it('an object that exists on premises only, with MX at EOP, is rejected 5.4.1; a synchronised one (MailUser) reaches its on-premises mailbox', () => {
    const unsynced = flow(DBEB, 'dave@tailspintoys.com', 'accounts@contoso.com');
    expect(unsynced.outcome).toBe('rejected');
    expect(unsynced.response).toBe(DBEB_RESPONSE);
    const synced = flow(DBEB, 'dave@tailspintoys.com', 'bob@contoso.com');
    expect(synced.outcome).toBe('delivered');
    expect(synced.destination).toBe('Contoso');
  });

  it('the home follows the lists: a cloud mailbox (RemoteUserMailbox on premises) is delivered in the tenant', () => {
    const f = flow(DBEB, 'dave@tailspintoys.com', 'alice@contoso.com');
    expect(f.outcome).toBe('delivered');
    expect(f.destination).toBe('contoso.onmicrosoft.com');
  });

  it('recipient data for one side only: no rejection on the other side, an assumption line says what to add', () => {
    const start = DBEB.indexOf('    # Get-Recipient in Exchange Online PowerShell');
    const end = DBEB.indexOf('organizations:');
    const orgOnly = DBEB.slice(0, start) + DBEB.slice(end);
    const f = flow(orgOnly, 'dave@tailspintoys.com', 'accounts@contoso.com');
    expect(f.outcome).toBe('delivered');
    expect(f.assumptions.some((a) => a.includes('contoso.onmicrosoft.com') && a.includes('Recipients'))).toBe(true);
  });

  it('on premises, an Authoritative domain answers an address its directory lacks with 5.1.1 (NDR-CATALOG on-premises counterpart)', () => {
    const yaml = variant(DBEB, 'flows:\n', 'flows:\n  - From: bob@contoso.com\n    To: carol@contoso.com\n    Origin: Contoso\n');
    const f = flow(yaml, 'bob@contoso.com', 'carol@contoso.com');
    expect(f.outcome).toBe('rejected');
    expect(f.response).toBe(ONPREM_RECIPIENT_NOT_FOUND);
    expect(ONPREM_RECIPIENT_NOT_FOUND).toMatch(/^550 5\.1\.1 RESOLVER\.ADR\.RecipNotFound/);
  });

  it('two InternalRelay sides for an address neither has: a loop (M5.2)', () => {
    let yaml = variant(DBEB, 'AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]', 'AcceptedDomains: [{ DomainName: contoso.com, DomainType: InternalRelay }, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]');
    yaml = variant(yaml, '    AcceptedDomains:\n      - contoso.com\n', '    AcceptedDomains:\n      - { DomainName: contoso.com, DomainType: InternalRelay }\n');
    // The on-premises side routes contoso.com to Exchange Online when it does not hold the recipient.
    yaml = variant(yaml, 'AddressSpaces: ["smtp:contoso.mail.onmicrosoft.com;1"]', 'AddressSpaces: ["smtp:contoso.mail.onmicrosoft.com;1", "smtp:contoso.com;1"]');
    yaml = variant(yaml, 'flows:\n', 'flows:\n  - From: dave@tailspintoys.com\n    To: nobody@contoso.com\n    RecipientExists: false\n');
    const f = flow(yaml, 'dave@tailspintoys.com', 'nobody@contoso.com');
    expect(f.outcome).toBe('looped');
    expect([LOOP_RESPONSE, SERVER_LOOP_RESPONSE]).toContain(f.response);
  });
});

describe('generated flows (a case without flows)', () => {
  it('made-up recipients of generated flows are not judged by the lists: no failure the case does not show', () => {
    const noFlows = exampleTopology('dbeb-unsynced-recipient').replace(/\nflows:\n[\s\S]*$/, '\n');
    const d = diagnose(noFlows);
    expect(d.simulation.flows.length).toBeGreaterThan(0);
    expect(d.simulation.flows.filter((f) => f.outcome !== 'delivered').map((f) => `${f.from} → ${f.to}: ${f.response}`)).toEqual([]);
    // The configuration side still names the on-premises-only object (M11).
    expect(d.findings.filter((f) => f.rule === 'recipient-blocked-by-dbeb').map((f) => f.severity)).toEqual(['warning']);
  });
});
