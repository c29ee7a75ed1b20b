import { describe, expect, it } from 'vitest';
import { diagnose, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'exo-to-onprem-tls-validation-fails';
const EXAMPLE = exampleTopology('exo-onprem-subject-mismatch');
const DIGICERT = '<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, C=US';
/** EX02's Default Frontend configured as the Hybrid Configuration Wizard configures EX01's. */
const FIXED = variant(EXAMPLE, '        Fqdn: ex02.corp.contoso.com\n        Enabled: true', `        Fqdn: ex02.corp.contoso.com\n        TlsCertificateName: "${DIGICERT}"\n        TlsDomainCapabilities: ["mail.protection.outlook.com:AcceptCloudServicesMail"]\n        Enabled: true`);
const CLOUD_TO_ONPREM = 'alice@contoso.com → bob@contoso.com';

describe('exo-to-onprem-tls-validation-fails', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M8.1/M8.6: fires for the smart host whose Default Frontend presents its self-signed CN=EX02, and says it is intermittent', () => {
    const f = onlyFinding(EXAMPLE, RULE);
    expect(f.message).toMatch(/^Intermittent: /);
    expect(f.message).toContain('"Default Frontend EX02" on EX02');
    expect(f.message).toContain('450 4.7.320 Certificate validation failed [Message=SubjectMismatch]');
    expect(f.subjects[0]).toEqual({ type: 'ReceiveConnector', name: 'Default Frontend EX02', organization: 'Contoso' });
    expect(f.subjects).toContainEqual({ type: 'Flow', name: CLOUD_TO_ONPREM });
    // The fix names the case's installed public certificate by its real issuer and subject, where to run it.
    expect(f.fix[0]).toMatchObject({ command: `Set-ReceiveConnector -Identity 'EX02\\Default Frontend EX02' -TlsCertificateName '${DIGICERT}' -TlsDomainCapabilities 'mail.protection.outlook.com:AcceptCloudServicesMail'`, where: 'Exchange Management Shell' });
    expect(f.fixVerification?.status).toBe('verified');
  });

  it('M8.1: the flow is delivered (via EX01) with an "intermittent deferrals" anomaly naming mail2.contoso.com', () => {
    const flow = diagnose(EXAMPLE).simulation.flows.find((x) => x.origin === 'contoso.onmicrosoft.com' && x.to === 'bob@contoso.com')!;
    expect(flow.outcome).toBe('delivered');
    expect(flow.anomalies.some((a) => a.startsWith('intermittent deferrals via mail2.contoso.com'))).toBe(true);
    expect(flow.targets?.map((t) => [t.host, t.outcome])).toEqual([['mail1.contoso.com', 'delivered'], ['mail2.contoso.com', 'deferred']]);
  });

  it('M8.6: with EX02 the only smart host the flow is deferred for 24 h, and the finding (not flow-fails) explains it', () => {
    const yaml = variant(EXAMPLE, 'SmartHosts: [mail1.contoso.com, mail2.contoso.com]', 'SmartHosts: [mail2.contoso.com]');
    const d = diagnose(yaml);
    const flow = d.simulation.flows.find((x) => x.origin === 'contoso.onmicrosoft.com' && x.to === 'bob@contoso.com')!;
    expect(flow).toMatchObject({ outcome: 'deferred', response: '450 4.7.320 Certificate validation failed [Message=SubjectMismatch]', finalResponse: '550 4.4.7 QUEUE.Expired; message expired', expiresAfter: '24h' });
    expect(flow.hops[flow.hops.length - 1]!.tls).toMatchObject({ offered: true, serverCertificate: 'EX02', clientCertificate: 'mail.protection.outlook.com', validation: 'SubjectMismatch', landedOn: 'Default Frontend EX02' });
    const f = d.findings.filter((x) => x.rule === RULE);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).not.toContain('Intermittent');
    expect(d.findings.filter((x) => x.rule === 'flow-fails')).toEqual([]);
  });

  it('M8.5: CertificateValidation rejects the self-signed certificate as UntrustedRoot', () => {
    const yaml = variant(EXAMPLE, 'TlsSettings: DomainValidation', 'TlsSettings: CertificateValidation');
    expect(onlyFinding(yaml, RULE).message).toContain('450 4.4.317 Cannot connect to remote server [Message=UntrustedRoot]');
  });

  it('M8.5: EncryptionOnly does not check the certificate: silent', () => {
    expect(findingsOf(variant(EXAMPLE, 'TlsSettings: DomainValidation', 'TlsSettings: EncryptionOnly'), RULE)).toEqual([]);
  });

  it('is silent when EX02 presents the public certificate too (the fixed twin)', () => {
    expect(findingsOf(FIXED, RULE)).toEqual([]);
    const flow = diagnose(FIXED).simulation.flows.find((x) => x.origin === 'contoso.onmicrosoft.com' && x.to === 'bob@contoso.com')!;
    expect(flow.anomalies).toEqual([]);
    expect(flow.hops[flow.hops.length - 1]!.authAs).toBe('Internal');
  });
});
