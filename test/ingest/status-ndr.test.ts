import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { headersEvidenceReader } from '../../src/ingest/headers/headers-evidence-reader.js';
import { parseMime } from '../../src/ingest/ndr/mime-parts.js';
import { detectNdr, ndrEvidenceReader } from '../../src/ingest/ndr/ndr-evidence-reader.js';
import { ndrStatuses } from '../../src/ingest/ndr/ndr-statuses.js';
import { entryIds, fixture, ofEntry, readEvidence, total } from './status-kit.js';
import { fileSource } from '../../src/ingest/byte-source.js';

/**
 * Non-delivery reports (NDR-CATALOG `NDR`: "Diagnostic information for administrators",
 * `Remote Server returned '<text>'` or `<host> #<code> smtp;<text>`; RFC 3464 delivery-status).
 * The fixtures are multipart/report messages as Exchange writes them: a multipart/alternative
 * text (quoted-printable or base64) and HTML, the message/delivery-status part, the original.
 */

describe('NDR .eml: statuses from the diagnostic block and the delivery-status part', () => {
  it('5.4.1 Recipient address rejected (DBEB): one status per recipient, at the line of "Remote Server returned"', async () => {
    const file = fixture('ndr/dbeb-5.4.1.eml');
    const { kind, report, evidence } = await readEvidence(file);
    expect(kind).toBe('ndr');
    expect(report).toMatchObject({ kind: 'ndr', records: 1, skipped: 0 });
    // The diagnostic block and the delivery-status part state the same status: counted once.
    expect(entryIds(evidence.statuses)).toEqual(['5.4.1-dbeb']);
    expect(total(evidence.statuses)).toBe(1);
    const o = evidence.statuses[0]!.sample;
    // RULES.md v2: `5.4.1` + `Recipient address rejected` (± `AS(…)`) → recipient-blocked-by-dbeb.
    expect(o.rules).toContain('recipient-blocked-by-dbeb');
    expect(o.status.markers).toContain('AS(201806281)');
    // Line 39 of the file: the quoted-printable line that starts `Remote Server returned '550 5.4.1 …` (soft-broken onto line 40).
    expect(readFileSync(file, 'utf8').split(/\r\n/)[38]).toMatch(/^Remote Server returned '550 5\.4\.1 /);
    expect(o).toMatchObject({ origin: 'ndr', recipient: 'newhire@contoso.com', remoteHost: 'EX01.corp.contoso.com', at: '2026-11-20T10:00:03.000Z', source: { file, line: 39 } });
  });

  it('5.7.68 Direct Send in a base64 text part, in the `<host> #<code> … ##` form: the refusing host is named', async () => {
    const file = fixture('ndr/direct-send-5.7.68.eml');
    const { evidence } = await readEvidence(file);
    expect(entryIds(evidence.statuses)).toEqual(['5.7.68-direct-send']);
    const o = evidence.statuses[0]!.sample;
    expect(o.rules).toContain('direct-send-rejected');
    expect(o).toMatchObject({ recipient: 'ann@contoso.com', remoteHost: 'contoso-com.mail.protection.outlook.com' });
    // Base64 text has no line of its own: the part's first body line.
    const lines = readFileSync(file, 'utf8').split(/\r\n/);
    expect(lines[o.source.line! - 2]).toBe('');
    expect(lines[o.source.line! - 3]).toBe('Content-Transfer-Encoding: base64');
  });

  it('5.4.14 ATTR34: routing-loop, the generating server named', async () => {
    const { evidence } = await readEvidence(fixture('ndr/loop-5.4.14-attr34.eml'));
    expect(entryIds(evidence.statuses)).toEqual(['5.4.14-hop-count-attr34']);
    expect(evidence.statuses[0]!.sample).toMatchObject({ rules: expect.arrayContaining(['routing-loop']), recipient: 'loop@contoso.com', remoteHost: 'DB9PR02MB7120.eurprd02.prod.outlook.com' });
    expect(evidence.statuses[0]!.sample.status.markers).toContain('ATTR34');
  });

  it('4.4.7 QUEUE.Expired carries the last deferral it quotes (NDR-CATALOG "Message expiry"), which is observed too', async () => {
    const file = fixture('ndr/expired-4.4.7.eml');
    const { evidence } = await readEvidence(file);
    expect(entryIds(evidence.statuses).sort()).toEqual(['4.4.316-connection-refused', '4.4.7-queue-expired']);
    const expiry = ofEntry(evidence.statuses, '4.4.7-queue-expired')[0]!.sample;
    expect(expiry.rules).toContain('trace-message-expired');
    expect(expiry.lastError).toBe('450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.contoso.com] [LastAttemptedIP=203.0.113.10:25] [AM0EUR02FT013.eop-EUR02.prod.protection.outlook.com]');
    expect(ofEntry(evidence.statuses, '4.4.316-connection-refused')[0]!.sample.rules).toContain('exo-to-onprem-connection-fails');
    expect(readFileSync(file, 'utf8').split(/\r\n/)[expiry.source.line! - 1]).toMatch(/^Remote Server returned '550 4\.4\.7 QUEUE\.Expired/);
  });

  it("keeps the report's headers as a message observation with the statuses attached", async () => {
    const { evidence } = await readEvidence(fixture('ndr/loop-5.4.14-attr34.eml'));
    expect(evidence.messages).toHaveLength(1);
    expect(evidence.messages[0]).toMatchObject({ subject: 'Undeliverable: Order confirmation' });
    expect(evidence.messages[0]!.statuses?.map((s) => s.entryId)).toEqual(['5.4.14-hop-count-attr34']);
  });

  it('NDRs go to the NDR reader, other messages stay with the headers reader', () => {
    for (const f of ['dbeb-5.4.1.eml', 'direct-send-5.7.68.eml', 'loop-5.4.14-attr34.eml', 'expired-4.4.7.eml']) expect(detectNdr(readFileSync(fixture(`ndr/${f}`)))).toBe(true);
    for (const f of ['internet-inbound.eml', 'cross-premises-internal.eml', 'three-messages.mbox', 'cross-premises-anonymous-gateway.msg']) {
      const sample = readFileSync(fixture(`headers/${f}`));
      expect(detectNdr(sample)).toBe(false);
      expect(headersEvidenceReader.detect(sample)).toBe(true);
    }
  });
});

describe('MIME of a report', () => {
  const report = (body: string) =>
    ['From: postmaster@contoso.com', 'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"', 'MIME-Version: 1.0', '', body].join('\n').split('\n');

  it('reads RFC 3464 fields: Final-Recipient, Remote-MTA, and a folded Diagnostic-Code (at its line, 13)', () => {
    const lines = report(['--b1', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns;ex01.contoso.com', '', 'Final-Recipient: rfc822;bob@fabrikam.com', 'Action: failed', 'Status: 5.4.14', 'Diagnostic-Code: smtp;554 5.4.14 Hop count exceeded -', ' possible mail loop ATTR34', 'Remote-MTA: dns;fabrikam-com.mail.protection.outlook.com', '--b1--'].join('\n'));
    const read = ndrStatuses(parseMime(lines).leaves, 'r.eml');
    expect(read.statuses.map((o) => [o.status.entryId, o.recipient, o.remoteHost, o.source.line])).toEqual([['5.4.14-hop-count-attr34', 'bob@fabrikam.com', 'fabrikam-com.mail.protection.outlook.com', 13]]);
  });

  it('never throws and stays bounded on broken MIME (no closing boundary, nesting, junk)', () => {
    const nested = Array.from({ length: 50 }, (_, i) => `--n${i}\nContent-Type: multipart/mixed; boundary="n${i + 1}"\n`).join('');
    const cases = [report('--b1\nContent-Type: text/plain\n\nDiagnostic information for administrators:\nRemote Server returned \'550 5.7.68 TenantInboundAttribution; Direct Send not allowed'), report(nested), report('=\n=ZZ\n'.repeat(1000)), ['Content-Type: multipart/report; boundary='], []];
    for (const lines of cases) expect(() => ndrStatuses(parseMime(lines).leaves, 'x.eml')).not.toThrow();
    expect(ndrStatuses(parseMime(cases[0]!).leaves, 'x.eml').statuses.map((o) => o.status.entryId)).toEqual(['5.7.68-direct-send']);
  });

  it('a file that cannot be read is a diagnostic, not an exception', async () => {
    const report = await ndrEvidenceReader.read(fileSource(fixture('ndr/no-such-file.eml')), { trace() {}, session() {}, message() {} }, {});
    expect(report.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});
