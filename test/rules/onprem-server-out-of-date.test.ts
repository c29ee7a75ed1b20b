import { describe, expect, it } from 'vitest';
import { hop, headerMessage } from './evidence-kit.js';
import { exampleTopology, variant } from './rule-test-kit.js';
import { EMPTY_TOPOLOGY, ruleFindings, status, withEvidence } from './tenant-policy-kit.js';

/**
 * RULES.md `onprem-server-out-of-date` (EXO-SEMANTICS M12, [PV23], [BASE26]): a server handing mail
 * to EXO over an OnPremises connector below the baseline valid at `--at` → error, the flow deferred
 * 4.7.230 or rejected 5.7.230 by stage; warning when only the SU level is unknown (AdminDisplayVersion
 * shows CU15/CU23) or in the report-only window; evidence 4.7.230/5.7.230 and a `Received … id
 * <build>` below the baseline on the hop into EXO.
 */
const EXAMPLE = exampleTopology('onprem-server-out-of-date');
const HYBRID = exampleTopology('clean-hybrid');
const VERSION = '        AdminDisplayVersion: Version 15.2 (Build 1748.10)\n';
/** The clean hybrid without its (empty) Get-OnPremServerReportInfo: only the version speaks. */
const NO_REPORT = variant(HYBRID, '    OnPremServerReportInfo: []\n', '');
const DEC = new Date('2026-12-01T00:00:00Z');
const R230 = '550 5.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online blocked for n mins/hr.';
const withVersion = (v: string) => variant(NO_REPORT, VERSION, `        AdminDisplayVersion: ${v}\n`);

describe('onprem-server-out-of-date', () => {
  it('fires on the example at 2026-12-01: EX01 (2016 CU22) is blocked, the update path names CU23 + October 2025 SU = 15.1.2507.61', () => {
    const [f, ...rest] = ruleFindings(EXAMPLE, 'onprem-server-out-of-date', DEC);
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('error');
    expect(f!.message).toContain(R230);
    expect(f!.message).toContain('15.1.2507.61');
    expect(f!.subjects).toContainEqual({ type: 'ExchangeServer', name: 'EX01', organization: 'Contoso' });
    expect(f!.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' });
    expect(f!.fix[0]!.text).toMatch(/CU23 with the October 2025 SU \(KB5066369\), build 15\.1\.2507\.61/);
  });

  it('the patched twin (15.1.2507.61, not in the report) does not fire', () => {
    const fixed = variant(variant(EXAMPLE, 'Version 15.1 (Build 2375.7)', '15.1.2507.61'), '        Build: 15.1.2375.7\n', '        Build: 15.1.2507.61\n');
    expect(ruleFindings(fixed, 'onprem-server-out-of-date', DEC)).toEqual([]);
  });

  it('AdminDisplayVersion of 2019 CU15 (Build 1748.10): a warning asking for the SU level, the flow not failed', () => {
    const [f] = ruleFindings(NO_REPORT, 'onprem-server-out-of-date');
    expect(f!.severity).toBe('warning');
    expect(f!.message).toMatch(/15\.2\.1748\.39/);
    expect(f!.subjects).toEqual([{ type: 'ExchangeServer', name: 'EX01', organization: 'Contoso' }]);
  });

  it('the clean hybrid: Get-OnPremServerReportInfo lists no server, which settles the unknown SU ([model]): no finding', () => {
    expect(ruleFindings(HYBRID, 'onprem-server-out-of-date')).toEqual([]);
  });

  it('in the report-only window (days 0–30 after first detection): a warning', () => {
    const [f] = ruleFindings(EXAMPLE, 'onprem-server-out-of-date', new Date('2026-09-20T00:00:00Z'));
    expect(f!.severity).toBe('warning');
  });

  it('unknown version, or Exchange SE: no finding', () => {
    expect(ruleFindings(variant(NO_REPORT, VERSION, ''), 'onprem-server-out-of-date')).toEqual([]);
    expect(ruleFindings(withVersion('Version 15.2 (Build 2562.17)'), 'onprem-server-out-of-date')).toEqual([]);
  });

  it('evidence: a 4.7.230 deferral in a queue fires', () => {
    const c = withEvidence(EMPTY_TOPOLOGY, [status('450 4.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online throttled for 10 mins/hr.', '4.7.230', ['onprem-server-out-of-date'], { origin: 'queue' })]);
    const [f] = ruleFindings(c, 'onprem-server-out-of-date');
    expect(f!.severity).toBe('error');
    expect(f!.message).toMatch(/4\.7\.230/);
  });

  it('evidence: Received … id 15.2.1544.4 on the on-premises hop before Exchange Online (below the 2026 baseline) fires; 15.2.1748.39 does not', () => {
    const message = (build: string) =>
      headerMessage({
        hops: [
          hop({ by: 'ex01.corp.contoso.com', kind: 'exchange-on-premises', serverBuild: build }),
          hop({ by: 'AM6PR01MB1234.eurprd01.prod.outlook.com', kind: 'exchange-online', serverBuild: '15.20.8722.20' }),
        ],
      });
    const [f] = ruleFindings(withEvidence(EMPTY_TOPOLOGY, [], [message('15.2.1544.4')]), 'onprem-server-out-of-date');
    expect(f!.subjects).toEqual([{ type: 'ExchangeServer', name: 'ex01.corp.contoso.com' }]);
    expect(f!.message).toMatch(/15\.2\.1748\.39/);
    expect(ruleFindings(withEvidence(EMPTY_TOPOLOGY, [], [message('15.2.1748.39')]), 'onprem-server-out-of-date')).toEqual([]);
  });
});
