import { describe, expect, it } from 'vitest';
import { exampleTopology, ruleSeverity } from './rule-test-kit.js';
import { statusFindings, statusGroup } from './status-kit.js';

const RULE = 'trace-onprem-send-tls-error';
const HYBRID = exampleTopology('exo-onprem-subject-mismatch');
const SEND = 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
// NDR-CATALOG "On-premises sender (send connector) errors": the exact texts.
const NOT_FOUND = '454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.';
const VALIDATION = '454 4.7.5 Certificate validation failure';

describe('trace-onprem-send-tls-error', () => {
  it('is an error in the catalog (RULES.md v2)', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M2: TlsCertificateName not found on the hybrid send connector names the connector, maps to connector-stale-certificate-reference, and checks its source server', () => {
    const g = statusGroup(NOT_FOUND, { origin: 'queue', connector: SEND, remoteHost: 'contoso-com.mail.protection.outlook.com', count: 4, first: '2026-11-20T09:00:00Z', last: '2026-11-20T10:00:00Z' });
    const [f, ...rest] = statusFindings(HYBRID, { statuses: [g] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.subjects).toEqual([{ type: 'SendConnector', name: SEND, organization: 'Contoso' }]);
    expect(f!.message).toContain('4 queue entries between 2026-11-20T09:00:00Z and 2026-11-20T10:00:00Z');
    expect(f!.message).toContain(NOT_FOUND);
    expect(f!.message).toContain('connector-stale-certificate-reference');
    expect(f!.fix[0]!.command).toContain(`Get-SendConnector -Identity '${SEND}'`);
    expect(f!.fix[0]!.command).toContain('Get-ExchangeCertificate -Server EX01');
    for (const s of f!.fix) expect(s.command ?? '').not.toMatch(/[<>]/);
  });

  it('M9: 454 4.7.5 Certificate validation failure maps to onprem-to-exo-tls-validation-fails with the real connector in the command', () => {
    const [f] = statusFindings(HYBRID, { statuses: [statusGroup(VALIDATION, { origin: 'queue', connector: SEND })] }, RULE);
    expect(f!.message).toContain('onprem-to-exo-tls-validation-fails');
    expect(f!.fix[1]).toMatchObject({ command: `Set-SendConnector -Identity '${SEND}' -RequireTLS $true -TlsAuthLevel DomainValidation -TlsDomain mail.protection.outlook.com`, where: 'Exchange Management Shell' });
  });

  it('is silent on a connector the case shows delivering to the internet, not to Exchange Online', () => {
    expect(statusFindings(HYBRID, { statuses: [statusGroup(NOT_FOUND, { origin: 'queue', connector: 'Internet' })] }, RULE)).toEqual([]);
  });

  it("is silent for Exchange Online's own 4.4.317 … 5.7.3 deferral in a message trace (exo-to-onprem-starttls-unavailable)", () => {
    const g = statusGroup('450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail]', { origin: 'message-trace', connector: 'Outbound to 8d7c6b5a-4f3e-2d1c-0b9a-887766554433' });
    expect(statusFindings(HYBRID, { statuses: [g] }, RULE)).toEqual([]);
  });
});
