import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SmtpSessionObservation, StatusObservation } from '../../../src/model/evidence.js';
import { readProtocolLog } from '../../../src/ingest/exchange-log/read-protocol-log.js';
import { readTrackingLog, trackingStatuses, type TrackingEvent } from '../../../src/ingest/exchange-log/read-tracking-log.js';

/** Shapes found in real Exchange log samples (protocol and tracking logs), written here as short logs. */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempLog(lines: string[], name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'exchange-log-shapes-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

// FORMATS.md 3: the header of an SMTP protocol log.
const PROTOCOL_HEADER = (type: 'SMTP Receive Protocol Log' | 'SMTP Send Protocol Log') => [
  '#Software: Microsoft Exchange Server',
  '#Version: 15.0.0.0',
  `#Log-type: ${type}`,
  '#Date: 2025-03-04T08:00:00.000Z',
  '#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context',
];
const TLS_ROW_TEXT = (side: 'SERVER' | 'CLIENT') =>
  `"TLS protocol SP_PROT_TLS1_2_${side} negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits and key exchange algorithm CALG_ECDHE with strength 256 bits"`;

async function sessionsOf(file: string) {
  const sessions: SmtpSessionObservation[] = [];
  const read = await readProtocolLog(file, (s) => sessions.push(s));
  return { sessions, counts: read.sessions };
}

describe('protocol log: a session goes on across a repeated header block', () => {
  // FORMATS.md 3 / Microsoft "Protocol logging": `session-id` identifies the session and
  // `sequence-number` counts from 0 within it; `-` is the disconnect. A new header block (the log
  // restarted, or the next hourly file appended) starts no session and ends none.
  const sid = '08DD5B0000000A11';
  const recv = (seq: number, event: string, data: string, context = '') =>
    `2025-03-04T08:59:59.${String(seq).padStart(3, '0')}Z,MBX1\\Default Frontend MBX1,${sid},${seq},192.0.2.20:25,203.0.113.77:51000,${event},${data},${context}`;

  it('is one session with its STARTTLS before the block and its TLS row, EHLO and disconnect after it', async () => {
    const file = tempLog(
      [
        ...PROTOCOL_HEADER('SMTP Receive Protocol Log'),
        recv(0, '+', ''),
        recv(1, '>', '220 MBX1.fabrikam.net Microsoft ESMTP MAIL Service ready'),
        recv(2, '<', 'EHLO relay.example.com'),
        recv(3, '>', '250  MBX1.fabrikam.net Hello [203.0.113.77] SIZE PIPELINING STARTTLS 8BITMIME'),
        recv(4, '<', 'STARTTLS'),
        recv(5, '>', '220 2.0.0 SMTP server ready'),
        ...PROTOCOL_HEADER('SMTP Receive Protocol Log'),
        recv(6, '*', '', TLS_ROW_TEXT('SERVER')),
        recv(7, '<', 'EHLO relay.example.com'),
        recv(8, '>', '250  MBX1.fabrikam.net Hello [203.0.113.77] SIZE PIPELINING 8BITMIME'),
        recv(9, '<', 'QUIT'),
        recv(10, '-', '', 'Remote'),
      ],
      'RECV2025030408-1.LOG',
    );
    const { sessions, counts } = await sessionsOf(file);
    expect(counts).toMatchObject({ sessions: 1, openAtEnd: 0 });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ serverName: 'MBX1.fabrikam.net', ehlo: 'relay.example.com', starttls: 'accepted', tls: { version: 'TLSv1.2' } });
    expect(sessions[0]!.protocolLog!.disconnect).toBe('Remote');
  });

  it('keeps a receive session open under a send block in between (each log type its own sessions)', async () => {
    const send = `2025-03-04T09:00:00.000Z,Outbound to Internet,08DD5B0000000B22,0,,198.51.100.9:25,*,,attempting to connect`;
    const file = tempLog(
      [
        ...PROTOCOL_HEADER('SMTP Receive Protocol Log'),
        recv(0, '+', ''),
        recv(1, '>', '220 MBX1.fabrikam.net Microsoft ESMTP MAIL Service ready'),
        ...PROTOCOL_HEADER('SMTP Send Protocol Log'),
        send,
        ...PROTOCOL_HEADER('SMTP Receive Protocol Log'),
        recv(2, '<', 'EHLO relay.example.com'),
        recv(3, '-', '', 'Remote'),
      ],
      'RECV2025030409-1.LOG',
    );
    const { sessions } = await sessionsOf(file);
    const received = sessions.filter((s) => s.viewpoint === 'server');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ serverName: 'MBX1.fabrikam.net', ehlo: 'relay.example.com' });
    expect(received[0]!.protocolLog!.disconnect).toBe('Remote');
    expect(sessions.filter((s) => s.viewpoint === 'client')).toHaveLength(1);
  });
});

describe('protocol log: X-ANONYMOUSTLS starts TLS like STARTTLS', () => {
  // Microsoft "TLS functionality and related terminology in Exchange Server": traffic between
  // Exchange servers of one organization is encrypted with anonymous TLS; Exchange advertises and
  // uses the X-ANONYMOUSTLS verb for it (EHLO answer `… STARTTLS X-ANONYMOUSTLS …`, FORMATS.md 3),
  // answered 220 and followed by the same `TLS protocol … negotiation succeeded` row.
  const row = (seq: number, event: string, data: string, context = '') =>
    `2025-03-04T08:10:00.${String(seq).padStart(3, '0')}Z,HUB2\\Default HUB2,08DD5B0000000C33,${seq},192.0.2.32:2525,192.0.2.31:42000,${event},${data},${context}`;

  it('reports STARTTLS accepted when X-ANONYMOUSTLS was answered 220 and TLS came up', async () => {
    const file = tempLog(
      [
        ...PROTOCOL_HEADER('SMTP Receive Protocol Log'),
        row(0, '+', ''),
        row(1, '>', '220 HUB2.fabrikam.net Microsoft ESMTP MAIL Service ready'),
        row(2, '<', 'EHLO HUB1.fabrikam.net'),
        row(3, '>', '250  HUB2.fabrikam.net Hello [192.0.2.31] SIZE PIPELINING STARTTLS X-ANONYMOUSTLS AUTH NTLM 8BITMIME'),
        row(4, '<', 'X-ANONYMOUSTLS'),
        row(5, '>', '220 2.0.0 SMTP server ready'),
        row(6, '*', '', TLS_ROW_TEXT('SERVER')),
        row(7, '-', '', 'Remote'),
      ],
      'RECV2025030408-2.LOG',
    );
    const { sessions } = await sessionsOf(file);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ starttls: 'accepted', tls: { version: 'TLSv1.2' } });
    expect(sessions[0]!.replies.map((r) => [r.command, r.code])).toContainEqual(['X-ANONYMOUSTLS', 220]);
  });

  it('counts an EHLO answer offering only X-ANONYMOUSTLS as a TLS offer', async () => {
    const file = tempLog(
      [
        ...PROTOCOL_HEADER('SMTP Receive Protocol Log'),
        row(0, '+', ''),
        row(1, '>', '220 HUB2.fabrikam.net Microsoft ESMTP MAIL Service ready'),
        row(2, '<', 'EHLO HUB1.fabrikam.net'),
        row(3, '>', '250  HUB2.fabrikam.net Hello [192.0.2.31] SIZE PIPELINING X-ANONYMOUSTLS 8BITMIME'),
        row(4, '<', 'QUIT'),
        row(5, '-', '', 'Remote'),
      ],
      'RECV2025030408-3.LOG',
    );
    const { sessions } = await sessionsOf(file);
    expect(sessions[0]!.starttls).toBe('offered');
  });
});

describe('send protocol log: a session whose first rows are not in the log', () => {
  // FORMATS.md 3: `sequence-number` counts from 0 per session and `+` is the connect row; Exchange
  // logs the certificate it sends (`Sending certificate`) right after the 220 to STARTTLS, before
  // the TLS row (KB 4495258 sample). When the rows before the TLS row are missing, whether a
  // certificate was sent is not known: null ("not shown in the log"), not [] ("none presented").
  const row = (seq: number, event: string, data: string, context = '') =>
    `2025-03-04T09:30:00.${String(seq).padStart(3, '0')}Z,Outbound to Internet,08DD5B0000000D44,${seq},192.0.2.40:50100,198.51.100.60:25,${event},${data},${context}`;
  const tail = (first: number) => [
    row(first, '*', '', TLS_ROW_TEXT('CLIENT')),
    row(first + 1, '*', '', 'Received certificate'),
    row(first + 2, '*', 'AABBCCDDEEFF00112233445566778899AABBCCDD', 'Certificate thumbprint'),
    row(first + 3, '>', 'EHLO mbx1.fabrikam.net'),
    row(first + 4, '<', '250 mx.example.com Hello [192.0.2.40]'),
  ];

  it('gives clientCertificates null when the session starts at sequence-number 14 with no + row', async () => {
    const file = tempLog([...PROTOCOL_HEADER('SMTP Send Protocol Log'), ...tail(14)], 'SEND2025030409-1.LOG');
    const { sessions } = await sessionsOf(file);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.tls).toMatchObject({ version: 'TLSv1.2' });
    expect(sessions[0]!.tls!.serverCertificates).toHaveLength(1);
    expect(sessions[0]!.tls!.clientCertificates).toBeNull();
    // TLS came up, and Exchange transport starts TLS only by STARTTLS (or X-ANONYMOUSTLS): not "none".
    expect(sessions[0]!.starttls).toBe('accepted');
  });

  it('still gives [] when the session is whole from sequence-number 0 and no Sending certificate row came', async () => {
    const file = tempLog(
      [
        ...PROTOCOL_HEADER('SMTP Send Protocol Log'),
        row(0, '*', '', 'attempting to connect'),
        row(1, '+', ''),
        row(2, '<', '220 mx.example.com ESMTP ready'),
        row(3, '>', 'EHLO mbx1.fabrikam.net'),
        row(4, '<', '250-mx.example.com Hello [192.0.2.40]'),
        row(5, '<', '250 STARTTLS'),
        row(6, '>', 'STARTTLS'),
        row(7, '<', '220 2.0.0 Ready to start TLS'),
        ...tail(8),
      ],
      'SEND2025030409-2.LOG',
    );
    const { sessions } = await sessionsOf(file);
    expect(sessions[0]!.starttls).toBe('accepted');
    expect(sessions[0]!.tls!.clientCertificates).toEqual([]);
  });
});

describe('message tracking log: bracketed recipient statuses of several recipients', () => {
  // FORMATS.md 2 / Microsoft "Message tracking": recipient-address and recipient-status are
  // `;`-separated and aligned by position. The `[{LRT=};{LED=…};{FQDN=};{IP=}]` form (Get-MessageTrackingLog
  // RecipientStatus of ROUTING FAIL events) holds `;` inside, so each bracket is one recipient's status.
  const led = (text: string) => `[{LRT=};{LED=${text}};{FQDN=};{IP=}]`;
  const first = led('550 5.7.1 RESOLVER.RST.AuthRequired; authentication required');
  const second = led('550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup');
  const header = [
    '#Software: Microsoft Exchange Server',
    '#Version: 15.02.1544.004',
    '#Log-type: Message Tracking Log',
    '#Date: 2025-03-04T00:00:00.000Z',
    '#Fields: date-time,source,event-id,message-id,recipient-address,recipient-status,recipient-count,sender-address',
  ];

  it('ties each status to its own recipient', async () => {
    const file = tempLog(
      [...header, `2025-03-04T10:00:00.000Z,ROUTING,FAIL,<m1@fabrikam.net>,sales@fabrikam.net;board@fabrikam.net,${first};${second},2,pat@fabrikam.net`],
      'MSGTRK20250304-1.LOG',
    );
    const events: TrackingEvent[] = [];
    await readTrackingLog(file, (e) => events.push(e));
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.recipients).toEqual(['sales@fabrikam.net', 'board@fabrikam.net']);
    expect(e.recipientStatus).toEqual([first, second]);
    expect(e.replies.map((r) => [r.code, r.enhanced])).toEqual([
      [550, '5.7.1'],
      [550, '5.1.10'],
    ]);
    // The recognised statuses name the recipient whose status they are. (5.7.1
    // RESOLVER.RST.AuthRequired has no NDR-CATALOG entry: only the 5.1.10 is recognised.)
    const statuses: StatusObservation[] = trackingStatuses(e, file);
    const byRecipient = statuses.map((s) => [s.recipient, s.status.enhancedCode]);
    expect(byRecipient).toContainEqual(['board@fabrikam.net', '5.1.10']);
    expect(byRecipient).not.toContainEqual(['sales@fabrikam.net', '5.1.10']);
  });
});
