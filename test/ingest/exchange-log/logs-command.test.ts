import { describe, expect, it } from 'vitest';
import { cli, cliJson } from '../../helpers/run-cli.js';

// Runs the built CLI: `npm run build` first.
const DIR = 'test/fixtures/exchange-log';

describe('mailflow-doctor logs', () => {
  it('lists the sessions of a folder of logs, with counts over all of them (json)', () => {
    const { code, json } = cliJson('logs', DIR);
    expect(code).toBe(0);
    const kinds = Object.fromEntries(json.files.map((f: { file: string; kind: string }) => [f.file.replace(/^.*\//, ''), f.kind]));
    expect(kinds['msgtrk-2019.log']).toBe('tracking-log');
    expect(kinds['s2-send-no-certificate.log']).toBe('protocol-log');
    // 2 (S2) + 3 (S4.2) + 1 + 1 (masked) + 2 (TLS 1.0 / Edge) + 1 (hub with certificate) + 2 (malformed) + 1 (UTF-16 copy)
    // + 1 (NoCredentials) + 1 (4.7.230) + 1 (5.7.57) = 16
    expect(json.sessionsTotal).toBe(16);
    expect(json.sessionsListed).toBe(16);
    expect(json.notLogs).toEqual([]);
    expect(json.trackingEvents).toBe(4);
    expect(json.summary.refusals['550 5.7.64']).toBe(2);
    expect(json.summary.starttls.masked).toBe(3);
    expect(json.summary.tlsVersions.TLSv1).toBe(1);
    const utf32 = json.files.find((f: { file: string }) => f.file.endsWith('utf32-receive.log'));
    expect(utf32.diagnostics[0].severity).toBe('error');
  });

  it('prints a readable session and honours --limit (text)', () => {
    const r = cli('logs', `${DIR}/s2-send-no-certificate.log`, '--limit', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 SMTP session(s)');
    expect(r.stdout).toContain('send connector Outbound via Office 365');
    expect(r.stdout).toContain('client certificate: none presented');
    expect(r.stdout).toContain('RCPT → 550 5.7.64 TenantAttribution; Relay Access Denied');
    expect(r.stdout).toContain('1 more session(s) not listed');
  });

  it('exits 2 when nothing given is an Exchange log', () => {
    const r = cli('logs', 'examples/s2-cert-connector-before/topology.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('not an Exchange protocol or message tracking log');
  });
});
