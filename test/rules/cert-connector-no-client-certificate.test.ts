import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'cert-connector-no-client-certificate';
const SEND_CONNECTOR = { type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' };
const CERT_CONNECTOR = { type: 'InboundConnector', name: 'On-premises relay (certificate)', tenant: 'contoso.onmicrosoft.com' };

/** S2 after the IP connector was disabled: the send connector names no certificate (see the fixture). */
const RELAY = fixtureTopology('onprem-relay.yaml');

function flowEvidence(f: { evidence: { source: string; text: string }[] }): string[] {
  return f.evidence.filter((e) => e.source === 'simulation').map((e) => e.text);
}

describe('cert-connector-no-client-certificate', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('fires when the relay route to a certificate-scoped connector presents no certificate (seed 002)', () => {
    const f = onlyFinding(RELAY, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects.slice(0, 2)).toEqual([SEND_CONNECTOR, CERT_CONNECTOR]);
    expect(f.message).toContain('presents no TLS client certificate');
    expect(f.message).toContain('TlsSenderCertificateName smtp.contoso.com');
    expect(f.message).toContain('550 5.7.64 TenantAttribution; Relay Access Denied');
    // Seed 002's fix: associate the installed certificate with the send connector.
    expect(commands(f)[0]).toBe(
      "Set-SendConnector -Identity 'Outbound via Office 365' -TlsCertificateName '<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US'",
    );
    // The rejected relay flow is explained here, so flow-fails does not report it again.
    expect(f.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → dave@tailspintoys.com' });
    // Flows that rely on the connector (relay, hybrid) — not mail to other tenants, which needs none.
    expect(flowEvidence(f)).toEqual(['alice@contoso.com → dave@tailspintoys.com (rejected)', 'alice@contoso.com → bob@contoso.com (delivered)']);
  });

  it('predicts the failure while the IP connector still carries the mail (before the change)', () => {
    const before = variant(RELAY, '        Enabled: false\n        SenderIPAddresses', '        Enabled: true\n        SenderIPAddresses');
    const f = onlyFinding(before, RULE);
    expect(f.subjects.slice(0, 2)).toEqual([SEND_CONNECTOR, CERT_CONNECTOR]);
    expect(f.message).toContain('Today "On-premises relay (IP)" still carries it by ip; without that connector the mail is rejected with 550 5.7.64.');
  });

  it('is silent when the send connector presents the certificate (Fqdn selects it)', () => {
    const fixed = variant(RELAY, 'RequireTLS: true', 'RequireTLS: true\n        Fqdn: smtp.contoso.com');
    expect(findingsOf(fixed, RULE)).toEqual([]);
  });

  it('is silent when the tenant has no certificate-scoped connector', () => {
    const ipOnly = variant(variant(RELAY, '        Enabled: false\n        SenderIPAddresses', '        Enabled: true\n        SenderIPAddresses'), '        TlsSenderCertificateName: smtp.contoso.com\n', '');
    expect(findingsOf(ipOnly, RULE)).toEqual([]);
  });

  it('is silent when only mail to other tenants goes out without a certificate', () => {
    // The same estate with only the flows to Exchange Online tenants that own the recipient.
    const toTenantsOnly = RELAY.slice(0, RELAY.indexOf('flows:')) + 'flows:\n  - From: alice@contoso.com\n    To: erin@northwind.com\n    Origin: Contoso\n  - From: alice@contoso.com\n    To: frank@fabrikam.com\n    Origin: Contoso\n';
    expect(findingsOf(toTenantsOnly, RULE)).toEqual([]);
  });

  it('tells to install a certificate and set the Fqdn when no suitable certificate is installed', () => {
    const none = variant(RELAY, '          - 6666666666666666666666666666666666666666\n', '');
    const f = onlyFinding(none, RULE);
    // Buying a certificate cannot be simulated: text steps at the CA and in the shell, no placeholder command (issue 12).
    expect(commands(f)).toEqual([]);
    expect(f.fix.map((s) => s.where)).toEqual(['certificate authority', 'Exchange Management Shell', 'Exchange Management Shell', undefined]);
    expect(f.fix[0]!.text).toContain('smtp.contoso.com');
    expect(f.fixVerification?.status).toBe('not-verified');
  });

  it('fires on the shipped S2 examples, before and after the IP connector was disabled', () => {
    for (const name of ['s2-cert-connector-before', 's2-cert-connector-after']) {
      const f = onlyFinding(exampleTopology(name), RULE);
      expect(f.subjects.slice(0, 2)).toEqual([SEND_CONNECTOR, CERT_CONNECTOR]);
    }
  });
});
