import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'exo-lands-on-wrong-receive-connector';
const EXAMPLE = exampleTopology('exo-onprem-subject-mismatch');
const ONLY_EX01 = variant(EXAMPLE, 'SmartHosts: [mail1.contoso.com, mail2.contoso.com]', 'SmartHosts: [mail1.contoso.com]');

/** A relay connector on EX01 whose ranges are written as `ranges`. */
function withRelay(ranges: string): string {
  return variant(ONLY_EX01, '      - Name: Default Frontend EX02\n', `      - Name: Relay EX01\n        Server: EX01\n        TransportRole: FrontendTransport\n        Bindings: ["0.0.0.0:25"]\n        RemoteIPRanges: ${ranges}\n        PermissionGroups: AnonymousUsers\n        Enabled: true\n      - Name: Default Frontend EX02\n`);
}

describe('exo-lands-on-wrong-receive-connector', () => {
  it('is a warning in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('warning');
  });

  it('M8.3: a relay connector whose ranges cover EOP is more specific than Default Frontend and takes Exchange Online\'s connections', () => {
    const f = onlyFinding(withRelay('[40.107.0.0/16, 192.0.2.0/24]'), RULE);
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('land on "Relay EX01" on EX01');
    expect(f.message).toContain('"Default Frontend EX01"');
    expect(f.subjects[0]).toEqual({ type: 'ReceiveConnector', name: 'Relay EX01', organization: 'Contoso' });
    expect(f.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' });
    expect(commands(f)).toEqual(["Set-ReceiveConnector -Identity 'EX01\\Relay EX01' -RemoteIPRanges @{Remove='40.107.0.0/16'}"]);
    expect(f.fixVerification?.status).toBe('verified');
  });

  it('is silent when the relay connector\'s ranges do not hold EOP\'s addresses (the twin)', () => {
    expect(findingsOf(withRelay('[192.0.2.0/24]'), RULE)).toEqual([]);
  });
});
