import { describe, expect, it } from 'vitest';
import { exampleTopology, ruleSeverity } from './rule-test-kit.js';
import { statusFindings, statusGroup } from './status-kit.js';

const RULE = 'trace-message-expired';
const HYBRID = exampleTopology('exo-onprem-subject-mismatch');
// NDR-CATALOG "Message expiry" and "Exchange Online → on premises": the exact texts.
const EXPIRED = '550 4.4.7 QUEUE.Expired; message expired';
const LED = '450 4.7.320 Certificate validation failed [Message=SubjectMismatch]';

describe('trace-message-expired', () => {
  it('is an error in the catalog (RULES.md v2)', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('[447]: quotes the last deferral as the cause and names the configuration rule for it', () => {
    const g = statusGroup(EXPIRED, { origin: 'ndr', sender: 'alice@contoso.com', recipient: 'bob@contoso.com', lastError: LED });
    const [f, ...rest] = statusFindings(HYBRID, { statuses: [g] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.message).toContain(EXPIRED);
    expect(f!.message).toContain(`The last deferral was "${LED}"`);
    expect(f!.message).toContain('exo-to-onprem-tls-validation-fails');
    expect(f!.evidence[0]!.text).toContain(`last deferral: "${LED}"`);
    expect(f!.subjects).toEqual([{ type: 'Recipient', name: 'bob@contoso.com' }]);
  });

  it('5.4.300 without a quoted deferral says where to read it', () => {
    const g = statusGroup('550 5.4.300 Message expired', { origin: 'ndr', recipient: 'bob@contoso.com' });
    const [f] = statusFindings(HYBRID, { statuses: [g] }, RULE);
    expect(f!.message).toContain('does not quote the last deferral');
    expect(f!.fix.some((s) => s.command === 'Get-Queue | Format-List Identity,NextHopDomain,Status,MessageCount,LastError')).toBe(true);
  });

  it('is silent for the deferral alone (no expiry yet)', () => {
    expect(statusFindings(HYBRID, { statuses: [statusGroup(LED, { recipient: 'bob@contoso.com' })] }, RULE)).toEqual([]);
  });
});
