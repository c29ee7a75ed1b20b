import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesSource, fileSource } from '../../../src/ingest/byte-source.js';
import { decodeMessage, toObservation, type DecodedMessage } from '../../../src/ingest/headers/decode-message.js';
import { observeMessage } from '../../../src/ingest/headers/observe-message.js';
import { readHeaderFile } from '../../../src/ingest/headers/read-header-file.js';
import type { HeaderMessageObservation } from '../../../src/model/evidence.js';
import { FIXTURES } from './read-fixture.js';

const NDR_FIXTURES = fileURLToPath(new URL('../../fixtures/ndr/', import.meta.url));
const fixtures = [...readdirSync(FIXTURES).map((f) => FIXTURES + f), ...readdirSync(NDR_FIXTURES).map((f) => NDR_FIXTURES + f)];

/** The evidence path's observations, and the observations of the full decode (the `headers` report's). */
async function bothWays(source: Parameters<typeof readHeaderFile>[0]) {
  const observed: HeaderMessageObservation[] = [];
  const decoded: DecodedMessage[] = [];
  const light = await readHeaderFile(source, (o) => observed.push(o), undefined, observeMessage);
  const full = await readHeaderFile(source, (m) => decoded.push(m));
  return { observed, viaDecode: decoded.map(toObservation), light, full };
}

describe('evidence decode: the observation of observeMessage is toObservation(decodeMessage(…))', () => {
  it.each(fixtures)('%s', async (path) => {
    const { observed, viaDecode, light, full } = await bothWays(fileSource(path));
    expect(JSON.stringify(observed)).toBe(JSON.stringify(viaDecode));
    expect(light).toEqual(full);
  });

  it('reads the Microsoft headers toObservation reads (first of each name, encoded words decoded) and the AuthAs verdict', async () => {
    const text = [
      'Received: from a.contoso.com (192.0.2.1) by b.contoso.com (192.0.2.2) with Microsoft SMTP Server id 15.2.1544.4; Tue, 4 Mar 2025 09:00:00 +0000',
      'From: a@contoso.com',
      'Date: Tue, 4 Mar 2025 09:00:00 +0000',
      'x-ms-exchange-organization-authas: =?utf-8?Q?Internal?=',
      'X-MS-Exchange-Organization-AuthAs: Anonymous',
      'X-MS-Exchange-SkipListedInternetSender: ip=[203.0.113.9]',
      'X-MS-Exchange-Authentication-Results: spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=example.net; compauth=fail reason=601',
      'X-Forefront-Antispam-Report: DIR:OUT',
      '',
      'body',
    ].join('\n');
    const { observed, viaDecode } = await bothWays(bytesSource('m.eml', Buffer.from(text)));
    expect(observed).toEqual(viaDecode);
    expect(observed[0]).toMatchObject({ authAs: 'Internal', skipListedInternetSender: true, spfResult: 'fail', spfSenderIp: '198.51.100.7', compauth: 'fail', antispamDirection: 'outbound' });
  });
});

describe('line decoding: chunks checked whole, lines decoded as each would be alone (UTF-8, else Latin-1)', () => {
  /** An mbox far larger than one 64 KiB chunk, with `line` in the header block of every message. */
  const mbox = (line: Buffer, count = 1000) => {
    const parts: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      parts.push(Buffer.from(`From a@contoso.com Tue Mar  4 09:00:00 2025\nMessage-ID: <m${i}@contoso.com>\nSubject: `), line);
      parts.push(Buffer.from('\nFrom: a@contoso.com\nDate: Tue, 4 Mar 2025 09:00:00 +0000\n\nbody\n>From here\n\n'));
    }
    return Buffer.concat(parts);
  };
  const subjects = async (bytes: Buffer) => {
    const out: (string | null)[] = [];
    await readHeaderFile(bytesSource('x.mbox', bytes), (m) => out.push(m.subject));
    return out;
  };

  it('UTF-8 (RFC 6532) in every chunk: decoded as UTF-8, a leading byte order mark dropped as a decoder of the line alone does', async () => {
    const got = await subjects(mbox(Buffer.from('\ufeffGrüße 日本', 'utf8')));
    expect(got).toHaveLength(1000);
    expect(new Set(got)).toEqual(new Set(['Grüße 日本']));
  });

  it('a Latin-1 byte makes its chunk fall back to line by line: that line is Latin-1, the others still UTF-8', async () => {
    const bytes = mbox(Buffer.from('Grüße', 'utf8'));
    // In the second 64 KiB chunk.
    const at = bytes.indexOf(Buffer.from('Grüße', 'utf8'), 70_000);
    expect(at).toBeGreaterThan(0);
    const latin1 = Buffer.concat([bytes.subarray(0, at), Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65]), bytes.subarray(at + Buffer.byteLength('Grüße'))]);
    const got = await subjects(latin1);
    expect(got).toHaveLength(1000);
    expect(got.filter((s) => s === 'Grüße')).toHaveLength(1000);
  });
});
