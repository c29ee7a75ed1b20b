import { describe, expect, it } from 'vitest';
import { evidenceFindings, session } from './evidence-kit.js';
import { commands, exampleTopology, findingsOf, onlyFinding, variant } from './rule-test-kit.js';

const RULE = 'legacy-or-wrong-exo-endpoint';
const HYBRID = exampleTopology('clean-hybrid');
const SEND = 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
const SMART_HOST = 'SmartHosts: [contoso-com.mail.protection.outlook.com]';

describe(RULE, () => {
  it('fires for mail.messaging.microsoft.com as smart host (M13, ATTR35): the deferred flow is a subject; the fix is the tenant MX host', () => {
    const yaml = variant(HYBRID, SMART_HOST, 'SmartHosts: [mail.messaging.microsoft.com]');
    expect(findingsOf(yaml, 'flow-fails')).toEqual([]);
    const f = onlyFinding(yaml, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([
      { type: 'SendConnector', name: SEND, organization: 'Contoso' },
      { type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' },
    ]);
    expect(f.message).toContain('451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.');
    expect(commands(f)).toEqual([`Set-SendConnector '${SEND}' -SmartHosts contoso-com.mail.protection.outlook.com`]);
  });

  it('fires for smtp.office365.com as an unauthenticated smart host (5.7.57)', () => {
    const yaml = variant(HYBRID, SMART_HOST, 'SmartHosts: [smtp.office365.com]');
    const f = onlyFinding(yaml, RULE);
    expect(f.message).toMatch(/5\.7\.57/);
    expect(f.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' });
    expect(findingsOf(yaml, 'flow-fails')).toEqual([]);
  });

  it('does not fire for an authenticating send connector, nor for the tenant MX host (fixed twins)', () => {
    expect(findingsOf(variant(HYBRID, SMART_HOST, 'SmartHosts: [smtp.office365.com]\n        SmartHostAuthMechanism: BasicAuthRequireTLS'), RULE)).toEqual([]);
    expect(findingsOf(HYBRID, RULE)).toEqual([]);
  });

  it('fires for an MX record on a legacy host (internet senders queue with ATTR35)', () => {
    const f = onlyFinding(variant(HYBRID, 'contoso.com: [contoso-com.mail.protection.outlook.com]', 'contoso.com: [contoso-com.mail.eo.outlook.com, mail.global.frontbridge.com]'), RULE);
    expect(f.subjects[0]).toEqual({ type: 'Host', name: 'MX contoso.com' });
    expect(f.fix[0]!.where).toBe('DNS');
  });

  it('fires for a smart host of another instance than the tenant (GCC High tenant, worldwide host) [model]', () => {
    const gcc = variant(HYBRID, '    TenantId: 0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b\n', '    TenantId: 0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b\n    Instance: USGovGCCHigh\n');
    const f = findingsOf(gcc, RULE).find((x) => x.subjects[0]!.type === 'SendConnector')!;
    expect(f.message).toMatch(/another Exchange Online instance/);
    // The wizard's TlsDomain names the worldwide certificate, so the fix also names the GCC High one (M9).
    expect(commands(f)).toEqual([`Set-SendConnector '${SEND}' -SmartHosts contoso-com.mail.protection.office365.us -TlsDomain mail.protection.office365.us`]);
  });

  it('fires from evidence: 451 4.4.62 ATTR35 in a send protocol log, attached to the connector that logged it; 5.7.57 separately', () => {
    const attr35 = session({
      origin: 'protocol-log',
      viewpoint: 'client',
      connector: SEND,
      replies: [{ command: 'RCPT', code: 451, enhanced: '4.4.62', text: 'Mail sent to the wrong Office 365 region. ATTR35.' }],
    });
    const found = evidenceFindings(HYBRID, { sessions: [attr35] }, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'SendConnector', name: SEND, organization: 'Contoso' }]);
    expect(found[0]!.evidence[0]!.text).toContain('ATTR35');
    const auth = session({ replies: [{ command: 'MAIL', code: 530, enhanced: '5.7.57', text: 'Client not authenticated to send mail' }] });
    expect(evidenceFindings(HYBRID, { sessions: [auth] }, RULE)[0]!.message).toMatch(/5\.7\.57/);
    // A session without either code: nothing.
    expect(evidenceFindings(HYBRID, { sessions: [session()] }, RULE)).toEqual([]);
  });
});
