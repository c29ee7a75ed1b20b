import { describe, expect, it } from 'vitest';
import { evidenceFindings, headerMessage, hop, session } from './evidence-kit.js';

describe('tls-weak-version', () => {
  it('fires on TLS 1.0 in a session and TLS 1.1 in a Received header', () => {
    const old = session({ tls: { ...session().tls!, version: 'TLSv1', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA' } });
    const msg = headerMessage({ hops: [hop({ from: 'legacy.contoso.com', by: 'ex01.contoso.com', kind: 'exchange-on-premises', tls: { version: 'TLSv1.1', cipher: 'TLS_RSA_WITH_AES_128_CBC_SHA' } })] });
    const found = evidenceFindings(null, { sessions: [old], messages: [msg] }, 'tls-weak-version');
    expect(found.map((f) => f.subjects[0]!.name).sort()).toEqual(['203.0.113.10 → 40.107.22.10', 'legacy.contoso.com → ex01.contoso.com']);
    expect(found.find((f) => f.message.includes('TLSv1.1'))!.evidence[0]!.source).toBe('message.eml:1');
  });

  it('stays silent on TLS 1.2 and 1.3', () => {
    const msg = headerMessage({ hops: [hop({ by: 'a', kind: 'other', tls: { version: 'TLSv1.3', cipher: null } })] });
    expect(evidenceFindings(null, { sessions: [session()], messages: [msg] }, 'tls-weak-version')).toEqual([]);
  });
});
