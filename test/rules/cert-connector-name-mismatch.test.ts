import { describe, expect, it } from 'vitest';
import { commands, diagnose, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'cert-connector-name-mismatch';
const CERT_CONNECTOR = { type: 'InboundConnector', name: 'On-premises relay (certificate)', tenant: 'contoso.onmicrosoft.com' };

const RELAY = fixtureTopology('onprem-relay.yaml');

/** The relay estate with the send connector presenting the certificate its Fqdn selects. */
function presenting(fqdn: string, yaml = RELAY): string {
  return variant(yaml, 'RequireTLS: true', `RequireTLS: true\n        Fqdn: ${fqdn}`);
}

/** Only the flows to recipients in Exchange Online tenants that own them (an outside one and one in the case). */
function toOtherTenantsOnly(yaml: string): string {
  return yaml.slice(0, yaml.indexOf('flows:')) + 'flows:\n  - From: alice@contoso.com\n    To: erin@northwind.com\n    Origin: Contoso\n  - From: alice@contoso.com\n    To: frank@fabrikam.com\n    Origin: Contoso\n';
}

describe('cert-connector-name-mismatch', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('fires when the relay route presents a certificate whose names do not match the connector', () => {
    const yaml = presenting('mail.contoso.com');
    const f = onlyFinding(yaml, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([CERT_CONNECTOR, { type: 'Certificate', name: 'mail.contoso.com' }, { type: 'Flow', name: 'alice@contoso.com → dave@tailspintoys.com' }]);
    expect(f.message).toContain('presents mail.contoso.com (names mail.contoso.com) on its relay route to contoso.onmicrosoft.com');
    expect(f.message).toContain('expects smtp.contoso.com');
    expect(f.message).toContain('550 5.7.64 TenantAttribution; Relay Access Denied');
    // Issue 12: the safest proven fix first — present the installed public smtp.contoso.com certificate
    // the connector already expects (M2, M3); only the send connector changes.
    expect(commands(f)[0]).toBe("Set-SendConnector -Identity 'Outbound via Office 365' -TlsCertificateName '<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US'");
    expect(f.fixVerification?.status).toBe('verified');
    // The flows that rely on the connector: relay and hybrid, not mail to other tenants.
    const flows = f.evidence.filter((e) => e.source === 'simulation').map((e) => e.text);
    expect(flows).toEqual(['alice@contoso.com → dave@tailspintoys.com (rejected)', 'alice@contoso.com → bob@contoso.com (delivered)']);
    expect(diagnose(yaml).simulation.flows.find((x) => x.to === 'dave@tailspintoys.com')!.response).toBe('550 5.7.64 TenantAttribution; Relay Access Denied');
  });

  it('is silent when the presented certificate matches the connector', () => {
    expect(findingsOf(presenting('smtp.contoso.com'), RULE)).toEqual([]);
  });

  it('is silent on routes meant to reach other tenants as ordinary internet mail', () => {
    // Same mismatching certificate, but only mail to northwind.com (outside tenant) and fabrikam.com (a tenant in the case).
    expect(findingsOf(toOtherTenantsOnly(presenting('mail.contoso.com')), RULE)).toEqual([]);
    // Also when those go out by MX rather than through the tenant's smart host.
    const byMx = variant(toOtherTenantsOnly(presenting('mail.contoso.com')), 'SmartHosts: [contoso-com.mail.protection.outlook.com]\n        DNSRoutingEnabled: false', 'DNSRoutingEnabled: true');
    expect(findingsOf(byMx, RULE)).toEqual([]);
  });

  it('does not offer to name a certificate outside the accepted domains on the connector (M4)', () => {
    const f = onlyFinding(presenting('relay.contoso-hosting.net'), RULE);
    expect(f.subjects.slice(0, 2)).toEqual([CERT_CONNECTOR, { type: 'Certificate', name: 'relay.contoso-hosting.net' }]);
    expect(commands(f).filter((c) => c.includes('-TlsSenderCertificateName'))).toEqual([]);
    expect((f.alternatives ?? []).flatMap((a) => a.fix).filter((s) => s.command?.includes('-TlsSenderCertificateName'))).toEqual([]);
    expect([...f.fix, ...(f.alternatives ?? []).flatMap((a) => a.fix)].map((s) => s.text).join(' ')).toContain('not under an accepted domain of contoso.onmicrosoft.com');
  });

  it('is silent when no certificate is presented (that is cert-connector-no-client-certificate)', () => {
    expect(findingsOf(RELAY, RULE)).toEqual([]);
    expect(findingsOf(RELAY, 'cert-connector-no-client-certificate')).toHaveLength(1);
  });
});
