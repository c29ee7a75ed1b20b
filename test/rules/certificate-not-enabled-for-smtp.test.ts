import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, ruleSeverity, variant, withCertificate } from './rule-test-kit.js';

const RULE = 'certificate-not-enabled-for-smtp';
const EXAMPLE = exampleTopology('exo-onprem-subject-mismatch');
const PUBLIC = '0A1B2C3D4E5F60718293A4B5C6D7E8F901234567';
const ONLY_EX01 = variant(EXAMPLE, 'SmartHosts: [mail1.contoso.com, mail2.contoso.com]', 'SmartHosts: [mail1.contoso.com]');

describe('certificate-not-enabled-for-smtp', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M2/M8.4 (KB4051498): the hybrid certificate enabled for IIS only — both the send connector and Default Frontend EX01 select it', () => {
    const found = findingsOf(withCertificate(ONLY_EX01, PUBLIC, 'Services', 'IIS'), RULE);
    expect(found.map((f) => f.subjects[1])).toEqual(
      expect.arrayContaining([
        { type: 'ReceiveConnector', name: 'Default Frontend EX01', organization: 'Contoso' },
        { type: 'SendConnector', name: 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433', organization: 'Contoso' },
      ]),
    );
    for (const f of found) {
      expect(f.subjects[0]).toEqual({ type: 'ExchangeCertificate', name: PUBLIC, organization: 'Contoso' });
      expect(commands(f)).toEqual([`Enable-ExchangeCertificate -Thumbprint ${PUBLIC} -Services SMTP -Server EX01`]);
      expect(f.fix[0]!.where).toBe('Exchange Management Shell');
    }
    const receive = found.find((f) => f.subjects[1]!.type === 'ReceiveConnector')!;
    expect(receive.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' });
    expect(receive.fixVerification?.status).toBe('verified');
  });

  it('is silent when the certificate is enabled for SMTP (the twin)', () => {
    expect(findingsOf(ONLY_EX01, RULE)).toEqual([]);
  });
});
