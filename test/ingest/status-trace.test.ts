import { describe, expect, it } from 'vitest';
import { readTraceFile } from '../../src/ingest/trace/read-trace.js';
import { parseTraceReason, traceEventStatuses } from '../../src/ingest/trace/trace-statuses.js';
import { emptyContext } from '../../src/ingest/ndr/status-observations.js';
import type { StatusObservation } from '../../src/model/evidence.js';
import { fixture, ofEntry, readEvidence, total } from './status-kit.js';

/**
 * Message traces (NDR-CATALOG "Exchange Online → on premises": all are Defer events of the trace;
 * RULES.md v2 "Evidence: NDR code families the readers must recognise"): every Defer/Fail row's
 * status becomes an observation at its own row. generate-defer.mjs writes the fixture: line 1 is
 * the header, each message has three rows (RECEIVE, AGENTINFO, then DEFER/FAIL/SEND), so the
 * status rows are lines 4, 7, 10, …, 25 and line 28 is a delivered message.
 */
const FILE = fixture('trace/extended-defer-exo-onprem.csv');

describe('extended message trace: statuses of Defer and Fail events', () => {
  it('recognises each deferral and failure of the catalog with its rule, at its own row', async () => {
    const { kind, report, evidence } = await readEvidence(FILE);
    expect(kind).toBe('message-trace');
    expect(report).toMatchObject({ records: 27, skipped: 0 });
    const s = evidence.statuses;
    const at = (id: string) => ofEntry(s, id).map((g) => g.sample.source.line);
    // 450 4.7.320 Certificate validation failed [Message=SubjectMismatch] → exo-to-onprem-tls-validation-fails.
    expect(at('4.7.320-certificate-validation-failed')).toEqual([4]);
    expect(ofEntry(s, '4.7.320-certificate-validation-failed')[0]!.sample.rules).toContain('exo-to-onprem-tls-validation-fails');
    expect(ofEntry(s, '4.7.320-certificate-validation-failed')[0]!.sample.status.markers).toContain('SubjectMismatch');
    // 450 4.4.317 … [Message=451 5.7.3 STARTTLS is required to send mail] → exo-to-onprem-starttls-unavailable (both codes name it).
    expect(at('4.4.317-starttls-required')).toEqual([7]);
    for (const g of s.filter((g) => g.sample.source.line === 7)) expect(g.sample.rules).toContain('exo-to-onprem-starttls-unavailable');
    // 4.4.316 and 4.4.312 → exo-to-onprem-connection-fails.
    expect(at('4.4.316-connection-refused')).toEqual([10]);
    expect(at('4.4.312-dns-query-failed')).toEqual([13]);
    expect(ofEntry(s, '4.4.312-dns-query-failed')[0]!.sample.rules).toContain('exo-to-onprem-connection-fails');
    // 5.4.1 Recipient address rejected (DBEB), 5.4.14 ATTR34, 5.7.68, 4.4.62 ATTR35.
    expect(at('5.4.1-dbeb')).toEqual([16]);
    expect(ofEntry(s, '5.4.1-dbeb')[0]!.sample.rules).toContain('recipient-blocked-by-dbeb');
    expect(at('5.4.14-hop-count-attr34')).toEqual([19]);
    expect(ofEntry(s, '5.4.14-hop-count-attr34')[0]!.sample.rules).toContain('routing-loop');
    expect(at('5.7.68-direct-send')).toEqual([22]);
    expect(ofEntry(s, '5.7.68-direct-send')[0]!.sample.rules).toContain('direct-send-rejected');
    expect(at('4.4.62-wrong-region-attr35')).toEqual([25]);
    expect(ofEntry(s, '4.4.62-wrong-region-attr35')[0]!.sample.rules).toContain('legacy-or-wrong-exo-endpoint');
    // Eight status rows; the 4.4.317 row quotes a second status (5.7.3). The delivered message has none.
    expect(new Set(s.map((g) => g.sample.source.line))).toEqual(new Set([4, 7, 10, 13, 16, 19, 22, 25]));
    expect(total(s)).toBe(9);
    expect(s.every((g) => g.sample.origin === 'message-trace' && g.sample.source.file === FILE)).toBe(true);
  });

  it('names the remote side from FQDN= and IP=, else OutboundProxyTargetHostName, and the message around it', async () => {
    const { evidence } = await readEvidence(FILE);
    const subject = ofEntry(evidence.statuses, '4.7.320-certificate-validation-failed')[0]!.sample;
    expect(subject).toMatchObject({
      remoteHost: 'mail.contoso.com',
      remoteIp: '203.0.113.10',
      sender: 'orders@contoso.com',
      recipient: 'ann@contoso.com',
      tenantId: '5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      at: '2026-11-18T09:00:03.000Z',
      lastError: null,
    });
    // {IP=} is empty when the name did not resolve; the host is still named.
    expect(ofEntry(evidence.statuses, '4.4.312-dns-query-failed')[0]!.sample).toMatchObject({ remoteHost: 'smtp.corp.contoso.com', remoteIp: null });
  });

  it('hands statuses only to a caller that asks, and reads the same messages either way', async () => {
    const seen: StatusObservation[] = [];
    const plain = await readTraceFile(FILE, () => undefined);
    const asked = await readTraceFile(FILE, () => undefined, { onStatus: (o) => seen.push(o) });
    expect(asked.messages).toBe(plain.messages);
    expect(seen).toHaveLength(9);
  });
});

describe('trace reason text', () => {
  it('reads the LED, MSG, FQDN, IP and LRT items, the LED keeping its own brackets and semicolons', () => {
    const text = '[{LED=450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=mail.contoso.com]};{MSG=};{FQDN=mail.contoso.com};{IP=203.0.113.10};{LRT=11/18/2026 9:05:03 AM}]';
    expect(parseTraceReason(text)).toEqual({
      led: '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail] [LastAttemptedServerName=mail.contoso.com]',
      msg: null,
      fqdn: 'mail.contoso.com',
      ip: '203.0.113.10',
      lrt: '11/18/2026 9:05:03 AM',
    });
    expect(parseTraceReason('451 4.4.0 DNS query failed')).toBeNull();
  });

  it('takes the host from the Detail text of the detail cmdlets (OutboundProxyTargetHostName)', () => {
    const detail = 'Reason: 450 4.4.316 Connection refused [Message=Socket error code 10061]. OutboundProxyTargetIP: 203.0.113.10. OutboundProxyTargetHostName: mail.contoso.com';
    const [o] = traceEventStatuses(detail, null, emptyContext('message-trace', { file: 'x.csv', line: 2 }));
    expect(o).toMatchObject({ status: { entryId: '4.4.316-connection-refused' }, remoteHost: 'mail.contoso.com', remoteIp: '203.0.113.10' });
  });

  it('Get-MessageTraceDetail: the host from the Data XML (`<MEP Name="OutboundProxyTargetHostName" String=…/>`)', () => {
    const data = '<root><MEP Name="OutboundProxyTargetIP" String="203.0.113.10"/><MEP Name="OutboundProxyTargetHostName" String="mail.contoso.com"/></root>';
    const [o] = traceEventStatuses('450 4.4.315 Connection timed out', data, emptyContext('message-trace', { file: 'x.csv', line: 3 }));
    expect(o).toMatchObject({ status: { entryId: '4.4.315-connection-timed-out' }, remoteHost: 'mail.contoso.com', remoteIp: '203.0.113.10' });
  });

  it('an expiry in a trace carries the last deferral (NDR-CATALOG "Message expiry": LED= is the root cause)', () => {
    const text = '[{LED=550 4.4.7 QUEUE.Expired; message expired -> 450 4.4.316 Connection refused [Message=Socket error code 10061]};{MSG=};{FQDN=mail.contoso.com};{IP=203.0.113.10};{LRT=}]';
    const found = traceEventStatuses(text, null, emptyContext('message-trace', { file: 'x.csv', line: 9 }));
    const expiry = found.find((o) => o.status.entryId === '4.4.7-queue-expired');
    expect(expiry?.lastError).toMatch(/^450 4\.4\.316 Connection refused/);
    expect(found.map((o) => o.status.entryId)).toContain('4.4.316-connection-refused');
  });

  it('never throws on malformed reason text', () => {
    for (const text of ['[{LED=', '{LED=}', '[{LED=450 4.4.316};{FQDN=', '}]{LED=;', '{'.repeat(10_000) + 'LED=' + '5.5.5 '.repeat(10_000)]) {
      expect(() => traceEventStatuses(text, text, emptyContext('message-trace', { file: 'x', line: 1 }))).not.toThrow();
    }
  });
});
