import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCase } from '../../src/ingest/load-case.js';
import { cli, cliJson } from '../helpers/run-cli.js';

const FIXTURES = 'test/fixtures/pcap';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfd-pcap-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mailflow-doctor pcap', () => {
  it('prints the capture summary first, then each session as a conversation', () => {
    const r = cli('pcap', `${FIXTURES}/smtp-plain.pcap`);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Capture ${FIXTURES}/smtp-plain.pcap (pcap, ETHERNET)`);
    expect(r.stdout).toContain('3 TCP connections, 2 SMTP sessions; 2 packets not TCP; 0 skipped');
    expect(r.stdout).toContain('Session 1: 192.0.2.10:49152 → 198.51.100.25:25');
    expect(r.stdout).toContain('    C: EHLO client.fabrikam.com');
    expect(r.stdout).toContain('    S: 250 2.0.0 Ok: queued as 4ABC123');
    expect(r.stdout).toContain('Transaction 1: <alice@fabrikam.com> → <bob@contoso.com>: rejected — 550 5.1.1');
  });

  it('--format json: { capture, sessions } with the contract fields', () => {
    const { code, json } = cliJson('pcap', `${FIXTURES}/tls12-empty-client-certificate.pcapng`);
    expect(code).toBe(0);
    expect(json.capture).toMatchObject({ format: 'pcapng', smtpSessions: 1, keyLog: { fromCapture: 1 } });
    const s = json.sessions[0];
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['client', 'server', 'banner', 'ehlo', 'extensions', 'starttls', 'tls', 'transactions']));
    expect(s).toMatchObject({ client: '192.0.2.10:49152', server: '198.51.100.25:25', ehlo: 'relay.fabrikam.com', starttls: 'accepted' });
    expect(Object.keys(s.tls)).toEqual(expect.arrayContaining(['version', 'cipher', 'serverCertificates', 'clientCertificateRequested', 'clientCertificates', 'decrypted']));
    expect(s.tls).toMatchObject({ version: 'TLSv1.2', clientCertificateRequested: true, clientCertificates: [], decrypted: true });
    expect(Object.keys(s.tls.serverCertificates[0])).toEqual(
      expect.arrayContaining(['subject', 'commonName', 'dnsNames', 'issuer', 'notBefore', 'notAfter', 'sha1', 'sha256', 'selfSigned']),
    );
    const rcpt = s.transactions[0].replies.find((x: { command: string }) => x.command === 'RCPT');
    expect(rcpt).toMatchObject({ code: 550, enhanced: '5.7.64' });
  });

  it('--keylog opens a TLS 1.3 session', () => {
    const without = cliJson('pcap', `${FIXTURES}/tls13-client-certificate.pcap`).json.sessions[0].tls;
    expect(without).toMatchObject({ version: 'TLSv1.3', serverCertificates: null, clientCertificateRequested: null, clientCertificates: null, decrypted: false });
    const withKeys = cliJson('pcap', `${FIXTURES}/tls13-client-certificate.pcap`, '--keylog', `${FIXTURES}/tls13-client-certificate.keys`).json.sessions[0].tls;
    expect(withKeys).toMatchObject({ decrypted: true, clientCertificateRequested: true });
    expect(withKeys.clientCertificates[0].commonName).toBe('relay.fabrikam.com');
    const text = cli('pcap', `${FIXTURES}/tls13-client-certificate.pcap`).stdout;
    expect(text).toMatch(/note TLS 1\.3 was negotiated and no key log covers this session/);
  });

  it('a truncated capture keeps what was read (exit 0); garbage is refused (exit 2); no SMTP is said plainly', () => {
    const whole = readFileSync(`${FIXTURES}/smtp-plain.pcap`);
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 100));
    const truncated = cliJson('pcap', cut);
    expect(truncated.code).toBe(0);
    expect(truncated.json.capture.truncated).toBe(true);
    expect(truncated.json.sessions.length).toBeGreaterThan(0);

    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.from('this is not a capture at all, just some text\n'));
    const refused = cli('pcap', garbage);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not a packet capture/);

    const noSmtp = join(dir, 'no-smtp.pcap');
    writeFileSync(noSmtp, whole.subarray(0, 24));
    const empty = cli('pcap', noSmtp);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/No SMTP session in this capture/);
  });

  it('asks for exactly one file', () => {
    const r = cli('pcap');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pcap needs exactly one capture file/);
  });
});

describe('captures as evidence for diagnose', () => {
  it('the case loader recognises a capture and collects its sessions', async () => {
    const loaded = await loadCase([`${FIXTURES}/starttls-masked.pcap`]);
    const c = loaded.case;
    const input = c.inputs.find((i) => i.file.endsWith('starttls-masked.pcap'));
    expect(input).toMatchObject({ kind: 'capture', skipped: 0 });
    expect(c.evidence?.sessions).toHaveLength(1);
    expect(c.evidence!.sessions[0]!.sample).toMatchObject({ origin: 'capture', starttls: 'masked', extensions: expect.arrayContaining(['XXXXXXXA']) });
  });
});
