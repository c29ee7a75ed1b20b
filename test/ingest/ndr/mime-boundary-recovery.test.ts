import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/ingest/byte-source.js';
import { parseMime } from '../../../src/ingest/ndr/mime-parts.js';
import { readNdrFile } from '../../../src/ingest/ndr/ndr-evidence-reader.js';
import { ndrStatuses } from '../../../src/ingest/ndr/ndr-statuses.js';
import type { StatusObservation } from '../../../src/model/evidence.js';

/**
 * An NDR copied out of a client or a ticket often loses the indentation of folded header lines
 * (the real Office 365 report `email-office365-09.eml` of the sisimai corpus is stored so):
 * `Content-Type: multipart/report; report-type=delivery-status;` then `boundary="…"` at the start
 * of the next line. RFC 2046 5.1.1: "the boundary delimiter line is … two hyphen characters ('-',
 * decimal value 45) followed by the boundary parameter value from the Content-Type header field";
 * RFC 2045 5.1: `parameter := attribute "=" value`. NDR-CATALOG "Where": `NDR` = "Diagnostic
 * information for administrators" (`Remote Server returned '<text>'`): its 5.1.10 must be read.
 */
const DIAG = [
  'Diagnostic information for administrators:',
  '',
  'Generating server: AM0PR01MB0001.eurprd01.prod.outlook.com',
  '',
  'zed@fabrikam.example',
  "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
  '',
];
const DSN = ['Reporting-MTA: dns;AM0PR01MB0001.eurprd01.prod.outlook.com', '', 'Final-Recipient: rfc822;zed@fabrikam.example', 'Action: failed', 'Status: 5.1.10', ''];

function report(contentType: string[], boundary: string): string[] {
  return [
    'From: postmaster@fabrikam.example',
    'Subject: Undeliverable: test',
    ...contentType,
    'MIME-Version: 1.0',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset="us-ascii"',
    '',
    ...DIAG,
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    ...DSN,
    `--${boundary}--`,
  ];
}

const ids = (s: StatusObservation[]) => s.map((o) => `${o.status.entryId} ${o.recipient}`);

describe('NDR MIME: a boundary lost with a broken fold is recovered', () => {
  it('`boundary=` on an unindented line after a Content-Type ending in `;` is its parameter (RFC 2045 5.1)', () => {
    const mime = parseMime(report(['Content-Type: multipart/report; report-type=delivery-status;', 'boundary="ub-1"'], 'ub-1'));
    expect(mime.type).toBe('multipart/report');
    expect(mime.params).toMatchObject({ 'report-type': 'delivery-status', boundary: 'ub-1' });
    expect(mime.leaves.map((l) => l.type)).toEqual(['text/plain', 'message/delivery-status']);
    const read = ndrStatuses(mime.leaves, 'x.eml');
    expect(read.reportFound).toBe(true);
    expect(ids(read.statuses)).toEqual(['5.1.10-recipient-not-found zed@fabrikam.example']);
    // The status is tied to the file line of `Remote Server returned` (line 15 of the message).
    expect(read.statuses[0]!.source.line).toBe(15);
  });

  it('a boundary holding `:` (an RFC 2046 bchar) on such a line is still a parameter, not a field', () => {
    const mime = parseMime(report(['Content-Type: multipart/report;', 'boundary="=_x:y/z"; report-type=delivery-status'], '=_x:y/z'));
    expect(mime.params.boundary).toBe('=_x:y/z');
    expect(mime.leaves).toHaveLength(2);
  });

  it('a multipart whose boundary parameter is gone entirely is split at its `--X` delimiter lines (RFC 2046 5.1.1)', () => {
    const mime = parseMime(report(['Content-Type: multipart/report; report-type=delivery-status'], 'lost_7'));
    expect(mime.leaves.map((l) => l.type)).toEqual(['text/plain', 'message/delivery-status']);
    expect(ids(ndrStatuses(mime.leaves, 'x.eml').statuses)).toEqual(['5.1.10-recipient-not-found zed@fabrikam.example']);
  });

  it('a preamble rule such as `-----Original Message-----` or a `-- ` signature line is not taken for a delimiter', () => {
    const lines = report(['Content-Type: multipart/mixed'], 'real-b');
    lines.splice(lines.indexOf('--real-b'), 0, '-----Original Message-----', 'From: someone', '-- ', '');
    expect(parseMime(lines).leaves.map((l) => l.type)).toEqual(['text/plain', 'message/delivery-status']);
  });

  it('an `x=y` line after a field that does not end in `;` is not joined to it', () => {
    const mime = parseMime(['Content-Type: text/plain; charset=us-ascii', 'junk=1', '', 'body']);
    expect(mime.params).toEqual({ charset: 'us-ascii' });
  });

  it('the evidence reader reads the 5.1.10 of such a report as diagnose does (no "no diagnostic block" warning)', async () => {
    const text = report(['Content-Type: multipart/report; report-type=delivery-status;', 'boundary="ub-2"'], 'ub-2').join('\r\n');
    const statuses: StatusObservation[] = [];
    const r = await readNdrFile(bytesSource('unfolded.eml', Buffer.from(text)), (o) => statuses.push(o), () => {});
    expect(ids(statuses)).toEqual(['5.1.10-recipient-not-found zed@fabrikam.example']);
    expect(r.diagnostics.map((d) => d.message).join('\n')).not.toMatch(/no diagnostic block/);
  });

  it('linear on hostile input: 100 000 parameter lines and candidate delimiter lines', () => {
    const n = 100_000;
    const lines = ['Content-Type: multipart/report;'];
    for (let i = 0; i < n; i++) lines.push(`a${"b".repeat(90)}=${i};`);
    lines.push('');
    for (let i = 0; i < n; i++) lines.push(`--${'q'.repeat(69)}${i % 10}`, 'no field here');
    const t0 = performance.now();
    const mime = parseMime(lines);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(mime.leaves).toEqual([]);
  });
});
