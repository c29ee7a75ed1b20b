import { describe, expect, it } from 'vitest';
import { diagnoseCase } from '../../src/diagnose.js';
import { NO_ROUTE_RESPONSE } from '../../src/engine/simulate-flow.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { caseDirs } from '../helpers/case-dir.js';

// CONTRACT.md "Extensions (v1.1)": "A value the case does not hold is **unknown**, not false: where
// a decision needs it […], the simulator follows the documented default, says in the flow's
// `assumptions` which value was missing and how to supply it, and never raises an `error` finding
// whose only ground is a missing value (a `warning` or `info` naming the missing value instead)."
//
// Without `flows:` the simulator generates flows (generate-flows.ts). An on-premises organization's
// Name is its Exchange organization's display name ("First Organization"), never a mail domain: a
// case without its accepted domains (only Get-ExchangeServer exported) has no sender address to
// build, and a case without its send connectors (Get-SendConnector not exported) does not say
// where its mail goes. Neither may turn into "no connector covers the recipient domain" errors;
// the flow's assumptions and a warning name the export that supplies what is missing. An export
// that was given and holds nothing (the cmdlet returned no connector) is a fact, and its failures stay errors.

const caseDir = caseDirs('mfd-generate-flows-');
const AT = new Date('2026-12-01T00:00:00Z');
const ORG_DN = 'CN=First Organization,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=example,DC=test';

function clixml(objects: string): string {
  return `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">\n${objects}\n</Objs>\n`;
}

/** Get-ExchangeServer | Export-Clixml servers.xml: the organization comes from the DN alone. */
const SERVERS = clixml(`  <Obj RefId="0">
    <TN RefId="0">
      <T>Microsoft.Exchange.Data.Directory.Management.ExchangeServer</T>
      <T>System.Object</T>
    </TN>
    <ToString>EX1</ToString>
    <Props>
      <S N="Name">EX1</S>
      <S N="Fqdn">ex1.example.test</S>
      <S N="AdminDisplayVersion">Version 15.2 (Build 1544.4)</S>
      <S N="ServerRole">Mailbox</S>
      <S N="DistinguishedName">CN=EX1,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,${ORG_DN}</S>
    </Props>
  </Obj>`);

/** Get-AcceptedDomain | Export-Clixml accepted-domains.xml. */
const ACCEPTED_DOMAINS = clixml(`  <Obj RefId="0">
    <TN RefId="0">
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain</T>
      <T>System.Object</T>
    </TN>
    <ToString>contoso.com</ToString>
    <Props>
      <S N="Name">contoso.com</S>
      <S N="DomainName">contoso.com</S>
      <S N="DomainType">Authoritative</S>
      <S N="DistinguishedName">CN=contoso.com,CN=Accepted Domains,CN=Transport Settings,${ORG_DN}</S>
    </Props>
  </Obj>`);

/** Get-SendConnector | Export-Clixml send-connectors.xml: one internet connector by MX from EX1. */
const SEND_CONNECTORS = clixml(`  <Obj RefId="0">
    <TN RefId="0">
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig</T>
      <T>System.Object</T>
    </TN>
    <ToString>Internet</ToString>
    <Props>
      <S N="Name">Internet</S>
      <Obj N="AddressSpaces" RefId="1">
        <TN RefId="1">
          <T>System.Collections.ArrayList</T>
          <T>System.Object</T>
        </TN>
        <LST>
          <S>SMTP:*;1</S>
        </LST>
      </Obj>
      <Obj N="SourceTransportServers" RefId="2">
        <TNRef RefId="1" />
        <LST>
          <S>EX1</S>
        </LST>
      </Obj>
      <B N="DNSRoutingEnabled">true</B>
      <B N="Enabled">true</B>
      <S N="DistinguishedName">CN=Internet,CN=Connections,CN=Exchange Routing Group (DWBGZMFD01QNBJR),CN=Routing Groups,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,${ORG_DN}</S>
    </Props>
  </Obj>`);

/** What Export-Clixml writes when Get-SendConnector returned nothing. */
const NO_OBJECTS = '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04" />\n';

async function diagnose(files: Record<string, string>) {
  const loaded = await loadCase([caseDir(files)]);
  expect(loaded.fatal).toBeNull();
  return diagnoseCase(loaded.case, { at: AT });
}

describe('generated flows need a real sender domain (accepted domains)', () => {
  it('fires: an organization without accepted domains gets no flow from its name, no error, and a note naming Get-AcceptedDomain', async () => {
    const d = await diagnose({ 'servers.xml': SERVERS });
    expect(d.case.organizations.map((o) => o.Name)).toEqual(['First Organization']);
    for (const f of d.simulation.flows) {
      expect(f.from).not.toMatch(/first organization/i);
      expect(f.to).not.toMatch(/first organization/i);
    }
    expect(d.simulation.flows).toEqual([]);
    expect(d.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(d.findings.some((f) => f.message.includes(NO_ROUTE_RESPONSE))).toBe(false);
    const note = d.simulation.notes.find((n) => n.includes('"First Organization"'));
    expect(note).toContain('accepted domains');
    expect(note).toContain('Get-AcceptedDomain | Export-Clixml');
  });

  it('twin: with its accepted domain (and send connectors) exported, flows are built from that domain as before', async () => {
    const d = await diagnose({ 'servers.xml': SERVERS, 'accepted-domains.xml': ACCEPTED_DOMAINS, 'send-connectors.xml': SEND_CONNECTORS });
    const generated = d.simulation.flows.map((f) => `${f.from} → ${f.to} (${f.origin})`);
    expect(generated).toEqual(['alice@contoso.com → carol@outside-tenant.example (First Organization)', 'alice@contoso.com → dave@internet.example (First Organization)']);
    expect(d.simulation.flows.every((f) => f.outcome === 'delivered')).toBe(true);
    expect(d.simulation.notes.some((n) => n.includes('"First Organization"'))).toBe(false);
  });
});

describe('a failure that rests on send connectors that were not exported is a warning, not an error', () => {
  it('fires: accepted domains but no Get-SendConnector export: the rejection is said with what is missing, as a warning', async () => {
    const d = await diagnose({ 'servers.xml': SERVERS, 'accepted-domains.xml': ACCEPTED_DOMAINS });
    const fromOrg = d.simulation.flows.filter((f) => f.origin === 'First Organization');
    expect(fromOrg.map((f) => f.to)).toEqual(['carol@outside-tenant.example', 'dave@internet.example']);
    for (const f of fromOrg) {
      expect(f.response).toBe(NO_ROUTE_RESPONSE);
      expect(f.unknownGround).toContain('no Get-SendConnector export was given');
      expect(f.assumptions.some((a) => a.startsWith('unknown: ') && a.includes('Get-SendConnector | Export-Clixml'))).toBe(true);
    }
    expect(d.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const warnings = d.findings.filter((f) => f.rule === 'flow-fails');
    expect(warnings.length).toBe(2);
    expect(warnings.every((f) => f.severity === 'warning' && f.message.includes('Get-SendConnector | Export-Clixml send-connectors.xml'))).toBe(true);
  });

  it('twin: an export that was given and holds no connector is a fact, so the rejection stays an error', async () => {
    const d = await diagnose({ 'servers.xml': SERVERS, 'accepted-domains.xml': ACCEPTED_DOMAINS, 'send-connectors.xml': NO_OBJECTS });
    expect(d.case.inputs.find((r) => r.file.endsWith('send-connectors.xml'))?.kind).toBe('empty-export');
    const fromOrg = d.simulation.flows.filter((f) => f.origin === 'First Organization');
    expect(fromOrg.map((f) => f.from)).toEqual(['alice@contoso.com', 'alice@contoso.com']);
    expect(fromOrg.every((f) => f.outcome === 'rejected' && f.response === NO_ROUTE_RESPONSE && f.unknownGround === undefined)).toBe(true);
    expect(d.findings.some((f) => f.severity === 'error' && f.rule === 'flow-fails')).toBe(true);
  });

  it('twin: a topology that lists no send connectors (SendConnectors: []) says there are none', async () => {
    const topology = `kind: mailflow-topology
version: 1
organizations:
  - Name: Contoso
    AcceptedDomains: [contoso.com]
    Servers:
      - { Name: EX01, Fqdn: ex01.contoso.com, IPAddresses: [203.0.113.10] }
    SendConnectors: []
`;
    const d = await diagnose({ 'topology.yaml': topology });
    const fromOrg = d.simulation.flows.filter((f) => f.origin === 'Contoso');
    expect(fromOrg.length).toBe(2);
    expect(fromOrg.every((f) => f.response === NO_ROUTE_RESPONSE && f.unknownGround === undefined)).toBe(true);
    expect(d.findings.filter((f) => f.rule === 'flow-fails').every((f) => f.severity === 'error')).toBe(true);
  });
});

describe('a tenant\'s rejection for a domain it shares with on-premises that rests on outbound connectors not exported', () => {
  // simulate-flow (M11): a tenant routes mail for an Authoritative domain whose recipient is not its
  // own by its outbound connectors; with none exported, "no outbound connector routes it on" rests
  // on a missing value.
  const hybrid = (tenantExtra: string) => `kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains:
      - { DomainName: contoso.com, DomainType: Authoritative }
      - contoso.onmicrosoft.com
${tenantExtra}organizations:
  - Name: Contoso
    AcceptedDomains: [contoso.com]
    Servers:
      - { Name: EX01, Fqdn: ex01.contoso.com, IPAddresses: [203.0.113.10] }
    SendConnectors: []
`;
  const toShared = (d: Awaited<ReturnType<typeof diagnose>>) => d.simulation.flows.find((f) => f.origin === 'contoso.onmicrosoft.com' && f.to === 'bob@contoso.com');

  it('fires: a tenant written without OutboundConnectors: a warning naming Get-OutboundConnector, no error', async () => {
    const d = await diagnose({ 'topology.yaml': hybrid('') });
    expect(toShared(d)?.outcome).toBe('rejected');
    expect(toShared(d)?.unknownGround).toContain('Get-OutboundConnector | Export-Clixml');
    const about = d.findings.filter((f) => f.rule === 'flow-fails' && f.message.includes('(from contoso.onmicrosoft.com)'));
    expect(about.map((f) => f.severity)).toEqual(['warning']);
  });

  it('twin: a tenant written with OutboundConnectors: [] says it has none, so the rejection stays an error', async () => {
    const d = await diagnose({ 'topology.yaml': hybrid('    OutboundConnectors: []\n') });
    expect(toShared(d)?.outcome).toBe('rejected');
    expect(toShared(d)?.unknownGround).toBeUndefined();
    expect(d.findings.some((f) => f.severity === 'error' && f.rule === 'flow-fails' && f.message.includes('(from contoso.onmicrosoft.com)'))).toBe(true);
  });
});
