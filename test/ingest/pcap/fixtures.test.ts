import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureEvidenceReader } from '../../../src/ingest/pcap/capture-evidence-reader.js';
import { readCaptureFile } from '../../../src/ingest/pcap/read-capture-file.js';
import type { SmtpSessionObservation } from '../../../src/model/evidence.js';
import { removeTempDirs } from '../openssl-helpers.js';
import { maskedCapture, plainCapture, s2ExchangeOnlineNoClientCertificate, tls12EmptyClientCertificate, tls13ClientCertificate } from './fixture-captures.js';
import { fileSource } from '../../../src/ingest/byte-source.js';

/** The committed captures the CLI tests and the evidence rules use, and what each must yield. */
const DIR = fileURLToPath(new URL('../../fixtures/pcap/', import.meta.url));
const path = (name: string) => `${DIR}${name}`;

beforeAll(async () => {
  if (!process.env.MFD_WRITE_PCAP_FIXTURES) return;
  writeFileSync(path('smtp-plain.pcap'), plainCapture());
  writeFileSync(path('starttls-masked.pcap'), maskedCapture());
  const tls12 = await tls12EmptyClientCertificate();
  writeFileSync(path('tls12-empty-client-certificate.pcapng'), tls12.capture);
  const tls13 = await tls13ClientCertificate();
  writeFileSync(path('tls13-client-certificate.pcap'), tls13.capture);
  writeFileSync(path('tls13-client-certificate.keys'), tls13.keyLog);
  writeFileSync(path('s2-exchange-online-no-client-certificate.pcapng'), (await s2ExchangeOnlineNoClientCertificate()).capture);
});

afterAll(removeTempDirs);

describe('capture fixtures', () => {
  it('smtp-plain.pcap: two sessions among other traffic', async () => {
    const r = await readCaptureFile(path('smtp-plain.pcap'));
    expect(r.summary).toMatchObject({ tcpConnections: 3, smtpSessions: 2, notTcp: 2, skipped: 0 });
    expect(r.sessions.map((s) => s.transactions[0]!.outcome)).toEqual(['accepted', 'rejected']);
  });

  it('starttls-masked.pcap: STARTTLS masked', async () => {
    const r = await readCaptureFile(path('starttls-masked.pcap'));
    expect(r.sessions[0]!.starttls).toBe('masked');
  });

  it('tls12-empty-client-certificate.pcapng: asked, none sent, 5.7.64 inside TLS', async () => {
    const r = await readCaptureFile(path('tls12-empty-client-certificate.pcapng'));
    const s = r.sessions[0]!;
    expect(s.tls).toMatchObject({ version: 'TLSv1.2', clientCertificateRequested: true, clientCertificates: [], decrypted: true });
    expect(s.transactions[0]!.replies.find((x) => x.command === 'RCPT')).toMatchObject({ code: 550, enhanced: '5.7.64' });
  });

  it('tls13-client-certificate.pcap: unknowable without its key log, certificate shown with it', async () => {
    const without = await readCaptureFile(path('tls13-client-certificate.pcap'));
    expect(without.sessions[0]!.tls!.clientCertificates).toBeNull();
    const withKeys = await readCaptureFile(path('tls13-client-certificate.pcap'), { keyLogFiles: [path('tls13-client-certificate.keys')] });
    expect(withKeys.sessions[0]!.tls!.clientCertificates![0]!.commonName).toBe('relay.fabrikam.com');
  });

  it('s2-exchange-online-no-client-certificate.pcapng: EX01 to Exchange Online, asked, none sent, 5.7.64', async () => {
    const r = await readCaptureFile(path('s2-exchange-online-no-client-certificate.pcapng'));
    const s = r.sessions[0]!;
    expect(s.banner).toMatch(/^contoso-com\.mail\.protection\.outlook\.com /);
    expect(s.tls).toMatchObject({ version: 'TLSv1.2', clientCertificateRequested: true, clientCertificates: [], decrypted: true });
    expect(s.tls!.serverCertificates![0]!.commonName).toBe('mail.protection.outlook.com');
  });

  it('the evidence reader detects captures by magic number and gives one wire observation per session', async () => {
    const file = path('tls12-empty-client-certificate.pcapng');
    expect(captureEvidenceReader.detect(readFileSync(file).subarray(0, 1 << 20))).toBe(true);
    expect(captureEvidenceReader.detect(Buffer.from('date_time,client-ip\r\n'))).toBe(false);
    const seen: SmtpSessionObservation[] = [];
    const report = await captureEvidenceReader.read(fileSource(file), { session: (o) => seen.push(o), trace: () => undefined, message: () => undefined }, {});
    expect(report).toMatchObject({ kind: 'capture', skipped: 0 });
    expect(report.records).toBeGreaterThan(10);
    expect(seen).toHaveLength(1);
    const o = seen[0]!;
    expect(o).toMatchObject({ origin: 'capture', viewpoint: 'wire', client: { ip: '192.0.2.10', port: 49152 }, server: { ip: '198.51.100.25', port: 25 }, starttls: 'accepted', source: { file, line: 1 } });
    expect(o.tls).toMatchObject({ version: 'TLSv1.2', clientCertificateRequested: true, clientCertificates: [] });
    expect(o.replies.map((x) => `${x.command} ${x.code}`)).toEqual(['<banner> 220', 'EHLO 250', 'STARTTLS 220', 'EHLO 250', 'MAIL 250', 'RCPT 550', 'QUIT 221']);
  });
});
