import { describe, expect, it } from 'vitest';
import { commands, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'connector-identity-matches-several-tenants';
const CONTOSO = { type: 'InboundConnector', name: 'From on-premises', tenant: 'contoso.onmicrosoft.com' };
const CONTOSO_EU = { type: 'InboundConnector', name: 'From on-premises (EU)', tenant: 'contosoeu.onmicrosoft.com' };

/** One on-premises organization feeding two tenants, each with an OnPremises connector. */
function twoTenants(contoso: string, contosoEu: string): string {
  return `
kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com, contoso.onmicrosoft.com]
    InboundConnectors:
      - Name: From on-premises
        ConnectorType: OnPremises
        Enabled: true
        ${contoso}
  - Name: contosoeu.onmicrosoft.com
    AcceptedDomains: [contoso.eu, contosoeu.onmicrosoft.com]
    InboundConnectors:
      - Name: From on-premises (EU)
        ConnectorType: OnPremises
        Enabled: true
        ${contosoEu}
flows:
  - From: alice@contoso.com
    To: bob@contoso.com
`;
}

describe('connector-identity-matches-several-tenants', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('fires for the same exact certificate name in two tenants', () => {
    const f = onlyFinding(twoTenants('TlsSenderCertificateName: smtp.contoso.com', 'TlsSenderCertificateName: smtp.contoso.com'), RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([CONTOSO, CONTOSO_EU]);
    expect(f.message).toContain('Certificate name smtp.contoso.com matches OnPremises connectors of contoso.onmicrosoft.com, contosoeu.onmicrosoft.com');
    expect(f.message).toContain('unsupported');
    // The names are the admin's to choose: text, one step per tenant, no placeholder command (issue 12).
    expect(commands(f)).toEqual([]);
    expect(f.fix.filter((s) => s.where === 'Exchange Online PowerShell').map((s) => s.text)).toEqual([
      expect.stringContaining('"From on-premises" to the name of the certificate used only for contoso.onmicrosoft.com'),
      expect.stringContaining('"From on-premises (EU)" to the name of the certificate used only for contosoeu.onmicrosoft.com'),
    ]);
  });

  it('is silent for distinct names', () => {
    expect(findingsOf(twoTenants('TlsSenderCertificateName: smtp.contoso.com', 'TlsSenderCertificateName: smtp.contoso.eu'), RULE)).toEqual([]);
  });

  it('fires for a wildcard in one tenant and an exact name under it in another', () => {
    const f = onlyFinding(twoTenants('TlsSenderCertificateName: "*.contoso.com"', 'TlsSenderCertificateName: eu.smtp.contoso.com'), RULE);
    expect(f.subjects).toHaveLength(2);
    expect(f.subjects).toEqual(expect.arrayContaining([CONTOSO, CONTOSO_EU]));
  });

  it('is silent for a wildcard in one tenant and a name outside it in the other', () => {
    expect(findingsOf(twoTenants('TlsSenderCertificateName: "*.contoso.com"', 'TlsSenderCertificateName: smtp.contoso.eu'), RULE)).toEqual([]);
  });

  it('fires for a source IP in both tenants (one as a single address, one inside a range)', () => {
    const f = onlyFinding(twoTenants('SenderIPAddresses: [203.0.113.0/24]', 'SenderIPAddresses: [203.0.113.10]'), RULE);
    expect(f.subjects).toHaveLength(2);
    expect(f.subjects).toEqual(expect.arrayContaining([CONTOSO, CONTOSO_EU]));
    expect(f.message).toMatch(/^Source IP 203\.0\.113\.(0\/24|10) matches OnPremises connectors of /);
  });

  it('is silent for different source IPs', () => {
    expect(findingsOf(twoTenants('SenderIPAddresses: [203.0.113.10]', 'SenderIPAddresses: [203.0.113.11]'), RULE)).toEqual([]);
  });

  it('is silent when the other connector is disabled or a Partner connector', () => {
    const same = twoTenants('TlsSenderCertificateName: smtp.contoso.com', 'TlsSenderCertificateName: smtp.contoso.com');
    expect(findingsOf(variant(same, '      - Name: From on-premises (EU)\n        ConnectorType: OnPremises\n        Enabled: true', '      - Name: From on-premises (EU)\n        ConnectorType: OnPremises\n        Enabled: false'), RULE)).toEqual([]);
    expect(findingsOf(variant(same, '      - Name: From on-premises (EU)\n        ConnectorType: OnPremises', '      - Name: From on-premises (EU)\n        ConnectorType: Partner'), RULE)).toEqual([]);
  });

  it('is silent for two connectors with the same name in one tenant', () => {
    const oneTenant = variant(
      twoTenants('TlsSenderCertificateName: smtp.contoso.com', 'TlsSenderCertificateName: smtp.contoso.eu'),
      '        TlsSenderCertificateName: smtp.contoso.com\n',
      '        TlsSenderCertificateName: smtp.contoso.com\n      - Name: From on-premises (second)\n        ConnectorType: OnPremises\n        Enabled: true\n        TlsSenderCertificateName: smtp.contoso.com\n',
    );
    expect(findingsOf(oneTenant, RULE)).toEqual([]);
  });
});
