import { describe, expect, it } from 'vitest';
import { ConnectorIndex } from '../../src/engine/connector-index.js';
import { decidePartnerConnectors, type PartnerConnection } from '../../src/engine/partner-connector-decision.js';
import { applyChange } from '../../src/engine/cmdlet-change.js';
import { simulateCase } from '../../src/engine/simulate.js';
import type { FlowResult } from '../../src/engine/flow-types.js';
import type { InboundConnector } from '../../src/model/case.js';
import { cert, inbound, tenant } from '../helpers/factories.js';
import { AT, exampleTopology, loadTopology, variant } from '../rules/rule-test-kit.js';

/** Texts from EXO-SEMANTICS M15 / NDR-CATALOG 5.7.51 (the first documented [TLSBLOG25], the second [model]). */
const RESTRICTION_TEXT =
  "550 5.7.51 TenantInboundAttribution; There is a partner connector configured that matched the message's recipient domain. The connector had either the RestrictDomainsToIPAddresses or RestrictDomainsToCertificate set";
const REQUIRE_TLS_TEXT = '550 5.7.51 TenantInboundAttribution; Rejecting';

const DOMAINS = ['contoso.com', 'contoso.mail.onmicrosoft.com', 'contoso.onmicrosoft.com'];

function decide(connectors: InboundConnector[], conn: Partial<PartnerConnection>) {
  const t = tenant('contoso.onmicrosoft.com', DOMAINS, connectors);
  const index = new ConnectorIndex([t]);
  return decidePartnerConnectors(index.partnerConnectors(t), {
    sourceIp: '198.51.100.25',
    certificate: null,
    certificateProblem: 'no certificate presented',
    tls: true,
    tlsAssumption: null,
    sendingTenant: null,
    senderDomain: 'partner.example',
    rcptDomain: 'contoso.com',
    ...conn,
  });
}

const lockDown = (p: Partial<InboundConnector> = {}) =>
  inbound({ Name: 'Lock down', ConnectorType: 'Partner', SenderDomains: ['*'], SenderIPAddresses: ['198.51.100.10'], RestrictDomainsToIPAddresses: true, ...p });

describe('Partner connector decisions (EXO-SEMANTICS M15)', () => {
  it('M15 RestrictDomainsToIPAddresses: mail from SenderDomains outside SenderIPAddresses is rejected with the documented 5.7.51 text', () => {
    const r = decide([lockDown()], { sourceIp: '203.0.113.7' });
    expect(r).toMatchObject({ outcome: 'rejected', reason: 'restriction', response: RESTRICTION_TEXT });
    expect(r!.connector.connector.Name).toBe('Lock down');
    expect(decide([lockDown()], { sourceIp: '198.51.100.10' })).toMatchObject({ outcome: 'admitted', reason: 'restriction-met' });
  });

  it('M15/M3: SenderIPAddresses counts IPv4 /24–/32 only; a /16 entry and an IPv6 source never match', () => {
    expect(decide([lockDown({ SenderIPAddresses: ['198.51.0.0/16'] })], { sourceIp: '198.51.100.10' })?.outcome).toBe('rejected');
    expect(decide([lockDown({ SenderIPAddresses: ['198.51.100.0/24'] })], { sourceIp: '198.51.100.10' })?.outcome).toBe('admitted');
    expect(decide([lockDown({ SenderIPAddresses: ['198.51.100.0/24', '2001:db8::/64'] })], { sourceIp: '2001:db8::5' })?.outcome).toBe('rejected');
  });

  it('M15: a restriction covers only its SenderDomains', () => {
    const partnerOnly = lockDown({ SenderDomains: ['partner.example'] });
    expect(decide([partnerOnly], { sourceIp: '203.0.113.7', senderDomain: 'other.example' })).toBeNull();
    expect(decide([partnerOnly], { sourceIp: '203.0.113.7' })?.outcome).toBe('rejected');
    const subdomains = lockDown({ SenderDomains: ['*.partner.example'] });
    expect(decide([subdomains], { sourceIp: '203.0.113.7', senderDomain: 'eu.partner.example' })?.outcome).toBe('rejected');
  });

  it('M15 RestrictDomainsToCertificate: the subject CN must match TlsSenderCertificateName; a SAN name does not count', () => {
    const byCert = inbound({ Name: 'Partner by certificate', ConnectorType: 'Partner', SenderDomains: ['partner.example'], TlsSenderCertificateName: 'mx.partner.example', RestrictDomainsToCertificate: true });
    const subject = cert(['mx.partner.example']);
    expect(decide([byCert], { certificate: subject, certificateProblem: null })).toMatchObject({ outcome: 'admitted', reason: 'restriction-met' });
    const sanOnly = cert(['gw.partner.example', 'mx.partner.example']);
    expect(decide([byCert], { certificate: sanOnly, certificateProblem: null })).toMatchObject({ outcome: 'rejected', response: RESTRICTION_TEXT });
    expect(decide([byCert], {})).toMatchObject({ outcome: 'rejected', response: RESTRICTION_TEXT });
    // M3: an expired or untrusted certificate never matches a connector.
    expect(decide([byCert], { certificate: subject, certificateProblem: 'certificate mx.partner.example expired on 2026-01-01' })?.outcome).toBe('rejected');
  });

  it('M15 [PG900]: a restricting connector takes precedence over an allow-by-sender-domain one', () => {
    const allow = inbound({ Name: 'Allow partner', ConnectorType: 'Partner', SenderDomains: ['partner.example'] });
    const r = decide([allow, lockDown()], { sourceIp: '203.0.113.7' });
    expect(r).toMatchObject({ outcome: 'rejected', reason: 'restriction', response: RESTRICTION_TEXT });
    expect(r!.why).toMatch(/"Allow partner" allows partner\.example by sender domain, but a restricting connector takes precedence/);
    expect(decide([allow], { sourceIp: '203.0.113.7' })).toMatchObject({ outcome: 'admitted', reason: 'sender-domain' });
  });

  it('M15 [model]: mail that meets one of several restricting connectors covering it is admitted', () => {
    const partnerCert = inbound({ Name: 'Partner by certificate', ConnectorType: 'Partner', SenderDomains: ['partner.example'], TlsSenderCertificateName: 'mx.partner.example', RestrictDomainsToCertificate: true });
    const r = decide([lockDown(), partnerCert], { sourceIp: '203.0.113.7', certificate: cert(['mx.partner.example']), certificateProblem: null });
    expect(r).toMatchObject({ outcome: 'admitted', reason: 'restriction-met' });
    expect(r!.connector.connector.Name).toBe('Partner by certificate');
  });

  it('M15 RequireTls: mail without TLS is rejected with the [model] text; with TLS it passes', () => {
    const allow = inbound({ Name: 'Partner TLS', ConnectorType: 'Partner', SenderDomains: ['partner.example'], RequireTls: true });
    const r = decide([allow], { tls: false });
    expect(r).toMatchObject({ outcome: 'rejected', reason: 'require-tls', response: REQUIRE_TLS_TEXT });
    expect(r!.assumptions.join(' ')).toMatch(/not documented/);
    expect(decide([allow], { tls: true })?.outcome).toBe('admitted');
    expect(decide([{ ...allow, RequireTls: false }], { tls: false })?.outcome).toBe('admitted');
  });

  it('M15 [model] AssociatedAcceptedDomains are recipient domains; without them a lock-down connector also covers *.onmicrosoft.com [I2642]', () => {
    const scoped = lockDown({ extra: { AssociatedAcceptedDomains: ['contoso.com'] } });
    expect(decide([scoped], { sourceIp: '203.0.113.7', rcptDomain: 'contoso.mail.onmicrosoft.com' })).toBeNull();
    expect(decide([scoped], { sourceIp: '203.0.113.7', rcptDomain: 'contoso.com' })?.outcome).toBe('rejected');
    const r = decide([lockDown()], { sourceIp: '203.0.113.7', rcptDomain: 'contoso.onmicrosoft.com' });
    expect(r?.outcome).toBe('rejected');
    expect(r!.why).toMatch(/no AssociatedAcceptedDomains/);
  });

  it('M15 [model] TrustedOrganizations: mail from a listed tenant passes; the connector restricts no one else', () => {
    const trusted = inbound({ Name: 'Trust Fabrikam', ConnectorType: 'Partner', SenderDomains: ['*'], SenderIPAddresses: ['192.0.2.1'], RestrictDomainsToIPAddresses: true, extra: { TrustedOrganizations: ['fabrikam.onmicrosoft.com'] } });
    expect(decide([trusted, lockDown()], { sourceIp: '40.92.0.1', sendingTenant: 'fabrikam.onmicrosoft.com' })).toMatchObject({ outcome: 'admitted', reason: 'trusted-organization' });
    expect(decide([trusted, lockDown()], { sourceIp: '40.92.0.1', sendingTenant: 'tailspin.onmicrosoft.com' })?.connector.connector.Name).toBe('Lock down');
    expect(decide([trusted], { sourceIp: '203.0.113.7' })).toBeNull();
  });

  it('unknown is not false: a source address the case does not hold meets an IP restriction, with an assumption', () => {
    const r = decide([lockDown()], { sourceIp: null });
    expect(r?.outcome).toBe('admitted');
    expect(r!.assumptions.join(' ')).toMatch(/public IP address is not in the case/);
  });

  it('disabled Partner connectors do not apply', () => {
    expect(decide([lockDown({ Enabled: false })], { sourceIp: '203.0.113.7' })).toBeNull();
  });
});

describe('Partner connectors in the simulation (M15, M3 order of checks)', () => {
  const example = exampleTopology('partner-lockdown-hybrid');
  const flows = (yaml: string): FlowResult[] => simulateCase(loadTopology(yaml), { at: AT }).flows;
  const hybrid = (fs: FlowResult[]) => fs.find((f) => f.from === 'bob@contoso.com')!;
  const internet = (fs: FlowResult[]) => fs.find((f) => f.from === 'dave@tailspintoys.com')!;

  it('M15 [TLSBLOG25]: hybrid mail not attributed Originating is rejected by the lock-down connector, and the decision names the hybrid cause', () => {
    const f = hybrid(flows(example));
    expect(f.outcome).toBe('rejected');
    expect(f.response).toBe(RESTRICTION_TEXT);
    expect(f.conclusion).toMatch(/Partner connector "Lock down to the mail gateway"/);
    expect(f.conclusion).toMatch(/the OnPremises connector "Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433" did not match because the certificate presented, mail\.contoso\.com .*does not match its TlsSenderCertificateName smtp\.contoso\.com/);
    // Refused at RCPT TO: the message was never processed in the tenant.
    expect(f.tenants).toEqual([]);
  });

  it('M15: mail from the listed gateway address is admitted', () => {
    expect(internet(flows(example)).outcome).toBe('delivered');
  });

  it('M15: Partner connectors do not apply to mail attributed Originating (the OnPremises connector matches)', () => {
    const fixed = variant(example, 'TlsSenderCertificateName: smtp.contoso.com', 'TlsSenderCertificateName: mail.contoso.com');
    const f = hybrid(flows(fixed));
    expect(f.outcome).toBe('delivered');
    expect(f.hops.find((h) => h.eop)?.attribution.step).toBe('certificate');
  });

  it('M15 [I2642]: with AssociatedAcceptedDomains the lock-down no longer covers the coexistence domain', () => {
    const scoped = variant(example, '        RestrictDomainsToIPAddresses: true\n', '        RestrictDomainsToIPAddresses: true\n        AssociatedAcceptedDomains: [contoso.com]\n');
    expect(hybrid(flows(scoped)).outcome).toBe('delivered');
  });

  it('M15 RequireTls: a send connector with IgnoreSTARTTLS sends without TLS, and a RequireTls Partner connector rejects it', () => {
    // The lock-down becomes an allow-by-sender-domain connector (SenderDomains *, RequireTls $true).
    const allowing = variant(example, '        SenderIPAddresses: [198.51.100.10]\n        RestrictDomainsToIPAddresses: true\n', '');
    const noTls = variant(variant(allowing, '        RequireTLS: true\n        TlsAuthLevel: DomainValidation\n', ''), '        CloudServicesMailEnabled: true\n        Enabled: true\n', '        CloudServicesMailEnabled: true\n        Enabled: true\n        IgnoreSTARTTLS: true\n');
    const f = hybrid(flows(noTls));
    expect(f.outcome).toBe('rejected');
    expect(f.response).toBe(REQUIRE_TLS_TEXT);
    expect(hybrid(flows(allowing)).outcome).toBe('delivered');
  });
});

describe('what-if on Partner connector settings (M15 inputs, issue item 8)', () => {
  const example = () => loadTopology(exampleTopology('partner-lockdown-hybrid'));
  const hybridOutcome = (c: ReturnType<typeof example>) => simulateCase(c, { at: AT }).flows.find((f) => f.from === 'bob@contoso.com')!.outcome;

  it('Set-InboundConnector -AssociatedAcceptedDomains scopes the lock-down and the hybrid flow is delivered (I2642)', () => {
    const r = applyChange(example(), "Set-InboundConnector 'Lock down to the mail gateway' -AssociatedAcceptedDomains Contoso.com");
    expect(r.case.tenants[0]!.InboundConnectors[1]!.extra.AssociatedAcceptedDomains).toEqual(['contoso.com']);
    expect(hybridOutcome(r.case)).toBe('delivered');
  });

  it('refuses AssociatedAcceptedDomains that are not accepted domains of the tenant', () => {
    expect(() => applyChange(example(), "Set-InboundConnector 'Lock down to the mail gateway' -AssociatedAcceptedDomains fabrikam.com")).toThrow(/fabrikam\.com is not an accepted domain of contoso\.onmicrosoft\.com/);
  });

  it('Set-InboundConnector -SenderIPAddresses / -RestrictDomainsToIPAddresses change the verdict', () => {
    expect(hybridOutcome(applyChange(example(), "Set-InboundConnector 'Lock down to the mail gateway' -SenderIPAddresses @{Add='203.0.113.10'}").case)).toBe('delivered');
    expect(hybridOutcome(applyChange(example(), "Set-InboundConnector 'Lock down to the mail gateway' -RestrictDomainsToIPAddresses $false").case)).toBe('delivered');
  });

  it('Set-InboundConnector -RestrictDomainsToCertificate: the gateway presents no certificate, so internet mail through it is rejected too', () => {
    const c = applyChange(example(), "Set-InboundConnector 'Lock down to the mail gateway' -RestrictDomainsToIPAddresses $false -RestrictDomainsToCertificate $true -TlsSenderCertificateName gw.contoso.com").case;
    const internet = simulateCase(c, { at: AT }).flows.find((f) => f.from === 'dave@tailspintoys.com')!;
    expect(internet.outcome).toBe('rejected');
    expect(internet.response).toBe(RESTRICTION_TEXT);
  });

  it('Set-InboundConnector -TrustedOrganizations is kept where the model reads it', () => {
    const r = applyChange(example(), "Set-InboundConnector 'Lock down to the mail gateway' -TrustedOrganizations fabrikam.onmicrosoft.com");
    expect(r.case.tenants[0]!.InboundConnectors[1]!.extra.TrustedOrganizations).toEqual(['fabrikam.onmicrosoft.com']);
  });
});
