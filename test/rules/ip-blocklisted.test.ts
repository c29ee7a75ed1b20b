import { describe, expect, it } from 'vitest';
import { evidenceFindings, session } from './evidence-kit.js';

describe('ip-blocklisted', () => {
  it("fires on Exchange Online's 5.7.606 and names the banned address from the reply", () => {
    const banned = session({ replies: [{ command: 'RCPT', code: 550, enhanced: '5.7.606', text: 'Access denied, banned sending IP [203.0.113.99]. To request removal from this list please visit https://sender.office.com/' }] });
    const found = evidenceFindings(null, { sessions: [banned] }, 'ip-blocklisted');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'Host', name: '203.0.113.99' }]);
  });

  it('fires on a third-party block list reply without an enhanced code in the range', () => {
    const rbl = session({ replies: [{ command: 'RCPT', code: 554, enhanced: null, text: 'Refused. Your IP address is listed in the RBL at b.barracudacentral.org' }] });
    expect(evidenceFindings(null, { sessions: [rbl] }, 'ip-blocklisted')).toHaveLength(1);
  });

  it('stays silent on other 5.7.x refusals', () => {
    const other = session({ replies: [{ command: 'RCPT', code: 550, enhanced: '5.7.64', text: 'TenantAttribution; Relay Access Denied' }, { command: 'RCPT', code: 550, enhanced: '5.7.650', text: 'other' }] });
    expect(evidenceFindings(null, { sessions: [other] }, 'ip-blocklisted')).toEqual([]);
  });
});
