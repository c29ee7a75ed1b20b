import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SmtpSessionObservation } from '../../../src/model/evidence.js';
import { splitCsvLine } from '../../../src/ingest/exchange-log/exchange-log-file.js';
import { CsvTokenizer } from '../../../src/ingest/trace/csv-tokenizer.js';
import { readProtocolLog } from '../../../src/ingest/exchange-log/read-protocol-log.js';
import { IDLE_EVICTION_MS } from '../../../src/ingest/exchange-log/session-table.js';
import { extensionsOfOneRowEhloReply, parseReplyLine, replyOf } from '../../../src/ingest/exchange-log/smtp-lines.js';
import { endpointOf } from '../../../src/ingest/exchange-log/session-rows.js';
import { certificateFromRowData, parseTlsFailure, parseTlsSuccess, tlsVersionOfSchannel } from '../../../src/ingest/exchange-log/tls-info.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempLog(lines: string[], name = 'RECV2026112010-1.LOG'): string {
  const dir = mkdtempSync(join(tmpdir(), 'exchange-log-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, `\ufeff${lines.join('\r\n')}\r\n`);
  return file;
}

const HEADER = (type: string, fields = 'date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context') => [
  '#Software: Microsoft Exchange Server',
  '#Version: 15.0.0.0',
  `#Log-type: ${type}`,
  '#Date: 2026-11-20T10:00:00.000Z',
  `#Fields: ${fields}`,
];

describe('CSV lines as Exchange writes them', () => {
  it('splits plain and quoted values, `""` being one quote', () => {
    const out: string[] = [];
    expect(splitCsvLine('a,,b,', out)).toBeNull();
    expect(out).toEqual(['a', '', 'b', '']);
    expect(splitCsvLine('x,"220 host ready at Fri, 20 Nov 2026",', out)).toBeNull();
    expect(out).toEqual(['x', '220 host ready at Fri, 20 Nov 2026', '']);
    expect(splitCsvLine('"MAIL FROM:<""a b""@c>",ctx', out)).toBeNull();
    expect(out).toEqual(['MAIL FROM:<"a b"@c>', 'ctx']);
    expect(splitCsvLine('a,"b', out)).toMatch(/unterminated/);
    expect(splitCsvLine('a,"b"c', out)).toMatch(/after a closing quote/);
  });
});

describe('CSV lines: what the log splitter accepts, the CSV tokenizer reads the same way', () => {
  // FORMATS.md 2 and 3: values quoted when needed, `""` for a quote, commas inside quotes.
  const tokenize = (line: string): string[] => {
    const rows: string[][] = [];
    const tokenizer = new CsvTokenizer({
      row: (t) => rows.push(Array.from({ length: t.count }, (_, i) => t.field(i))),
      malformed: () => rows.push(['<malformed>']),
    });
    tokenizer.push(`${line}\r\n`);
    tokenizer.end();
    return rows[0]!;
  };
  it.each([
    'a,,b,',
    '2026-11-20T10:00:00.000Z,EX01\\Default,08DD1,3,10.0.0.1:25,192.0.2.1:5000,>,"220 EX01 ready at Fri, 20 Nov 2026",',
    '"MAIL FROM:<""a b""@c>",ctx',
    '"",,""',
    '"a,b","c ""d"", e",f,""',
    ',,"x"',
  ])('%s', (line) => {
    const out: string[] = [];
    expect(splitCsvLine(line, out)).toBeNull();
    expect(out).toEqual(tokenize(line));
  });
});

describe('SMTP replies and EHLO answers', () => {
  it('reads reply lines, continuation and RFC 3463 enhanced codes', () => {
    expect(parseReplyLine('250-SIZE 157286400')).toEqual({ code: 250, continued: true, text: 'SIZE 157286400' });
    expect(parseReplyLine('250  host Hello [192.0.2.1]')).toEqual({ code: 250, continued: false, text: 'host Hello [192.0.2.1]' });
    expect(parseReplyLine('EHLO host')).toBeNull();
    expect(parseReplyLine('<authentication response>')).toBeNull();
    expect(replyOf('RCPT', 550, ['5.7.64 TenantAttribution; Relay Access Denied'])).toEqual({
      command: 'RCPT',
      code: 550,
      enhanced: '5.7.64',
      text: 'TenantAttribution; Relay Access Denied',
    });
    expect(replyOf('DATA', 354, ['Start mail input; end with <CRLF>.<CRLF>']).enhanced).toBeNull();
  });

  it('splits Exchange’s one-row EHLO answer into extension lines with parameters', () => {
    // A published Exchange 2016 front-end receive log row (FORMATS.md 3 sources).
    const { greeting, extensions } = extensionsOfOneRowEhloReply(
      'SERVER-HOSTNAME.DOMAIN.TEST Hello [95.10.20.33] SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST',
    );
    expect(greeting).toBe('SERVER-HOSTNAME.DOMAIN.TEST Hello [95.10.20.33]');
    expect(extensions).toEqual(['SIZE 37748736', 'PIPELINING', 'DSN', 'ENHANCEDSTATUSCODES', 'STARTTLS', 'X-ANONYMOUSTLS', 'AUTH NTLM', 'X-EXPS GSSAPI NTLM', '8BITMIME', 'BINARYMIME', 'CHUNKING', 'XRDST']);
  });

  it('reads endpoints in IPv4 and .NET IPv6 form', () => {
    expect(endpointOf('192.0.2.1:25')).toEqual({ ip: '192.0.2.1', port: 25 });
    expect(endpointOf('[2001:db8::1]:25')).toEqual({ ip: '2001:db8::1', port: 25 });
    expect(endpointOf('')).toEqual({ ip: null, port: null });
  });
});

describe('TLS rows', () => {
  it('maps Schannel protocol names and numbers (schannel.h SP_PROT_*) to TLS versions', () => {
    expect(tlsVersionOfSchannel('SP_PROT_TLS1_0_SERVER')).toBe('TLSv1');
    expect(tlsVersionOfSchannel('SP_PROT_TLS1_1_CLIENT')).toBe('TLSv1.1');
    expect(tlsVersionOfSchannel('SP_PROT_TLS1_2_CLIENT')).toBe('TLSv1.2');
    expect(tlsVersionOfSchannel('SP_PROT_TLS1_3_SERVER')).toBe('TLSv1.3');
    expect(tlsVersionOfSchannel('SP_PROT_SSL3_SERVER')).toBe('SSLv3');
    // An enum value the build does not name prints as its number: 0x1000 = SP_PROT_TLS1_3_SERVER, 0x80 = SP_PROT_TLS1_0_CLIENT.
    expect(tlsVersionOfSchannel('4096')).toBe('TLSv1.3');
    expect(tlsVersionOfSchannel('128')).toBe('TLSv1');
    expect(tlsVersionOfSchannel('SOMETHING')).toBeNull();
  });

  it('reads the negotiation and failure rows', () => {
    const success = parseTlsSuccess(
      'TLS protocol SP_PROT_TLS1_0_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA1 with strength 160 bits and key exchange algorithm CALG_ECDHE with strength 256 bits',
    );
    expect(success).toEqual({ protocol: 'SP_PROT_TLS1_0_CLIENT', version: 'TLSv1', cipher: 'CALG_AES_256/CALG_SHA1/CALG_ECDHE' });
    expect(parseTlsFailure('TLS negotiation failed with error NoCredentials')).toBe('NoCredentials');
  });

  it('splits a one-row certificate whose DNs hold spaces, reading from the right', () => {
    const c = certificateFromRowData(
      ' CN=mail.contoso.com, O=Contoso Ltd, C=US CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US 0C1D 1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D 2026-03-01T00:00:00.000Z 2027-03-31T23:59:59.000Z mail.contoso.com;autodiscover.contoso.com',
    );
    expect(c).toEqual({
      subject: 'CN=mail.contoso.com, O=Contoso Ltd, C=US',
      commonName: 'mail.contoso.com',
      dnsNames: ['mail.contoso.com', 'autodiscover.contoso.com'],
      issuer: 'CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US',
      notBefore: '2026-03-01T00:00:00.000Z',
      notAfter: '2027-03-31T23:59:59.000Z',
      sha1: '1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D',
      sha256: null,
      selfSigned: false,
    });
  });
});

describe('sessions from #Fields, not from positions', () => {
  it('reads columns by name in each header block, groups interleaved sessions and orders them by sequence number', async () => {
    const sid = '08DE000000000AAA';
    const other = '08DE000000000BBB';
    const row = (id: string, seq: number, event: string, data: string) => `2026-11-20T10:00:0${seq % 10}.000Z,EX01\\Default Frontend EX01,${id},${seq},192.0.2.10:25,198.51.100.5:40000,${event},${data},`;
    // Second block: the same columns in another order (a different writer), read by name.
    const reordered = 'event,data,session-id,sequence-number,connector-id,local-endpoint,remote-endpoint,date-time,context';
    const file = tempLog([
      ...HEADER('SMTP Receive Protocol Log'),
      row(sid, 0, '+', ''),
      row(other, 0, '+', ''),
      row(sid, 2, '<', 'EHLO client.fabrikam.com'), // ahead of seq 1: waits for it
      row(sid, 1, '>', '220 mail.contoso.com Microsoft ESMTP MAIL Service ready'),
      row(other, 1, '>', '220 mail.contoso.com Microsoft ESMTP MAIL Service ready'),
      row(sid, 3, '>', '250  mail.contoso.com Hello [198.51.100.5] SIZE 37748736 STARTTLS'),
      row(sid, 4, '-', ''),
      ...HEADER('SMTP Receive Protocol Log', reordered),
      `+,,08DE000000000CCC,0,EX02\\Default Frontend EX02,192.0.2.11:25,198.51.100.6:40001,2026-11-20T11:00:00.000Z,`,
      `<,EHLO other.fabrikam.com,08DE000000000CCC,1,EX02\\Default Frontend EX02,192.0.2.11:25,198.51.100.6:40001,2026-11-20T11:00:00.100Z,`,
      `-,,08DE000000000CCC,2,EX02\\Default Frontend EX02,192.0.2.11:25,198.51.100.6:40001,2026-11-20T11:00:00.200Z,Remote`,
    ]);
    const sessions: SmtpSessionObservation[] = [];
    const { report, sessions: counts } = await readProtocolLog(file, (s) => sessions.push(s));
    expect(report.skipped).toBe(0);
    // A session ends at its `-` row, not at a new header block (FORMATS.md 3): the other session of
    // block 1, with no disconnect, stays open under block 2 and is closed at the end of the file.
    expect(sessions.map((s) => s.connector)).toEqual(['EX01\\Default Frontend EX01', 'EX02\\Default Frontend EX02', 'EX01\\Default Frontend EX01']);
    const first = sessions[0]!;
    // The banner was applied before the EHLO although written after it.
    expect(first.replies.map((r) => r.command)).toEqual(['<banner>', 'EHLO']);
    expect(first).toMatchObject({ serverName: 'mail.contoso.com', ehlo: 'client.fabrikam.com', starttls: 'offered', extensions: ['SIZE 37748736', 'STARTTLS'] });
    expect(sessions[2]!.protocolLog!.disconnect).toBeNull();
    expect(sessions[1]).toMatchObject({ ehlo: 'other.fabrikam.com', at: '2026-11-20T11:00:00.000Z', client: { ip: '198.51.100.6', port: 40001 }, server: { ip: '192.0.2.11', port: 25 } });
    expect(sessions[1]!.protocolLog!.disconnect).toBe('Remote');
    expect(counts.openAtEnd).toBe(1);
  });

  it('keeps apart session ids that share their low digits but differ in case, in a high digit or in a non-hex character', async () => {
    // FORMATS.md 3: session-id is an opaque text; rows belong together only when it is the same text.
    const ids = ['08DE10000000ABCD', '08DE10000000abcd', '08DE10000000AbCd', '18DE10000000ABCD', '08de10000000ABCD', 'zzDE10000000ABCD'];
    const row = (id: string, seq: number, event: string, data: string, n: number) => `2026-11-20T10:00:0${seq}.000Z,EX01\\Default,${id},${seq},192.0.2.10:25,198.51.100.${n}:40000,${event},${data},`;
    const lines = [...HEADER('SMTP Receive Protocol Log')];
    for (const [n, id] of ids.entries()) lines.push(row(id, 0, '+', '', n + 1));
    for (const [n, id] of ids.entries()) lines.push(row(id, 1, '<', `EHLO client${n + 1}.fabrikam.com`, n + 1));
    // Disconnects in reverse order: the first id's session stays open while the others are looked up.
    for (const [n, id] of [...ids.entries()].reverse()) lines.push(row(id, 2, '-', '', n + 1));
    const sessions: SmtpSessionObservation[] = [];
    const { sessions: counts } = await readProtocolLog(tempLog(lines), (s) => sessions.push(s));
    expect(counts).toMatchObject({ sessions: ids.length, openAtEnd: 0 });
    expect(sessions.map((s) => [s.client.ip, s.ehlo])).toEqual(ids.map((_, n) => [`198.51.100.${n + 1}`, `client${n + 1}.fabrikam.com`]).reverse());
  });

  it('keeps a session whose low digits were taken when it opened after the first holder closes', async () => {
    // FORMATS.md 3: rows belong to one session exactly when their session-id is the same text,
    // whatever other sessions opened and closed in between.
    const ids = ['08DE10000000ABCD', '18DE10000000ABCD'];
    const row = (id: string, seq: number, event: string, data: string, n: number) => `2026-11-20T10:00:0${seq}.000Z,EX01\\Default,${id},${seq},192.0.2.10:25,198.51.100.${n}:40000,${event},${data},`;
    const lines = [...HEADER('SMTP Receive Protocol Log')];
    lines.push(row(ids[0]!, 0, '+', '', 1), row(ids[1]!, 0, '+', '', 2));
    // The first id closes first; the second goes on with its EHLO and its disconnect.
    lines.push(row(ids[0]!, 1, '-', '', 1), row(ids[1]!, 1, '<', 'EHLO client2.fabrikam.com', 2), row(ids[1]!, 2, '-', '', 2));
    const sessions: SmtpSessionObservation[] = [];
    const { sessions: counts } = await readProtocolLog(tempLog(lines), (s) => sessions.push(s));
    expect(counts).toMatchObject({ sessions: 2, openAtEnd: 0 });
    expect(sessions.map((s) => [s.client.ip, s.ehlo])).toEqual([['198.51.100.1', null], ['198.51.100.2', 'client2.fabrikam.com']]);
  });

  it('closes sessions idle for longer than the eviction time and says so', async () => {
    const lines = [...HEADER('SMTP Send Protocol Log')];
    lines.push('2026-11-20T10:00:00.000Z,Internet,08DE00000000DEAD,0,192.0.2.10:30000,198.51.100.9:25,+,,');
    // Enough later traffic (one short session after another) for the periodic idle check to run.
    const start = Date.parse('2026-11-20T10:00:01.000Z');
    const step = (2 * IDLE_EVICTION_MS) / 70_000;
    for (let i = 0; i < 35_000; i++) {
      const t = new Date(start + i * 2 * step).toISOString();
      const id = `08DE1${i.toString(16).padStart(11, '0').toUpperCase()}`;
      lines.push(`${t},Internet,${id},0,192.0.2.10:30001,198.51.100.9:25,+,,`);
      lines.push(`${t},Internet,${id},1,192.0.2.10:30001,198.51.100.9:25,-,,Local`);
    }
    const file = tempLog(lines, 'SEND2026112010-1.LOG');
    let total = 0;
    const { report, sessions: counts } = await readProtocolLog(file, () => total++);
    expect(counts.evicted).toBe(1);
    expect(counts.evictedSamples[0]).toEqual({ sessionId: '08DE00000000DEAD', line: 6 });
    expect(total).toBe(35_001);
    expect(report.diagnostics.some((d) => d.severity === 'warning' && d.message.includes('08DE00000000DEAD (line 6)'))).toBe(true);
  });
});

describe('date-time', () => {
  it('reads Exchange’s ISO 8601 UTC times as Date.parse does', async () => {
    const { isoTimeMs } = await import('../../../src/ingest/exchange-log/session-table.js');
    for (const t of ['2026-11-20T10:00:00.015Z', '2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00.000Z', '2024-02-29T12:34:56Z']) expect(isoTimeMs(t)).toBe(Date.parse(t));
    expect(isoTimeMs('not a time at all')).toBeNaN();
  });
});

describe('text that is not ASCII', () => {
  const header = [
    '#Software: Microsoft Exchange Server',
    '#Version: 15.02.1748.010',
    '#Log-type: Message Tracking Log',
    '#Date: 2026-11-20T09:00:00.004Z',
    '#Fields: date-time,event-id,sender-address,message-subject',
  ];
  it('decodes UTF-8 subjects', async () => {
    const { readTrackingLog } = await import('../../../src/ingest/exchange-log/read-tracking-log.js');
    const file = tempLog([...header, '2026-11-20T09:00:01.000Z,RECEIVE,jürgen@contoso.com,Präsentation für Zürich'], 'MSGTRK20261120-1.LOG');
    const subjects: (string | null)[] = [];
    const report = await readTrackingLog(file, (e) => subjects.push(e.subject));
    expect(subjects).toEqual(['Präsentation für Zürich']);
    expect(report.diagnostics).toEqual([]);
  });

  it('reports the first line that is not UTF-8 (a file re-saved in Windows-1252) and reads on', async () => {
    const { readTrackingLog } = await import('../../../src/ingest/exchange-log/read-tracking-log.js');
    const dir = mkdtempSync(join(tmpdir(), 'exchange-log-'));
    dirs.push(dir);
    const file = join(dir, 'MSGTRK20261120-2.LOG');
    const text = [...header, '2026-11-20T09:00:01.000Z,RECEIVE,a@contoso.com,plain', '2026-11-20T09:00:02.000Z,RECEIVE,b@contoso.com,Pr\u00e4sentation'].join('\r\n') + '\r\n';
    writeFileSync(file, Buffer.from(text, 'latin1'));
    const events: string[] = [];
    const report = await readTrackingLog(file, (e) => events.push(e.subject ?? ''));
    expect(events).toEqual(['plain', 'Pr\uFFFDsentation']);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ severity: 'warning', location: `${file}:7` });
    expect(report.diagnostics[0]!.message).toContain('not valid UTF-8');
  });
});
