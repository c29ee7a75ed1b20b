import { describe, expect, it } from 'vitest';
import { commands, diagnose, exampleTopology, findingsOf, onlyFinding, variant } from './rule-test-kit.js';

// RULES.md `enhanced-filtering-unsupported-config`, EXO-SEMANTICS M16 [EF][S31]: EF on together with
// centralized mail transport (unsupported); EFSkipIPs holding Microsoft 365 or RFC 1918 ranges
// (cannot be skip-listed / entered); EFUsers set — EF then applies only to messages whose
// recipients are all listed (info). Base: the S3 fixed example, EF on with EFSkipLastIP $true.
const BASE = exampleTopology('s3-shared-certificate-fixed');
const EF_LINE = '        EFSkipLastIP: true\n';
const RULE = 'enhanced-filtering-unsupported-config';

describe('enhanced-filtering-unsupported-config', () => {
  it('EF with centralized mail transport (RouteAllMessagesViaOnPremises): a warning naming both connectors', () => {
    const cmt = variant(BASE, '        UseMXRecord: false\n', '        UseMXRecord: false\n        RouteAllMessagesViaOnPremises: true\n');
    const f = onlyFinding(cmt, RULE);
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('To mail gateway');
    expect(f.message).toMatch(/centralized mail transport/);
    expect(f.subjects).toEqual([{ type: 'InboundConnector', name: 'From mail gateway', tenant: 'contoso.onmicrosoft.com' }]);
  });

  it('Microsoft 365 and RFC 1918 entries in EFSkipIPs: a warning naming each, keeping the public gateway address in the fix', () => {
    const yaml = variant(BASE, EF_LINE, '        EFSkipIPs: [40.107.22.10, 10.1.2.0/24, 198.51.100.10]\n');
    const f = onlyFinding(yaml, RULE);
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('40.107.22.10 (a Microsoft 365');
    expect(f.message).toContain('10.1.2.0/24 (a private (RFC 1918)');
    expect(f.message).not.toContain('198.51.100.10 (');
    expect(commands(f)).toEqual(["Set-InboundConnector -Identity 'From mail gateway' -EFSkipIPs 198.51.100.10"]);
    expect(f.fix[0]!.where).toBe('Exchange Online PowerShell');
    expect(diagnose(yaml).findings.find((x) => x.rule === RULE)?.fixVerification?.status).toBe('verified');
  });

  it('EFUsers: info, EF only for messages whose recipients are all listed', () => {
    const f = onlyFinding(variant(BASE, EF_LINE, `${EF_LINE}        EFUsers: [alice@contoso.com]\n`), RULE);
    expect(f.severity).toBe('info');
    expect(f.message).toMatch(/recipients are all listed/);
  });

  it('silent on a supported setup: EFSkipLastIP $true without centralized transport, or a public skip list', () => {
    expect(findingsOf(BASE, RULE)).toEqual([]);
    expect(findingsOf(variant(BASE, EF_LINE, '        EFSkipIPs: [198.51.100.10]\n'), RULE)).toEqual([]);
  });
});
