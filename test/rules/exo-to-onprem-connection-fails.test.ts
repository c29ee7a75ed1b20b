import { describe, expect, it } from 'vitest';
import { commands, diagnose, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'exo-to-onprem-connection-fails';
const EXAMPLE = exampleTopology('exo-onprem-subject-mismatch');
const ONLY_EX01 = variant(EXAMPLE, 'SmartHosts: [mail1.contoso.com, mail2.contoso.com]', 'SmartHosts: [mail1.contoso.com]');
const ALL = '["0.0.0.0-255.255.255.255", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]';

function cloudFlow(yaml: string) {
  return diagnose(yaml).simulation.flows.find((x) => x.origin === 'contoso.onmicrosoft.com' && x.to === 'bob@contoso.com')!;
}

describe('exo-to-onprem-connection-fails', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M8.3: no receive connector on EX01 accepts EOP\'s address → deferred 450 4.4.317; the fix opens Default Frontend to the EOP ranges', () => {
    const yaml = variant(ONLY_EX01, `RemoteIPRanges: ${ALL}\n        AuthMechanism: Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer\n        PermissionGroups: AnonymousUsers, ExchangeServers, ExchangeLegacyServers\n        Fqdn: ex01`, 'RemoteIPRanges: [10.0.0.0/8]\n        AuthMechanism: Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer\n        PermissionGroups: AnonymousUsers, ExchangeServers, ExchangeLegacyServers\n        Fqdn: ex01');
    expect(cloudFlow(yaml)).toMatchObject({ outcome: 'deferred', response: '450 4.4.317 Cannot connect to remote server' });
    const f = onlyFinding(yaml, RULE);
    expect(f.subjects[0]).toEqual({ type: 'ReceiveConnector', name: 'Default Frontend EX01', organization: 'Contoso' });
    expect(f.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' });
    expect(commands(f)[0]).toBe("Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -RemoteIPRanges @{Add='40.92.0.0/15','40.107.0.0/16','52.100.0.0/14','104.47.0.0/17','2a01:111:f400::/48','2a01:111:f403::/48'}");
    expect(f.fixVerification?.status).toBe('verified');
  });

  it('M8.3: a connector bound to another port does not take port-25 connections (Bindings)', () => {
    const yaml = variant(ONLY_EX01, 'Bindings: ["0.0.0.0:25", "[::]:25"]', 'Bindings: ["0.0.0.0:2525"]', 2);
    expect(cloudFlow(yaml).response).toBe('450 4.4.317 Cannot connect to remote server');
    expect(findingsOf(yaml, RULE)).toHaveLength(1);
  });

  it('M8.1: a smart host the case\'s DNS does not hold → 450 4.4.312 DNS query failed (intermittent beside a working one)', () => {
    const yaml = variant(EXAMPLE, 'SmartHosts: [mail1.contoso.com, mail2.contoso.com]', 'SmartHosts: [mail1.contoso.com, mial2.contoso.com]');
    const f = onlyFinding(yaml, RULE);
    expect(f.message).toMatch(/^Intermittent: /);
    expect(f.message).toContain('mial2.contoso.com');
    expect(f.message).toContain('450 4.4.312 DNS query failed');
    expect(f.fix.length).toBeGreaterThan(0);
  });

  it('unknown is not false: without A records in the case an unknown smart host is assumed to resolve', () => {
    const yaml = variant(variant(EXAMPLE, 'SmartHosts: [mail1.contoso.com, mail2.contoso.com]', 'SmartHosts: [mail1.contoso.com, relay.contoso-partner.example]'), '  A:\n    mail.contoso.com: [203.0.113.10]\n    mail1.contoso.com: [203.0.113.10]\n    mail2.contoso.com: [203.0.113.11]\n', '');
    expect(findingsOf(yaml, RULE)).toEqual([]);
  });

  it('is silent when EOP reaches Default Frontend (the twin)', () => {
    expect(findingsOf(ONLY_EX01, RULE)).toEqual([]);
  });
});
