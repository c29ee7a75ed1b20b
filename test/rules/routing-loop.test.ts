import { describe, expect, it } from 'vitest';
import { commands, diagnose, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';
import { evidenceFindings, traceRow } from './evidence-kit.js';

const RULE = 'routing-loop';
/** NDR-CATALOG: the loop NDR Exchange Online generates (M5.2, [LOOPNDR]). */
const ATTR34 = '554 5.4.14 Hop count exceeded - possible mail loop ATTR34';
const LOOP_EXAMPLE = exampleTopology('routing-loop');
/** The same estate as the wizard leaves it: the hybrid connector names the on-premises server. */
const FIXED = variant(variant(LOOP_EXAMPLE, 'SmartHosts: []', 'SmartHosts: [mail.contoso.com]'), 'UseMXRecord: true', 'UseMXRecord: false');

describe('routing-loop', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M5.2: the hybrid outbound connector routes by MX while the MX points to Exchange Online → looped, 554 5.4.14 ATTR34', () => {
    const flow = diagnose(LOOP_EXAMPLE).simulation.flows.find((f) => f.to === 'bob@contoso.com')!;
    expect(flow.outcome).toBe('looped');
    expect(flow.response).toBe(ATTR34);
    expect(flow.hops.length).toBe(20);
    const f = onlyFinding(LOOP_EXAMPLE, RULE);
    expect(f.subjects).toEqual([{ type: 'Flow', name: 'dave@tailspintoys.com → bob@contoso.com' }]);
    expect(f.message).toContain('Exchange Online (contoso.onmicrosoft.com)');
    expect(f.message).toContain('"Outbound to 8d7c6b5a-4f3e-2d1c-0b9a-887766554433"');
    expect(f.message).toContain('routes contoso.com by MX');
    expect(commands(f)).toEqual(['Set-OutboundConnector -Identity \'Outbound to 8d7c6b5a-4f3e-2d1c-0b9a-887766554433\' -UseMXRecord $false -SmartHosts mail.contoso.com']);
    // The loop is explained, so flow-fails stays silent for it.
    expect(findingsOf(LOOP_EXAMPLE, 'flow-fails').filter((x) => x.subjects[0]!.name === 'dave@tailspintoys.com → bob@contoso.com')).toEqual([]);
  });

  it('is silent once the connector names the on-premises server as smart host (the fixed twin)', () => {
    expect(findingsOf(FIXED, RULE)).toEqual([]);
    const flow = diagnose(FIXED).simulation.flows.find((f) => f.to === 'bob@contoso.com')!;
    expect(flow.outcome).not.toBe('looped');
  });

  it('evidence: a trace row failed with 5.4.14 ATTR34 (NDR-CATALOG) fires; another failure does not', () => {
    const looped = traceRow({ sender: 'dave@tailspintoys.com', recipient: 'bob@contoso.com', status: 'Failed', response: { command: null, code: 554, enhanced: '5.4.14', text: 'Hop count exceeded - possible mail loop ATTR34 [AM4PEPF00027A6C.eurprd04.prod.protection.outlook.com]' } });
    const found = evidenceFindings(null, { traces: [looped] }, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('Hop count exceeded');
    expect(found[0]!.subjects).toEqual([{ type: 'Recipient', name: 'bob@contoso.com' }]);
    const other = traceRow({ sender: 'dave@tailspintoys.com', recipient: 'bob@contoso.com', status: 'Failed', response: { command: null, code: 550, enhanced: '5.1.10', text: 'RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup' } });
    expect(evidenceFindings(null, { traces: [other] }, RULE)).toEqual([]);
  });

  it('evidence: the Exchange Server loop NDR 554 5.4.6 fires too', () => {
    const looped = traceRow({ sender: 'app@contoso.com', recipient: 'svc@apps.contoso.com', status: 'Failed', response: { command: null, code: 554, enhanced: '5.4.6', text: 'Hop count exceeded - possible mail loop' } });
    expect(evidenceFindings(null, { traces: [looped] }, RULE)).toHaveLength(1);
  });
});
