import { describe, expect, it } from 'vitest';
import { exampleTopology, ruleSeverity } from './rule-test-kit.js';
import { statusFindings, statusGroup } from './status-kit.js';

const RULE = 'trace-ip-throttled';
const HYBRID = exampleTopology('exo-onprem-subject-mismatch');

describe('trace-ip-throttled', () => {
  it('is a warning in the catalog (RULES.md v2)', () => {
    expect(ruleSeverity(RULE)).toBe('warning');
  });

  it('M12 [451AS]: 451 4.7.500 (ASxxx) from an on-premises server no connector covers by IP: a connector is missing for it', () => {
    const g = statusGroup('451 4.7.500 Access denied, please try again later (AS12345)', { origin: 'queue', clientIp: '203.0.113.10', remoteHost: 'contoso-com.mail.protection.outlook.com' });
    const [f, ...rest] = statusFindings(HYBRID, { statuses: [g] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.severity).toBe('warning');
    expect(f!.subjects).toEqual([{ type: 'Host', name: '203.0.113.10' }]);
    expect(f!.message).toContain('203.0.113.10 (server EX01 of Contoso)');
    expect(f!.message).toContain('No inbound connector of the case covers 203.0.113.10');
    expect(f!.fix[0]).toMatchObject({ command: 'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,TlsSenderCertificateName,SenderIPAddresses', where: 'Exchange Online PowerShell' });
  });

  it('4.7.850-899, the IP-level variant, fires too', () => {
    const g = statusGroup('451 4.7.850 Access denied, please try again later', { origin: 'queue', clientIp: '198.51.100.7' });
    expect(statusFindings(HYBRID, { statuses: [g] }, RULE)).toHaveLength(1);
  });

  it('is silent for another 4.7.x code (4.7.230: onprem-server-out-of-date)', () => {
    const g = statusGroup('450 4.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online throttled for 5 mins/hr.', { origin: 'queue', clientIp: '203.0.113.10' });
    expect(statusFindings(HYBRID, { statuses: [g] }, RULE)).toEqual([]);
  });
});
