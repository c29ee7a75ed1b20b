import { afterAll, describe, expect, it } from 'vitest';
import { readPkcs7Der } from '../../../src/ingest/certificate/pkcs7.js';
import { parseCertificateBytes } from '../../../src/ingest/certificate/read-certificate.js';
import { LIMITS, addDiagnostics } from '../../../src/ingest/limits.js';
import { readCsvExport } from '../../../src/ingest/powershell/read-csv-export.js';
import { decodeText } from '../../../src/ingest/text-decoding.js';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import { PcapngWriter } from '../pcap/capture-builder.js';
import { readBytes, removeCaptureDirs } from '../pcap/capture-files.js';

// Issue 13: each root cause the fuzzing campaign found, rebuilt here from its description. Every
// reader must answer with diagnostics (file and position) instead of throwing, and in linear time
// and bounded memory; the assertions check what is reported, not how long it took.
afterAll(removeCaptureDirs);

describe('text decoding', () => {
  it('decodes a UTF-16BE body of odd length (a truncated file) instead of throwing', () => {
    const body = Buffer.from('Name,DomainType\r\n', 'utf16le').swap16();
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), body, Buffer.from([0x41])]);
    const text = decodeText(bytes);
    expect(text.startsWith('Name,DomainType\r\n')).toBe(true);
    expect(text.endsWith('\uFFFD')).toBe(true);
  });
});

describe('diagnostic limits', () => {
  it('keeps at most LIMITS.diagnosticsPerFile and counts the rest in one line (no spread of 200,000 items)', () => {
    const into: Diagnostic[] = [];
    const many = Array.from({ length: 200_000 }, (_, i) => ({ severity: 'error' as const, location: `f.csv:${i + 1}`, message: 'bad' }));
    addDiagnostics(into, many, 'f.csv');
    expect(into).toHaveLength(LIMITS.diagnosticsPerFile + 1);
    expect(into[into.length - 1]!.message).toContain(`${(200_000 - LIMITS.diagnosticsPerFile).toLocaleString('en-US')} more`);
    expect(into[into.length - 1]!.location).toBe('f.csv');
  });
});

describe('Export-Csv reader', () => {
  it('reads a file full of stray quotes row by row, each diagnostic short, the count capped', () => {
    const rows = ['#TYPE Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain', '"Identity","DomainName","DomainType"'];
    // A quoted field closed and followed by text: the row is unreadable (RFC 4180), 20,000 times,
    // the rows growing; before, each diagnostic quoted the whole field read so far.
    for (let i = 0; i < 20_000; i++) rows.push(`"a${'x'.repeat(i % 50)}"junk,"contoso.com","Authoritative"`);
    rows.push('"fabrikam.com","fabrikam.com","Authoritative"');
    const r = readCsvExport(rows.join('\r\n'), 'domains.csv');
    expect(r.skipped).toBe(20_000);
    expect(r.records).toHaveLength(1);
    expect(r.records[0]!.provenance.line).toBe(20_003);
    expect(r.diagnostics.length).toBeLessThanOrEqual(LIMITS.diagnosticsPerFile + 1);
    expect(r.diagnostics[0]!.location).toBe('domains.csv:3');
    expect(Math.max(...r.diagnostics.map((d) => d.message.length))).toBeLessThan(400);
  });

  it('reads Export-Csv -UseCulture output (semicolons, a German date) as the same records', () => {
    const text = '\uFEFF#TYPE System.Management.Automation.PSCustomObject\r\n"Thumbprint";"Subject";"NotAfter"\r\n"AB12";"CN=mail.contoso.com";"31.12.2027 23:59:59"\r\n';
    const r = readCsvExport(text, 'certs.csv');
    expect(r.records).toHaveLength(1);
    expect(r.records[0]!.properties).toEqual({ Thumbprint: 'AB12', Subject: 'CN=mail.contoso.com', NotAfter: '31.12.2027 23:59:59' });
  });
});

describe('certificate reader', () => {
  it('reports BEGIN lines without END once each, in linear time, and still reads a good block after them', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push('-----BEGIN CERTIFICATE-----', 'AAAA');
    const text = `${lines.join('\n')}\n`;
    const r = parseCertificateBytes(Buffer.from(text));
    expect(r.blocks).toHaveLength(0);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems.length).toBeLessThanOrEqual(100);
    expect(r.problems[0]).toEqual({ line: 1, message: 'PEM CERTIFICATE block has no matching -----END CERTIFICATE----- line; skipped' });
  });

  it('says a cut-short PKCS#7 structure is cut short, not what the ASN.1 library says about DataViews', () => {
    // SEQUENCE claiming 0x0400 bytes, then only a few.
    const r = readPkcs7Der(Uint8Array.from([0x30, 0x82, 0x04, 0x00, 0x06, 0x09, 0x2a, 0x86]));
    expect(r.error).not.toBeNull();
    expect(r.error).not.toMatch(/DataView/);
    expect(r.error).toMatch(/cut short|damaged/);
  });
});

describe('pcapng reader', () => {
  it('merges thousands of Decryption Secrets Blocks once each and caps their diagnostics', async () => {
    const w = new PcapngWriter().section().iface(1);
    for (let i = 0; i < 3000; i++) w.decryptionSecrets(`CLIENT_RANDOM ${i.toString(16).padStart(64, '0')} ${'ab'.repeat(48)}\nnot a key log line ${i}\n`);
    const r = await readBytes(w.build(), {}, 'many-dsb.pcapng');
    expect(r.error).toBeNull();
    expect(r.summary.keyLog.fromCapture).toBe(3000);
    expect(r.summary.keyLog.clientRandoms).toBe(3000);
    expect(r.diagnostics.length).toBeLessThanOrEqual(LIMITS.diagnosticsPerFile + 5);
  });

  it('keeps the capture when an interface resolution puts packet times outside the Date range', async () => {
    // if_tsresol 0x80 = 2^0: one unit is a second, so 2^62 units is far beyond year 275760.
    const w = new PcapngWriter().section().iface(1, { tsresol: 0x80 }).epb(0, Buffer.alloc(60), 1n << 62n);
    const r = await readBytes(w.build(), {}, 'far-future.pcapng');
    expect(r.error).toBeNull();
    expect(r.summary.packets).toBe(1);
    expect(r.summary.firstPacketAt).toBeNull();
  });
});
