import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, variant } from './rule-test-kit.js';
import { EMPTY_TOPOLOGY, ruleFindings, status, withEvidence } from './tenant-policy-kit.js';

/**
 * RULES.md `direct-send-rejected` (EXO-SEMANTICS M12, [RDS], NDR-CATALOG 5.7.68): RejectDirectSend
 * and a flow with an accepted P1 domain that reaches the tenant unattributed → 550 5.7.68, the
 * message naming why the connector did not match; evidence: 5.7.68 in an NDR, log or trace.
 */
const EXAMPLE = exampleTopology('direct-send-rejected');
const R5768 = '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources';
const RDS = '    RejectDirectSend: true\n';

describe('direct-send-rejected', () => {
  it('fires on the example: RejectDirectSend and the expired hybrid certificate, naming the expiry and the connector; the flow is a subject', () => {
    const [f, ...rest] = ruleFindings(EXAMPLE, 'direct-send-rejected');
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('error');
    expect(f!.message).toContain(R5768);
    expect(f!.message).toMatch(/expired on 2026-06-30/);
    expect(f!.message).toContain('Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433');
    expect(f!.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' });
    expect(f!.subjects).toContainEqual({ type: 'Tenant', name: 'contoso.onmicrosoft.com' });
  });

  it('recommends repairing the certificate first; RejectDirectSend off only as the last resort, not as a command of its own (NDR-CATALOG 5.7.68)', () => {
    const [f] = ruleFindings(EXAMPLE, 'direct-send-rejected');
    const first = f!.fix[0]!;
    expect(first.text).toMatch(/certificate/i);
    expect(first.where).toBe('certificate authority');
    expect(commands(f!)).not.toContain('Set-OrganizationConfig -RejectDirectSend $false');
    expect(f!.fix.map((s) => s.text).join(' ')).toMatch(/Last resort.*Set-OrganizationConfig -RejectDirectSend \$false/);
  });

  it('its fixed twins do not fire: RejectDirectSend off, or a valid certificate', () => {
    expect(ruleFindings(variant(EXAMPLE, RDS, ''), 'direct-send-rejected')).toEqual([]);
    expect(ruleFindings(variant(EXAMPLE, 'NotAfter: 2026-06-30T23:59:59Z', 'NotAfter: 2036-03-31T23:59:59Z'), 'direct-send-rejected')).toEqual([]);
  });

  it('evidence alone: a 5.7.68 NDR fires with the catalog text and its source', () => {
    const c = withEvidence(EMPTY_TOPOLOGY, [status(R5768, '5.7.68', ['direct-send-rejected'])]);
    const [f] = ruleFindings(c, 'direct-send-rejected');
    expect(f!.message).toMatch(/550 5\.7\.68/);
    expect(f!.evidence[0]!.source).toContain('ndr.eml');
    expect(f!.subjects).toEqual([{ type: 'Recipient', name: 'bob@contoso.com' }]);
  });

  it('configuration and evidence agree: one finding per tenant, with the NDR attached', () => {
    const c = withEvidence(EXAMPLE, [status(R5768, '5.7.68', ['direct-send-rejected'])]);
    const found = ruleFindings(c, 'direct-send-rejected');
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence.some((e) => e.source.includes('ndr.eml'))).toBe(true);
  });

  it('statuses the catalog ties to other rules do not fire it', () => {
    const c = withEvidence(EMPTY_TOPOLOGY, [status('550 5.7.64 TenantAttribution; Relay Access Denied', '5.7.64', ['tenant-attribution-rejected'])]);
    expect(ruleFindings(c, 'direct-send-rejected')).toEqual([]);
  });
});
