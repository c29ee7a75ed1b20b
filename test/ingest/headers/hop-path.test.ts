import { describe, expect, it } from 'vitest';
import { buildHops } from '../../../src/ingest/headers/hop-chain.js';
import { mtaProduct } from '../../../src/ingest/headers/hop-path.js';

const D = 'Tue, 4 Mar 2025 10:00:00 +0000';
/** Received fields as a message holds them: newest first. */
const hops = (...newestFirst: string[]) => buildHops(newestFirst.map((value, i) => ({ name: 'Received', value, line: i + 1 })));

const EXO = `from gw.contoso.com (203.0.113.25) by AM4PEPF00027A5F.mail.protection.outlook.com (2001:db8::41) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8901.26 via Frontend Transport; ${D}`;
const ONPREM = `from EX01.corp.contoso.com (192.0.2.10) by EX02.corp.contoso.com (192.0.2.11) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.4; ${D}`;
// Postfix with amavisd-new as its after-queue content filter (amavisd-new's README.postfix layout:
// Postfix → 127.0.0.1:10024 amavisd → 127.0.0.1:10025 Postfix), as the three stamps read.
const POSTFIX_IN = `from EX02.corp.contoso.com (ex02.corp.contoso.com [192.0.2.11]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) (No client certificate requested) by gw.contoso.com (Postfix) with ESMTPS id 4Z6Qx1; ${D}`;
const AMAVIS = `from gw.contoso.com ([127.0.0.1]) by localhost (gw.contoso.com [127.0.0.1]) (amavisd-new, port 10024) with ESMTP id Ab12Cd; ${D}`;
const AMAVIS_BY = `from gw.contoso.com ([127.0.0.1]) by localhost (amavisd-new, port 10024) with ESMTP id Ab12Cd; ${D}`;
const POSTFIX_BACK = `from localhost (localhost [127.0.0.1]) by gw.contoso.com (Postfix) with ESMTP id 4Z6Qx2; ${D}`;

describe('a non-Microsoft host between on-premises Exchange and Exchange Online is a gateway', () => {
  it('Postfix with amavisd-new on localhost: three stamps, one machine, all gateway hops of the hybrid path', () => {
    const h = hops(EXO, POSTFIX_BACK, AMAVIS, POSTFIX_IN, ONPREM);
    expect(h.map((x) => [x.by, x.kind, x.vendor])).toEqual([
      ['EX02.corp.contoso.com', 'exchange-on-premises', null],
      ['gw.contoso.com', 'gateway', 'Postfix + amavisd-new'],
      ['localhost', 'gateway', 'Postfix + amavisd-new'],
      ['gw.contoso.com', 'gateway', 'Postfix + amavisd-new'],
      ['AM4PEPF00027A5F.mail.protection.outlook.com', 'exchange-online', null],
    ]);
    expect(h[1]!.kindBasis).toBe('gw.contoso.com (Postfix + amavisd-new) is not Microsoft\'s and sits between on-premises Exchange (hop 1) and Exchange Online (hop 5); 3 stamps by the same machine (a content filter over loopback or a re-injection)');
    expect(hops(EXO, POSTFIX_BACK, AMAVIS_BY, POSTFIX_IN, ONPREM).map((x) => x.kind)).toEqual(['exchange-on-premises', 'gateway', 'gateway', 'gateway', 'exchange-online']);
  });

  it('either way round: Exchange Online → Sendmail relay → on-premises Exchange', () => {
    const sendmail = `from EUR05-AM6-obe.outbound.protection.outlook.com (mail-am6eur05on2100.outbound.protection.outlook.com [40.107.22.100]) by relay.contoso.com (8.18.1/8.18.1) with ESMTPS id 524A0a1b; ${D}`;
    const exoOut = `from DB9PR04MB8456.eurprd04.prod.outlook.com (2001:db8::3c) by DB9PR04MB8457.eurprd04.prod.outlook.com (2001:db8::3d) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8901.25; ${D}`;
    const onPremIn = `from relay.contoso.com (192.0.2.30) by EX02.corp.contoso.com (192.0.2.11) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.4; ${D}`;
    const h = hops(onPremIn, sendmail, exoOut);
    expect(h.map((x) => [x.kind, x.vendor])).toEqual([['exchange-online', null], ['gateway', 'Sendmail'], ['exchange-on-premises', null]]);
  });

  it('outside the span between the two sides, the same stamps stay `other`: a sender\'s own MTA, or a relay between two Exchange Online hops', () => {
    const sender = `from laptop.fabrikam.com ([198.51.100.5]) by mail.fabrikam.com (Postfix) with ESMTPSA id Q1; ${D}`;
    expect(hops(EXO, sender).map((x) => x.kind)).toEqual(['other', 'exchange-online']);
    expect(hops(ONPREM, sender).map((x) => x.kind)).toEqual(['other', 'exchange-on-premises']);
    const exo2 = EXO.replace('AM4PEPF00027A5F', 'AM4PEPF00027A60');
    expect(hops(exo2, POSTFIX_IN, EXO).map((x) => x.kind)).toEqual(['exchange-online', 'other', 'exchange-online']);
  });

  it('a known gateway product keeps its own vendor and basis', () => {
    const mimecast = `from EX02.corp.contoso.com (192.0.2.11) by eu-smtp-inbound-1.mimecast.com with ESMTPS id q; ${D}`;
    const h = hops(EXO, mimecast, ONPREM);
    expect(h[1]).toMatchObject({ kind: 'gateway', vendor: 'Mimecast', kindBasis: 'eu-smtp-inbound-1.mimecast.com is a Mimecast host' });
  });

  it('the products recognised by their own stamps', () => {
    expect(mtaProduct(['Postfix'])).toBe('Postfix');
    expect(mtaProduct(['Postfix, from userid 0'])).toBe('Postfix');
    expect(mtaProduct(['amavisd-new, port 10024'])).toBe('amavisd-new');
    expect(mtaProduct(['amavis, port 10024'])).toBe('amavisd-new');
    expect(mtaProduct(['Exim 4.96'])).toBe('Exim');
    expect(mtaProduct(['8.14.7/8.14.7/Submit'])).toBe('Sendmail');
    expect(mtaProduct(['OpenSMTPD'])).toBe('OpenSMTPD');
    expect(mtaProduct(['Haraka/3.0.3'])).toBe('Haraka');
    expect(mtaProduct(['envelope-from <a@b>', 'not Postfix'])).toBeNull();
  });

  it('10,000 hops stay linear', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `from h${i}.example ([192.0.2.${i % 250}]) by h${i + 1}.example (Postfix) with ESMTP id q${i}; ${D}`);
    const started = performance.now();
    const h = hops(EXO, ...many, ONPREM);
    expect(h.filter((x) => x.kind === 'gateway')).toHaveLength(10_000);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
