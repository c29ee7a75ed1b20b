import { describe, expect, it } from 'vitest';
import type { FlowResult } from '../../src/engine/flow-types.js';
import { diagnose, exampleTopology, variant } from '../rules/rule-test-kit.js';

/**
 * EXO-SEMANTICS M9: TLS from an on-premises send connector to Exchange Online. The estate is the
 * clean hybrid example (the wizard's connector: RequireTLS, DomainValidation, TlsDomain
 * mail.protection.outlook.com); each case changes one setting of "Outbound to Office 365".
 */
const HYBRID = exampleTopology('clean-hybrid');
const TLS_DOMAIN = '        TlsDomain: mail.protection.outlook.com\n';
const QUEUED = '451 4.4.0 Primary target IP address responded with: "454 4.7.5 Certificate validation failure"';

function toCloud(yaml: string): FlowResult {
  const f = diagnose(yaml).simulation.flows.find((x) => x.origin === 'Contoso' && x.to === 'bob@contoso.com');
  if (!f) throw new Error('no on-premises → cloud flow');
  return f;
}

describe('on-premises → Exchange Online TLS (M9)', () => {
  it('DomainValidation with TlsDomain mail.protection.outlook.com validates the worldwide certificate', () => {
    const f = toCloud(HYBRID);
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.tls).toEqual({ offered: true, serverCertificate: 'mail.protection.outlook.com', clientCertificate: 'mail.contoso.com', validation: 'ok', landedOn: null });
  });

  it('a TlsDomain typo queues the message on premises: deferred 454 4.7.5, NDR after MessageExpirationTimeout (default 2 days)', () => {
    const f = toCloud(variant(HYBRID, TLS_DOMAIN, '        TlsDomain: mail.protection.outlook.co\n'));
    expect(f.outcome).toBe('deferred');
    expect(f.response).toBe(QUEUED);
    expect(f.finalResponse).toBe('550 4.4.7 QUEUE.Expired; message expired');
    expect(f.expiresAfter).toBe('2d');
    expect(f.hops[0]!.tls?.validation).toBe('SubjectMismatch');
    expect(f.assumptions.join(' ')).toMatch(/454 4\.7\.5 Certificate validation failure/);
  });

  it("the server's MessageExpirationTimeout sets the expiry", () => {
    const yaml = variant(variant(HYBRID, TLS_DOMAIN, ''), '        Certificates: [0A1B2C3D4E5F60718293A4B5C6D7E8F901234567]\n', '        Certificates: [0A1B2C3D4E5F60718293A4B5C6D7E8F901234567]\n        MessageExpirationTimeout: "1.00:00:00"\n');
    const f = toCloud(yaml);
    expect(f.outcome).toBe('deferred');
    expect(f.expiresAfter).toBe('1d');
  });

  it('DomainValidation without TlsDomain compares the recipient (coexistence) domain and fails', () => {
    const f = toCloud(variant(HYBRID, TLS_DOMAIN, ''));
    expect(f.outcome).toBe('deferred');
    expect(f.conclusion).toMatch(/contoso\.mail\.onmicrosoft\.com/);
  });

  it('a wildcard TlsDomain covering one label validates (*.protection.outlook.com)', () => {
    expect(toCloud(variant(HYBRID, TLS_DOMAIN, '        TlsDomain: "*.protection.outlook.com"\n')).hops[0]!.tls?.validation).toBe('ok');
  });

  it('CertificateValidation checks only the chain, which is publicly trusted; EncryptionOnly checks nothing', () => {
    const cert = toCloud(variant(variant(HYBRID, TLS_DOMAIN, ''), 'TlsAuthLevel: DomainValidation', 'TlsAuthLevel: CertificateValidation'));
    expect(cert.outcome).toBe('delivered');
    expect(cert.hops[0]!.tls?.validation).toBe('ok');
    const enc = toCloud(variant(variant(HYBRID, TLS_DOMAIN, ''), 'TlsAuthLevel: DomainValidation', 'TlsAuthLevel: EncryptionOnly'));
    expect(enc.outcome).toBe('delivered');
    expect(enc.hops[0]!.tls?.validation).toBe('NotRequired');
  });

  it('without RequireTLS the TLS is opportunistic and nothing is validated', () => {
    const f = toCloud(variant(variant(variant(HYBRID, TLS_DOMAIN, ''), '        RequireTLS: true\n', ''), '        TlsAuthLevel: DomainValidation\n', ''));
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.tls?.validation).toBe('NotRequired');
  });

  it('GCC High [model]: EOP presents mail.protection.office365.us, so the worldwide TlsDomain fails and the .us one validates', () => {
    const gcc = variant(
      variant(variant(HYBRID, '    TenantId: 0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b\n', '    TenantId: 0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b\n    Instance: USGovGCCHigh\n'), 'SmartHosts: [contoso-com.mail.protection.outlook.com]', 'SmartHosts: [contoso-com.mail.protection.office365.us]'),
      'contoso.com: [contoso-com.mail.protection.outlook.com]',
      'contoso.com: [contoso-com.mail.protection.office365.us]',
    );
    const failing = toCloud(gcc);
    expect(failing.outcome).toBe('deferred');
    expect(failing.hops[0]!.tls?.serverCertificate).toBe('mail.protection.office365.us');
    const fixed = toCloud(variant(gcc, TLS_DOMAIN, '        TlsDomain: mail.protection.office365.us\n'));
    expect(fixed.outcome).toBe('delivered');
    expect(fixed.hops[0]!.tls?.validation).toBe('ok');
    expect(fixed.hops[0]!.authAs).toBe('Internal');
  });

  it('a DNSSEC MX host (*.mx.microsoft) is EOP; the certificate name it serves is an assumption (M13)', () => {
    const f = toCloud(variant(HYBRID, 'SmartHosts: [contoso-com.mail.protection.outlook.com]', 'SmartHosts: [contoso-com.a-v1.mx.microsoft]'));
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.attribution.tenant).toBe('contoso.onmicrosoft.com');
    expect(f.assumptions.join(' ')).toMatch(/mx\.microsoft is not confirmed/);
  });
});

describe('a certificate TlsCertificateName names that cannot serve TLS (M2, KB4051498)', () => {
  const UNKNOWN_CREDENTIALS = '451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out."';

  it('not enabled for SMTP: the send fails with UnknownCredentials and the message stays queued (deferred)', () => {
    const f = toCloud(variant(HYBRID, '    Services: IIS, SMTP', '    Services: IIS'));
    expect(f.outcome).toBe('deferred');
    expect(f.response).toBe(UNKNOWN_CREDENTIALS);
    expect(f.expiresAfter).toBe('2d');
  });

  it('without a private key: the same queue text; the finding that explains it names the flow (no flow-fails)', () => {
    const d = diagnose(variant(HYBRID, '    HasPrivateKey: true', '    HasPrivateKey: false'));
    const f = d.simulation.flows.find((x) => x.origin === 'Contoso' && x.to === 'bob@contoso.com')!;
    expect(f.outcome).toBe('deferred');
    expect(f.response).toBe(UNKNOWN_CREDENTIALS);
    expect(d.findings.map((x) => x.rule)).toContain('certificate-no-private-key');
    expect(d.findings.map((x) => x.rule)).not.toContain('flow-fails');
  });

  it('a certificate whose Services the case does not give is not held against the send', () => {
    expect(toCloud(variant(HYBRID, '    Services: IIS, SMTP\n', '')).outcome).toBe('delivered');
  });
});
