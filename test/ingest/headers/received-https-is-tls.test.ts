import { describe, expect, it } from 'vitest';
import { buildHops } from '../../../src/ingest/headers/hop-chain.js';
import { parseReceived } from '../../../src/ingest/headers/received.js';

/**
 * RFC 2818 §1: "simply use HTTP over TLS precisely as you would use HTTP over TCP"; §2.1: the
 * client "should initiate the TLS handshake" before any HTTP data. A hop `with HTTPS` (Exchange
 * Online writes it for a client's submission and its last internal hop) therefore ran over TLS —
 * as `with ESMTPS` does by its name (RFC 3848 §2) — though the stamp names no version or cipher.
 */
describe('a Received hop "with HTTPS" is a TLS hop (RFC 2818)', () => {
  it('HTTPS: TLS with version and cipher unknown', () => {
    const r = parseReceived('from mbx7.corp.example (2001:db8:5::7) by mbx8.corp.example with HTTPS; Wed, 12 Feb 2025 08:15:30 +0000');
    expect(r.with).toBe('HTTPS');
    expect(r.tls).toEqual({ version: null, cipher: null });
  });

  it('the protocol name is case-insensitive like the others (RFC 5321 §4.4 Protocol is an Atom)', () => {
    expect(parseReceived('from a.example by b.example with https; Wed, 12 Feb 2025 08:15:30 +0000').tls).toEqual({ version: null, cipher: null });
  });

  it('plain HTTP stays a hop without TLS', () => {
    expect(parseReceived('from a.example by b.example with HTTP; Wed, 12 Feb 2025 08:15:30 +0000').tls).toBeNull();
  });

  it('the HTTPS hop is not a hop without TLS in the chain', () => {
    const hops = buildHops([
      { name: 'Received', value: 'from mbx7.corp.example (2001:db8:5::7) by mbx8.corp.example with HTTPS; Wed, 12 Feb 2025 08:15:31 +0000', line: 1 },
      { name: 'Received', value: 'from gw.corp.example (192.0.2.33) by mbx7.corp.example (2001:db8:5::7) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) id 15.20.1.2; Wed, 12 Feb 2025 08:15:30 +0000', line: 2 },
    ]);
    expect(hops.map((h) => h.tls)).toEqual([
      { version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' },
      { version: null, cipher: null },
    ]);
  });
});
