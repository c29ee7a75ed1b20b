import type { CapturedCertificate, CapturedTls } from '../../src/model/capture.js';
import type { ProbeReply, ProbeResult } from '../../src/probe/probe-types.js';

/** Probe results built by hand, for the verdict and shape tests (no network). */
export const CLIENT_CERT: CapturedCertificate = {
  subject: 'CN=smtp.fabrikam.com, O=Fabrikam, C=US', commonName: 'smtp.fabrikam.com', dnsNames: ['smtp.fabrikam.com'],
  issuer: 'CN=Fabrikam CA, O=Fabrikam, C=US', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z',
  sha1: 'F59AF347495F9DC408ACCC0044F7E91CEEBAF4CF', sha256: 'AA', selfSigned: false, serial: '01',
};

export function tls(over: Partial<CapturedTls> = {}): CapturedTls {
  return {
    version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', serverCertificates: [], clientCertificateRequested: true, clientCertificates: [CLIENT_CERT],
    decrypted: true, compression: 'none', implicit: false, sni: null, clientHelloVersion: 'TLSv1.2', offeredVersions: [], offeredCiphers: [],
    clientRandom: null, serverRandom: null, resumed: false, alerts: [], packet: 1, ...over,
  };
}

let step = 0;
export function reply(command: string, line: string, afterTls = true): ProbeReply {
  const m = /^(\d{3}) (?:([245]\.\d+\.\d+) )?(.*)$/.exec(line)!;
  return { command, code: Number(m[1]), enhanced: m[2] ?? null, text: m[3]!, lines: [line.slice(4)], step: ++step, afterTls };
}

export function result(over: Partial<ProbeResult> = {}): ProbeResult {
  return {
    target: 'mx.contoso.com', host: 'mx.contoso.com', port: 25, mx: null, startedAt: '2026-11-22T00:00:00.000Z',
    local: { ip: '192.0.2.10', port: 50000 }, remote: { ip: '203.0.113.25', port: 25 }, transcript: [],
    replies: [reply('<banner>', '220 mx.contoso.com ESMTP', false), reply('EHLO', '250 STARTTLS', false), reply('STARTTLS', '220 2.0.0 Ready', false), reply('EHLO', '250 mx.contoso.com'), reply('MAIL', '250 2.1.0 Sender OK')],
    banner: 'mx.contoso.com ESMTP', serverName: 'mx.contoso.com', extensions: ['STARTTLS'], extensionsAfterTls: [], starttls: 'accepted', notes: [],
    tls: tls(), serverCheck: { trusted: true, error: null, expectName: null, nameMatches: null, nameError: null }, ownCertificate: CLIENT_CERT,
    testMessageSent: false, failure: null, closedBy: 'quit', ...over,
  };
}

export const OPTIONS = { starttls: 'require' as const, implicitTls: false };
