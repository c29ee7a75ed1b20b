import { describe, expect, it } from 'vitest';
import { givenProperties } from '../../../src/model/given-properties.js';
import { CaseMerger } from '../../../src/ingest/merge-case.js';
import { ExportCollector } from '../../../src/ingest/powershell/load-exports.js';
import { emptyHints } from '../../../src/ingest/powershell/placement.js';
import { mapExportFile, readExportFile, statedNames, type ExportFileRead } from '../../../src/ingest/powershell/read-export.js';
import { readTopology, type TopologyReadResult } from '../../../src/ingest/topology/read-topology.js';
import { emptyCase, type Case } from '../../../src/model/case.js';

/**
 * ExportCollector merges the leading exports whose objects place themselves among themselves as
 * they are read, and adds that to the case after the topology files. CONTRACT.md's merge ("the
 * object read first keeps every value it was given; a later one only fills what it left out"; a
 * value written in the topology file wins) must come out as if every export file had been merged
 * one by one after the topologies, in file order, each placed with every name the case knows.
 */

const ROOT = '/case';
const POD = 'EURPR01A001.PROD.OUTLOOK.COM';

function inbound(tenant: string | null, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Name: name,
    Identity: name,
    ...(tenant === null
      ? {}
      : {
          OrganizationalUnitRoot: tenant,
          DistinguishedName: `CN=${name},CN=Transport Settings,CN=Configuration,CN=${tenant},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`,
        }),
    ConnectorType: 'OnPremises',
    Enabled: true,
    SenderIPAddresses: [],
    SenderDomains: ['smtp:*;1'],
    RestrictDomainsToIPAddresses: false,
    ...extra,
  };
}

function domain(tenant: string, name: string): Record<string, unknown> {
  return { Name: name, DomainName: name, DomainType: 'Authoritative', Default: false, OrganizationalUnitRoot: tenant, OrganizationId: `${POD}/Microsoft Exchange Hosted Organizations/${tenant} - ${POD}/ConfigurationUnits/${tenant}/Configuration` };
}

const A = 'a.onmicrosoft.com';
const B = 'b.onmicrosoft.com';

/** Files in walk order: leading self-placing files, one that waits for a folder name, and more after it. */
const FILES: [string, unknown[]][] = [
  [`${ROOT}/tenants/${A}/inbound.json`, [inbound(A, 'From gateway', { RequireTls: true, TlsSenderCertificateName: 'mx.a.example' })]],
  // The same connector again: fills only what the first left out.
  [`${ROOT}/tenants/${A}/inbound-2.json`, [inbound(A, 'From gateway', { RequireTls: false, EFSkipLastIP: true }), inbound(A, 'From partner', { SenderIPAddresses: ['203.0.113.7'] })]],
  [`${ROOT}/tenants/${A}/domains.json`, [domain(A, 'a.example'), domain(A, 'a.onmicrosoft.com')]],
  // Placed by its folder, named after tenant B, which a later file introduces.
  [`${ROOT}/tenants/${B}/aa-inbound.json`, [inbound(null, 'From gateway', { RequireTls: true, Comment: 'waits' })]],
  [`${ROOT}/tenants/${B}/domains.json`, [domain(B, 'b.example')]],
  [`${ROOT}/tenants/${B}/inbound.json`, [inbound(B, 'From gateway', { RequireTls: false, TlsSenderCertificateName: 'mx.b.example' })]],
  [`${ROOT}/tenants/${A}/zz-inbound.json`, [inbound(A, 'From partner', { RestrictDomainsToCertificate: true })]],
];

const TOPOLOGY = `kind: mailflow-topology
version: 1
tenants:
  - Name: ${A}
    InboundConnectors:
      - Name: From gateway
        Enabled: false
`;

function reads(files: [string, unknown[]][]): ExportFileRead[] {
  return files.map(([file, objects]) => readExportFile(JSON.stringify(objects, null, 2), file, 'powershell-json'));
}

function topology(): TopologyReadResult {
  return readTopology(TOPOLOGY, `${ROOT}/topology.yaml`, ROOT);
}

/** The reference: each file mapped with every name the case knows, and merged after the topology, one by one. */
function mergedOneByOne(files: [string, unknown[]][]): Case {
  const c = emptyCase();
  const merger = new CaseMerger(c);
  const t = topology();
  merger.add(t.case);
  const all = reads(files);
  const hints = emptyHints();
  for (const tenant of t.case.tenants) hints.tenants.add(tenant.Name.toLowerCase());
  hints.sources.push(...t.sources);
  const stated = statedNames(all);
  for (const name of stated.tenants) hints.tenants.add(name.toLowerCase());
  for (const name of stated.organizations) hints.organizations.add(name);
  for (const read of all) {
    const mapped = mapExportFile(read, hints);
    mapped.fragment.inputs = [read.report];
    merger.add(mapped.fragment);
  }
  merger.finish();
  return c;
}

function collected(files: [string, unknown[]][]): { c: Case; usable: number } {
  const c = emptyCase();
  const merger = new CaseMerger(c);
  const t = topology();
  merger.add(t.case);
  const collector = new ExportCollector();
  for (const read of reads(files)) collector.add(read);
  const usable = collector.finish([t], merger);
  merger.finish();
  return { c, usable };
}

function givenOf(c: Case): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of c.tenants) {
    out[t.Name] = [...(givenProperties(t) ?? [])].sort();
    for (const x of t.InboundConnectors) out[`${t.Name}/${x.Name}`] = [...(givenProperties(x) ?? [])].sort();
  }
  return out;
}

describe('ExportCollector (CONTRACT merge order)', () => {
  it('gives the case that merging every export after the topology, file by file, gives', () => {
    const expected = mergedOneByOne(FILES);
    const { c, usable } = collected(FILES);
    expect(c).toEqual(expected);
    expect(givenOf(c)).toEqual(givenOf(expected));
    expect(usable).toBe(FILES.length);
    // The checks above are not vacuous: the topology's value won, later files filled gaps, the
    // waiting file found its tenant by folder name, and every file kept its report in order.
    const a = c.tenants.find((t) => t.Name === A)!;
    const gateway = a.InboundConnectors.find((x) => x.Name === 'From gateway')!;
    expect(gateway.Enabled).toBe(false);
    expect(gateway.RequireTls).toBe(true);
    expect(gateway.TlsSenderCertificateName).toBe('mx.a.example');
    expect(a.InboundConnectors.map((x) => x.Name)).toEqual(['From gateway', 'From partner']);
    const b = c.tenants.find((t) => t.Name === B)!;
    expect(b.InboundConnectors.find((x) => x.Name === 'From gateway')?.RequireTls).toBe(true);
    expect(c.inputs.map((r) => r.file)).toEqual([`${ROOT}/topology.yaml`, ...FILES.map(([f]) => f)]);
  });

  it('merges the same way when every file places itself (all merged as they come)', () => {
    const placed = FILES.filter(([f]) => !f.endsWith('aa-inbound.json'));
    expect(collected(placed).c).toEqual(mergedOneByOne(placed));
  });

  it('merges the same way when the first file waits (none merged early)', () => {
    const first = FILES.find(([f]) => f.endsWith('aa-inbound.json'))!;
    const order: [string, unknown[]][] = [first, ...FILES.filter((f) => f !== first)];
    expect(collected(order).c).toEqual(mergedOneByOne(order));
  });
});
