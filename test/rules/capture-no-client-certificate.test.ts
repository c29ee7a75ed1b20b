import { describe, expect, it } from 'vitest';
import { EXO_SERVER_CERTIFICATE, evidenceFindings, seenCertificate, session } from './evidence-kit.js';
import { exampleTopology } from './rule-test-kit.js';

const S2 = exampleTopology('s2-cert-connector-before');

describe('capture-no-client-certificate', () => {
  it('fires on an empty client Certificate message to Exchange Online and names the send connector of that host', () => {
    const found = evidenceFindings(S2, { sessions: [session()] }, 'capture-no-client-certificate');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'SendConnector', name: 'Outbound via Office 365', organization: 'Contoso' }]);
    expect(found[0]!.evidence[0]!.source).toBe('capture.pcap:1');
    expect(found[0]!.fix[0]!.command).toContain("Set-SendConnector -Identity 'Outbound via Office 365' -TlsCertificateName");
  });

  it('stays silent when a certificate was sent, when none was asked for, when TLS 1.3 hides it, and for servers other than Exchange Online', () => {
    const tls = session().tls!;
    const cases = [
      session({ tls: { ...tls, clientCertificates: [seenCertificate({ commonName: 'smtp.contoso.com' })] } }),
      session({ tls: { ...tls, clientCertificateRequested: false } }),
      session({ tls: { ...tls, version: 'TLSv1.3', clientCertificateRequested: null, clientCertificates: null } }),
      session({ serverName: 'mail.tailspintoys.com', tls: { ...tls, serverCertificates: [seenCertificate({ commonName: 'mail.tailspintoys.com' })] } }),
      session({ origin: 'protocol-log', viewpoint: 'client' }),
    ];
    for (const s of cases) expect(evidenceFindings(S2, { sessions: [s] }, 'capture-no-client-certificate')).toEqual([]);
    // Recognised by the server certificate alone when the banner is absent.
    expect(evidenceFindings(S2, { sessions: [session({ serverName: null, tls: { ...tls, serverCertificates: [EXO_SERVER_CERTIFICATE] } })] }, 'capture-no-client-certificate')).toHaveLength(1);
  });
});
