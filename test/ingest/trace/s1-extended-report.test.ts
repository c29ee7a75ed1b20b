import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EvidenceCollector } from '../../../src/ingest/evidence/evidence-collector.js';
import { traceEvidenceReader } from '../../../src/ingest/trace/trace-evidence-reader.js';
import { fixture, lineOf, readAll } from './trace-helpers.js';
import { fileSource } from '../../../src/ingest/byte-source.js';

// Scenario S1 (SCENARIOS.md): the provider tenant's HCW OnPremises connector received its customers'
// mail. The fixture is a historical search extended report (UTF-16LE, BOM, every field quoted, CRLF,
// line breaks inside two subjects), made by generate-s1.mjs.
const FILE = fixture('s1-extended-report.csv');
const CONNECTOR = 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e';
const TENANT = '7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10';
const ACCEPTED = ['varunagroup.de', 'varunagroup.mail.onmicrosoft.com', 'varunagroup.onmicrosoft.com'];

const bytes = readFileSync(FILE);
const text = bytes.subarray(2).toString('utf16le');
// A general-purpose CSV parser's reading of the same file, as the reference.
const rows = parse(text, { columns: true }) as Record<string, string>[];
const foreignReceives = rows.filter(
  (r) => r.event_id === 'RECEIVE' && r.custom_data!.includes(`InboundConnectorData=Name=${CONNECTOR};ConnectorType=OnPremises`) && !ACCEPTED.includes(r.sender_address!.split('@')[1]!),
);

describe('S1 extended report', () => {
  it('is UTF-16LE with a byte-order mark and 27 columns', () => {
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    expect(Object.keys(rows[0]!)).toHaveLength(27);
  });

  it('reads every row and gathers the events into one message per recipient', async () => {
    const { report, messages } = await readAll(FILE);
    expect(report).toMatchObject({ kind: 'message-trace', format: 'extended', encoding: 'utf-16le', records: rows.length, skipped: 0, diagnostics: [] });
    // One message per (network message id, recipient) pair of the report.
    const pairs = new Set(rows.map((r) => `${r.network_message_id}|${r.recipient_address!.toLowerCase()}`));
    expect(messages).toHaveLength(pairs.size);
    expect(report.messages).toBe(pairs.size);
  });

  it('shows which customers went through the OnPremises connector, how many and since when', async () => {
    const { messages } = await readAll(FILE);
    const foreign = messages.filter((m) => m.inboundConnector?.type === 'OnPremises' && !ACCEPTED.includes(m.sender!.split('@')[1]!));
    expect(foreign).toHaveLength(foreignReceives.length);
    expect(foreign).toHaveLength(10);
    const byDomain: Record<string, number> = {};
    for (const m of foreign) byDomain[m.sender!.split('@')[1]!] = (byDomain[m.sender!.split('@')[1]!] ?? 0) + 1;
    expect(byDomain).toEqual({ 'setebos-ag.com': 7, 'fabrikam.com': 3 });
    const times = foreign.map((m) => m.at!).sort();
    expect(times[0]).toBe('2026-11-17T08:02:11.417Z');
    expect(times.at(-1)).toBe('2026-11-20T16:45:09.271Z');
    for (const m of foreign) {
      expect(m.inboundConnector).toEqual({ name: CONNECTOR, type: 'OnPremises', tenantId: TENANT });
      expect(m.tenantId).toBe(TENANT);
      expect(m.fromEntity).toBe('HybridOnPrem');
      expect(m.originatorOrg).toBe('varunagroup.de');
      expect(m.direction).toBe('Originating');
      expect(['81.173.212.44', '81.173.212.45']).toContain(m.clientIp);
      expect(['mx01.varunagroup.de', 'mx02.varunagroup.de']).toContain(m.clientHostname);
      expect(m.status).toBe('Delivered');
      expect(m.tlsVersion).toBe('TLSv1.2');
    }
  });

  it('cites the line of each RECEIVE row, counted past the line breaks inside quoted subjects', async () => {
    const { messages } = await readAll(FILE);
    for (const m of messages) {
      const receive = rows.find((r) => r.network_message_id === (m.networkMessageId ?? '') && r.event_id === 'RECEIVE' && r.recipient_address === m.recipient);
      expect(receive).toBeDefined();
      // The row starts with its quoted date and holds the message's network id; find its first physical line.
      const line = lineOf(text, `"${receive!.date_time_utc}","${receive!.client_ip}","${receive!.client_hostname}","${receive!.server_ip}"`);
      const raw = text.split('\n')[line - 1]!;
      expect(raw).toContain('"RECEIVE"');
      expect(m.source).toEqual({ file: FILE, line });
    }
    // The subject with a line break inside moves every later row one line down: at least one message past it proves the count.
    expect(messages.some((m) => m.source.line! > lineOf(text, 'Candidate\r\nfollow-up'))).toBe(true);
  });

  it('falls back to original_client_ip when S:ProxiedClientIPAddress is empty (seed 000)', async () => {
    const { messages } = await readAll(FILE);
    const m = messages.find((x) => x.sender === 'm.hoffmann@setebos-ag.com')!;
    const receive = rows.find((r) => r.sender_address === 'm.hoffmann@setebos-ag.com' && r.event_id === 'RECEIVE')!;
    expect(receive.custom_data).toContain('S:ProxiedClientIPAddress=;');
    expect(m.clientIp).toBe(receive.original_client_ip);
    expect(m.clientIp).toBe('81.173.212.45');
  });

  it('takes the status of the latest status event: a DEFER followed by SEND is delivered; a FAIL keeps its reply', async () => {
    const { messages } = await readAll(FILE);
    const deferred = messages.find((m) => m.subject === 'Lieferschein 0932')!;
    expect(deferred.status).toBe('Delivered');
    const failed = messages.find((m) => m.recipient === 'no.such.user@varunagroup.onmicrosoft.com')!;
    expect(failed.status).toBe('Failed');
    expect(failed.response).toEqual({ command: null, code: 550, enhanced: '5.1.10', text: 'RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup' });
    const internet = messages.find((m) => m.subject === 'Termin')!;
    expect(internet.inboundConnector).toBeNull();
    expect(internet.fromEntity).toBe('Internet');
    expect(internet.outboundConnector).toBe('Outbound to 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e');
  });

  it('gives the case the same numbers as observations, through the evidence reader', async () => {
    expect(traceEvidenceReader.detect(bytes.subarray(0, 1 << 20))).toBe(true);
    const collector = new EvidenceCollector();
    const report = await traceEvidenceReader.read(fileSource(FILE), collector, {});
    expect(report).toEqual({ file: FILE, kind: 'message-trace', records: rows.length, skipped: 0, diagnostics: [] });
    const evidence = collector.finish();
    const foreign = evidence.traces.filter((t) => t.sample.inboundConnector?.type === 'OnPremises' && !ACCEPTED.includes(t.sample.sender!.split('@')[1]!));
    expect(foreign.reduce((n, t) => n + t.count, 0)).toBe(10);
    expect(foreign.map((t) => t.first).sort()[0]).toBe('2026-11-17T08:02:11.417Z');
    expect(foreign.map((t) => t.last).sort().at(-1)).toBe('2026-11-20T16:45:09.271Z');
    expect(foreign.every((t) => t.sample.fromEntity === 'HybridOnPrem' && t.sample.originatorOrg === 'varunagroup.de')).toBe(true);
  });
});
