import { describe, expect, it } from 'vitest';
import { caseDirs } from '../../helpers/case-dir.js';
import { loadCase } from '../../../src/ingest/load-case.js';
import { detectFormattedText } from '../../../src/ingest/powershell/read-format-list.js';
import { readCsvExport } from '../../../src/ingest/powershell/read-csv-export.js';
import { readJsonExport } from '../../../src/ingest/powershell/read-json-export.js';
import { convertLiveValues } from '../../../src/ingest/powershell/ps-values.js';
import { ForwardPositions, LineIndex, topLevelStarts } from '../../../src/ingest/powershell/text-positions.js';

const caseDir = caseDirs('mfd-ps-');

const TENANT = 'contoso.onmicrosoft.com';
const inbound = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Name: 'From on-premises',
  Identity: 'From on-premises',
  ConnectorType: 'OnPremises',
  Enabled: true,
  TlsSenderCertificateName: 'smtp.contoso.com',
  SenderIPAddresses: ['203.0.113.10'],
  SenderDomains: ['smtp:*;1'],
  RequireTls: true,
  RestrictDomainsToCertificate: false,
  RestrictDomainsToIPAddresses: false,
  CloudServicesMailEnabled: true,
  ...extra,
});

describe('ConvertTo-Json reader', () => {
  it('undoes 5.1 wrappers and dates, and gives each object its line', () => {
    const text = '[\r\n    {\r\n        "Name":  "a",\r\n        "WhenChanged":  "\\/Date(1720919582928)\\/",\r\n        "List":  { "value": [1, 2], "Count": 2 },\r\n        "When":  { "value": "\\/Date(0)\\/", "DisplayHint": 2, "DateTime": "Thursday, January 1, 1970" }\r\n    },\r\n    {\r\n        "Name":  "b"\r\n    }\r\n]';
    const r = readJsonExport(text, 'x.json');
    expect(r.records.map((x) => x.provenance.line)).toEqual([2, 8]);
    expect(r.records[0]?.shape).toBe('json-ps51');
    expect(r.records[0]?.properties).toEqual({ Name: 'a', WhenChanged: '2024-07-14T01:13:02.928Z', List: [1, 2], When: '1970-01-01T00:00:00.000Z' });
  });

  it('reports invalid JSON with line and column', () => {
    const r = readJsonExport('[\n  {"Name": "a",\n  }\n]', 'bad.json');
    expect(r.records).toEqual([]);
    expect(r.diagnostics[0]?.location).toMatch(/^bad\.json:3:\d+$/);
  });
});

describe('Export-Csv reader', () => {
  it('reads the #TYPE line and names flattened lists as lost', () => {
    const text = '#TYPE Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantInboundConnector\r\n"Name","SenderIPAddresses","Enabled"\r\n"a","Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.IPRange]","True"\r\n';
    const r = readCsvExport(text, 'x.csv');
    expect(r.records[0]?.typeNames[0]).toMatch(/TenantInboundConnector$/);
    expect(r.records[0]?.lost).toEqual(['SenderIPAddresses']);
    expect(r.records[0]?.properties).toEqual({ Name: 'a', Enabled: 'True' });
    expect(r.records[0]?.provenance.line).toBe(3);
  });
});

describe('Format-List text', () => {
  it('is recognised and answered with the command to run', async () => {
    const text = ['', 'Name                         : From on-premises', 'ConnectorType                : OnPremises', 'SenderDomains                : {smtp:*;1}', 'SenderIPAddresses            : {203.0.113.10, 203.0.113.11, 203.0.113.12...}', 'TlsSenderCertificateName     : smtp.contoso.com', 'RestrictDomainsToCertificate : False', ''].join('\r\n');
    expect(detectFormattedText(text)?.style).toBe('Format-List');
    const loaded = await loadCase([caseDir({ 'inbound.txt': text })]);
    expect(loaded.fatal).not.toBeNull();
    const d = loaded.case.inputs[0]?.diagnostics[0];
    expect(d?.message).toContain('Get-InboundConnector | ConvertTo-Json -Depth 6');
  });
});

describe('placement and merging', () => {
  it('places by OrganizationalUnitRoot, and the topology value wins over the export', async () => {
    const dir = caseDir({
      'topology.yaml': `kind: mailflow-topology\nversion: 1\ntenants:\n  - Name: ${TENANT}\n    InboundConnectors:\n      - Name: From on-premises\n        RequireTls: false\n`,
      'inbound.json': JSON.stringify([inbound({ OrganizationalUnitRoot: TENANT })]),
    });
    const loaded = await loadCase([dir]);
    const c = loaded.case.tenants[0]?.InboundConnectors[0];
    expect(c?.RequireTls).toBe(false);
    expect(c?.ConnectorType).toBe('OnPremises');
    expect(c?.SenderIPAddresses).toEqual(['203.0.113.10']);
  });

  it('keeps settings it does not model in extra, but not the directory bookkeeping every object carries', async () => {
    const dir = caseDir({
      'inbound.json': JSON.stringify([
        inbound({ OrganizationalUnitRoot: TENANT, Guid: '418d3831-9a1a-4c6e-aa28-aadfbb20e280', WhenChanged: '2023-01-12T07:21:00+02:00', RunspaceId: 'x', Comment: 'HCW', TreatMessagesAsInternal: false }),
      ]),
    });
    const c = (await loadCase([dir])).case.tenants[0]?.InboundConnectors[0];
    // Set-InboundConnector takes -Comment and -TreatMessagesAsInternal, so what-if needs them; nothing sets Guid or Identity.
    expect(c?.extra).toEqual({ Comment: 'HCW', TreatMessagesAsInternal: false });
  });

  it('places by a folder named after a tenant, or by sources:, and reports what it cannot place', async () => {
    const topology = `kind: mailflow-topology\nversion: 1\ntenants:\n  - Name: ${TENANT}\nsources:\n  mapped: fabrikam.onmicrosoft.com\n`;
    const dir = caseDir({
      'topology.yaml': topology,
      [`${TENANT}/inbound.json`]: JSON.stringify(inbound()),
      'mapped/inbound.json': JSON.stringify(inbound()),
      'loose/inbound.json': JSON.stringify(inbound()),
    });
    const loaded = await loadCase([dir]);
    expect(loaded.case.tenants.map((t) => [t.Name, t.InboundConnectors.length])).toEqual([
      [TENANT, 1],
      ['fabrikam.onmicrosoft.com', 1],
    ]);
    const loose = loaded.case.inputs.find((r) => r.file.includes('loose'));
    expect(loose?.skipped).toBe(1);
    expect(loose?.diagnostics[0]?.message).toMatch(/cannot tell which tenant/);
  });

  it('places certificates by Identity and on-premises objects by DistinguishedName', async () => {
    const dn = 'CN=Outbound,CN=Connections,CN=Exchange Routing Group (DWBGZMFD01QNBJR),CN=Routing Groups,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=local';
    const dir = caseDir({
      'send.json': JSON.stringify({ Name: 'Outbound', DistinguishedName: dn, AddressSpaces: 'SMTP:*;1', DNSRoutingEnabled: true, SourceTransportServers: { Name: 'EX01', DistinguishedName: 'CN=EX01' } }),
      'certs.json': JSON.stringify({ Identity: 'ex01.contoso.local\\AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12', Thumbprint: 'AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12', Subject: 'CN=smtp.contoso.com', Services: 24, NotAfter: '\\/Date(1735689600000)\\/' }),
    });
    const loaded = await loadCase([dir]);
    expect(loaded.fatal).toBeNull();
    const org = loaded.case.organizations[0];
    expect(org?.Name).toBe('Contoso');
    expect(org?.SendConnectors[0]?.SourceTransportServers).toEqual(['EX01']);
    expect(org?.SendConnectors[0]?.AddressSpaces[0]?.Domain).toBe('*');
    const cert = loaded.case.certificates[0];
    expect(cert?.Server).toBe('ex01.contoso.local');
    expect(cert?.Services).toBe('IIS, SMTP');
  });

  it('reports an object of no known kind with its position, and reads the rest', async () => {
    const dir = caseDir({ 'mixed.json': JSON.stringify([inbound({ OrganizationalUnitRoot: TENANT }), { Name: 'x', Identity: 'x', Colour: 'blue' }], null, 2) });
    const loaded = await loadCase([dir]);
    expect(loaded.fatal).toBeNull();
    const r = loaded.case.inputs[0];
    expect(r?.records).toBe(2);
    expect(r?.skipped).toBe(1);
    expect(r?.diagnostics[0]?.location).toMatch(/mixed\.json:\d+:\d+$/);
    expect(r?.diagnostics[0]?.message).toMatch(/no known kind/);
  });
});

describe('live objects: enums as numbers', () => {
  it("reads numbers by each enum's declaration in Exchange, per object kind where one name means two enums", () => {
    // TenantConnectorType declares OnPremises = 1, Partner = 2.
    expect(convertLiveValues({ ConnectorType: 1 }, 'InboundConnector').ConnectorType).toBe('OnPremises');
    expect(convertLiveValues({ ConnectorType: 2 }, 'OutboundConnector').ConnectorType).toBe('Partner');
    // A receive connector's AuthMechanisms has Tls = 1 and ExchangeServer = 16; a send connector's has ExchangeServer = 8.
    expect(convertLiveValues({ AuthMechanism: 17 }, 'ReceiveConnector').AuthMechanism).toBe('Tls, ExchangeServer');
    expect(convertLiveValues({ AuthMechanism: 8 }, 'SendConnector').AuthMechanism).toBe('ExchangeServer');
    expect(convertLiveValues({ DomainType: 2, Scope: 2, Services: 24 }, 'AcceptedDomain')).toEqual({ DomainType: 'InternalRelay', Scope: 'Global', Services: 'IIS, SMTP' });
    expect(convertLiveValues({ ServerRole: 16390 }, 'ExchangeServer').ServerRole).toBe('Mailbox, ClientAccess, FrontendTransport');
  });
});

describe('positions of export objects', () => {
  it('counts lines forward as LineIndex does, and starts again for an earlier offset', () => {
    const text = '[\r\n  {"a": 1},\n\n  {"b": "x\\ny"},\r\n  {"c": [1,\n 2]}\n]';
    const index = new LineIndex(text);
    const forward = new ForwardPositions(text);
    const offsets = [0, 3, 5, 14, 17, 30, 31, 45, text.length - 1];
    for (const o of offsets) expect(forward.position(o), `offset ${o}`).toEqual(index.position(o));
    expect(forward.position(5)).toEqual(index.position(5));
    expect(topLevelStarts(text).map((o) => index.position(o))).toEqual([
      { line: 2, column: 3 },
      { line: 4, column: 3 },
      { line: 5, column: 3 },
    ]);
  });
});
