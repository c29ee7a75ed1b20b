import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, onlyFinding, variant } from './rule-test-kit.js';

const RULE = 'onprem-to-exo-tls-validation-fails';
const HYBRID = exampleTopology('clean-hybrid');
const SEND = 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
const TLS_DOMAIN = '        TlsDomain: mail.protection.outlook.com\n';

describe(RULE, () => {
  it('fires for a TlsDomain typo (M9): the connector and the deferred flow are subjects, the fix names the certificate EOP presents', () => {
    const f = onlyFinding(variant(HYBRID, TLS_DOMAIN, '        TlsDomain: mail.protection.outlok.com\n'), RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([
      { type: 'SendConnector', name: SEND, organization: 'Contoso' },
      { type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' },
    ]);
    expect(f.message).toContain('454 4.7.5 Certificate validation failure');
    expect(commands(f)).toEqual([`Set-SendConnector '${SEND}' -TlsDomain mail.protection.outlook.com`]);
    expect(f.fix[0]!.where).toBe('Exchange Management Shell');
  });

  it('fires for DomainValidation without TlsDomain on the coexistence address space (compared with the recipient domain, M9)', () => {
    const f = onlyFinding(variant(HYBRID, TLS_DOMAIN, ''), RULE);
    expect(f.message).toMatch(/without a TlsDomain.*contoso\.mail\.onmicrosoft\.com/);
  });

  it('the failing flow is explained, so flow-fails does not repeat it', () => {
    expect(findingsOf(variant(HYBRID, TLS_DOMAIN, ''), 'flow-fails')).toEqual([]);
  });

  it('does not fire on the wizard-built connector (fixed twin), nor with CertificateValidation', () => {
    expect(findingsOf(HYBRID, RULE)).toEqual([]);
    expect(findingsOf(variant(variant(HYBRID, TLS_DOMAIN, ''), 'TlsAuthLevel: DomainValidation', 'TlsAuthLevel: CertificateValidation'), RULE)).toEqual([]);
  });

  it('GCC High [model]: the worldwide TlsDomain fails against mail.protection.office365.us; the .us name is the fix', () => {
    const gcc = variant(
      variant(HYBRID, '    TenantId: 0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b\n', '    TenantId: 0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b\n    Instance: USGovGCCHigh\n'),
      'SmartHosts: [contoso-com.mail.protection.outlook.com]',
      'SmartHosts: [contoso-com.mail.protection.office365.us]',
    );
    expect(commands(onlyFinding(gcc, RULE))).toEqual([`Set-SendConnector '${SEND}' -TlsDomain mail.protection.office365.us`]);
    expect(findingsOf(variant(gcc, TLS_DOMAIN, '        TlsDomain: mail.protection.office365.us\n'), RULE)).toEqual([]);
  });
});
