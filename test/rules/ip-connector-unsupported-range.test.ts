import { describe, expect, it } from 'vitest';
import { commands, diagnose, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'ip-connector-unsupported-range';
const CONNECTOR = { type: 'InboundConnector', name: 'On-premises relay (IP)', tenant: 'contoso.onmicrosoft.com' };
const RELAY_FLOW = { type: 'Flow', name: 'alice@contoso.com → dave@tailspintoys.com' };

/** The S2 relay estate (fixture) with its IP connector enabled and SenderIPAddresses set to `ips`. */
function ipConnector(ips: string): string {
  const yaml = variant(fixtureTopology('onprem-relay.yaml'), 'Enabled: false\n        SenderIPAddresses: [203.0.113.10]', `Enabled: true\n        SenderIPAddresses: ${ips}`);
  return yaml;
}

describe('ip-connector-unsupported-range', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M3 [NIC]: a /22 is not valid for SenderIPAddresses, matches nothing, and the relay it was meant for fails', () => {
    const yaml = ipConnector('[203.0.112.0/22]');
    expect(diagnose(yaml).simulation.flows.find((f) => f.to === 'dave@tailspintoys.com')!.outcome).toBe('rejected');
    const f = onlyFinding(yaml, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([CONNECTOR, RELAY_FLOW]);
    expect(f.message).toContain('203.0.112.0/22 (outside /24–/32)');
    // The same addresses written as the four /24 blocks Exchange Online accepts.
    expect(commands(f)).toEqual(["Set-InboundConnector -Identity 'On-premises relay (IP)' -SenderIPAddresses '203.0.112.0/24','203.0.113.0/24','203.0.114.0/24','203.0.115.0/24'"]);
  });

  it('is silent for the same connector with a /24 (the fixed twin), and the relay is delivered', () => {
    const yaml = ipConnector('[203.0.113.0/24]');
    expect(findingsOf(yaml, RULE)).toEqual([]);
    expect(diagnose(yaml).simulation.flows.find((f) => f.to === 'dave@tailspintoys.com')!.outcome).toBe('delivered');
  });

  it('M3 [NIC]: an IPv6 value is reported, with certificate scoping as the way out', () => {
    const f = onlyFinding(ipConnector('["2001:db8:10::/64", 203.0.113.10]'), RULE);
    expect(f.message).toContain('IPv6 value 2001:db8:10::/64');
    expect(commands(f)).toEqual(["Set-InboundConnector -Identity 'On-premises relay (IP)' -SenderIPAddresses '203.0.113.10'"]);
    expect(f.fix.some((s) => s.text.includes('TlsSenderCertificateName'))).toBe(true);
  });

  it('M3: a server that reaches Exchange Online over IPv6 never matches the IPv4-scoped connector (warning, names the failing flow)', () => {
    const yaml = variant(ipConnector('[203.0.113.10]'), '        IPAddresses: [203.0.113.10]', '        IPAddresses: ["2001:db8::10"]');
    expect(diagnose(yaml).simulation.flows.find((f) => f.to === 'dave@tailspintoys.com')!.outcome).toBe('rejected');
    const f = onlyFinding(yaml, RULE);
    expect(f.severity).toBe('warning');
    expect(f.subjects).toEqual([CONNECTOR, RELAY_FLOW]);
    expect(f.message).toContain('over IPv6');
    // Over IPv4 (the twin above) there is no warning.
  });
});
