import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFixture } from './read-fixture.js';

// Size, not speed: these must complete and be right (no timing is asserted).
describe('large headers', () => {
  it('10,000 Received headers: every hop, oldest first, each one second after the previous', async () => {
    const count = 10_000;
    const start = Date.UTC(2025, 2, 4, 0, 0, 0);
    const lines: string[] = [];
    // Prepended like real servers do: the newest (highest n) on top.
    for (let n = count; n >= 1; n--) {
      const date = new Date(start + n * 1000).toUTCString().replace('GMT', '+0000');
      const by = n % 3 === 0 ? `mx${n}.pphosted.com` : n % 3 === 1 ? `EX${n}.corp.contoso.com` : `AM${n}.eurprd04.prod.outlook.com`;
      const withPart = n % 3 === 0 ? 'ESMTPS id q' : 'Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.1.1';
      lines.push(`Received: from host${n - 1}.example (192.0.2.${n % 250}) by ${by}\r\n with ${withPart}; ${date}`);
    }
    lines.push('Message-ID: <big@contoso.com>', 'Subject: many hops', '', 'body');
    const path = join(mkdtempSync(join(tmpdir(), 'mfd-large-')), 'many.eml');
    writeFileSync(path, lines.join('\r\n'));
    const { messages, report } = await readFixture(path);
    expect(report.records).toBe(1);
    const hops = messages[0]!.hops;
    expect(hops).toHaveLength(count);
    expect(hops[0]).toMatchObject({ number: 1, by: 'EX1.corp.contoso.com', kind: 'exchange-on-premises', delaySeconds: null, date: '2025-03-04T00:00:01.000Z' });
    expect(hops[count - 1]).toMatchObject({ by: `EX${count}.corp.contoso.com`, date: new Date(start + count * 1000).toISOString(), delaySeconds: 1 });
    expect(hops.every((h, i) => i === 0 || h.delaySeconds === 1)).toBe(true);
    expect(hops.filter((h) => h.kind === 'gateway')).toHaveLength(Math.floor(count / 3));
    // Every gateway hop has Exchange Online and on-premises hops on both sides.
    expect(messages[0]!.verdicts.gatewayHopsInHybridPath).toHaveLength(Math.floor(count / 3));
    expect(messages[0]!.verdicts.lowestTlsVersion).toBe('TLSv1.2');
  });

  it('a 1 MB header value folded over 16,000 lines', async () => {
    const chunk = 'A'.repeat(64);
    const folded = Array.from({ length: 16_384 }, () => chunk).join('\n\t');
    const path = join(mkdtempSync(join(tmpdir(), 'mfd-large-')), 'big.eml');
    writeFileSync(path, `Received: from a.fabrikam.com (203.0.113.5) by b.fabrikam.com with ESMTP; Tue, 4 Mar 2025 10:00:00 +0000\nX-MS-Exchange-Big: ${folded}\nMessage-ID: <big-value@fabrikam.com>\n\nbody\n`);
    const { messages } = await readFixture(path);
    expect(messages).toHaveLength(1);
    const big = messages[0]!.unknownMicrosoftHeaders[0]!;
    expect(big.value.length).toBe(16_384 * 64 + 16_383);
    expect(messages[0]!.messageId).toBe('<big-value@fabrikam.com>');
  });

  it('an mbox of 2,000 messages', async () => {
    const msg = (i: number) => `From a@fabrikam.com Tue Mar  4 10:00:00 2025\nReceived: from a (203.0.113.5) by b.fabrikam.com with ESMTP; Tue, 4 Mar 2025 10:00:00 +0000\nMessage-ID: <m${i}@fabrikam.com>\n\n>From me, hello\nFrom the middle of a line run\n\n`;
    const path = join(mkdtempSync(join(tmpdir(), 'mfd-large-')), 'many.mbox');
    writeFileSync(path, Array.from({ length: 2000 }, (_, i) => msg(i)).join(''));
    const { messages, report } = await readFixture(path);
    expect(report).toMatchObject({ records: 2000, skipped: 0, diagnostics: [] });
    expect(messages[1999]!.messageId).toBe('<m1999@fabrikam.com>');
  });
});
