import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectTrace } from '../../../src/ingest/trace/detect-trace.js';
import { fixture, readAll } from './trace-helpers.js';

// Each format of FORMATS.md 1 with the meaning its documentation gives the columns: Received is
// the UTC time, FromIP the connecting client (blank outbound), Status the delivery status, one row
// per recipient; detail rows are events; recipient_status of the enhanced summary lists
// `address##event, event` per recipient.

describe('Get-MessageTrace', () => {
  it('Windows PowerShell 5.1 Export-Csv with #TYPE, remoting columns and en-US dates', async () => {
    const { report, messages } = await readAll(fixture('get-messagetrace-ps51.csv'));
    expect(report).toMatchObject({ format: 'get-messagetrace', encoding: 'utf-8', records: 3, skipped: 0, messages: 3, diagnostics: [] });
    expect(messages[0]).toMatchObject({
      at: '2025-03-04T09:15:02.000Z',
      sender: 'bob@fabrikam.com',
      recipient: 'ann@contoso.com',
      subject: 'Hello',
      status: 'Delivered',
      messageId: '<a1@mail.fabrikam.com>',
      organization: 'contoso.onmicrosoft.com',
      clientIp: '203.0.113.7',
      size: 20480,
      source: { line: 3 },
    });
    // 1:05:40 PM is 13:05:40; FromIP blank (sent out): no client IP; "" inside a quoted field is one quote.
    expect(messages[1]).toMatchObject({ at: '2025-03-04T13:05:40.000Z', status: 'Failed', clientIp: null, subject: 'Re: "Hello"', source: { line: 4 } });
    expect(messages[2]).toMatchObject({ at: '2025-03-03T23:59:59.000Z', status: 'FilteredAsSpam' });
  });

  it('Export-Csv -UseCulture on de-DE: ";" delimiter, dd.MM.yyyy, UTF-8 with BOM', async () => {
    const { report, messages } = await readAll(fixture('get-messagetrace-de-usculture.csv'));
    expect(report).toMatchObject({ format: 'get-messagetrace', encoding: 'utf-8', records: 1, skipped: 0 });
    expect(messages[0]).toMatchObject({ at: '2025-03-04T09:15:02.000Z', recipient: 'jürgen@contoso.com', subject: 'Grüße; Bestellung', status: 'Delivered' });
  });

  it('ConvertTo-Json in 5.1 (UTF-16LE, /Date(ms)/, the { value, DateTime } wrapper)', async () => {
    const { report, messages } = await readAll(fixture('get-messagetrace-ps51.json'));
    expect(report).toMatchObject({ format: 'get-messagetrace', encoding: 'utf-16le', records: 2, skipped: 0, messages: 2 });
    // 1741079702000 ms = 2025-03-04T09:15:02Z.
    expect(messages[0]).toMatchObject({ at: '2025-03-04T09:15:02.000Z', sender: 'bob@fabrikam.com', clientIp: '203.0.113.7', size: 20480, source: { line: 2 } });
    expect(messages[1]).toMatchObject({ at: '2025-03-04T13:05:40.000Z', subject: 'Re: "Hello"', status: 'Failed', clientIp: null, source: { line: 18 } });
  });
});

describe('Get-MessageTraceV2', () => {
  it('PowerShell 7 Export-Csv (no #TYPE, UTF-8 without BOM)', async () => {
    const { report, messages } = await readAll(fixture('get-messagetracev2.csv'));
    expect(report).toMatchObject({ format: 'get-messagetrace-v2', encoding: 'utf-8', records: 2, skipped: 0 });
    expect(messages.map((m) => [m.at, m.status, m.clientIp])).toEqual([
      ['2025-07-14T02:13:02.000Z', 'Delivered', '203.0.113.50'],
      ['2025-07-14T02:14:10.000Z', 'Pending', null],
    ]);
  });

  it('PowerShell 7 ConvertTo-Json of one object (no array), an ISO time with an offset', async () => {
    const { report, messages } = await readAll(fixture('get-messagetracev2-ps7.json'));
    expect(report).toMatchObject({ format: 'get-messagetrace-v2', records: 1, skipped: 0 });
    // 02:13:02.928+01:00 is 01:13:02.928 UTC.
    expect(messages[0]).toMatchObject({ at: '2025-07-14T01:13:02.928Z', sender: 'alerts@fabrikam.com', recipient: 'ops@contoso.com', size: 4096 });
  });
});

describe('Get-MessageTraceDetail', () => {
  it('gathers a message\'s events; Data XML gives the connector, FromEntity and TLS; LED= gives the refusal', async () => {
    const { report, messages } = await readAll(fixture('get-messagetracedetail.csv'));
    expect(report).toMatchObject({ format: 'get-messagetracedetail', records: 5, skipped: 0, messages: 2 });
    const [received, sent] = messages;
    expect(received).toMatchObject({
      at: '2025-03-04T09:15:02.000Z',
      sender: 'bob@fabrikam.com',
      recipient: 'ann@contoso.com',
      inboundConnector: { name: 'Inbound from Fabrikam', type: 'Partner', tenantId: '0b5f2a1c-1111-4aaa-9bbb-08dd00c0ffee' },
      tenantId: '0b5f2a1c-1111-4aaa-9bbb-08dd00c0ffee',
      clientIp: '198.51.100.44',
      clientHostname: 'gw1.fabrikam.com',
      fromEntity: 'Internet',
      originatorOrg: 'fabrikam.com',
      tlsVersion: 'TLSv1',
      connectorId: 'AM0PR03MB6123\\Default AM0PR03MB6123',
      status: 'Failed',
      response: { command: null, code: 550, enhanced: '5.7.64', text: 'TenantAttribution; Relay Access Denied' },
      events: ['RECEIVE', 'SPAM', 'FAIL'],
      source: { line: 2 },
    });
    // "Send external" is a SEND: delivered, by the outbound connector named in its Data.
    expect(sent).toMatchObject({ recipient: 'joe@fabrikam.com', status: 'Delivered', outboundConnector: 'Outbound to Fabrikam', fromEntity: 'Hosted', inboundConnector: null, source: { line: 5 } });
  });

  it('V2 as PowerShell 7 JSON: Data holds the custom data text itself', async () => {
    const { report, messages } = await readAll(fixture('get-messagetracedetailv2-ps7.json'));
    expect(report).toMatchObject({ format: 'get-messagetracedetail-v2', records: 2, skipped: 0, messages: 1 });
    expect(messages[0]).toMatchObject({
      at: '2025-07-14T02:13:02.928Z',
      inboundConnector: { name: 'Inbound from on-premises', type: 'OnPremises', tenantId: '0b5f2a1c-2222-4aaa-9bbb-08dd00c0ffee' },
      clientIp: '198.51.100.10',
      clientHostname: 'ex01.contoso.com',
      status: 'Pending',
      response: { code: 451, enhanced: '4.4.316', text: 'Connection refused' },
    });
  });
});

describe('admin center reports', () => {
  it('enhanced summary (UTF-16LE): one message per recipient of recipient_status, status from its last event', async () => {
    const { report, messages } = await readAll(fixture('enhanced-summary.csv'));
    expect(report).toMatchObject({ format: 'enhanced-summary', encoding: 'utf-16le', records: 2, skipped: 0, messages: 3 });
    expect(messages.map((m) => [m.recipient, m.status, m.direction])).toEqual([
      ['ann@contoso.com', 'Delivered', 'Incoming'],
      ['joe@contoso.com', 'Failed', 'Incoming'],
      // An address with an odd quote (FORMATS.md 1c) stays whole.
      ['"Lee, Ann<lee"@fabrikam.com', 'Delivered', 'Originating'],
    ]);
    expect(messages[0]).toMatchObject({ at: '2025-03-23T10:00:09.328Z', clientIp: '203.0.113.7', size: 52011, networkMessageId: '3c2b1a00-1111-4aaa-9bbb-08dd00c0ffee' });
    expect(messages[2]!.connectorId).toBe('Inbound from on-premises');
  });

  it('summary export: Date, Sender, Recipient, Subject, Status, read by its header', async () => {
    const { report, messages } = await readAll(fixture('eac-summary.csv'));
    expect(report).toMatchObject({ format: 'eac-summary', records: 2, skipped: 0 });
    expect(messages.map((m) => [m.at, m.sender, m.recipient, m.subject, m.status])).toEqual([
      ['2025-03-04T09:15:02.000Z', 'bob@fabrikam.com', 'ann@contoso.com', 'Hello, world', 'Delivered'],
      ['2025-03-04T09:20:00.000Z', 'ann@contoso.com', 'joe@fabrikam.com', 'Plain', 'Quarantined'],
    ]);
  });
});

describe('detection by content', () => {
  it('recognises every fixture and nothing else', () => {
    for (const f of ['get-messagetrace-ps51.csv', 'get-messagetrace-de-usculture.csv', 'get-messagetrace-ps51.json', 'get-messagetracev2.csv', 'get-messagetracev2-ps7.json', 'get-messagetracedetail.csv', 'get-messagetracedetailv2-ps7.json', 'enhanced-summary.csv', 'eac-summary.csv', 's1-extended-report.csv']) {
      expect(detectTrace(readFileSync(fixture(f))), f).toBe(true);
    }
    expect(detectTrace(Buffer.from('"Name","Identity","Enabled"\n"x","y","True"\n'))).toBe(false);
    expect(detectTrace(Buffer.from('[{"Name": "Inbound", "SenderIPAddresses": []}]'))).toBe(false);
    expect(detectTrace(Buffer.from('#Software: Microsoft Exchange Server\r\n#Fields: date-time,connector-id\r\n'))).toBe(false);
  });

  // Issue 13: a third-party gateway's log uses generic names; only columns Microsoft's exports carry
  // make a trace (FORMATS.md 1a–1d: MessageTraceId/Received+SenderAddress+RecipientAddress, the
  // extended report's event_id…, the EAC summary's Date, Sender, Recipient, Subject, Status).
  it('a gateway log with Date, From, To, Subject, Status is no message trace', () => {
    expect(detectTrace(Buffer.from('Date,From,To,Subject,Status,Bytes,Gateway Node\r\n2026-12-01 10:00,a@contoso.com,b@fabrikam.com,Hi,Sent,1234,gw1\r\n'))).toBe(false);
    expect(detectTrace(Buffer.from('"Date";"From";"To";"Subject";"Status"\r\n'))).toBe(false);
    // The EAC summary needs all five of its columns.
    expect(detectTrace(Buffer.from('Date (UTC),Sender,Recipient,Status\r\n'))).toBe(false);
    expect(detectTrace(Buffer.from('Date (UTC),Sender,Recipient,Subject,Status\r\n'))).toBe(true);
    expect(detectTrace(Buffer.from('Date,Sender,Recipient,Subject,Status,Message ID\r\n'))).toBe(true);
  });

  // ConvertTo-Json escapes quotes and backslashes in values (RFC 8259 §7): only the first object's
  // top-level names decide, whatever its values and nested objects hold.
  it('reads the first object\'s own property names past escaped quotes and nested values', () => {
    const trace = (subject: string) =>
      `[\r\n  {\r\n    "Subject": ${JSON.stringify(subject)},\r\n    "Nested": {"SenderAddress": "x", "Recipient": ["a"]},\r\n    "Received": "2026-12-01T10:00:00",\r\n    "SenderAddress": "a@contoso.com",\r\n    "RecipientAddress": "b@fabrikam.com",\r\n    "Status": "Delivered"\r\n  }\r\n]`;
    for (const subject of ['plain', 'a "quoted" word', 'ends with a backslash \\', 'a \\"', '{[not structure]}']) expect(detectTrace(Buffer.from(trace(subject))), subject).toBe(true);
    // Names only inside a nested object are not the first object's.
    expect(detectTrace(Buffer.from('[{"Name": "x", "Nested": {"Received": "t", "SenderAddress": "a", "RecipientAddress": "b"}}]'))).toBe(false);
  });
});
