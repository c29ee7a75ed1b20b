import { describe, expect, it } from 'vitest';
import { commands, diagnose, exampleTopology, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'relay-through-foreign-tenant';
const CONNECTOR = { type: 'InboundConnector', name: 'Inbound from on-premises', tenant: 'contoso.onmicrosoft.com' };

/** The provider estate of S1 (see the fixture) with one flow of our choosing. */
function withFlow(from: string, to: string, origin: string): string {
  return `${fixtureTopology('provider-wildcard.yaml')}flows:\n  - From: ${from}\n    To: ${to}\n    Origin: ${origin}\n`;
}

describe('relay-through-foreign-tenant', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it("fires for a customer's message to a recipient in an Exchange Online tenant outside the case", () => {
    const yaml = withFlow('alice@litware.com', 'carol@fabrikam.com', 'Litware');
    const f = onlyFinding(yaml, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([{ type: 'Flow', name: 'alice@litware.com → carol@fabrikam.com' }, CONNECTOR]);
    expect(f.message).toContain('attributed to contoso.onmicrosoft.com via "Inbound from on-premises" by certificate mx01.contoso.com');
    expect(f.message).toContain('owns neither litware.com nor fabrikam.com');
    expect(f.message).toContain('relayed on');
    expect(commands(f)).toHaveLength(1);
    expect(commands(f)[0]).toMatch(/^Set-InboundConnector -Identity 'Inbound from on-premises' -TlsSenderCertificateName /);
    // The simulation agrees: the provider's tenant relays the customer's message on.
    const flow = diagnose(yaml).simulation.flows.find((x) => x.from === 'alice@litware.com')!;
    expect(flow.tenants).toEqual(['contoso.onmicrosoft.com', '(outside tenant: fabrikam.com)']);
    expect(flow.outcome).toBe('delivered');
  });

  it('is silent for the same customer writing to a domain whose MX is not Exchange Online', () => {
    const yaml = withFlow('alice@litware.com', 'dave@tailspintoys.com', 'Litware');
    expect(findingsOf(yaml, RULE)).toEqual([]);
    expect(diagnose(yaml).simulation.flows[0]!.tenants).toEqual([]);
  });

  it("is silent for the provider's own users: the tenant owns the sender domain", () => {
    expect(findingsOf(withFlow('alice@contoso.com', 'carol@fabrikam.com', 'Contoso'), RULE)).toEqual([]);
  });

  it('is silent once the connector names only the hybrid certificate', () => {
    const fixed = variant(withFlow('alice@litware.com', 'carol@fabrikam.com', 'Litware'), 'TlsSenderCertificateName: "*.contoso.com"', 'TlsSenderCertificateName: hybrid.contoso.com');
    expect(findingsOf(fixed, RULE)).toEqual([]);
  });

  it('reports each affected flow once, on the generated flow set of the shipped S1 example', () => {
    const yaml = exampleTopology('s1-provider-wildcard');
    const found = findingsOf(yaml, RULE);
    expect(found.map((f) => f.subjects[0]!.name)).toEqual(['alice@setebos-ag.com → carol@fabrikam.com']);
    expect(found[0]!.subjects[1]).toEqual({ type: 'InboundConnector', name: 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e', tenant: 'varunagroup.onmicrosoft.com' });
  });

  it("RULES.md v2 / M4: the tenant's own on-premises side relaying an application domain through its certificate connector does not fire", () => {
    const yaml = withFlow('noreply@billing-app.example', 'carol@fabrikam.com', 'Contoso');
    expect(findingsOf(yaml, RULE)).toEqual([]);
    // It is relayed by the tenant (supported), not rejected.
    const flow = diagnose(yaml).simulation.flows[0]!;
    expect(flow.tenants[0]).toBe('contoso.onmicrosoft.com');
    expect(flow.outcome).toBe('delivered');
  });
});
