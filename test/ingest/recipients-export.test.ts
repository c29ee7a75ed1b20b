import { describe, expect, it } from 'vitest';
import { caseDirs } from '../helpers/case-dir.js';
import { diagnoseCase } from '../../src/diagnose.js';
import { DBEB_RESPONSE } from '../../src/engine/recipient-directory.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { readTopology } from '../../src/ingest/topology/read-topology.js';
import { recipientDirectory } from '../../src/model/recipients.js';
import { AT, exampleTopology } from '../rules/rule-test-kit.js';
import { clixmlText } from './powershell/clixml-writer.js';

/**
 * The recipient directory (EXO-SEMANTICS M11, CONTRACT v1.1 "Recipients") from the exports an admin
 * makes — Get-Recipient / Get-Mailbox / Get-MailUser in Exchange Online PowerShell and the Exchange
 * Management Shell — in the shapes PowerShell writes them (FORMATS.md 4.2–4.4): ConvertTo-Json from
 * a remote session (strings), from Windows PowerShell 5.1 with the snap-in (live objects: enums as
 * numbers, ProxyAddress and SmtpAddress objects), Export-Csv (lists written as a type name) and
 * Export-Clixml. `EmailAddresses` carry `SMTP:` (primary), `smtp:` and X500 entries (not addresses).
 */

const caseDir = caseDirs('mfd-rcpt-');

const TENANT = 'contoso.onmicrosoft.com';
const POD = 'EURPR01A001.PROD.OUTLOOK.COM';

/** A Get-Recipient object as Exchange Online PowerShell (REST) returns it. */
function exoRecipient(name: string, type: string, addresses: string[]): Record<string, unknown> {
  return {
    Name: name,
    Identity: name,
    Alias: name,
    DisplayName: name,
    RecipientType: type === 'MailUser' ? 'MailUser' : 'UserMailbox',
    RecipientTypeDetails: type,
    PrimarySmtpAddress: addresses[0]!.replace(/^SMTP:/, ''),
    EmailAddresses: addresses,
    OrganizationalUnitRoot: TENANT,
    OrganizationId: `${POD}/Microsoft Exchange Hosted Organizations/${TENANT} - ${POD}/ConfigurationUnits/${TENANT}/Configuration`,
    DistinguishedName: `CN=${name},OU=${TENANT},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`,
    ExchangeVersion: '0.10 (14.0.100.0)',
    WhenChangedUTC: '2026-05-12T09:30:00Z',
  };
}

const ALICE = exoRecipient('alice', 'UserMailbox', ['SMTP:alice@contoso.com', 'smtp:alice@contoso.mail.onmicrosoft.com', 'X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice']);
const BOB = exoRecipient('bob', 'MailUser', ['SMTP:bob@contoso.com', 'smtp:bob@contoso.mail.onmicrosoft.com']);

/** The DBEB example without its Recipients: the lists come from exports. */
function topologyWithoutLists(): string {
  const yaml = exampleTopology('dbeb-unsynced-recipient');
  const tStart = yaml.indexOf('    # Get-Recipient in Exchange Online PowerShell');
  const tEnd = yaml.indexOf('organizations:');
  const oStart = yaml.indexOf('    # Get-Recipient in the Exchange Management Shell.');
  const oEnd = yaml.indexOf('certificates:\n');
  return yaml.slice(0, tStart) + yaml.slice(tEnd, oStart) + yaml.slice(oEnd);
}

/** On premises, Get-Mailbox with the snap-in loaded, ConvertTo-Json in Windows PowerShell 5.1 (live objects). */
const ONPREM_LIVE_JSON = JSON.stringify(
  [
    {
      Name: 'Accounts',
      Identity: { Name: 'Accounts', DistinguishedName: 'CN=Accounts,OU=Shared,DC=corp,DC=contoso,DC=com' },
      DistinguishedName: 'CN=Accounts,OU=Shared,DC=corp,DC=contoso,DC=com',
      RecipientTypeDetails: 4,
      PrimarySmtpAddress: { Local: 'accounts', Domain: 'contoso.com', Address: 'accounts@contoso.com', IsValidAddress: true },
      EmailAddresses: [
        { SmtpAddress: 'accounts@contoso.com', AddressString: 'accounts@contoso.com', ProxyAddressString: 'SMTP:accounts@contoso.com', PrefixString: 'SMTP', IsPrimaryAddress: true },
        { SmtpAddress: 'accounts@contoso.mail.onmicrosoft.com', AddressString: 'accounts@contoso.mail.onmicrosoft.com', ProxyAddressString: 'smtp:accounts@contoso.mail.onmicrosoft.com', PrefixString: 'smtp', IsPrimaryAddress: false },
        { AddressString: '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=accounts', ProxyAddressString: 'X500:/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=accounts', PrefixString: 'X500', IsPrimaryAddress: false },
      ],
      ServerName: 'ex01',
      AdminDisplayVersion: { Major: 15, Minor: 2, Build: 1748, Revision: 10 },
    },
    {
      Name: 'Bob',
      Identity: { Name: 'Bob', DistinguishedName: 'CN=Bob,OU=Users,DC=corp,DC=contoso,DC=com' },
      DistinguishedName: 'CN=Bob,OU=Users,DC=corp,DC=contoso,DC=com',
      RecipientTypeDetails: 1,
      PrimarySmtpAddress: { Local: 'bob', Domain: 'contoso.com', Address: 'bob@contoso.com', IsValidAddress: true },
      EmailAddresses: [{ ProxyAddressString: 'SMTP:bob@contoso.com', PrefixString: 'SMTP', AddressString: 'bob@contoso.com' }],
      ServerName: 'ex01',
    },
  ],
  null,
  4,
);

describe('recipient exports (M11, FORMATS.md 4.2–4.4)', () => {
  it('Exchange Online Get-Recipient | ConvertTo-Json: placed by OrganizationalUnitRoot, SMTP proxies kept, X500 left out', async () => {
    const dir = caseDir({ 'topology.yaml': topologyWithoutLists(), 'exo/recipients.json': JSON.stringify([ALICE, BOB], null, 2) });
    const loaded = await loadCase([dir]);
    expect(loaded.fatal).toBeNull();
    const t = loaded.case.tenants.find((x) => x.Name === TENANT)!;
    expect(t.Recipients?.map((r) => [r.PrimarySmtpAddress, r.RecipientTypeDetails, r.EmailAddresses])).toEqual([
      ['alice@contoso.com', 'UserMailbox', ['alice@contoso.com', 'alice@contoso.mail.onmicrosoft.com']],
      ['bob@contoso.com', 'MailUser', ['bob@contoso.com', 'bob@contoso.mail.onmicrosoft.com']],
    ]);
    expect(loaded.case.organizations[0]!.Recipients).toBeUndefined();
  });

  it('the on-premises Get-Mailbox of Windows PowerShell 5.1 with live objects (numbers, SmtpAddress and ProxyAddress objects), placed by sources:', async () => {
    const topology = topologyWithoutLists().replace('kind: mailflow-topology\n', 'kind: mailflow-topology\nsources:\n  onprem: Contoso\n');
    const dir = caseDir({ 'topology.yaml': topology, 'onprem/mailboxes.json': ONPREM_LIVE_JSON });
    const loaded = await loadCase([dir]);
    const org = loaded.case.organizations.find((o) => o.Name === 'Contoso')!;
    expect(org.Recipients?.map((r) => [r.PrimarySmtpAddress, r.RecipientTypeDetails, r.EmailAddresses])).toEqual([
      ['accounts@contoso.com', 'SharedMailbox', ['accounts@contoso.com', 'accounts@contoso.mail.onmicrosoft.com']],
      ['bob@contoso.com', 'UserMailbox', ['bob@contoso.com']],
    ]);
  });

  it('Export-Csv: EmailAddresses written as a type name is reported with the export command, PrimarySmtpAddress still counts; a -join ";" column is read', async () => {
    const lossy = [
      '#TYPE Deserialized.Microsoft.Exchange.Data.Directory.Management.ReducedRecipient',
      '"Name","Identity","RecipientTypeDetails","PrimarySmtpAddress","EmailAddresses","OrganizationalUnitRoot"',
      `"alice","alice","UserMailbox","alice@contoso.com","System.Collections.ArrayList","${TENANT}"`,
    ].join('\r\n');
    const joined = [
      '#TYPE Selected.Microsoft.Exchange.Data.Directory.Management.ReducedRecipient',
      '"Identity","RecipientTypeDetails","PrimarySmtpAddress","EmailAddresses","OrganizationalUnitRoot"',
      `"bob","MailUser","bob@contoso.com","SMTP:bob@contoso.com;smtp:bob@contoso.mail.onmicrosoft.com;X500:/o=ExchangeLabs/cn=bob","${TENANT}"`,
    ].join('\r\n');
    const dir = caseDir({ 'topology.yaml': topologyWithoutLists(), 'exo/recipients.csv': lossy, 'exo/mailusers.csv': joined });
    const loaded = await loadCase([dir]);
    const t = loaded.case.tenants.find((x) => x.Name === TENANT)!;
    // Two files for one tenant merge into one directory.
    expect(t.Recipients?.map((r) => [r.PrimarySmtpAddress, r.EmailAddresses]).sort()).toEqual([
      ['alice@contoso.com', ['alice@contoso.com']],
      ['bob@contoso.com', ['bob@contoso.com', 'bob@contoso.mail.onmicrosoft.com']],
    ]);
    const warnings = loaded.case.inputs.flatMap((i) => i.diagnostics).map((d) => d.message);
    expect(warnings.some((m) => m.startsWith('EmailAddresses of 1 Get-Recipient object') && m.includes('ConvertTo-Json -Depth 6'))).toBe(true);
  });

  it('Export-Clixml of Get-MailUser from Exchange Online PowerShell (UTF-16LE, deserialized lists)', async () => {
    const types = ['Deserialized.Microsoft.Exchange.Data.Directory.Management.MailUser', 'Deserialized.Microsoft.Exchange.Data.Directory.Management.MailEnabledOrgPerson', 'Deserialized.System.Object'];
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(clixmlText([BOB], types), 'utf16le')]);
    const dir = caseDir({ 'topology.yaml': topologyWithoutLists(), 'exo/mailusers.xml': bytes });
    const loaded = await loadCase([dir]);
    const t = loaded.case.tenants.find((x) => x.Name === TENANT)!;
    expect(t.Recipients?.map((r) => [r.PrimarySmtpAddress, r.RecipientTypeDetails, r.EmailAddresses])).toEqual([['bob@contoso.com', 'MailUser', ['bob@contoso.com', 'bob@contoso.mail.onmicrosoft.com']]]);
  });

  it('Format-List text is recognised and answered with the Get-Recipient export command, never read as data', async () => {
    const text = ['', 'Name                 : alice', 'RecipientTypeDetails : UserMailbox', 'PrimarySmtpAddress   : alice@contoso.com', 'EmailAddresses       : {SMTP:alice@contoso.com, smtp:alice@contoso.mail.onmicrosoft.com...}', ''].join('\r\n');
    const dir = caseDir({ 'topology.yaml': topologyWithoutLists(), 'exo/recipients.txt': text });
    const loaded = await loadCase([dir]);
    expect(loaded.case.tenants.find((x) => x.Name === TENANT)!.Recipients).toBeUndefined();
    const messages = loaded.case.inputs.flatMap((i) => i.diagnostics).map((d) => d.message);
    expect(messages.some((m) => m.startsWith('Format-List output') && m.includes('Get-Recipient | ConvertTo-Json -Depth 6'))).toBe(true);
  });

  it('exports of both sides give the verdict the topology lists give: the unsynchronised object is rejected 5.4.1 (M11)', async () => {
    const topology = topologyWithoutLists().replace('kind: mailflow-topology\n', 'kind: mailflow-topology\nsources:\n  onprem: Contoso\n');
    const dir = caseDir({ 'topology.yaml': topology, 'exo/recipients.json': JSON.stringify([ALICE, BOB]), 'onprem/mailboxes.json': ONPREM_LIVE_JSON });
    const loaded = await loadCase([dir]);
    const d = diagnoseCase(loaded.case, { at: AT });
    const flow = (to: string) => d.simulation.flows.find((f) => f.to === to)!;
    expect(flow('accounts@contoso.com').response).toBe(DBEB_RESPONSE);
    expect(flow('bob@contoso.com').outcome).toBe('delivered');
    expect(d.findings.some((f) => f.rule === 'recipient-blocked-by-dbeb')).toBe(true);
  });
});

describe('large directories', () => {
  it('100 000 recipients in a topology load and look up quickly', () => {
    const lines = ['kind: mailflow-topology', 'version: 1', 'tenants:', '  - Name: big.onmicrosoft.com', '    AcceptedDomains: [big.example]', '    Recipients:'];
    for (let i = 0; i < 100_000; i++) lines.push(`      - user${i}@big.example`);
    const started = performance.now();
    const r = readTopology(lines.join('\n') + '\n', 'big.yaml', '.');
    const dir = recipientDirectory(r.case);
    const loadMs = performance.now() - started;
    expect(r.case.tenants[0]!.Recipients).toHaveLength(100_000);
    const t0 = performance.now();
    for (let i = 0; i < 100_000; i += 7) expect(dir.presence(r.case.tenants[0]!, `USER${i}@big.example`).state).toBe('here');
    expect(dir.presence(r.case.tenants[0]!, 'nobody@big.example').state).toBe('missing');
    const lookupMs = performance.now() - t0;
    // Generous bounds: a linear pass, not a quadratic one, on any machine running the tests.
    expect(loadMs).toBeLessThan(15_000);
    expect(lookupMs).toBeLessThan(2_000);
  });
});
