import { describe, expect, it } from 'vitest';
import { exampleTopology, ruleSeverity } from './rule-test-kit.js';
import { statusFindings, statusGroup } from './status-kit.js';

const RULE = 'trace-allow-list-relay-block';
const HYBRID = exampleTopology('exo-onprem-subject-mismatch');
// NDR-CATALOG "Tenant and IP policies" [S28]: the exact text.
const BLOCKED = '550 5.7.1 Unable to Relay: Blocked by Customer Allow list';

describe('trace-allow-list-relay-block', () => {
  it('is an error in the catalog (RULES.md v2)', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('[S28]: names the sending address and says to take it off the IP Allow List', () => {
    const g = statusGroup(BLOCKED, { origin: 'ndr', sender: 'app@contoso.com', recipient: 'x@fabrikam.com', clientIp: '203.0.113.10' });
    const [f, ...rest] = statusFindings(HYBRID, { statuses: [g] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('error');
    expect(f!.subjects).toEqual([{ type: 'Host', name: '203.0.113.10' }]);
    expect(f!.message).toContain('for mail from 203.0.113.10');
    expect(f!.message).toContain('IP Allow List');
    expect(f!.evidence[0]!.text).toContain(BLOCKED);
    expect(f!.fix.map((s) => s.text).join(' ')).toContain("-IPAllowList @{Remove='203.0.113.10'}");
    for (const s of f!.fix) expect(s.command ?? '').not.toMatch(/[<>]/);
  });

  it('is silent for the plain "550 5.7.1 Unable to relay" (an on-premises receiver, cmt-inbound-relay-denied)', () => {
    expect(statusFindings(HYBRID, { statuses: [statusGroup('550 5.7.1 Unable to relay', { origin: 'ndr', clientIp: '203.0.113.10' })] }, RULE)).toEqual([]);
  });
});
