import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'partner-connector-scope-risk';
const TENANT = 'contoso.onmicrosoft.com';

/** A tenant with one Partner connector written as `connector` (YAML lines at connector indent). */
function withPartners(connectors: string): string {
  return `kind: mailflow-topology
version: 1
tenants:
  - Name: ${TENANT}
    AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]
    InboundConnectors:
${connectors}
`;
}

const ipsAndCert = `      - Name: Partner Fabrikam
        ConnectorType: Partner
        SenderDomains: [fabrikam.com]
        SenderIPAddresses: [192.0.2.10]
        TlsSenderCertificateName: mx.fabrikam.com
        RequireTls: true`;

const allowFabrikam = `      - Name: Allow Fabrikam
        ConnectorType: Partner
        SenderDomains: [fabrikam.com]
        SenderIPAddresses: [192.0.2.10]
        RequireTls: true`;

const scopedLockDown = `      - Name: Lock down
        ConnectorType: Partner
        SenderDomains: ["*"]
        SenderIPAddresses: [198.51.100.10]
        RestrictDomainsToIPAddresses: true
        AssociatedAcceptedDomains: [contoso.com]`;

describe(RULE, () => {
  it('is a warning in the catalog (RULES.md v2)', () => {
    expect(ruleSeverity(RULE)).toBe('warning');
  });

  it('M15 [I2642]: a restricting connector without AssociatedAcceptedDomains also covers the onmicrosoft.com domains', () => {
    const f = onlyFinding(exampleTopology('partner-lockdown-hybrid'), RULE);
    expect(f.severity).toBe('warning');
    expect(f.subjects).toEqual([{ type: 'InboundConnector', name: 'Lock down to the mail gateway', tenant: TENANT }]);
    expect(f.message).toContain('contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com');
    expect(commands(f)).toEqual(["Set-InboundConnector -Identity 'Lock down to the mail gateway' -AssociatedAcceptedDomains contoso.com"]);
    expect(f.fixVerification?.status).toBe('verified');
  });

  it('is silent for the same connector scoped with AssociatedAcceptedDomains (the fixed twin)', () => {
    const scoped = variant(exampleTopology('partner-lockdown-hybrid'), '        RestrictDomainsToIPAddresses: true\n', '        RestrictDomainsToIPAddresses: true\n        AssociatedAcceptedDomains: [contoso.com]\n');
    expect(findingsOf(scoped, RULE)).toEqual([]);
  });

  it('M15 [PG900]: IP addresses and a certificate in one Partner connector', () => {
    const f = onlyFinding(withPartners(ipsAndCert), RULE);
    expect(f.message).toMatch(/names both IP addresses \(192\.0\.2\.10\) and a certificate \(mx\.fabrikam\.com\)/);
    expect(commands(f)).toEqual([
      "New-InboundConnector -Name 'Partner Fabrikam (certificate)' -ConnectorType Partner -SenderDomains fabrikam.com -TlsSenderCertificateName mx.fabrikam.com -RequireTls $true",
      "Set-InboundConnector -Identity 'Partner Fabrikam' -TlsSenderCertificateName $null -RestrictDomainsToCertificate $false",
    ]);
    expect(findingsOf(withPartners(variant(ipsAndCert, '        TlsSenderCertificateName: mx.fabrikam.com\n', '')), RULE)).toEqual([]);
  });

  it('M15 [PG900]: an allow-by-sender-domain connector overridden by a restricting one', () => {
    const f = onlyFinding(withPartners(`${allowFabrikam}\n${scopedLockDown}`), RULE);
    expect(f.subjects.map((s) => s.name)).toEqual(['Allow Fabrikam', 'Lock down']);
    expect(f.message).toMatch(/takes precedence/);
    expect(commands(f)).toEqual(["Set-InboundConnector -Identity 'Allow Fabrikam' -RestrictDomainsToIPAddresses $true -AssociatedAcceptedDomains contoso.com"]);
    expect(f.fixVerification?.status).toBe('verified');
    // Twin: the allowing connector covers other recipients than the lock-down, so nothing overrides it.
    const apart = `${allowFabrikam}\n        AssociatedAcceptedDomains: [contoso.onmicrosoft.com]\n${scopedLockDown}`;
    expect(findingsOf(withPartners(apart), RULE)).toEqual([]);
  });

  it('M15 [NIC]: TrustedOrganizations with other scoping, which is then not used', () => {
    const trusted = `      - Name: Trust Fabrikam
        ConnectorType: Partner
        SenderDomains: ["*"]
        TrustedOrganizations: [fabrikam.onmicrosoft.com]`;
    const f = onlyFinding(withPartners(`${trusted}\n        SenderIPAddresses: [192.0.2.10]`), RULE);
    expect(f.message).toMatch(/TrustedOrganizations \(fabrikam\.onmicrosoft\.com\) and also SenderIPAddresses/);
    expect(findingsOf(withPartners(trusted), RULE)).toEqual([]);
  });
});
