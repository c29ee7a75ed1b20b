import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SmtpSessionObservation } from '../../../src/model/evidence.js';
import { protocolLogReader, readProtocolLog } from '../../../src/ingest/exchange-log/read-protocol-log.js';
import { trackingLogReader } from '../../../src/ingest/exchange-log/read-tracking-log.js';
import { loadCase } from '../../../src/ingest/load-case.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/exchange-log');
const fixture = (name: string) => join(FIXTURES, name);

async function sessionsOf(name: string) {
  const sessions: SmtpSessionObservation[] = [];
  const read = await readProtocolLog(fixture(name), (s) => sessions.push(s));
  return { sessions, report: read.report, counts: read.sessions };
}

describe('send protocol log: S2, a send connector that presents no certificate to Exchange Online', () => {
  it('rebuilds both interleaved sessions from the client side', async () => {
    const { sessions, report } = await sessionsOf('s2-send-no-certificate.log');
    // 87 lines: 5 header lines, 82 rows (FORMATS.md 3), none malformed.
    expect(report).toMatchObject({ kind: 'protocol-log', records: 82, skipped: 0, diagnostics: [] });
    expect(sessions).toHaveLength(2);
    const [first, second] = sessions;
    // A send log is the client's view (`>` sent by Exchange, `<` received from the server).
    expect(first).toMatchObject({
      origin: 'protocol-log',
      viewpoint: 'client',
      at: '2026-11-20T09:00:00.015Z',
      connector: 'Outbound via Office 365',
      // The first row (`attempting to connect`) has no local endpoint; the `+` row gives it.
      client: { ip: '203.0.113.10', port: 24871 },
      server: { ip: '198.51.100.25', port: 25 },
      serverName: 'BN8NAM12FT053.mail.protection.outlook.com',
      ehlo: 'ex01.corp.contoso.com',
      starttls: 'accepted',
      source: { file: fixture('s2-send-no-certificate.log'), line: 6 },
    });
    expect(second!.source.line).toBe(10);
    expect(second!.client.port).toBe(24872);
    // The server's multi-line EHLO answer (one row per line): the lines after the greeting, as written.
    expect(first!.extensions).toEqual(['SIZE 157286400', 'PIPELINING', 'DSN', 'ENHANCEDSTATUSCODES', 'STARTTLS', '8BITMIME', 'BINARYMIME', 'CHUNKING', 'SMTPUTF8']);
  });

  it('reads TLS 1.2, the server certificate, and no client certificate', async () => {
    const { sessions } = await sessionsOf('s2-send-no-certificate.log');
    for (const s of sessions) {
      expect(s.tls!.version).toBe('TLSv1.2'); // SP_PROT_TLS1_2_CLIENT
      expect(s.tls!.cipher).toBe('CALG_AES_256/CALG_SHA_384/CALG_ECDH_EPHEM');
      expect(s.tls!.serverCertificates).toHaveLength(1);
      expect(s.tls!.serverCertificates![0]).toMatchObject({
        subject: 'CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=Washington, C=US',
        commonName: 'mail.protection.outlook.com',
        issuer: 'CN=DigiCert Cloud Services CA-1, O=DigiCert Inc, C=US',
        sha1: '6C4D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D',
        dnsNames: ['mail.protection.outlook.com', '*.mail.protection.outlook.com', '*.mail.eo.outlook.com'],
        selfSigned: false,
      });
      // The server's certificate is logged, TLS succeeded, and no `Sending certificate` row: none was sent.
      expect(s.tls!.clientCertificates).toEqual([]);
      expect(s.tls!.clientCertificateRequested).toBeNull();
    }
  });

  it('attributes pipelined replies to their commands and keeps the 5.7.64', async () => {
    const { sessions } = await sessionsOf('s2-send-no-certificate.log');
    const replies = sessions[0]!.replies.map((r) => [r.command, r.code, r.enhanced]);
    expect(replies).toEqual([
      ['<banner>', 220, null],
      ['EHLO', 250, null],
      ['STARTTLS', 220, '2.0.0'],
      ['EHLO', 250, null],
      ['MAIL', 250, '2.1.0'],
      ['RCPT', 550, '5.7.64'],
      ['QUIT', 221, '2.0.0'],
    ]);
    expect(sessions[0]!.replies[5]!.text).toMatch(/^TenantAttribution; Relay Access Denied \[/);
    expect(sessions.map((s) => s.protocolLog)).toEqual([
      { tlsError: null, tlsDomainCapabilities: null, clientCertificateValidation: null, disconnect: 'Local', messages: 1, recipients: 1 },
      { tlsError: null, tlsDomainCapabilities: null, clientCertificateValidation: null, disconnect: 'Local', messages: 1, recipients: 1 },
    ]);
  });

  it('reads the certificate Exchange sends when the connector has one (single-row layout)', async () => {
    const { sessions } = await sessionsOf('hub-send-certificate.log');
    expect(sessions).toHaveLength(1);
    const tls = sessions[0]!.tls!;
    expect(tls.clientCertificates).toHaveLength(1);
    expect(tls.clientCertificates![0]).toMatchObject({
      subject: 'CN=smtp.contoso.com, O=Contoso Ltd, C=US',
      commonName: 'smtp.contoso.com',
      issuer: 'CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US',
      sha1: '9F8E7D6C5B4A39281706F5E4D3C2B1A098765432',
      notBefore: '2026-03-01T00:00:00.000Z',
      notAfter: '2027-03-31T23:59:59.000Z',
      dnsNames: ['smtp.contoso.com'],
      selfSigned: false,
    });
    expect(tls.serverCertificates![0]!.commonName).toBe('mail.protection.outlook.com');
    expect(sessions[0]!.replies.find((r) => r.command === 'BDAT')).toMatchObject({ code: 250, enhanced: '2.6.0' });
  });
});

describe('receive protocol log: S4.2, Exchange Online behind a NAT', () => {
  it('shows Exchange Online by EHLO and certificate, arriving from the NAT address on the default connector', async () => {
    const { sessions, report } = await sessionsOf('s42-nat-receive.log');
    expect(report).toMatchObject({ records: 78, skipped: 0 });
    expect(sessions).toHaveLength(3);
    const fromExo = sessions.filter((s) => s.ehlo?.endsWith('.outbound.protection.outlook.com'));
    expect(fromExo).toHaveLength(2);
    for (const s of fromExo) {
      // A receive log is the server's view: the remote endpoint is the client.
      expect(s).toMatchObject({ viewpoint: 'server', connector: 'EX01\\Default EX01', client: { ip: '192.0.2.254' }, server: { ip: '203.0.113.10', port: 25 } });
      expect(s.serverName).toBe('ex01.corp.contoso.com');
      expect(s.tls!.clientCertificates![0]).toMatchObject({ commonName: 'mail.protection.outlook.com', sha1: '6C4D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D' });
      expect(s.tls!.serverCertificates![0]).toMatchObject({ commonName: 'mail.contoso.com', dnsNames: ['mail.contoso.com', 'autodiscover.contoso.com'] });
      // Exchange 2010 multi-row layout without the negotiation row: the version is unknown, not guessed.
      expect(s.tls!.version).toBeNull();
    }
    const internet = sessions.find((s) => s.ehlo === 'mail.fabrikam.com')!;
    expect(internet).toMatchObject({ client: { ip: '198.51.100.77', port: 50211 }, starttls: 'offered', tls: null });
    // Exchange's own one-row EHLO answer, split into extension lines with their parameters.
    expect(internet.extensions).toEqual([
      'SIZE 10485760',
      'PIPELINING',
      'DSN',
      'ENHANCEDSTATUSCODES',
      'STARTTLS',
      'X-ANONYMOUSTLS',
      'AUTH NTLM',
      'X-EXPS GSSAPI NTLM',
      '8BITMIME',
      'BINARYMIME',
      'CHUNKING',
      'XEXCH50',
      'XRDST',
      'XSHADOW',
    ]);
    expect(internet.replies.filter((r) => r.command === 'DATA').map((r) => r.code)).toEqual([354, 250]);
  });
});

describe('STARTTLS masked by a firewall', () => {
  it('receive side: the masked command gets 500 and the session goes on in clear', async () => {
    const { sessions } = await sessionsOf('masked-starttls-receive.log');
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    expect(s.starttls).toBe('masked');
    expect(s.tls).toBeNull();
    expect(s.replies.find((r) => r.code === 500)).toEqual({ command: 'XXXXXXXX', code: 500, enhanced: '5.3.3', text: "Unrecognized command 'XXXXXXXX'" });
  });

  it('send side: the server answer shows XXXXXXXA instead of STARTTLS, and the masked banner names nobody', async () => {
    const { sessions } = await sessionsOf('masked-starttls-send.log');
    const s = sessions[0]!;
    expect(s.extensions).toContain('XXXXXXXA');
    expect(s.extensions).not.toContain('STARTTLS');
    expect(s.starttls).toBe('masked');
    expect(s.serverName).toBeNull();
    expect(s.connector).toBe('Internet');
  });
});

describe('Edge receive log: TLS 1.0 and the single-row certificate layout', () => {
  it('maps SP_PROT_TLS1_0_SERVER to TLSv1 and reads the self-signed Edge certificate', async () => {
    const { sessions } = await sessionsOf('tls10-edge-receive.log');
    const legacy = sessions.find((s) => s.ehlo === 'scanner.fabrikam.com')!;
    expect(legacy.tls).toMatchObject({ version: 'TLSv1', cipher: 'CALG_AES_256/CALG_SHA1/CALG_ECDHE' });
    expect(legacy.tls!.serverCertificates![0]).toMatchObject({
      subject: 'CN=edge01.contoso.com',
      issuer: 'CN=edge01.contoso.com',
      sha1: '9E8D7C6B5A49382716F5E4D3C2B1A09F8E7D6C5B',
      notAfter: '2031-01-10T08:00:00.000Z',
      dnsNames: ['edge01.contoso.com', 'edge01'],
      selfSigned: true,
    });
    // `Client certificate chain validation status: 'EmptyCertificate'`: the client sent none.
    expect(legacy.tls!.clientCertificates).toEqual([]);
    expect(legacy.protocolLog).toMatchObject({ clientCertificateValidation: 'EmptyCertificate', tlsDomainCapabilities: { capabilities: 'None', status: 'NoRemoteCertificate', domain: null } });
  });

  it('reads Exchange Online recognised by TlsDomainCapabilities, with its certificate', async () => {
    const { sessions } = await sessionsOf('tls10-edge-receive.log');
    const exo = sessions.find((s) => s.client.ip === '40.107.22.45')!;
    expect(exo.tls!.version).toBe('TLSv1.2');
    expect(exo.tls!.clientCertificates![0]).toMatchObject({ commonName: 'mail.protection.outlook.com', notAfter: '2027-06-30T23:59:59.000Z', issuer: 'CN=DigiCert Cloud Services CA-1, O=DigiCert Inc, C=US' });
    expect(exo.tls!.serverCertificates![0]).toMatchObject({ subject: 'CN=smtpo365.contoso.com, O=Contoso Ltd, C=US', commonName: 'smtpo365.contoso.com' });
    expect(exo.protocolLog!.tlsDomainCapabilities).toEqual({ capabilities: 'AcceptCloudServicesMail', status: 'Success', domain: 'mail.protection.outlook.com' });
  });
});

describe('malformed lines and encodings', () => {
  it('counts and locates every malformed line and reads the rest', async () => {
    const { sessions, report } = await sessionsOf('malformed-receive.log');
    expect(report.records).toBe(7);
    expect(report.skipped).toBe(5);
    const skipped = report.diagnostics.filter((d) => d.message.startsWith('line skipped'));
    expect(skipped.map((d) => d.location.replace(/^.*:/, ''))).toEqual(['1', '9', '10', '11', '17']);
    expect(skipped[0]!.message).toContain('before any #Fields');
    expect(skipped[1]!.message).toContain('8 values where #Fields (line 6) names 9');
    expect(skipped[2]!.message).toContain('unterminated quoted value');
    expect(skipped[3]!.message).toContain('quote inside an unquoted value');
    expect(skipped[4]!.message).toContain('truncated last line');
    expect(sessions).toHaveLength(2);
    const rejected = sessions.find((s) => s.client.ip === '198.51.100.42')!;
    // The quoted MAIL FROM with `""` parsed; the skipped rows' gap did not hold back the disconnect.
    expect(rejected.replies.map((r) => `${r.command}:${r.code}`)).toEqual(['<banner>:220', 'MAIL:550']);
    expect(rejected.protocolLog!.disconnect).toBe('Remote(SocketError)');
    expect(sessions.find((s) => s.client.ip === '198.51.100.43')!.protocolLog!.disconnect).toBeNull();
  });

  it('reads a log re-saved as UTF-16LE with a BOM like the UTF-8 original', async () => {
    const utf8 = await sessionsOf('masked-starttls-receive.log');
    const utf16 = await sessionsOf('utf16le-masked-starttls-receive.log');
    expect(utf16.report.records).toBe(utf8.report.records);
    expect(utf16.sessions.map(({ source: _s, ...rest }) => rest)).toEqual(utf8.sessions.map(({ source: _s, ...rest }) => rest));
  });

  it('refuses UTF-32 with a clear error instead of misreading it', async () => {
    const { report, sessions } = await sessionsOf('utf32-receive.log');
    expect(sessions).toHaveLength(0);
    expect(report.records).toBe(0);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ severity: 'error' });
    expect(report.diagnostics[0]!.message).toContain('UTF-32LE');
  });
});

describe('detection by content', () => {
  it('claims SMTP protocol logs (UTF-8 with BOM, UTF-16, UTF-32) and leaves tracking logs to their reader', () => {
    const head = (name: string) => new Uint8Array(readFileSync(fixture(name)));
    for (const name of ['s2-send-no-certificate.log', 's42-nat-receive.log', 'utf16le-masked-starttls-receive.log', 'utf32-receive.log']) {
      expect(protocolLogReader.detect(head(name)), name).toBe(true);
      expect(trackingLogReader.detect(head(name)), name).toBe(false);
    }
    expect(protocolLogReader.detect(head('msgtrk-2019.log'))).toBe(false);
    expect(trackingLogReader.detect(head('msgtrk-2019.log'))).toBe(true);
    expect(protocolLogReader.detect(new TextEncoder().encode('#Software: Other\r\n#Log-type: SMTP Receive Protocol Log\r\n'))).toBe(false);
    // The malformed fixture starts with a stray row before its header: still recognised by the header below it.
    expect(protocolLogReader.detect(head('malformed-receive.log'))).toBe(true);
  });

  it('the case loader streams a protocol log into the case evidence', async () => {
    const loaded = await loadCase([fixture('s2-send-no-certificate.log')]);
    expect(loaded.fatal).toBeNull();
    const input = loaded.case.inputs.find((i) => i.file.endsWith('s2-send-no-certificate.log'))!;
    expect(input).toMatchObject({ kind: 'protocol-log', records: 82, skipped: 0 });
    const sessions = loaded.case.evidence!.sessions;
    expect(sessions.reduce((n, g) => n + g.count, 0)).toBe(2);
    expect(sessions.every((g) => g.sample.replies.some((r) => r.enhanced === '5.7.64'))).toBe(true);
  });
});

describe('send protocol log: a certificate without a usable private key (KB 4495258)', () => {
  it('keeps the certificate Exchange tried to send and the NoCredentials failure; no TLS session', async () => {
    const { sessions } = await sessionsOf('send-tls-nocredentials.log');
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    // STARTTLS was accepted by the server, then the handshake failed on Exchange's side.
    expect(s.starttls).toBe('accepted');
    expect(s.protocolLog!.tlsError).toBe('NoCredentials');
    expect(s.tls!.version).toBeNull();
    expect(s.tls!.clientCertificates![0]).toMatchObject({
      subject: 'CN=*.contoso.com',
      commonName: '*.contoso.com',
      issuer: 'CN=Contoso Issuing CA, OU=PKI, O=Contoso Ltd, L=Seattle, S=Washington, C=US',
      sha1: '5B6C7D8E9F0A1B2C3D4E5F60718293A4B5C6D7E8',
      dnsNames: ['*.contoso.com', 'contoso.com'],
    });
    // No negotiation row: what the server sent is not in the log.
    expect(s.tls!.serverCertificates).toBeNull();
  });
});
