import { describe, expect, it } from 'vitest';
import { applyChange, CmdletError } from '../../src/engine/cmdlet-change.js';
import { simulateCase } from '../../src/engine/simulate.js';
import type { Case } from '../../src/model/case.js';
import { exampleTopology, loadTopology, AT, variant, withCertificate } from '../rules/rule-test-kit.js';

/** EXO-SEMANTICS M8/M10 on the example, and the what-if changes that read them (issue: what-if covers every property). */
const EXAMPLE = exampleTopology('exo-onprem-subject-mismatch');
const DIGICERT = '<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, C=US';
const PUBLIC = '0A1B2C3D4E5F60718293A4B5C6D7E8F901234567';

function cloudFlow(c: Case) {
  return simulateCase(c, { at: AT }).flows.find((f) => f.origin === 'contoso.onmicrosoft.com' && f.to === 'bob@contoso.com')!;
}

function lastHop(c: Case) {
  const f = cloudFlow(c);
  return f.hops[f.hops.length - 1]!;
}

describe('Exchange Online → on-premises delivery (M8)', () => {
  it('M8.1: delivered through EX01, deferred at EX02 — an intermittent anomaly and per-target results', () => {
    const f = cloudFlow(loadTopology(EXAMPLE));
    expect(f.outcome).toBe('delivered');
    expect(f.targets?.find((t) => t.host === 'mail2.contoso.com')).toMatchObject({ outcome: 'deferred', response: '450 4.7.320 Certificate validation failed [Message=SubjectMismatch]' });
    expect(f.hops[f.hops.length - 1]!.authAs).toBe('Internal');
  });

  it('M8.3/M10: unknown receive connectors (clean hybrid) → the wizard\'s Default Frontend assumed, Internal, and the assumption says what to export', () => {
    const f = cloudFlow(loadTopology(exampleTopology('clean-hybrid')));
    expect(f.outcome).toBe('delivered');
    expect(f.hops[f.hops.length - 1]!.authAs).toBe('Internal');
    expect(f.assumptions.some((a) => a.includes('Get-ReceiveConnector'))).toBe(true);
  });

  it('M10: CloudServicesMailEnabled $false on the outbound connector → the message arrives Anonymous', () => {
    const c = loadTopology(variant(EXAMPLE, '        TlsDomain: mail.contoso.com\n        CloudServicesMailEnabled: true', '        TlsDomain: mail.contoso.com\n        CloudServicesMailEnabled: false'));
    expect(lastHop(c).authAs).toBe('Anonymous');
  });
});

describe('what-if on the receive side', () => {
  it('Set-ReceiveConnector -TlsCertificateName -TlsDomainCapabilities on EX02 fixes the example (M8.4, M10)', () => {
    const r = applyChange(loadTopology(EXAMPLE), `Set-ReceiveConnector 'EX02\\Default Frontend EX02' -TlsCertificateName '${DIGICERT}' -TlsDomainCapabilities mail.protection.outlook.com:AcceptCloudServicesMail`);
    const rc = r.case.organizations[0]!.ReceiveConnectors[1]!;
    expect(rc.TlsCertificateName).toBe(DIGICERT);
    expect(rc.extra.TlsDomainCapabilities).toEqual(['mail.protection.outlook.com:AcceptCloudServicesMail']);
    expect(rc).not.toHaveProperty('TlsDomainCapabilities');
    expect(r.description).toContain('TlsDomainCapabilities (empty) → mail.protection.outlook.com:AcceptCloudServicesMail');
    expect(r.description).not.toContain('no effect on mail flow');
    const f = cloudFlow(r.case);
    expect(f.anomalies).toEqual([]);
    expect(f.targets?.map((t) => t.outcome)).toEqual(['delivered', 'delivered']);
  });

  it('Set-ReceiveConnector -TlsDomainCapabilities $null on EX01 makes the message arrive Anonymous (M10)', () => {
    const r = applyChange(loadTopology(EXAMPLE), "Set-ReceiveConnector 'EX01\\Default Frontend EX01' -TlsDomainCapabilities $null");
    expect(lastHop(r.case).authAs).toBe('Anonymous');
  });

  it('Set-ReceiveConnector -Bindings moves the connector off port 25: 450 4.4.317 at EX01 (M8.3)', () => {
    const r = applyChange(loadTopology(EXAMPLE), "Set-ReceiveConnector 'EX01\\Default Frontend EX01' -Bindings 0.0.0.0:2525");
    expect(r.case.organizations[0]!.ReceiveConnectors[0]!.extra.Bindings).toEqual(['0.0.0.0:2525']);
    const f = cloudFlow(r.case);
    expect(f.outcome).toBe('deferred');
    expect(f.targets?.find((t) => t.host === 'mail1.contoso.com')?.response).toBe('450 4.4.317 Cannot connect to remote server');
  });

  it('Set-ReceiveConnector -RemoteIPRanges without EOP on EX01 leaves no connector for Exchange Online (M8.3)', () => {
    const r = applyChange(loadTopology(EXAMPLE), "Set-ReceiveConnector 'EX01\\Default Frontend EX01' -RemoteIPRanges 10.0.0.0/8");
    expect(cloudFlow(r.case).targets?.find((t) => t.host === 'mail1.contoso.com')?.response).toBe('450 4.4.317 Cannot connect to remote server');
  });

  it('refuses Bindings and capabilities Exchange refuses', () => {
    const c = loadTopology(EXAMPLE);
    expect(() => applyChange(c, "Set-ReceiveConnector 'EX01\\Default Frontend EX01' -Bindings mail.contoso.com")).toThrow(CmdletError);
    expect(() => applyChange(c, "Set-ReceiveConnector 'EX01\\Default Frontend EX01' -TlsDomainCapabilities mail.protection.outlook.com:AcceptEverything")).toThrow(/is not a capability/);
  });

  it('Enable-ExchangeCertificate -Services SMTP adds SMTP to the certificate\'s services and the handshake works again (M8.4, KB4051498)', () => {
    const only = variant(EXAMPLE, 'SmartHosts: [mail1.contoso.com, mail2.contoso.com]', 'SmartHosts: [mail1.contoso.com]');
    const c = loadTopology(withCertificate(only, PUBLIC, 'Services', 'IIS'));
    expect(cloudFlow(c).outcome).toBe('deferred');
    const r = applyChange(c, `Enable-ExchangeCertificate -Thumbprint ${PUBLIC} -Services SMTP -Server EX01`);
    expect(r.case.certificates.find((x) => x.Thumbprint === PUBLIC)!.Services).toBe('IIS, SMTP');
    expect(r.description).toContain('Services IIS → "IIS, SMTP"');
    expect(r.subject).toEqual({ type: 'ExchangeCertificate', name: PUBLIC, organization: 'Contoso' });
    expect(cloudFlow(r.case).outcome).toBe('delivered');
  });

  it('Enable-ExchangeCertificate refuses a certificate the case does not hold or a server it is not installed on', () => {
    const c = loadTopology(EXAMPLE);
    expect(() => applyChange(c, 'Enable-ExchangeCertificate -Thumbprint ABCDEF -Services SMTP')).toThrow(/No certificate with thumbprint/);
    expect(() => applyChange(c, 'Enable-ExchangeCertificate -Thumbprint 2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E -Services SMTP -Server EX01')).toThrow(/is not installed on EX01/);
    expect(() => applyChange(c, `Enable-ExchangeCertificate EX01\\${PUBLIC} -Services Mail`)).toThrow(CmdletError);
  });
});
