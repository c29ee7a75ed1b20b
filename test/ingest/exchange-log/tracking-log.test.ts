import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrackingLog, type TrackingEvent } from '../../../src/ingest/exchange-log/read-tracking-log.js';
import { loadCase } from '../../../src/ingest/load-case.js';

const FILE = join(import.meta.dirname, '../../fixtures/exchange-log/msgtrk-2019.log');

describe('message tracking log (MSGTRK, Exchange 2016/2019: 30 fields)', () => {
  it('reads events by their #Fields names, quoted values and multi-valued recipients', async () => {
    const events: TrackingEvent[] = [];
    const report = await readTrackingLog(FILE, (e) => events.push(e));
    expect(report).toMatchObject({ kind: 'tracking-log', records: 4, skipped: 0, diagnostics: [] });
    expect(events.map((e) => e.eventId)).toEqual(['SUBMIT', 'RECEIVE', 'FAIL', 'SEND']);
    const submit = events[0]!;
    // A SUBMIT source-context holds commas and is quoted (FORMATS.md 2).
    expect(submit.sourceContext).toMatch(/^MDB:3f1c2a9e-.*, ClientType:OWA, SubmissionAssistant:MailboxTransportSubmissionEmailAssistant$/);
    expect(submit).toMatchObject({ source: 'STOREDRIVER', subject: 'Quarterly numbers, draft 2', sender: 'alice@contoso.com', directionality: 'Originating', clientIp: null, line: 6 });
    expect(events[1]!.recipients).toEqual(['dave@tailspintoys.com', 'erin@fabrikam.com']);
    const fail = events[2]!;
    expect(fail).toMatchObject({ source: 'SMTP', connectorId: 'Outbound via Office 365', serverHostname: 'BN8NAM12FT053.mail.protection.outlook.com', serverIp: '198.51.100.25', recipients: ['dave@tailspintoys.com'] });
    expect(fail.replies).toHaveLength(1);
    expect(fail.replies[0]).toMatchObject({ code: 550, enhanced: '5.7.64' });
    expect(fail.replies[0]!.text).toMatch(/^TenantAttribution; Relay Access Denied/);
    const send = events[3]!;
    // recipient-address and recipient-status are `;`-separated and positionally aligned.
    expect(send.recipients).toEqual(['bob@contoso.com', 'carol@contoso.com']);
    expect(send.recipientStatus).toEqual(['250 2.1.5 Recipient OK', '250 2.1.5 Recipient OK']);
    expect(send.messageId).toBe('<c3d4@ex02.corp.contoso.com>');
  });

  it('is read and counted by the case loader, adding no sessions', async () => {
    const loaded = await loadCase([FILE]);
    const input = loaded.case.inputs.find((i) => i.file.endsWith('msgtrk-2019.log'))!;
    expect(input).toMatchObject({ kind: 'tracking-log', records: 4, skipped: 0 });
    expect(loaded.case.evidence?.sessions ?? []).toHaveLength(0);
  });
});
