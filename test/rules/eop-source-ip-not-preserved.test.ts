import { describe, expect, it } from 'vitest';
import { EXO_SERVER_CERTIFICATE, evidenceFindings, session } from './evidence-kit.js';

/** A receive log of the hybrid server: Exchange Online connecting in (S4.2). */
function fromExchangeOnline(ip: string) {
  return session({
    origin: 'protocol-log',
    viewpoint: 'server',
    client: { ip, port: 41234 },
    server: { ip: '10.0.0.25', port: 25 },
    connector: 'EX01\\Default Frontend EX01',
    serverName: 'ex01.contoso.com',
    ehlo: 'EUR05-AM6-obe.outbound.protection.outlook.com',
    tls: { version: 'TLSv1.2', cipher: null, serverCertificates: null, clientCertificateRequested: null, clientCertificates: [EXO_SERVER_CERTIFICATE] },
  });
}

describe('eop-source-ip-not-preserved', () => {
  it("fires when Exchange Online's EHLO arrives from an address outside its ranges", () => {
    const found = evidenceFindings(null, { sessions: [fromExchangeOnline('10.0.0.1')] }, 'eop-source-ip-not-preserved');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('10.0.0.1');
    expect(found[0]!.message).toContain('"EX01\\Default Frontend EX01"');
  });

  it("stays silent for Exchange Online's own addresses (40.107.0.0/16) and for other senders", () => {
    expect(evidenceFindings(null, { sessions: [fromExchangeOnline('40.107.22.10')] }, 'eop-source-ip-not-preserved')).toEqual([]);
    const internet = { ...fromExchangeOnline('198.51.100.7'), ehlo: 'mail.fabrikam.com', tls: null };
    expect(evidenceFindings(null, { sessions: [internet] }, 'eop-source-ip-not-preserved')).toEqual([]);
  });
});
