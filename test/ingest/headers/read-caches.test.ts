import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../src/ingest/byte-source.js';
import { observeMessage } from '../../../src/ingest/headers/observe-message.js';
import { parseMailDate } from '../../../src/ingest/headers/mail-date.js';
import { readHeaderFile } from '../../../src/ingest/headers/read-header-file.js';
import { parseReceived } from '../../../src/ingest/headers/received.js';
import type { HeaderMessageObservation } from '../../../src/model/evidence.js';

// The reader caches what repeats across messages (a Received stamp's text before its date, an
// Authentication-Results value, a field name's role): a cached result must read exactly as a
// fresh one, and no two results may share what a caller could change.

const HEAD = 'from EX01.corp.contoso.com (192.0.2.10) by EX02.corp.contoso.com (192.0.2.11) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.4';

describe('Received stamps with the same head (RFC 5322 §3.6.7: the date follows the last ";")', () => {
  it('each keeps its own date; the head reads the same', () => {
    const a = parseReceived(`${HEAD}; Tue, 4 Mar 2025 10:00:01 +0100`);
    const b = parseReceived(`${HEAD}; Tue, 4 Mar 2025 10:00:07 +0100`);
    expect(a.date).toBe('2025-03-04T09:00:01.000Z');
    expect(b.date).toBe('2025-03-04T09:00:07.000Z');
    expect({ ...a, dateText: null, date: null }).toEqual({ ...b, dateText: null, date: null });
    expect(a.serverBuild).toBe('15.2.1544.4');
    expect(a.tls).toEqual({ version: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' });
  });

  it('share no object a caller could change', () => {
    const a = parseReceived(`${HEAD}; Tue, 4 Mar 2025 10:00:01 +0100`);
    a.tls!.version = 'changed';
    a.byComments.push('changed');
    const b = parseReceived(`${HEAD}; Tue, 4 Mar 2025 10:00:02 +0100`);
    expect(b.tls!.version).toBe('TLSv1.2');
    expect(b.byComments).toEqual(['192.0.2.11']);
  });

  it('a stamp whose ";" has no date after it reads its words for a date, cached head or not', () => {
    parseReceived('from a.example ([192.0.2.1]) by b.example with SMTP id 42; Tue, 4 Mar 2025 10:00:00 +0100');
    const r = parseReceived('from a.example ([192.0.2.1]) by b.example with SMTP id 42 Tue, 4 Mar 2025 10:00:00 +0100;');
    expect(r.date).toBe('2025-03-04T09:00:00.000Z');
    expect(r.id).toBe('42');
    expect(r.dateNote).not.toBeNull();
  });
});

describe('RFC 5322 §3.3 date-time in its common form (read without the general pattern)', () => {
  it('reads the day name, zone and seconds as the general form does', () => {
    expect(parseMailDate('Tue, 4 Mar 2025 09:00:04 +0000')).toBe(Date.UTC(2025, 2, 4, 9, 0, 4));
    expect(parseMailDate('04 Mar 2025 09:00:04 -0130')).toBe(Date.UTC(2025, 2, 4, 10, 30, 4));
    expect(parseMailDate('Tue,  4 Mar 2025 09:00:04 +0000')).toBe(Date.UTC(2025, 2, 4, 9, 0, 4));
  });

  it('refuses what RFC 5322 does not allow: a day the month lacks, hour 24, zone minutes 60', () => {
    expect(parseMailDate('Sat, 29 Feb 2025 10:00:00 +0000')).toBeNull();
    expect(parseMailDate('Thu, 29 Feb 2024 10:00:00 +0000')).toBe(Date.UTC(2024, 1, 29, 10));
    expect(parseMailDate('Tue, 4 Mar 2025 24:00:00 +0000')).toBeNull();
    expect(parseMailDate('Tue, 4 Mar 2025 10:00:00 +0060')).toBeNull();
  });

  it('a leap second (60) is read as 59, as the general form does', () => {
    expect(parseMailDate('Wed, 31 Dec 2025 23:59:60 +0000')).toBe(Date.UTC(2025, 11, 31, 23, 59, 59));
  });
});

describe('an mbox whose messages repeat their stamps and results', () => {
  const block = (id: number, second: number, spf: string) =>
    [
      'From alice@contoso.com Tue Mar  4 09:00:00 2025',
      `Received: ${HEAD};`,
      ` Tue, 4 Mar 2025 10:00:0${second} +0100`,
      `Authentication-Results: spf=${spf} (sender IP is 203.0.113.10) smtp.mailfrom=contoso.com; compauth=pass reason=109`,
      'From: Alice <alice@contoso.com>',
      `Message-ID: <m${id}@contoso.com>`,
      'X-MS-Exchange-Organization-AuthAs: Internal',
      '',
      'body',
      '',
    ].join('\n');

  it('every message reads as it would alone', async () => {
    const texts = [block(1, 1, 'pass'), block(2, 2, 'fail'), block(3, 1, 'pass')];
    const read = async (text: string) => {
      const out: HeaderMessageObservation[] = [];
      await readHeaderFile(bytesSource('m.mbox', Buffer.from(text)), (o) => out.push(o), undefined, observeMessage);
      return out.map((o) => ({ ...o, source: null }));
    };
    const together = await read(texts.join(''));
    const alone = (await Promise.all(texts.map(read))).flat();
    expect(together).toEqual(alone);
    expect(together.map((o) => o.spfResult)).toEqual(['pass', 'fail', 'pass']);
    expect(together.map((o) => o.hops[0]!.date)).toEqual(['2025-03-04T09:00:01.000Z', '2025-03-04T09:00:02.000Z', '2025-03-04T09:00:01.000Z']);
    together[0]!.hops[0]!.tls!.version = 'changed';
    expect(together[2]!.hops[0]!.tls!.version).toBe('TLSv1.2');
  });
});
