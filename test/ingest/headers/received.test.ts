import { describe, expect, it } from 'vitest';
import { classifyHop } from '../../../src/ingest/headers/hop-kind.js';
import { parseMailDate } from '../../../src/ingest/headers/mail-date.js';
import { normaliseTlsVersion, parseReceived } from '../../../src/ingest/headers/received.js';
import { decodeEncodedWords } from '../../../src/ingest/headers/header-text.js';

describe('Received stamps as MTAs write them', () => {
  it('Exim: [ip] with helo=, TLS version in a comment, cipher after "tls"', () => {
    const r = parseReceived('from mail.fabrikam.com ([203.0.113.9] helo=mx.fabrikam.com) by relay.example.net with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <a@fabrikam.com>) id 1tAbCd-000123-4x for b@example.net; Tue, 04 Mar 2025 10:00:00 +0000');
    expect(r).toMatchObject({ from: 'mail.fabrikam.com', ip: '203.0.113.9', fromHost: null, by: 'relay.example.net', with: 'esmtps', id: '1tAbCd-000123-4x', for: 'b@example.net', tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' } });
  });

  it('older Exim: (TLSv1.2:cipher:bits)', () => {
    const r = parseReceived('from host.example ([198.51.100.3]) by mx.example with esmtps (TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256) (Exim 4.92) id 1x; Tue, 4 Mar 2025 10:00:00 +0000');
    expect(r.tls).toEqual({ version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384' });
  });

  it('Gmail: ESMTPS with version= and cipher= after "for"', () => {
    const r = parseReceived('from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id abc123 for <x@example.com> (Google Transport Security); Tue, 04 Mar 2025 02:00:00 -0800 (PST)');
    expect(r).toMatchObject({ ip: '209.85.220.41', fromHost: 'mail-sor-f41.google.com.', with: 'SMTPS', date: '2025-03-04T10:00:00.000Z', tls: { version: null, cipher: null } });
  });

  it('IPv6 address literals and bare IPv6 in parentheses', () => {
    expect(parseReceived('from [IPv6:2001:db8::25] (unknown [IPv6:2001:db8::25]) by mx.example with ESMTP id q; Tue, 4 Mar 2025 10:00:00 +0000').ip).toBe('2001:db8::25');
    expect(parseReceived('from A.contoso.com (2001:db8:10a6::1) by B.contoso.com (2001:db8:10a6::2) with Microsoft SMTP Server id 15.2.1544.4; Tue, 4 Mar 2025 10:00:00 +0000')).toMatchObject({ ip: '2001:db8:10a6::1', byIp: '2001:db8:10a6::2' });
    expect(parseReceived('from [192.0.2.7] by mx.example with SMTP; Tue, 4 Mar 2025 10:00:00 +0000').ip).toBe('192.0.2.7');
  });

  it('qmail-style comment-only stamps and missing dates give nulls, not errors', () => {
    const r = parseReceived('(qmail 12345 invoked by uid 0); 4 Mar 2025 10:00:00 -0000');
    expect(r).toMatchObject({ from: null, by: null, ip: null, date: '2025-03-04T10:00:00.000Z' });
    expect(parseReceived('from a by b with SMTP')).toMatchObject({ from: 'a', by: 'b', dateText: null, date: null });
    expect(parseReceived('')).toMatchObject({ from: null, by: null, date: null, tls: null });
  });

  it('Cisco AsyncOS: ESMTP/TLS/<cipher> is TLS and a gateway stamp', () => {
    const r = parseReceived('from mail.fabrikam.com ([203.0.113.44]) by esa1.contoso.iphmx.com with ESMTP/TLS/ECDHE-RSA-AES256-GCM-SHA384; 04 Mar 2025 10:00:00 +0100');
    expect(r.tls).toEqual({ version: null, cipher: 'ECDHE-RSA-AES256-GCM-SHA384' });
    expect(classifyHop(r)).toMatchObject({ kind: 'gateway', vendor: 'Cisco Secure Email (IronPort)' });
    const onPremAppliance = parseReceived('from x.contoso.com (192.0.2.1) by smtp-gw.contoso.com with ESMTP/TLS/AES256-SHA; Tue, 4 Mar 2025 10:00:00 +0100');
    expect(classifyHop(onPremAppliance).kind).toBe('gateway');
  });
});

describe('hop kinds (the by side)', () => {
  const kind = (v: string) => classifyHop(parseReceived(v));
  it('gateways by host name and by stamp', () => {
    expect(kind('from a by eu-smtp-inbound-1.mimecast.com with ESMTPS id x; Tue, 4 Mar 2025 10:00:00 +0000')).toMatchObject({ kind: 'gateway', vendor: 'Mimecast' });
    expect(kind('from a by mx1.us.ess.barracudanetworks.com with ESMTP id x; Tue, 4 Mar 2025 10:00:00 +0000')).toMatchObject({ kind: 'gateway', vendor: 'Barracuda' });
    expect(kind('from a by server-7.tower-123.messagelabs.com with ESMTPS id x; Tue, 4 Mar 2025 10:00:00 +0000')).toMatchObject({ kind: 'gateway' });
    expect(kind('from a by mx.contoso.com (Proofpoint Essentials ESMTP Server) with ESMTPS id x; Tue, 4 Mar 2025 10:00:00 +0000')).toMatchObject({ kind: 'gateway', vendor: 'Proofpoint' });
    expect(kind('from a by exprod5mx123.postini.com with SMTP; Tue, 4 Mar 2025 10:00:00 +0000')).toMatchObject({ kind: 'gateway', vendor: 'Google Postini' });
    // A name that merely contains a vendor's name is not its host.
    expect(kind('from a by notmimecast.com.contoso.com with ESMTP; Tue, 4 Mar 2025 10:00:00 +0000').kind).toBe('other');
  });

  it('Edge only on both signals: an edge name and no Mailbox-server transport service', () => {
    expect(kind('from a (203.0.113.1) by EDGE01.contoso.com (192.0.2.5) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_AES_256_GCM_SHA384) id 15.2.1544.4; Tue, 4 Mar 2025 10:00:00 +0000').kind).toBe('exchange-edge');
    expect(kind('from a (203.0.113.1) by EDGE01.contoso.com (192.0.2.5) with Microsoft SMTP Server id 15.2.1544.4 via Frontend Transport; Tue, 4 Mar 2025 10:00:00 +0000').kind).toBe('exchange-on-premises');
    expect(kind('from a (203.0.113.1) by EX01.contoso.com (192.0.2.5) with Microsoft SMTP Server id 15.2.1544.4; Tue, 4 Mar 2025 10:00:00 +0000').kind).toBe('exchange-on-premises');
  });

  it('Exchange Online names, sovereign clouds included; Postfix elsewhere is other', () => {
    expect(kind('from a by contoso-com.mail.protection.outlook.com with Microsoft SMTP Server; Tue, 4 Mar 2025 10:00:00 +0000').kind).toBe('exchange-online');
    expect(kind('from a by BN8PR09MB1234.namprd09.prod.outlook.com with Microsoft SMTP Server; Tue, 4 Mar 2025 10:00:00 +0000').kind).toBe('exchange-online');
    expect(kind('from a by x.mail.protection.office365.us with Microsoft SMTP Server; Tue, 4 Mar 2025 10:00:00 +0000').kind).toBe('exchange-online');
    expect(kind('from a by mx.fabrikam.com (Postfix) with ESMTPS id q; Tue, 4 Mar 2025 10:00:00 +0000').kind).toBe('other');
  });
});

describe('TLS versions normalised', () => {
  it.each([
    ['TLS1_2', 'TLSv1.2'],
    ['TLS1_0', 'TLSv1'],
    ['TLSv1', 'TLSv1'],
    ['TLSv1.0', 'TLSv1'],
    ['TLS1.1', 'TLSv1.1'],
    ['TLSv1.3', 'TLSv1.3'],
    ['TLS1_3', 'TLSv1.3'],
    ['SSLv3', 'SSLv3'],
  ])('%s → %s', (written, expected) => expect(normaliseTlsVersion(written)).toBe(expected));
});

describe('RFC 5322 dates', () => {
  it.each([
    ['Tue, 4 Mar 2025 10:00:00 +0100', '2025-03-04T09:00:00.000Z'],
    ['4 Mar 2025 10:00 -0000', '2025-03-04T10:00:00.000Z'],
    ['Tue, 04 Mar 25 10:00:00 EST', '2025-03-04T15:00:00.000Z'],
    ['Thu, 04 Mar 99 10:00:00 GMT', '1999-03-04T10:00:00.000Z'],
    ['04 Mar 2025 09:00:03.1234 (UTC)', '2025-03-04T09:00:03.123Z'],
    ['Tue,  4 Mar 2025 10:59:58 +0100 (CET)', '2025-03-04T09:59:58.000Z'],
  ])('%s', (text, iso) => expect(new Date(parseMailDate(text)!).toISOString()).toBe(iso));

  it.each(['31 Feb 2025 10:00:00 +0000', 'yesterday', '4 Mar 2025 25:00:00 +0000', '4 Mar 2025 10:00:00', '4 Foo 2025 10:00:00 +0000'])('%s does not parse', (text) =>
    expect(parseMailDate(text)).toBeNull(),
  );
});

describe('RFC 2047', () => {
  it('B and Q in several charsets; adjacent words join; others stay as written', () => {
    expect(decodeEncodedWords('=?UTF-8?B?w6l0w6k=?=')).toBe('\u00e9t\u00e9');
    expect(decodeEncodedWords('=?windows-1252?Q?=80_5?=')).toBe('\u20ac 5');
    expect(decodeEncodedWords('=?shift_jis?B?k/qWe4zq?=')).toBe('\u65e5\u672c\u8a9e');
    expect(decodeEncodedWords('=?utf-8?q?a?= =?utf-8?q?b?= c =?utf-8?q?d?=')).toBe('ab c d');
    expect(decodeEncodedWords('=?utf-8*en?Q?lang?=')).toBe('lang');
    expect(decodeEncodedWords('=?utf-8?Q?bad=ZZ?=')).toBe('=?utf-8?Q?bad=ZZ?=');
    expect(decodeEncodedWords('=?utf-8?B?//79?=')).toBe('=?utf-8?B?//79?=');
    expect(decodeEncodedWords('plain text')).toBe('plain text');
  });
});

describe('header fields recovered from pastes', () => {
  it('a DKIM h= list folded at a colon stays in the DKIM-Signature, folded or pasted flat', async () => {
    const { HeaderBlock } = await import('../../../src/ingest/headers/header-fields.js');
    for (const indent of ['\t', '']) {
      const b = new HeaderBlock();
      const lines = ['DKIM-Signature: v=1; a=rsa-sha256; d=fabrikam.com; s=mail; h=Subject:', `${indent}From:Date:Message-ID; bh=abc=; b=def`, 'From: Dana <dana@fabrikam.com>'];
      lines.forEach((l, i) => b.addLine(l, i + 1));
      expect(b.fields.map((f) => [f.name, f.value])).toEqual([
        ['DKIM-Signature', 'v=1; a=rsa-sha256; d=fabrikam.com; s=mail; h=Subject: From:Date:Message-ID; bh=abc=; b=def'],
        ['From', 'Dana <dana@fabrikam.com>'],
      ]);
    }
  });
});

describe('cross-premises copies of organization headers', () => {
  it('X-MS-Exchange-CrossPremises-* are explained as carried copies, with value meanings', async () => {
    const { decodeMicrosoftHeaders } = await import('../../../src/ingest/headers/microsoft-headers.js');
    const { known, unknown } = decodeMicrosoftHeaders([
      { name: 'X-MS-Exchange-CrossPremises-AuthAs', value: 'Internal', line: 1 },
      { name: 'X-MS-Exchange-CrossPremises-SCL', value: '-1', line: 2 },
      { name: 'X-MS-Exchange-CrossPremises-OriginalClientIPAddress', value: '192.0.2.10', line: 3 },
    ]);
    expect(unknown).toEqual([]);
    expect(known.map((h) => h.meaning)).toEqual([
      expect.stringMatching(/^X-MS-Exchange-Organization-AuthAs carried across premises .*CloudServicesMailEnabled/),
      expect.stringMatching(/^X-MS-Exchange-Organization-SCL carried/),
      expect.stringMatching(/^X-MS-Exchange-Organization-OriginalClientIPAddress carried/),
    ]);
    expect(known[0]!.valueMeaning).toMatch(/inside the organization/);
    expect(known[1]!.valueMeaning).toMatch(/skipped spam filtering/);
  });
});
