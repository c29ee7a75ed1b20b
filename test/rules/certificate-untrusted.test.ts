import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, withCertificate } from './rule-test-kit.js';

const RULE = 'certificate-untrusted';
const GATEWAY = '4444444444444444444444444444444444444444';

/** S3: the gateway presents gw.contoso.com, and the tenant's connector is scoped to that name. */
const GATEWAY_CASE = fixtureTopology('gateway-centralized.yaml');
const SUBJECTS = [
  { type: 'Certificate', name: 'gw.contoso.com' },
  { type: 'InboundConnector', name: 'From mail gateway', tenant: 'contoso.onmicrosoft.com' },
];

describe('certificate-untrusted', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('fires for a self-signed certificate used to match a certificate-scoped connector (seed 003)', () => {
    const f = onlyFinding(withCertificate(GATEWAY_CASE, GATEWAY, 'IsSelfSigned', 'true'), RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual(SUBJECTS);
    expect(f.message).toContain('gw.contoso.com is not publicly trusted');
    expect(f.message).toContain('"From mail gateway" of contoso.onmicrosoft.com');
    expect(f.fix[0]!.text).toContain('from a public CA');
    expect(commands(f)).toEqual([]);
    expect(f.fix[0]!.where).toBe('certificate authority');
  });

  it('is silent for the same certificate issued by a public CA', () => {
    expect(findingsOf(GATEWAY_CASE, RULE)).toEqual([]);
  });

  it('fires for a certificate from a private (enterprise) root, and not for a third-party root', () => {
    expect(onlyFinding(withCertificate(GATEWAY_CASE, GATEWAY, 'RootCAType', 'Enterprise'), RULE).subjects).toEqual(SUBJECTS);
    expect(findingsOf(withCertificate(GATEWAY_CASE, GATEWAY, 'RootCAType', 'ThirdParty'), RULE)).toEqual([]);
  });

  it('fires for a certificate whose Status is not Valid', () => {
    expect(onlyFinding(withCertificate(GATEWAY_CASE, GATEWAY, 'Status', 'Untrusted'), RULE).subjects).toEqual(SUBJECTS);
    expect(findingsOf(withCertificate(GATEWAY_CASE, GATEWAY, 'Status', 'Valid'), RULE)).toEqual([]);
  });

  it('is silent for a self-signed certificate that no certificate-scoped connector is meant to match (S3, IP variant)', () => {
    expect(findingsOf(exampleTopology('s3-shared-ip'), RULE)).toEqual([]);
  });

  it('is silent when the connector it would match is disabled', () => {
    const disabled = withCertificate(GATEWAY_CASE, GATEWAY, 'IsSelfSigned', 'true').replace('        Enabled: true\n        TlsSenderCertificateName', '        Enabled: false\n        TlsSenderCertificateName');
    expect(disabled).not.toBe(withCertificate(GATEWAY_CASE, GATEWAY, 'IsSelfSigned', 'true'));
    expect(findingsOf(disabled, RULE)).toEqual([]);
  });
});
