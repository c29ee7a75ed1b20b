import { describe, expect, it } from 'vitest';
import { ruleSeverity } from './rule-test-kit.js';
import { statusFindings, statusGroup } from './status-kit.js';

const RULE = 'trace-dane-mtasts-failure';
const TENANT = `kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com]
    OutboundConnectors:
      - Name: To Fabrikam
        ConnectorType: Partner
        Enabled: true
        RecipientDomains: [fabrikam.com]
        UseMXRecord: true
        SmtpDaneMode: Mandatory
        MtaStsMode: None
`;
// NDR-CATALOG "Exchange Online outbound TLS policies": 4.7.323 tlsa-invalid.
const TLSA = '450 4.7.323 tlsa-invalid: The domain failed DANE validation';

describe('trace-dane-mtasts-failure', () => {
  it('is a warning in the catalog (RULES.md v2)', () => {
    expect(ruleSeverity(RULE)).toBe('warning');
  });

  it("[NOC][MODES]: 4.7.323 on an outbound connector names the destination's fault and the connector's SmtpDaneMode/MtaStsMode from the export", () => {
    const g = statusGroup(TLSA, { sender: 'alice@contoso.com', recipient: 'bob@fabrikam.com', connector: 'To Fabrikam', remoteHost: 'mx.fabrikam.com' });
    const [f, ...rest] = statusFindings(TENANT, { statuses: [g] }, RULE);
    expect(rest).toEqual([]);
    expect(f!.subjects).toEqual([{ type: 'OutboundConnector', name: 'To Fabrikam', tenant: 'contoso.onmicrosoft.com' }]);
    expect(f!.message).toContain('tlsa-invalid');
    expect(f!.message).toContain('SmtpDaneMode Mandatory, MtaStsMode None');
    expect(f!.message).toContain('deferred');
    expect(f!.fix[0]!.text).toContain('mx.fabrikam.com');
    expect(f!.fix[1]).toMatchObject({ command: "Get-OutboundConnector -Identity 'To Fabrikam' | Format-List Name,SmtpDaneMode,MtaStsMode,SmartHosts,UseMXRecord", where: 'Exchange Online PowerShell' });
  });

  it('5.7.32x is final: the message was returned', () => {
    const g = statusGroup('550 5.7.321 starttls-not-supported: Destination mail server must support TLS to receive mail', { recipient: 'bob@fabrikam.com', connector: 'To Fabrikam' });
    const [f] = statusFindings(TENANT, { statuses: [g] }, RULE);
    expect(f!.message).toContain('returned to the sender');
  });

  it('an outbound connector not in the case: its modes are said to be unknown', () => {
    const g = statusGroup(TLSA, { recipient: 'bob@fabrikam.com', connector: 'Elsewhere' });
    const [f] = statusFindings(TENANT, { statuses: [g] }, RULE);
    expect(f!.message).toContain('SmtpDaneMode/MtaStsMode are unknown');
  });

  it('is silent for another outbound deferral on the same connector (4.4.316)', () => {
    const g = statusGroup('450 4.4.316 Connection refused [Message=Socket error code 10061]', { recipient: 'bob@fabrikam.com', connector: 'To Fabrikam' });
    expect(statusFindings(TENANT, { statuses: [g] }, RULE)).toEqual([]);
  });
});
