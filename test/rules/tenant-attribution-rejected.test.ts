import { describe, expect, it } from 'vitest';
import { evidenceFindings, session, traceRow } from './evidence-kit.js';
import { exampleTopology } from './rule-test-kit.js';

const S2 = exampleTopology('s2-cert-connector-before');
const REJECTED = { command: 'RCPT', code: 550, enhanced: '5.7.64', text: 'TenantAttribution; Relay Access Denied [AM4PEPF00027A6C.eurprd04.prod.outlook.com]' };

/** S2 from the on-premises send log: no certificate presented, 5.7.64 at RCPT TO. */
const sendLogSession = session({
  origin: 'protocol-log',
  viewpoint: 'client',
  connector: 'Outbound via Office 365',
  replies: [{ command: 'STARTTLS', code: 220, enhanced: '2.0.0', text: 'SMTP server ready' }, { command: 'MAIL', code: 250, enhanced: '2.1.0', text: 'Sender OK' }, REJECTED],
  tls: { version: 'TLSv1.2', cipher: null, serverCertificates: null, clientCertificateRequested: null, clientCertificates: [] },
  source: { file: 'SEND20261101-1.LOG', line: 7 },
});

describe('tenant-attribution-rejected', () => {
  it('points a send log rejection at the send connector, names the cause and the certificate to use', () => {
    const found = evidenceFindings(S2, { sessions: [sendLogSession, { ...sendLogSession, at: '2026-11-01T11:00:00Z', client: { ip: '203.0.113.10', port: 50999 } }] }, 'tenant-attribution-rejected');
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(f.subjects).toEqual([{ type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' }]);
    expect(f.message).toContain('no client certificate was presented');
    expect(f.evidence[0]!.source).toBe('SEND20261101-1.LOG:7');
    expect(f.evidence[0]!.text).toContain('550 5.7.64 TenantAttribution; Relay Access Denied');
    // The installed, valid, trusted certificate of EX01 is the one to name (EXO-SEMANTICS M2).
    expect(f.fix[0]!.command).toBe("Set-SendConnector -Identity 'Outbound via Office 365' -TlsCertificateName '<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=smtp.contoso.com, O=Contoso Ltd, C=US'");
  });

  it('reads the rejection from a message trace too, and from the reply text when the enhanced code is missing', () => {
    const row = traceRow({ sender: 'alice@contoso.com', recipient: 'dave@tailspintoys.com', status: 'Failed', clientIp: '203.0.113.10', response: { command: null, code: 550, enhanced: null, text: 'TenantAttribution; Relay Access Denied' } });
    const found = evidenceFindings(null, { traces: [row] }, 'tenant-attribution-rejected');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'Host', name: '203.0.113.10' }]);
    expect(found[0]!.message).toContain('senders in contoso.com');
  });

  it('stays silent on other refusals', () => {
    const other = { ...sendLogSession, replies: [{ command: 'RCPT', code: 550, enhanced: '5.1.10', text: 'RESOLVER.ADR.RecipientNotFound; Recipient not found' }] };
    expect(evidenceFindings(S2, { sessions: [other] }, 'tenant-attribution-rejected')).toEqual([]);
  });
});
