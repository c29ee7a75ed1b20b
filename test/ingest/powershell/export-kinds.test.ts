import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnoseCase } from '../../../src/diagnose.js';
import { loadCase, type LoadedCase } from '../../../src/ingest/load-case.js';
import { decodeText } from '../../../src/ingest/text-decoding.js';
import { AT, ROOT, cliJson } from '../../helpers/run-cli.js';
import { fixture, positionOf } from '../fixture-positions.js';

/**
 * The export kinds beyond connectors, accepted domains and certificates, each from a fixture in
 * the form PowerShell 7's `ConvertTo-Json -Depth 6` gives for objects of a remote session (string
 * enums, ISO dates, arrays, PSComputerName/RunspaceId): recognised by content, placed by what
 * the object says (DistinguishedName on premises, OrganizationId in Exchange Online), mapped to
 * the model's values.
 */

const CERT = '<I>CN=Contoso Issuing CA 01, DC=corp, DC=contoso, DC=com<S>CN=mail.contoso.com, O=Contoso Ltd, L=Redmond, S=WA, C=US';

async function load(...parts: string[]): Promise<{ loaded: LoadedCase; file: string; text: string }> {
  const file = fixture('powershell', ...parts);
  const loaded = await loadCase([file]);
  return { loaded, file, text: decodeText(readFileSync(file)) };
}

/** Where the `n`-th top-level object of a PS 7 JSON array starts (two-space indented `{`). */
function objectAt(file: string, text: string, n: number): { file: string; line: number; column: number } {
  // The needle starts with the line break before the `{`.
  return { file, line: positionOf(text, '\r\n  {', n).line + 1, column: 3 };
}

function expectCleanRead(loaded: LoadedCase, records: number): void {
  expect(loaded.fatal).toBeNull();
  expect(loaded.case.inputs.map((r) => ({ kind: r.kind, records: r.records, skipped: r.skipped, diagnostics: r.diagnostics }))).toEqual([
    { kind: 'powershell-json', records, skipped: 0, diagnostics: [] },
  ]);
}

describe('Get-ReceiveConnector (on-premises)', () => {
  let r: Awaited<ReturnType<typeof load>>;
  beforeAll(async () => {
    r = await load('receiveconnector', 'get-receiveconnector.json');
  });

  it('is placed in the organization its DistinguishedName names, each connector on its server', () => {
    expectCleanRead(r.loaded, 2);
    expect(r.loaded.case.tenants).toEqual([]);
    expect(r.loaded.case.organizations.map((o) => o.Name)).toEqual(['Contoso']);
    const [frontend, relay] = r.loaded.case.organizations[0]!.ReceiveConnectors;
    expect(frontend).toMatchObject({
      Name: 'Default Frontend EX01',
      Server: 'EX01',
      Fqdn: 'ex01.corp.contoso.com',
      TlsCertificateName: CERT,
      RemoteIPRanges: ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '0.0.0.0-255.255.255.255'],
      AuthMechanism: 'Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer',
      PermissionGroups: 'AnonymousUsers, ExchangeServers, ExchangeLegacyServers',
      TransportRole: 'FrontendTransport',
      Enabled: true,
      provenance: objectAt(r.file, r.text, 1),
    });
    expect(frontend?.extra.Bindings).toEqual(['[::]:25', '0.0.0.0:25']);
    expect(frontend?.extra.TlsDomainCapabilities).toEqual(['mail.protection.outlook.com:AcceptCloudServicesMail']);
    expect(relay).toMatchObject({
      Name: 'Relay from applications',
      Server: 'EX01',
      Fqdn: 'relay.contoso.com',
      TlsCertificateName: null,
      RemoteIPRanges: ['192.0.2.25', '198.51.100.0/24', '203.0.113.10-203.0.113.20'],
      AuthMechanism: 'Tls, ExternalAuthoritative',
      PermissionGroups: 'AnonymousUsers, ExchangeServers',
      provenance: objectAt(r.file, r.text, 2),
    });
  });
});

describe('Get-RemoteDomain', () => {
  it('on premises: the organization of the DistinguishedName gets both remote domains', async () => {
    const r = await load('remotedomain', 'get-remotedomain-onprem.json');
    expectCleanRead(r.loaded, 2);
    const [org] = r.loaded.case.organizations;
    expect(org?.Name).toBe('Contoso');
    expect(org?.RemoteDomains.map(({ extra: _extra, ...d }) => d)).toEqual([
      { Name: 'Default', DomainName: '*', TargetDeliveryDomain: false, TrustedMailInboundEnabled: false, TrustedMailOutboundEnabled: false, AllowedOOFType: 'External', IsInternal: false, provenance: objectAt(r.file, r.text, 1) },
      {
        Name: 'Hybrid Domain - contoso.mail.onmicrosoft.com',
        DomainName: 'contoso.mail.onmicrosoft.com',
        TargetDeliveryDomain: true,
        TrustedMailInboundEnabled: false,
        TrustedMailOutboundEnabled: true,
        AllowedOOFType: 'InternalLegacy',
        IsInternal: false,
        provenance: objectAt(r.file, r.text, 2),
      },
    ]);
  });

  it('Exchange Online: placed in the tenant its OrganizationalUnitRoot names, kept with the tenant', async () => {
    const r = await load('remotedomain', 'get-remotedomain-exo.json');
    expectCleanRead(r.loaded, 2);
    expect(r.loaded.case.organizations).toEqual([]);
    const [tenant] = r.loaded.case.tenants;
    expect(tenant?.Name).toBe('contoso.onmicrosoft.com');
    // The model has no remote-domain list for tenants yet: the objects are kept whole, not lost.
    const kept = tenant?.extra.RemoteDomains as Record<string, unknown>[];
    expect(kept.map((d) => [d.Name, d.DomainName, d.TrustedMailInboundEnabled, d.AllowedOOFType])).toEqual([
      ['Default', '*', false, 'External'],
      ['Hybrid Domain - contoso.com', 'contoso.com', true, 'InternalLegacy'],
    ]);
  });
});

describe('Get-OrganizationConfig (Exchange Online)', () => {
  it('names the tenant from OrganizationId, a single object written without an array', async () => {
    const r = await load('organizationconfig', 'get-organizationconfig-exo.json');
    expect(r.text.startsWith('{')).toBe(true);
    expectCleanRead(r.loaded, 1);
    expect(r.loaded.case.organizations).toEqual([]);
    expect(r.loaded.case.tenants).toHaveLength(1);
    expect(r.loaded.case.tenants[0]).toMatchObject({ Name: 'contoso.onmicrosoft.com', AcceptedDomains: [], InboundConnectors: [], provenance: { file: r.file, line: 1, column: 1 } });
  });
});

describe('Get-ExchangeServer and Get-TransportService', () => {
  it('Get-ExchangeServer: names, FQDNs, roles and versions', async () => {
    const r = await load('exchangeserver', 'get-exchangeserver.json');
    expectCleanRead(r.loaded, 2);
    const servers = r.loaded.case.organizations[0]?.Servers ?? [];
    expect(r.loaded.case.organizations.map((o) => o.Name)).toEqual(['Contoso']);
    expect(servers.map((s) => [s.Name, s.Fqdn, s.Role, s.AdminDisplayVersion])).toEqual([
      ['EX01', 'ex01.corp.contoso.com', 'Mailbox', 'Version 15.2 (Build 1748.10)'],
      ['EDGE01', 'edge01.dmz.contoso.com', 'Edge', 'Version 15.2 (Build 1748.10)'],
    ]);
    expect(servers.map((s) => s.provenance)).toEqual([objectAt(r.file, r.text, 1), objectAt(r.file, r.text, 2)]);
  });

  it('Get-TransportService: server names only, in the organization of the DistinguishedName', async () => {
    const r = await load('transportservice', 'get-transportservice.json');
    expectCleanRead(r.loaded, 2);
    expect(r.loaded.case.organizations.map((o) => [o.Name, o.Servers.map((s) => [s.Name, s.Fqdn, s.AdminDisplayVersion])])).toEqual([
      ['Contoso', [['EX01', null, null], ['EX02', null, null]]],
    ]);
  });

  it('both together: a server named by both merges, Get-ExchangeServer filling what Get-TransportService leaves out', async () => {
    const loaded = await loadCase([fixture('powershell', 'transportservice'), fixture('powershell', 'exchangeserver')]);
    expect(loaded.fatal).toBeNull();
    const servers = loaded.case.organizations[0]?.Servers ?? [];
    expect(servers.map((s) => [s.Name, s.Fqdn, s.Role, s.AdminDisplayVersion]).sort()).toEqual([
      ['EDGE01', 'edge01.dmz.contoso.com', 'Edge', 'Version 15.2 (Build 1748.10)'],
      ['EX01', 'ex01.corp.contoso.com', 'Mailbox', 'Version 15.2 (Build 1748.10)'],
      ['EX02', null, 'Mailbox', null],
    ]);
  });
});

describe('Get-HybridConfiguration', () => {
  it('becomes the organization’s HybridConfiguration', async () => {
    const r = await load('hybridconfiguration', 'get-hybridconfiguration.json');
    expectCleanRead(r.loaded, 1);
    const [org] = r.loaded.case.organizations;
    expect(org?.Name).toBe('Contoso');
    expect(org?.HybridConfiguration).toEqual({
      Domains: ['contoso.com', 'fabrikam.com'],
      Features: ['FreeBusy', 'MoveMailbox', 'Mailtips', 'MessageTracking', 'OwaRedirection', 'OnlineArchive', 'SecureMail', 'Photos'],
      OnPremisesSmartHost: 'mail.contoso.com',
      ReceivingTransportServers: ['EX01', 'EX02'],
      SendingTransportServers: ['EX01', 'EX02'],
      EdgeTransportServers: [],
      TlsCertificateName: CERT,
      provenance: { file: r.file, line: 1, column: 1 },
    });
  });
});

describe('encodings', () => {
  it('UTF-16BE and UTF-8 with a byte-order mark read as the same accepted domains, at the same lines', async () => {
    const be = fixture('powershell', 'encoding', 'accepted-domains-utf16be.json');
    const bom = fixture('powershell', 'encoding', 'accepted-domains-utf8bom.json');
    expect([...readFileSync(be).subarray(0, 2)]).toEqual([0xfe, 0xff]);
    expect([...readFileSync(bom).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = decodeText(readFileSync(bom));
    expect(decodeText(readFileSync(be))).toBe(text);
    for (const file of [be, bom]) {
      const loaded = await loadCase([file]);
      expectCleanRead(loaded, 2);
      expect(loaded.case.tenants.map((t) => [t.Name, t.AcceptedDomains.map((d) => [d.DomainName, d.DomainType, d.provenance])])).toEqual([
        [
          'contoso.onmicrosoft.com',
          [
            ['contoso.com', 'Authoritative', objectAt(file, text, 1)],
            ['contoso.onmicrosoft.com', 'Authoritative', objectAt(file, text, 2)],
          ],
        ],
      ]);
    }
  });
});

describe('a folder of exports and a small topology, through the command', () => {
  const dir = join('test', 'fixtures', 'powershell', 'exchange2010-case');

  it('Exchange 2010 (from Get-ExchangeServer) with an Authoritative coexistence domain (from Get-AcceptedDomain) is an error', () => {
    expect(existsSync(join(ROOT, 'dist')), 'run npm run build first').toBe(true);
    const { json } = cliJson<{ inputs: { file: string; kind: string; diagnostics: unknown[] }[]; findings: { rule: string; severity: string; subjects: unknown[]; evidence: { source: string }[] }[] }>(
      'diagnose',
      dir,
      '--at',
      AT,
    );
    expect(json.inputs.map((i) => [i.file.split('/').pop(), i.kind, i.diagnostics])).toEqual([
      ['topology.yaml', 'topology', []],
      ['accepted-domains.json', 'powershell-json', []],
      ['servers.json', 'powershell-json', []],
    ]);
    const finding = json.findings.find((f) => f.rule === 'hybrid-routing-domain-authoritative');
    // The Authoritative domain, and the flow it makes fail with 5.1.10 (so flow-fails does not report it again).
    expect(finding).toMatchObject({
      severity: 'error',
      subjects: [
        { type: 'AcceptedDomain', name: 'contoso.mail.onmicrosoft.com', organization: 'Contoso' },
        { type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' },
      ],
    });
    const text = readFileSync(join(ROOT, dir, 'accepted-domains.json'), 'utf8');
    expect(finding?.evidence[0]?.source).toBe(`${dir}/accepted-domains.json:${positionOf(text, '"contoso.mail.onmicrosoft.com"').line - 1}`);
  });

  it('the version comes from the export: without servers.json the same case is only a warning', async () => {
    const loaded = await loadCase([join(ROOT, dir, 'topology.yaml'), join(ROOT, dir, 'accepted-domains.json')]);
    const findings = diagnoseCase(loaded.case, { at: new Date(AT) }).findings.filter((f) => f.rule === 'hybrid-routing-domain-authoritative');
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
  });
});
