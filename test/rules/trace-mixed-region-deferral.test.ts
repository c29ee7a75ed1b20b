import { describe, expect, it } from 'vitest';
import { exampleTopology, ruleSeverity } from './rule-test-kit.js';
import { statusFindings, statusGroup } from './status-kit.js';

const RULE = 'trace-mixed-region-deferral';
const HYBRID = exampleTopology('exo-onprem-subject-mismatch');
const SEND = 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';

describe('trace-mixed-region-deferral', () => {
  it('is info in the catalog (RULES.md v2)', () => {
    expect(ruleSeverity(RULE)).toBe('info');
  });

  it('[BENTO]: 452 4.5.3 … ATTR38 on a send connector of the case: benign when retried, names the connector to check', () => {
    const g = statusGroup('452 4.5.3 Too many recipients ATTR38', { origin: 'protocol-log', connector: SEND, count: 3, first: '2026-11-20T09:00:00Z', last: '2026-11-20T09:30:00Z' });
    const [f, ...rest] = statusFindings(HYBRID, { statuses: [g] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.subjects).toEqual([{ type: 'SendConnector', name: SEND }]);
    expect(f!.message).toContain('3 protocol log entries between 2026-11-20T09:00:00Z and 2026-11-20T09:30:00Z');
    expect(f!.message).toContain('different regions');
    expect(f!.fix[0]).toMatchObject({ command: `Get-SendConnector -Identity '${SEND}' | Format-List Name,AddressSpaces,SmartHosts,DNSRoutingEnabled`, where: 'Exchange Management Shell' });
  });

  it("is silent for 4.5.3 without ATTR38 (Exchange Online's documented \"Too many recipients\")", () => {
    expect(() => statusGroup('452 4.5.3 Too many recipients', { origin: 'protocol-log', connector: SEND, rule: RULE })).toThrow();
    expect(statusFindings(HYBRID, { statuses: [statusGroup('452 4.5.3 Too many recipients', { origin: 'protocol-log', connector: SEND })] }, RULE)).toEqual([]);
  });
});
