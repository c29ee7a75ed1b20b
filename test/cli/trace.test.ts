import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { cli, cliJson } from '../helpers/run-cli.js';
import { tempFile } from '../ingest/trace/trace-helpers.js';

// `mailflow-doctor trace` on the S1 extended report (test/fixtures/trace/s1-extended-report.csv):
// 10 customer messages through the provider's OnPremises connector, 7 from setebos-ag.com and 3
// from fabrikam.com, 2026-11-17T08:02:11.417Z to 2026-11-20T16:45:09.271Z; 22 messages in all.
const S1 = 'test/fixtures/trace/s1-extended-report.csv';
const CONNECTOR = 'Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e';
const TENANT = '7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10';
const CUSTOMERS = ['--sender-domain', 'setebos-ag.com', '--sender-domain', 'fabrikam.com'];

describe('trace --format json', () => {
  it('summarises the whole report', () => {
    const { code, json } = cliJson('trace', S1);
    expect(code).toBe(0);
    expect(json.schema).toBe('mailflow-doctor/trace@1');
    expect(json.inputs).toEqual([expect.objectContaining({ file: S1, kind: 'message-trace', format: 'extended', encoding: 'utf-16le', records: 67, skipped: 0, messages: 22 })]);
    expect(json.totals).toEqual({ messages: 22, messagesRead: 22, rowsRead: 67, rowsSkipped: 0, first: '2026-11-16T16:20:00.125Z', last: '2026-11-21T07:00:00.000Z' });
    expect(json.byConnector[0]).toMatchObject({ connector: CONNECTOR, connectorType: 'OnPremises', tenant: TENANT, messages: 16 });
    expect(json.byConnector[1]).toMatchObject({ connector: null, messages: 6 });
    expect(json.groups.reduce((n: number, g: { messages: number }) => n + g.messages, 0)).toBe(22);
    expect(json.messages).toBeUndefined();
  });

  it('answers "since when, and whom" for the connector and the customers\' domains', () => {
    const { json } = cliJson('trace', S1, '--connector', CONNECTOR, ...CUSTOMERS);
    expect(json.totals).toMatchObject({ messages: 10, messagesRead: 22, first: '2026-11-17T08:02:11.417Z', last: '2026-11-20T16:45:09.271Z' });
    expect(json.bySenderDomain).toEqual([
      { senderDomain: 'setebos-ag.com', messages: 7, first: '2026-11-17T08:02:11.417Z', last: '2026-11-20T16:45:09.271Z' },
      { senderDomain: 'fabrikam.com', messages: 3, first: '2026-11-17T13:12:30.776Z', last: '2026-11-20T12:48:26.640Z' },
    ]);
    expect(json.byDay.map((d: { day: string; messages: number }) => [d.day, d.messages])).toEqual([
      ['2026-11-17', 3],
      ['2026-11-18', 2],
      ['2026-11-19', 2],
      ['2026-11-20', 3],
    ]);
    expect(json.byDirection).toEqual([expect.objectContaining({ direction: 'Originating', messages: 10 })]);
    expect(json.filters).toEqual({ connectors: [CONNECTOR], senderDomains: ['setebos-ag.com', 'fabrikam.com'], since: null, until: null });
  });

  it('filters by time (a date alone as --until is the whole day) and lists the messages with --list', () => {
    const { json } = cliJson('trace', S1, ...CUSTOMERS, '--connector', CONNECTOR.toUpperCase(), '--since', '2026-11-18', '--until', '2026-11-19', '--list');
    expect(json.totals.messages).toBe(4);
    expect(json.messages.map((m: { time: string; sender: string; recipient: string }) => [m.time, m.sender, m.recipient])).toEqual([
      ['2026-11-18T07:55:02.100Z', 'e.kranz@setebos-ag.com', 'sales@tailspintoys.com'],
      ['2026-11-18T11:20:47.999Z', 'm.hoffmann@setebos-ag.com', 'buyer@northwindtraders.com'],
      ['2026-11-19T10:05:19.301Z', 'hr@fabrikam.com', 'recruiting@adatum.com'],
      ['2026-11-19T15:31:08.555Z', 'j.weber@setebos-ag.com', 'info@adatum.com'],
    ]);
    expect(json.messages[0]).toMatchObject({ subject: 'Re: "Rahmenvertrag" 2027', status: 'Delivered', connector: CONNECTOR, connectorType: 'OnPremises', tenant: TENANT, clientIp: '81.173.212.44', clientHostname: 'mx01.varunagroup.de', fromEntity: 'HybridOnPrem', originatorOrg: 'varunagroup.de' });
    expect(json.messages[0].source).toMatch(/^test\/fixtures\/trace\/s1-extended-report\.csv:\d+$/);
    expect(json.notListed).toBe(0);
    const limited = cliJson('trace', S1, '--list', '--limit', '3').json;
    expect(limited.messages).toHaveLength(3);
    expect(limited.notListed).toBe(19);
  });

  it('reads several files of different formats in one run', () => {
    const { code, json } = cliJson('trace', S1, 'test/fixtures/trace/get-messagetrace-ps51.csv', 'test/fixtures/trace/enhanced-summary.csv');
    expect(code).toBe(0);
    expect(json.inputs.map((i: { format: string }) => i.format)).toEqual(['extended', 'get-messagetrace', 'enhanced-summary']);
    expect(json.totals).toMatchObject({ messages: 28, rowsRead: 72 });
  });
});

describe('trace --format csv', () => {
  it('writes the group table', () => {
    const r = cli('trace', S1, '--connector', CONNECTOR, ...CUSTOMERS, '--format', 'csv');
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['day', 'connector', 'connectorType', 'tenant', 'direction', 'senderDomain', 'messages', 'first', 'last']);
    expect(rows.reduce((n, x) => n + Number(x.messages), 0)).toBe(10);
    expect(rows.filter((x) => x.senderDomain === 'setebos-ag.com').reduce((n, x) => n + Number(x.messages), 0)).toBe(7);
    expect(rows.every((x) => x.connector === CONNECTOR && x.tenant === TENANT && x.connectorType === 'OnPremises')).toBe(true);
  });

  it('writes the message list with --list, subjects with quotes and line breaks quoted', () => {
    const r = cli('trace', S1, '--list', '--format', 'csv');
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(22);
    expect(rows.map((x) => x.subject)).toContain('Projekt "Nordlicht"\r\nStatus');
    expect(rows.find((x) => x.recipient === 'no.such.user@varunagroup.onmicrosoft.com')).toMatchObject({ status: 'Failed', response: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup' });
  });

  it('defuses spreadsheet formulas in values from senders', () => {
    const file = tempFile('formula.csv', '"Received","SenderAddress","RecipientAddress","Subject","Status"\n"2025-03-04 09:15:02","a@fabrikam.com","b@contoso.com","=HYPERLINK(""http://x"")","Delivered"\n');
    const rows = parse(cli('trace', file, '--list', '--format', 'csv').stdout, { columns: true }) as Record<string, string>[];
    expect(rows[0]!.subject).toBe('\'=HYPERLINK("http://x")');
  });
});

describe('trace --format text', () => {
  it('shows totals, connectors, sender domains and days', () => {
    const r = cli('trace', S1, '--connector', CONNECTOR, ...CUSTOMERS, '--list');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('67 rows read, 0 skipped, 22 messages');
    expect(r.stdout).toMatch(/: 10, 2026-11-17 08:02:11Z to 2026-11-20 16:45:09Z/);
    expect(r.stdout).toMatch(/setebos-ag\.com\s+7\s+2026-11-17 08:02:11Z to 2026-11-20 16:45:09Z/);
    expect(r.stdout).toMatch(/fabrikam\.com\s+3\s/);
    expect(r.stdout).toContain(`${CONNECTOR} (OnPremises), tenant ${TENANT}`);
    expect(r.stdout).toMatch(/2026-11-20 16:45:09Z {2}e\.kranz@setebos-ag\.com -> buyer@northwindtraders\.com {2}Delivered/);
  });

  it('reports malformed rows with their lines and still summarises the rest', () => {
    const r = cli('trace', 'test/fixtures/trace/malformed-extended.csv');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('6 rows read, 3 skipped, 3 messages');
    expect(r.stdout).toContain('malformed-extended.csv:3: row skipped');
    expect(r.stdout).toContain('malformed-extended.csv:8: row skipped');
  });
});

describe('trace: errors', () => {
  it('exit 2 when nothing could be read, naming the file and the reason', () => {
    const zip = tempFile('report.csv', Buffer.from('PK\x03\x04zipped', 'latin1'));
    const r = cli('trace', zip, '--format', 'json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/report\.csv: unknown encoding: a ZIP archive/);
    expect(cli('trace', 'test/fixtures/trace/nope.csv').code).toBe(2);
  });

  it('usage errors', () => {
    expect(cli('trace').code).toBe(2);
    const bad = cli('trace', S1, '--since', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since must be an ISO 8601 time/);
    expect(cli('trace', S1, '--format', 'xml').code).toBe(2);
    expect(cli('trace', S1, '--limit', '5').stderr).toMatch(/--limit goes with --list/);
  });
});
