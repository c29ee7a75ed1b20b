import { describe, expect, it } from 'vitest';
import { evidenceFindings, traceRow } from './evidence-kit.js';
import { exampleTopology } from './rule-test-kit.js';

const S1 = exampleTopology('s1-provider-wildcard');
const TENANT_ID = '7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10';
const CONNECTOR = 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e';
const viaOnPrem = { name: CONNECTOR, type: 'OnPremises', tenantId: TENANT_ID };

/** S1's evidence row, and its like: customers' mail received through the provider's OnPremises connector. */
const rows = [
  traceRow({ at: '2026-10-03T08:15:00Z', sender: 'anna@setebos-ag.com', recipient: 'info@fabrikam.com', inboundConnector: viaOnPrem, clientIp: '81.173.212.44', clientHostname: 'mx01.varunagroup.de' }),
  traceRow({ at: '2026-10-05T09:00:00Z', sender: 'ben@setebos-ag.com', recipient: 'sales@fabrikam.com', inboundConnector: viaOnPrem, clientIp: '81.173.212.44' }),
  traceRow({ at: '2026-11-20T17:45:00Z', sender: 'cara@setebos-ag.com', recipient: 'info@fabrikam.com', inboundConnector: viaOnPrem, clientIp: '81.173.212.45' }),
  traceRow({ at: '2026-10-10T12:00:00Z', sender: 'dave@northwind.example', recipient: 'x@fabrikam.com', inboundConnector: viaOnPrem }),
  // The provider's own hybrid mail through the same connector is legitimate.
  traceRow({ at: '2026-09-01T07:00:00Z', sender: 'eve@varunagroup.de', recipient: 'y@fabrikam.com', inboundConnector: viaOnPrem }),
  // A Partner connector never makes mail the tenant's own.
  traceRow({ at: '2026-09-02T07:00:00Z', sender: 'fred@setebos-ag.com', recipient: 'z@varunagroup.de', inboundConnector: { name: 'Partner in', type: 'Partner', tenantId: TENANT_ID } }),
  // Plain inbound mail, no connector.
  traceRow({ at: '2026-09-03T07:00:00Z', sender: 'gina@setebos-ag.com', recipient: 'z@varunagroup.de' }),
];

describe('trace-foreign-mail-via-onprem-connector', () => {
  it("counts the foreign messages per sender domain with the first and last time (S1's open question)", () => {
    const found = evidenceFindings(S1, { traces: rows }, 'trace-foreign-mail-via-onprem-connector');
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([{ type: 'InboundConnector', name: CONNECTOR, tenant: 'varunagroup.onmicrosoft.com' }]);
    expect(f.message).toContain('4 messages between 2026-10-03T08:15:00Z and 2026-11-20T17:45:00Z');
    expect(f.message).toContain('setebos-ag.com 3, northwind.example 1');
    expect(f.message).not.toContain('varunagroup.de 1');
    expect(f.evidence.map((e) => e.text)).toContain('setebos-ag.com: 3 messages between 2026-10-03T08:15:00Z and 2026-11-20T17:45:00Z');
    expect(f.evidence.some((e) => e.source === 'trace.csv:2' && e.text.includes('81.173.212.44') && e.text.includes('mx01.varunagroup.de'))).toBe(true);
    // The dedicated name is the admin's to choose (a trace does not say it): the step names the cmdlet in its text, with no placeholder command (issue 12).
    expect(f.fix.some((x) => x.where === 'Exchange Online PowerShell' && !x.command && x.text.includes(`Set-InboundConnector -Identity '${CONNECTOR}' -TlsSenderCertificateName`))).toBe(true);
  });

  it('finds the tenant by connector name when the row has no tenant id', () => {
    const found = evidenceFindings(S1, { traces: [traceRow({ sender: 'a@setebos-ag.com', recipient: 'b@fabrikam.com', inboundConnector: { name: CONNECTOR, type: 'OnPremises', tenantId: null } })] }, 'trace-foreign-mail-via-onprem-connector');
    expect(found).toHaveLength(1);
  });

  it("stays silent on the tenant's own mail, Partner connectors and plain inbound mail", () => {
    expect(evidenceFindings(S1, { traces: rows.slice(4) }, 'trace-foreign-mail-via-onprem-connector')).toEqual([]);
  });

  it('stays silent when the tenant is not in the case (nothing to compare the sender domains with)', () => {
    const other = traceRow({ sender: 'a@setebos-ag.com', recipient: 'b@fabrikam.com', inboundConnector: { name: 'Inbound from elsewhere', type: 'OnPremises', tenantId: '00000000-0000-0000-0000-000000000001' } });
    expect(evidenceFindings(S1, { traces: [other] }, 'trace-foreign-mail-via-onprem-connector')).toEqual([]);
    expect(evidenceFindings(null, { traces: rows }, 'trace-foreign-mail-via-onprem-connector')).toEqual([]);
  });

  it("RULES.md v2: the tenant's own on-premises server relaying application mail is info, not error (M4)", () => {
    // clean-hybrid: EX01 (203.0.113.10) belongs to Contoso, which shares contoso.com with the tenant.
    const hybrid = exampleTopology('clean-hybrid');
    const connector = { name: 'Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433', type: 'OnPremises', tenantId: '0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b' };
    const own = traceRow({ sender: 'noreply@billing-app.example', recipient: 'x@fabrikam.com', inboundConnector: connector, clientIp: '203.0.113.10' });
    const found = evidenceFindings(hybrid, { traces: [own] }, 'trace-foreign-mail-via-onprem-connector');
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('info');
    expect(found[0]!.message).toContain('from its own on-premises servers');
    // The same row from a host that is not the tenant's own side stays an error.
    const foreign = traceRow({ sender: 'noreply@billing-app.example', recipient: 'x@fabrikam.com', inboundConnector: connector, clientIp: '198.51.100.7' });
    expect(evidenceFindings(hybrid, { traces: [foreign] }, 'trace-foreign-mail-via-onprem-connector').map((f) => f.severity)).toEqual(['error']);
  });

  it("a row that names no sending host is not proof of the fault: a warning that says what to supply, never an error (the bar: no error on a value the case does not hold)", () => {
    const hybrid = exampleTopology('clean-hybrid');
    const connector = { name: 'Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433', type: 'OnPremises', tenantId: '0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b' };
    const unnamed = traceRow({ sender: 'noreply@billing-app.example', recipient: 'x@fabrikam.com', inboundConnector: connector });
    const found = evidenceFindings(hybrid, { traces: [unnamed] }, 'trace-foreign-mail-via-onprem-connector');
    expect(found.map((f) => f.severity)).toEqual(['warning']);
    expect(found[0]!.fix.map((s) => s.text).join(' ')).toMatch(/client address/);
  });
});
