import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChange } from '../../src/engine/cmdlet-change.js';
import type { FlowResult } from '../../src/engine/flow-types.js';
import { simulateCase } from '../../src/engine/simulate.js';
import { loadCase } from '../../src/ingest/load-case.js';
import type { Case } from '../../src/model/case.js';
import { AT, diagnose, exampleTopology, loadTopology, variant } from '../rules/rule-test-kit.js';

/**
 * EXO-SEMANTICS M12, tenant-level policies at Exchange Online: RejectDirectSend (550 5.7.68),
 * out-of-date on-premises servers (450 4.7.230 / 550 5.7.230 by stage), blocked connectors.
 * The estates are the bundled examples and the clean hybrid with one change each.
 */

const HYBRID = exampleTopology('clean-hybrid');
const DIRECT_SEND = exampleTopology('direct-send-rejected');
const OUT_OF_DATE = exampleTopology('onprem-server-out-of-date');
const TENANT_DOMAINS = '    AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]\n';
const HCW_CONNECTOR = 'Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
const VERSION = '        AdminDisplayVersion: Version 15.2 (Build 1748.10)\n';
/** The clean hybrid without its (empty) Get-OnPremServerReportInfo: only the version speaks. */
const NO_REPORT = variant(HYBRID, '    OnPremServerReportInfo: []\n', '');
// NDR-CATALOG / M12 texts.
const R5768 = '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources';
const D230 = '450 4.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online throttled for n mins/hr.';
const R230 = '550 5.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online blocked for n mins/hr.';

function toCloud(c: Case | string, at: Date = AT): FlowResult {
  const theCase = typeof c === 'string' ? loadTopology(c) : c;
  const f = simulateCase(theCase, { at }).flows.find((x) => x.origin === 'Contoso' && x.to === 'bob@contoso.com');
  if (!f) throw new Error('no on-premises → cloud flow');
  return f;
}

const withVersion = (yaml: string, version: string) => variant(yaml === HYBRID ? NO_REPORT : yaml, VERSION, `        AdminDisplayVersion: ${version}\n`);

describe('RejectDirectSend (M12, [SOC][RDS])', () => {
  it('an expired hybrid certificate makes on-premises mail anonymous, and RejectDirectSend rejects it with 550 5.7.68, naming why no connector matched', () => {
    const f = toCloud(DIRECT_SEND);
    expect(f.outcome).toBe('rejected');
    expect(f.response).toBe(R5768);
    expect(f.tenants).toEqual([]);
    const decisions = f.hops[0]!.decisions.join(' ');
    expect(decisions).toMatch(/RejectDirectSend is on in contoso\.onmicrosoft\.com/);
    expect(decisions).toMatch(/expired on 2026-06-30/);
    expect(decisions).toContain(HCW_CONNECTOR);
  });

  it('without RejectDirectSend the same message is delivered as anonymous internet mail (M3 step 3)', () => {
    const f = toCloud(variant(DIRECT_SEND, '    RejectDirectSend: true\n', ''));
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.attribution.direction).toBe('inbound');
  });

  it('with a valid certificate the OnPremises connector matches and RejectDirectSend does not apply', () => {
    const f = toCloud(variant(HYBRID, TENANT_DOMAINS, `${TENANT_DOMAINS}    RejectDirectSend: true\n`));
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.attribution.step).toBe('certificate');
  });

  it('only the P1 domain counts: internet mail from a domain the tenant does not accept is delivered', () => {
    const yaml = `${DIRECT_SEND}\nflows:\n  - { From: carol@fabrikam.com, To: bob@contoso.com, Origin: null }\n`;
    const f = simulateCase(loadTopology(yaml), { at: AT }).flows.find((x) => x.from === 'carol@fabrikam.com')!;
    expect(f.outcome).toBe('delivered');
  });

  it('Set-OrganizationConfig -RejectDirectSend $false (what-if) lets the message through again', () => {
    const changed = applyChange(loadTopology(DIRECT_SEND), 'Set-OrganizationConfig -RejectDirectSend $false').case;
    expect(toCloud(changed).outcome).toBe('delivered');
  });

  it('a Get-OrganizationConfig export with RejectDirectSend True reaches the tenant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-rds-'));
    writeFileSync(join(dir, 'topology.yaml'), variant(DIRECT_SEND, '    RejectDirectSend: true\n', ''));
    writeFileSync(
      join(dir, 'organization-config.json'),
      JSON.stringify({ Name: 'contoso.onmicrosoft.com', OrganizationId: 'NAMPR04A006.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/contoso.onmicrosoft.com - x', IsDehydrated: false, OAuth2ClientProfileEnabled: true, RejectDirectSend: true }),
    );
    const loaded = await loadCase([dir]);
    expect(loaded.fatal).toBeNull();
    expect(loaded.case.tenants[0]!.extra.RejectDirectSend).toBe(true);
    expect(toCloud(loaded.case).response).toBe(R5768);
  });
});

describe('out-of-date on-premises servers (M12, [PV23][BASE26])', () => {
  it('Exchange 2016 CU22 with Get-OnPremServerReportInfo blocking from 2026-11-17: rejected 550 5.7.230 at 2026-12-01', () => {
    const f = toCloud(OUT_OF_DATE, new Date('2026-12-01T00:00:00Z'));
    expect(f.outcome).toBe('rejected');
    expect(f.response).toBe(R230);
  });

  it('between ThrottleEnabledDate and BlockingEnabledDate: deferred 450 4.7.230, queued on the server (default 2 days)', () => {
    const f = toCloud(OUT_OF_DATE, new Date('2026-11-01T00:00:00Z'));
    expect(f.outcome).toBe('deferred');
    expect(f.response).toBe(D230);
    expect(f.finalResponse).toBe('550 4.4.7 QUEUE.Expired; message expired');
    expect(f.expiresAfter).toBe('2d');
  });

  it('after first detection, before throttling: report-only, delivered', () => {
    const f = toCloud(OUT_OF_DATE, new Date('2026-09-20T00:00:00Z'));
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.decisions.join(' ')).toMatch(/report-only/);
  });

  it('without the report, a build below the 2026 baseline is throttled by the [model] default, with an assumption', () => {
    const yaml = withVersion(HYBRID, 'Version 15.2 (Build 1544.4)');
    const f = toCloud(yaml, new Date('2026-12-01T00:00:00Z'));
    expect(f.outcome).toBe('deferred');
    expect(f.response).toBe(D230);
    expect(f.assumptions.join(' ')).toMatch(/Get-OnPremServerReportInfo/);
  });

  it('within 30 days of the 2026 baseline (2026-09-07) a 2019 CU14 server can only be reported', () => {
    expect(toCloud(withVersion(HYBRID, 'Version 15.2 (Build 1544.4)'), new Date('2026-09-20T00:00:00Z')).outcome).toBe('delivered');
  });

  it('before the 2026 baseline, 2019 CU14 (15.2.1544.4) meets the older "significantly behind" baseline (below CU14)', () => {
    expect(toCloud(withVersion(HYBRID, 'Version 15.2 (Build 1544.4)'), new Date('2026-08-01T00:00:00Z')).outcome).toBe('delivered');
  });

  it('2016 CU22 was already below the 2024 baseline (CU23): in September 2026 it is past report-only', () => {
    expect(toCloud(withVersion(HYBRID, 'Version 15.1 (Build 2375.7)'), new Date('2026-09-20T00:00:00Z')).outcome).toBe('deferred');
  });

  it('Exchange 2010 and 2013 are blocked at any build: rejected 550 5.7.230', () => {
    expect(toCloud(withVersion(HYBRID, 'Version 14.3 (Build 123.4)')).response).toBe(R230);
    expect(toCloud(withVersion(HYBRID, 'Version 15.0 (Build 1497.2)')).response).toBe(R230);
  });

  it('AdminDisplayVersion of 2019 CU15 (1748.10) leaves the SU unknown: delivered, with an assumption naming 15.2.1748.39', () => {
    const f = toCloud(NO_REPORT);
    expect(f.outcome).toBe('delivered');
    expect(f.assumptions.join(' ')).toMatch(/15\.2\.1748\.39/);
    // [model]: a Get-OnPremServerReportInfo that does not list the server settles it.
    expect(toCloud(HYBRID).assumptions.join(' ')).not.toMatch(/has the security update/);
  });

  it('the exact build 15.2.1748.39 and Exchange SE pass', () => {
    expect(toCloud(withVersion(HYBRID, '15.2.1748.39')).outcome).toBe('delivered');
    expect(toCloud(withVersion(HYBRID, 'Version 15.2 (Build 2562.17)')).outcome).toBe('delivered');
  });

  it('an unknown version is not judged: delivered, with an assumption saying what to supply', () => {
    const f = toCloud(variant(NO_REPORT, VERSION, ''));
    expect(f.outcome).toBe('delivered');
    expect(f.assumptions.join(' ')).toMatch(/version of EX01 is not in the case/);
  });

  it('mail over a Partner connector is not enforced "for now"', () => {
    const yaml = variant(withVersion(HYBRID, 'Version 14.3 (Build 123.4)'), '        ConnectorType: OnPremises\n        Enabled: true\n        TlsSenderCertificateName', '        ConnectorType: Partner\n        Enabled: true\n        TlsSenderCertificateName');
    const f = toCloud(yaml);
    expect(f.response).not.toBe(R230);
  });
});

describe('blocked connectors (M12, [GBC])', () => {
  const blocked = variant(HYBRID, TENANT_DOMAINS, `${TENANT_DOMAINS}    BlockedConnectors: ["${HCW_CONNECTOR}"]\n`);

  it('a flow through a connector Get-BlockedConnector lists is rejected', () => {
    const f = toCloud(blocked);
    expect(f.outcome).toBe('rejected');
    expect(f.response).toMatch(/^550 5\.7\.711 /);
    expect(f.conclusion).toMatch(/connector blocked/);
  });

  it('by ConnectorId against the connector Guid; Remove-BlockedConnector -ConnectorId unblocks it (what-if)', () => {
    const guid = '159eb7c4-75d7-43e2-95fe-ced44b3e0a56';
    const yaml = variant(
      variant(HYBRID, TENANT_DOMAINS, `${TENANT_DOMAINS}    BlockedConnectors:\n      - { ConnectorId: ${guid}, Reason: Suspicious connector activity }\n`),
      `      - Name: ${HCW_CONNECTOR}\n`,
      `      - Name: ${HCW_CONNECTOR}\n        Guid: ${guid}\n`,
    );
    expect(toCloud(yaml).outcome).toBe('rejected');
    const after = applyChange(loadTopology(yaml), `Remove-BlockedConnector -ConnectorId ${guid}`);
    expect(after.description).toMatch(/unblocked/);
    expect(toCloud(after.case).outcome).toBe('delivered');
  });

  it('an entry whose ExpirationTime has passed blocks nothing', () => {
    const yaml = variant(HYBRID, TENANT_DOMAINS, `${TENANT_DOMAINS}    BlockedConnectors:\n      - { ConnectorName: "${HCW_CONNECTOR}", ExpirationTime: "2026-01-01T00:00:00Z" }\n`);
    expect(toCloud(yaml).outcome).toBe('delivered');
  });

  it('the clean hybrid has no tenant policy in the way', () => {
    expect(diagnose(HYBRID).simulation.flows.every((f) => f.outcome === 'delivered')).toBe(true);
  });
});

describe('Get-BlockedConnector and Get-OnPremServerReportInfo exports (M12)', () => {
  it('are recognised by their properties, placed by sources:, and reach the tenant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-m12-'));
    const guid = '159eb7c4-75d7-43e2-95fe-ced44b3e0a56';
    const topology = variant(withVersion(HYBRID, 'Version 15.1 (Build 2375.7)'), `      - Name: ${HCW_CONNECTOR}\n`, `      - Name: ${HCW_CONNECTOR}\n        Guid: ${guid}\n`);
    writeFileSync(join(dir, 'topology.yaml'), `${topology}\nsources:\n  blocked-connectors.json: contoso.onmicrosoft.com\n  onprem-server-report.json: contoso.onmicrosoft.com\n`);
    writeFileSync(join(dir, 'blocked-connectors.json'), JSON.stringify([{ ConnectorId: guid, ConnectorName: HCW_CONNECTOR, Reason: 'Suspicious connector activity', CreatedTime: '2026-11-20T08:00:00Z', ExpirationTime: null }]));
    writeFileSync(
      join(dir, 'onprem-server-report.json'),
      JSON.stringify([{ ServerFQDN: 'ex01.corp.contoso.com', Build: '15.1.2375.7', FirstDetectedDate: '2026-09-08T00:00:00Z', ThrottleEnabledDate: '2026-10-08T00:00:00Z', BlockingEnabledDate: '2026-11-17T00:00:00Z', RecommendedBuildVersions: '15.1.2507.61' }]),
    );
    const loaded = await loadCase([dir]);
    expect(loaded.fatal).toBeNull();
    expect(loaded.case.inputs.flatMap((i) => i.diagnostics).filter((d) => d.severity === 'error')).toEqual([]);
    const tenant = loaded.case.tenants[0]!;
    expect(tenant.extra.BlockedConnectors).toHaveLength(1);
    expect(tenant.extra.OnPremServerReportInfo).toHaveLength(1);
    // The blocked connector is checked first (M3 order of checks at EOP).
    expect(toCloud(loaded.case, new Date('2026-11-22T00:00:00Z')).response).toMatch(/^550 5\.7\.711 /);
    const unblocked = applyChange(loaded.case, `Remove-BlockedConnector -ConnectorId ${guid}`).case;
    expect(toCloud(unblocked, new Date('2026-11-01T00:00:00Z')).response).toBe(D230);
  });
});

