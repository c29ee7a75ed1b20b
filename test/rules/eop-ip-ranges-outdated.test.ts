import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'eop-ip-ranges-outdated';
const SUBJECT = { type: 'ReceiveConnector', name: 'Inbound from Office 365', organization: 'Contoso' };
const ALL = '[40.92.0.0/15, 40.107.0.0/16, 52.100.0.0/14, 104.47.0.0/17, "2a01:111:f400::/48", "2a01:111:f403::/48"]';

/** The clean hybrid example with a receive connector on EX01 locked to the given addresses. */
function lockedTo(ranges: string, enabled = true): string {
  return variant(
    exampleTopology('clean-hybrid'),
    '    RemoteDomains:\n',
    `    ReceiveConnectors:\n      - Name: Inbound from Office 365\n        Server: EX01\n        TransportRole: FrontendTransport\n        RemoteIPRanges: ${ranges}\n        Enabled: ${enabled}\n    RemoteDomains:\n`,
  );
}

describe('eop-ip-ranges-outdated', () => {
  it('is a warning in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('warning');
  });

  it("fires when a receive connector holds some but not all of Exchange Online's ranges", () => {
    const f = onlyFinding(lockedTo('[40.92.0.0/15, 40.107.0.0/16, 104.47.0.0/17, "2a01:111:f400::/48", "2a01:111:f403::/48"]'), RULE);
    expect(f.severity).toBe('warning');
    expect(f.subjects).toEqual([SUBJECT]);
    expect(f.message).toContain('"Inbound from Office 365" (Contoso) accepts Exchange Online\'s addresses but lacks 52.100.0.0/14');
    expect(commands(f)).toEqual(["Set-ReceiveConnector -Identity 'EX01\\Inbound from Office 365' -RemoteIPRanges @{Add='52.100.0.0/14'}"]);
  });

  it('lists every missing range, IPv6 included', () => {
    const f = onlyFinding(lockedTo('[40.92.0.0/15, 40.107.0.0/16, 52.100.0.0/14, 104.47.0.0/17]'), RULE);
    expect(commands(f)).toEqual(["Set-ReceiveConnector -Identity 'EX01\\Inbound from Office 365' -RemoteIPRanges @{Add='2a01:111:f400::/48','2a01:111:f403::/48'}"]);
  });

  it('is silent when the connector holds all current ranges', () => {
    expect(findingsOf(lockedTo(ALL), RULE)).toEqual([]);
  });

  it('is silent when wider ranges cover the current ones', () => {
    expect(findingsOf(lockedTo('[40.92.0.0/14, 40.107.0.0/16, 52.96.0.0/12, 104.47.0.0/16, "2a01:111:f400::/40"]'), RULE)).toEqual([]);
  });

  it("is silent when the connector holds none of Exchange Online's ranges (it is not scoped to Exchange Online)", () => {
    expect(findingsOf(lockedTo('[10.0.0.0/8, 192.168.10.0/24]'), RULE)).toEqual([]);
  });

  it('is silent for a receive connector open to every address (the default)', () => {
    expect(findingsOf(lockedTo('["0.0.0.0-255.255.255.255", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]'), RULE)).toEqual([]);
  });

  it('is silent for a disabled connector', () => {
    expect(findingsOf(lockedTo('[40.92.0.0/15]', false), RULE)).toEqual([]);
  });
});
