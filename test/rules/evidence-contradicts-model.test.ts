import { describe, expect, it } from 'vitest';
import { evidenceFindings, seenCertificate, session, traceRow } from './evidence-kit.js';
import { exampleTopology } from './rule-test-kit.js';

const S1 = exampleTopology('s1-provider-wildcard');
const S2 = exampleTopology('s2-cert-connector-before');
const TENANT_ID = '7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10';
const CONNECTOR = 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e';

describe('evidence-contradicts-model', () => {
  it('stays silent when the trace shows what the simulation predicts (S1: the customer route lands on the provider connector)', () => {
    const agrees = traceRow({ sender: 'x@setebos-ag.com', recipient: 'y@fabrikam.com', tenantId: TENANT_ID, inboundConnector: { name: CONNECTOR, type: 'OnPremises', tenantId: TENANT_ID } });
    expect(evidenceFindings(S1, { traces: [agrees] }, 'evidence-contradicts-model')).toEqual([]);
  });

  it('fires when the trace names a connector the simulation does not predict for the route', () => {
    const viaOther = { name: 'Inbound from partner gateway', type: 'Partner', tenantId: TENANT_ID };
    const rows = [1, 2, 3].map((i) => traceRow({ sender: `u${i}@setebos-ag.com`, recipient: 'y@fabrikam.com', tenantId: TENANT_ID, inboundConnector: viaOther, clientIp: `198.51.100.${i}` }));
    const found = evidenceFindings(S1, { traces: rows }, 'evidence-contradicts-model');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('received in varunagroup.onmicrosoft.com via "Inbound from partner gateway" (Partner) (3 messages)');
    expect(found[0]!.message).toContain(`predicts varunagroup.onmicrosoft.com via "${CONNECTOR}" (OnPremises)`);
  });

  it('does not count a row without connector data against the model (one recipient may take another path)', () => {
    const anonymous = traceRow({ sender: 'u@setebos-ag.com', recipient: 'y@fabrikam.com', tenantId: TENANT_ID });
    expect(evidenceFindings(S1, { traces: [anonymous] }, 'evidence-contradicts-model')).toEqual([]);
  });

  it('makes no claim where the simulation makes no prediction (a route that never reaches Exchange Online)', () => {
    const row = traceRow({ sender: 'x@setebos-ag.com', recipient: 'y@tailspintoys.com', tenantId: TENANT_ID });
    expect(evidenceFindings(S1, { traces: [row] }, 'evidence-contradicts-model')).toEqual([]);
  });

  it('fires when a capture shows a certificate the estate does not predict for that sender (S2: none predicted)', () => {
    const tls = session().tls!;
    const presented = session({ tls: { ...tls, clientCertificates: [seenCertificate({ commonName: 'smtp.contoso.com', sha1: '1111111111111111111111111111111111111111' })] } });
    const found = evidenceFindings(S2, { sessions: [presented] }, 'evidence-contradicts-model');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' }]);
    expect(found[0]!.message).toContain('no certificate');
    // What the estate predicts (no certificate) is what the capture shows: no finding.
    expect(evidenceFindings(S2, { sessions: [session()] }, 'evidence-contradicts-model')).toEqual([]);
  });
});
