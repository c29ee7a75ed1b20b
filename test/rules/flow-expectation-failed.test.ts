import { describe, expect, it } from 'vitest';
import { fixtureTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'flow-expectation-failed';

/** S2 after: relay through Exchange Online is rejected (no certificate presented). One flow, with an expectation. */
function relay(expect: string, fixed = false): string {
  let yaml = fixtureTopology('onprem-relay.yaml');
  yaml = yaml.slice(0, yaml.indexOf('flows:')) + `flows:\n  - From: alice@contoso.com\n    To: dave@tailspintoys.com\n    Origin: Contoso\n    Expect: ${expect}\n`;
  return fixed ? variant(yaml, 'RequireTLS: true', 'RequireTLS: true\n        Fqdn: smtp.contoso.com') : yaml;
}

/** S1: a customer's message to another Exchange Online tenant passes through the provider's tenant. */
function provider(to: string, expect: string): string {
  return `${fixtureTopology('provider-wildcard.yaml')}flows:\n  - From: alice@litware.com\n    To: ${to}\n    Origin: Litware\n    Expect: ${expect}\n`;
}

describe('flow-expectation-failed', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  describe('Outcome', () => {
    it('fires when the simulated outcome differs from the expected one', () => {
      const f = onlyFinding(relay('{ Outcome: Delivered }'), RULE);
      expect(f.severity).toBe('error');
      expect(f.subjects).toEqual([{ type: 'Flow', name: 'alice@contoso.com → dave@tailspintoys.com' }]);
      expect(f.message).toContain('expected delivered, simulated rejected (550 5.7.64 TenantAttribution; Relay Access Denied)');
    });

    it('is silent when the outcome is the expected one', () => {
      expect(findingsOf(relay('{ Outcome: Delivered }', true), RULE)).toEqual([]);
      expect(findingsOf(relay('{ Outcome: Rejected }'), RULE)).toEqual([]);
    });
  });

  describe('NotVia', () => {
    it('fires when the message is attributed to a tenant it must not pass through', () => {
      const f = onlyFinding(provider('carol@fabrikam.com', '{ Outcome: Delivered, NotVia: [contoso.onmicrosoft.com] }'), RULE);
      expect(f.subjects).toEqual([{ type: 'Flow', name: 'alice@litware.com → carol@fabrikam.com' }]);
      expect(f.message).toContain('expected not to pass through contoso.onmicrosoft.com, but it is attributed to it');
      expect(f.message).not.toContain('expected delivered');
    });

    it('is silent when the message does not pass through that tenant', () => {
      expect(findingsOf(provider('dave@tailspintoys.com', '{ Outcome: Delivered, NotVia: [contoso.onmicrosoft.com] }'), RULE)).toEqual([]);
    });

    it('compares tenant names without regard to case', () => {
      expect(onlyFinding(provider('carol@fabrikam.com', '{ NotVia: [Contoso.OnMicrosoft.com] }'), RULE).message).toContain('expected not to pass through Contoso.OnMicrosoft.com');
    });
  });

  describe('Via', () => {
    it('fires when the message is not attributed to a tenant it must pass through, and is silent when it is', () => {
      expect(onlyFinding(provider('dave@tailspintoys.com', '{ Via: [contoso.onmicrosoft.com] }'), RULE).message).toContain('expected to pass through contoso.onmicrosoft.com, but it does not');
      expect(findingsOf(provider('carol@fabrikam.com', '{ Via: [contoso.onmicrosoft.com] }'), RULE)).toEqual([]);
    });
  });

  it('is silent for a flow without Expect', () => {
    expect(findingsOf(relay('null'), RULE)).toEqual([]);
  });
});
