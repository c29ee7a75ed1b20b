import { describe, expect, it } from 'vitest';
import { diagnose, findingsOf, fixtureTopology, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'flow-fails';

/**
 * RULES.md v2 `flow-fails`: every simulated flow that ends rejected, dropped, looped or deferred,
 * that its Expect did not ask for and that no other finding names, is itself a finding.
 */

/** Contoso's only send connector covers contoso.mail.onmicrosoft.com: mail to the internet has no route (M7). */
function noInternetRoute(flowExtra = ''): string {
  let yaml = fixtureTopology('onprem-relay.yaml');
  yaml = variant(yaml, 'AddressSpaces: ["smtp:*;1"]', 'AddressSpaces: ["smtp:contoso.mail.onmicrosoft.com;1"]');
  return yaml.slice(0, yaml.indexOf('flows:')) + `flows:\n  - From: alice@contoso.com\n    To: dave@tailspintoys.com\n    Origin: Contoso\n${flowExtra}`;
}

describe('flow-fails', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('fires for a rejected flow that no other finding explains (no send connector covers the domain, M7)', () => {
    const d = diagnose(noInternetRoute());
    const flow = d.simulation.flows.find((f) => f.to === 'dave@tailspintoys.com')!;
    expect(flow.outcome).toBe('rejected');
    const mine = d.findings.filter((f) => f.rule === RULE);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subjects).toEqual([{ type: 'Flow', name: 'alice@contoso.com → dave@tailspintoys.com' }]);
    expect(mine[0]!.message).toContain('is rejected');
    // The verdict is never "no error" beside a failing flow.
    expect(d.findings.some((f) => f.severity === 'error')).toBe(true);
  });

  it('is silent when the flow is delivered (the fixed twin: a connector for every domain)', () => {
    const yaml = variant(noInternetRoute(), 'RequireTLS: true', 'RequireTLS: true\n        Fqdn: smtp.contoso.com');
    const fixed = variant(yaml, 'AddressSpaces: ["smtp:contoso.mail.onmicrosoft.com;1"]', 'AddressSpaces: ["smtp:*;1"]');
    expect(findingsOf(fixed, RULE)).toEqual([]);
  });

  it('is silent when the flow Expects that outcome', () => {
    expect(findingsOf(noInternetRoute('    Expect: { Outcome: Rejected }\n'), RULE)).toEqual([]);
  });

  it('is silent when another finding already names the flow (flow-expectation-failed)', () => {
    const d = diagnose(noInternetRoute('    Expect: { Outcome: Delivered }\n'));
    expect(d.findings.filter((f) => f.rule === 'flow-expectation-failed')).toHaveLength(1);
    expect(d.findings.filter((f) => f.rule === RULE)).toEqual([]);
  });
});
