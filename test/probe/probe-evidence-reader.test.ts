import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SmtpSessionObservation, StatusObservation } from '../../src/model/evidence.js';
import { probeEvidenceReader } from '../../src/ingest/probe/probe-evidence-reader.js';
import { capturedSession } from '../../src/probe/probe-captured-session.js';
import { renderProbeJson } from '../../src/probe/probe-render.js';
import type { ProbeOptions } from '../../src/probe/probe-types.js';
import { probeVerdict } from '../../src/probe/probe-verdict.js';
import { ROOT } from '../helpers/run-cli.js';
import { OPTIONS, reply, result, tls } from './probe-fixtures.js';
import { fileSource } from '../../src/ingest/byte-source.js';

const O: ProbeOptions = {
  target: 'mx.contoso.com', host: 'mx.contoso.com', address: null, port: 25, from: 'a@fabrikam.com', to: 'b@contoso.org', ehlo: 'smtp.fabrikam.com',
  starttls: 'require', implicitTls: false, expectName: null, timeoutMs: 1000, credentials: null, ca: null, keylogFile: null, sendTestMessage: false,
};

function refusedProbe() {
  const r = result({ tls: tls({ clientCertificates: [] }), ownCertificate: null });
  r.replies.push(reply('RCPT', '550 5.7.64 TenantAttribution; Relay Access Denied'), reply('QUIT', '221 2.0.0 Bye'));
  return r;
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('saved probe as evidence (no network)', () => {
  it('the session has the keys a pcap JSON session has (model/capture.ts CapturedSession)', () => {
    const s = capturedSession(refusedProbe(), O);
    expect(Object.keys(s).sort()).toEqual(
      ['auth', 'banner', 'client', 'clientIp', 'clientPort', 'closedBy', 'dialogue', 'ehlo', 'ehloCommand', 'end', 'extensions', 'extensionsAfterTls', 'gaps', 'notes', 'packets', 'proxiedClient', 'replies', 'sawOpen', 'server', 'serverIp', 'serverName', 'serverPort', 'start', 'starttls', 'tls', 'transactions'].sort(),
    );
    expect(s.transactions[0]).toMatchObject({ mailFrom: 'a@fabrikam.com', rcptTo: ['b@contoso.org'], outcome: 'rejected' });
  });

  it('detects its own JSON and no other JSON (a pcap --format json document is not a probe)', () => {
    const r = refusedProbe();
    const json = renderProbeJson(r, O, probeVerdict(r, OPTIONS), null);
    expect(probeEvidenceReader.detect(enc(json))).toBe(true);
    expect(probeEvidenceReader.detect(enc('{\n  "capture": {},\n  "sessions": []\n}'))).toBe(false);
    expect(probeEvidenceReader.detect(enc('{"schema":"mailflow-doctor/report@1"}'))).toBe(false);
  });

  it('yields a client-viewpoint session and the 5.7.64 status (NDR-CATALOG) tied to the probe file', async () => {
    const r = refusedProbe();
    const file = join(mkdtempSync(join(tmpdir(), 'mfd-probe-ev-')), 'probe.json');
    writeFileSync(file, renderProbeJson(r, O, probeVerdict(r, OPTIONS), null));
    const sessions: SmtpSessionObservation[] = [];
    const statuses: StatusObservation[] = [];
    const report = await probeEvidenceReader.read(fileSource(file), { session: (s) => sessions.push(s), status: (s) => statuses.push(s), trace: () => undefined, message: () => undefined }, {});
    expect(report).toMatchObject({ kind: 'probe', records: 1, skipped: 0, diagnostics: [] });
    expect(sessions[0]).toMatchObject({ origin: 'capture', viewpoint: 'client', client: { ip: '192.0.2.10' }, server: { ip: '203.0.113.25', port: 25 }, starttls: 'accepted' });
    expect(statuses.map((s) => [s.status.entryId, s.sender, s.recipient])).toEqual([['5.7.64-tenant-attribution', 'a@fabrikam.com', 'b@contoso.org']]);
  });

  it('a damaged file is reported, never thrown', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mfd-probe-ev-')), 'probe.json');
    writeFileSync(file, '{"schema":"mailflow-doctor/probe@1","sessions":[{"nope":1}]}');
    const report = await probeEvidenceReader.read(fileSource(file), { session: () => undefined, trace: () => undefined, message: () => undefined }, {});
    expect(report).toMatchObject({ records: 0, skipped: 1 });
    expect(report.diagnostics[0]!.severity).toBe('warning');
  });
});
