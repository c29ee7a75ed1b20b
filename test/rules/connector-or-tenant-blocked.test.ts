import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, variant } from './rule-test-kit.js';
import { EMPTY_TOPOLOGY, ruleFindings, status, withEvidence } from './tenant-policy-kit.js';

/**
 * RULES.md `connector-or-tenant-blocked` (EXO-SEMANTICS M12, [GBC], [700]): a connector the
 * case's Get-BlockedConnector lists and a flow uses (flow rejected); evidence 5.7.705, 5.7.708,
 * 5.7.750 (and 5.7.703 as info); the message points to rogue connectors, compromised relays,
 * unregistered sender domains; unblock with Remove-BlockedConnector -ConnectorId.
 */
const HYBRID = exampleTopology('clean-hybrid');
const DOMAINS = '    AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]\n';
const HCW = 'Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
const GUID = '159eb7c4-75d7-43e2-95fe-ced44b3e0a56';
const BLOCKED = variant(
  variant(HYBRID, DOMAINS, `${DOMAINS}    BlockedConnectors:\n      - { ConnectorId: ${GUID}, ConnectorName: "${HCW}" }\n`),
  `      - Name: ${HCW}\n`,
  `      - Name: ${HCW}\n        Guid: ${GUID}\n`,
);

describe('connector-or-tenant-blocked', () => {
  it('fires for the blocked hybrid connector, listing it and the rejected flow, with Remove-BlockedConnector -ConnectorId <its GUID>', () => {
    const [f, ...rest] = ruleFindings(BLOCKED, 'connector-or-tenant-blocked');
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('error');
    expect(f!.subjects).toContainEqual({ type: 'InboundConnector', name: HCW, tenant: 'contoso.onmicrosoft.com' });
    expect(f!.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' });
    expect(f!.message).toMatch(/connector blocked/);
    expect(f!.message).toMatch(/compromised/);
    expect(commands(f!)).toContain(`Remove-BlockedConnector -ConnectorId ${GUID}`);
  });

  it('does not fire without the block', () => {
    expect(ruleFindings(HYBRID, 'connector-or-tenant-blocked')).toEqual([]);
  });

  it('evidence: 5.7.705 is an error naming rogue connectors and compromised relays', () => {
    const c = withEvidence(EMPTY_TOPOLOGY, [status('550 5.7.705 Access denied, tenant has exceeded threshold', '5.7.705', ['connector-or-tenant-blocked'])]);
    const [f] = ruleFindings(c, 'connector-or-tenant-blocked');
    expect(f!.severity).toBe('error');
    expect(f!.message).toMatch(/rogue connectors, compromised relays and unregistered sender domains/);
  });

  it('evidence: 5.7.703 alone is information (RULES.md)', () => {
    const c = withEvidence(EMPTY_TOPOLOGY, [status('550 5.7.703 Your message can\'t be delivered because messages to bob@contoso.com are blocked by your organization', '5.7.703', ['connector-or-tenant-blocked'])]);
    const [f] = ruleFindings(c, 'connector-or-tenant-blocked');
    expect(f!.severity).toBe('info');
  });

  it('configuration and evidence agree on one finding', () => {
    const c = withEvidence(BLOCKED, [status('550 5.7.750 Service unavailable. Client blocked from sending from unregistered domains', '5.7.750', ['connector-or-tenant-blocked'])]);
    const found = ruleFindings(c, 'connector-or-tenant-blocked');
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence.some((e) => e.source.includes('ndr.eml'))).toBe(true);
  });
});
