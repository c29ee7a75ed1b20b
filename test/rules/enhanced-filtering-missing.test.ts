import { describe, expect, it } from 'vitest';
import { evidenceFindings, headerMessage, hop } from './evidence-kit.js';
import { commands, diagnose, exampleTopology, findingsOf, onlyFinding, variant } from './rule-test-kit.js';

// RULES.md `enhanced-filtering-missing`, EXO-SEMANTICS M16 [model]: an accepted domain's MX is not
// Exchange Online, a gateway route delivers that domain's mail to Exchange Online over an inbound
// connector, and that connector has EFSkipLastIP $false (or absent) with an empty EFSkipIPs.
// The S3 fixed example is that estate with EF on (EFSkipLastIP $true): contoso.com's MX is
// gw.contoso.com, whose "Office 365" route delivers contoso.com to the tenant over "From mail gateway".
const WITH_EF = exampleTopology('s3-shared-certificate-fixed');
const EF_LINE = '        EFSkipLastIP: true\n';
const WITHOUT_EF = variant(WITH_EF, EF_LINE, '');

describe('enhanced-filtering-missing from configuration', () => {
  it('fires when the gateway connector has neither EFSkipLastIP nor EFSkipIPs (defaults: EF off), naming the connector and route', () => {
    const f = onlyFinding(WITHOUT_EF, 'enhanced-filtering-missing');
    expect(f.severity).toBe('warning');
    expect(f.subjects[0]).toEqual({ type: 'InboundConnector', name: 'From mail gateway', tenant: 'contoso.onmicrosoft.com' });
    expect(f.subjects).toContainEqual({ type: 'GatewayRoute', name: 'Office 365', gateway: 'Contoso mail gateway' });
    expect(f.message).toContain('contoso.com');
    expect(f.message).toMatch(/defaults are assumed/);
    expect(commands(f)).toContain("Set-InboundConnector -Identity 'From mail gateway' -EFSkipLastIP $true");
    expect(f.fix.find((s) => s.command)?.where).toBe('Exchange Online PowerShell');
  });

  it('the fix is verified by the what-if engine (Set-InboundConnector -EFSkipLastIP)', () => {
    const f = diagnose(WITHOUT_EF).findings.find((x) => x.rule === 'enhanced-filtering-missing')!;
    expect(f.fixVerification?.status).toBe('verified');
  });

  it('EFSkipLastIP $false given explicitly with an empty EFSkipIPs: fires, without the assumption', () => {
    const f = onlyFinding(variant(WITH_EF, EF_LINE, '        EFSkipLastIP: false\n        EFSkipIPs: []\n'), 'enhanced-filtering-missing');
    expect(f.message).not.toMatch(/defaults are assumed/);
  });

  it('silent with EF on: EFSkipLastIP $true, or the gateway in EFSkipIPs', () => {
    expect(findingsOf(WITH_EF, 'enhanced-filtering-missing')).toEqual([]);
    expect(findingsOf(variant(WITH_EF, EF_LINE, '        EFSkipIPs: [198.51.100.10]\n'), 'enhanced-filtering-missing')).toEqual([]);
  });

  it('silent when the MX points to Exchange Online (the gateway is not in front of internet mail)', () => {
    const mxToEop = variant(WITHOUT_EF, 'contoso.com: [gw.contoso.com]', 'contoso.com: [contoso-com.mail.protection.outlook.com]');
    expect(findingsOf(mxToEop, 'enhanced-filtering-missing')).toEqual([]);
  });
});

// Evidence (RULES.md, headers row): Authentication-Results evaluated SPF against the IP of the hop
// that handed the message to Exchange Online (`sender IP is <gateway>`), compauth=fail, and no
// X-MS-Exchange-SkipListedInternetSender.
const throughGateway = [
  hop({ from: 'mail.fabrikam.com', by: 'gw.contoso.com', ip: '192.0.2.25', kind: 'gateway' }),
  hop({ from: 'gw.contoso.com', by: 'AM4PEPF00027A6C.eurprd04.prod.outlook.com', ip: '198.51.100.10', kind: 'exchange-online' }),
];
const judgedAgainstGateway = headerMessage({ hops: throughGateway, authAs: 'Anonymous', spfResult: 'fail', spfSenderIp: '198.51.100.10', compauth: 'fail', skipListedInternetSender: false });

describe('enhanced-filtering-missing from headers', () => {
  it('fires on SPF judged against the gateway hop with compauth=fail; the host is named when the case has no connector', () => {
    const found = evidenceFindings(null, { messages: [judgedAgainstGateway] }, 'enhanced-filtering-missing');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'Host', name: '198.51.100.10' }]);
    expect(found[0]!.evidence[0]!.text).toContain('sender IP is 198.51.100.10');
  });

  it('with the configuration, the headers join the configuration finding: one finding, both kinds of evidence', () => {
    const found = evidenceFindings(WITHOUT_EF, { messages: [judgedAgainstGateway] }, 'enhanced-filtering-missing');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects[0]).toEqual({ type: 'InboundConnector', name: 'From mail gateway', tenant: 'contoso.onmicrosoft.com' });
    expect(found[0]!.evidence.some((e) => e.text.includes('compauth=fail'))).toBe(true);
  });

  it('silent when EF skip-listed the gateway, when SPF was judged against the original sender, or with no earlier hop', () => {
    const messages = [
      { ...judgedAgainstGateway, skipListedInternetSender: true },
      { ...judgedAgainstGateway, spfResult: 'pass', spfSenderIp: '192.0.2.25', compauth: 'pass' },
      { ...judgedAgainstGateway, hops: [throughGateway[1]!] },
    ];
    expect(evidenceFindings(null, { messages }, 'enhanced-filtering-missing')).toEqual([]);
  });
});
