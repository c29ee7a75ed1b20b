import { describe, expect, it } from 'vitest';
import { exchangeOnlineAuthentication, parseAuthenticationResults } from '../../../src/ingest/headers/authentication-results.js';
import { buildHops } from '../../../src/ingest/headers/hop-chain.js';
import { enhancedFilteringSignals, decodeMicrosoftHeaders } from '../../../src/ingest/headers/microsoft-headers.js';
import { firstBracketed, parseReceived } from '../../../src/ingest/headers/received.js';

const DATE = 'Tue, 4 Mar 2025 10:00:00 +0000';
const field = (name: string, value: string, line = 1) => ({ name, value, line });

describe('Exchange builds in Received stamps (EXO-SEMANTICS M12: `with Microsoft SMTP Server … id 15.x.y.z`)', () => {
  it('on-premises Exchange 2019: the id after Microsoft SMTP Server, as written', () => {
    const r = parseReceived(`from EX01.contoso.com (192.0.2.10) by EX02.contoso.com (192.0.2.11) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.36; ${DATE}`);
    expect(r.serverBuild).toBe('15.2.1544.36');
  });

  it('Exchange Online: id 15.20.… kept as written (leading zeros included)', () => {
    const r = parseReceived(`from AM0PR01CA0001.eurprd01.prod.exchangelabs.com (2603:10a6:208::1) by DB9PR01MB0001.eurprd01.prod.outlook.com (2603:10a6:10::2) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8922.025 via Frontend Transport; ${DATE}`);
    expect(r.serverBuild).toBe('15.20.8922.025');
  });

  it('Exchange 2010 `(TLS) id 14.3.…` counts; another MTA\'s queue id does not', () => {
    expect(parseReceived(`from a (192.0.2.1) by b (192.0.2.2) with Microsoft SMTP Server (TLS) id 14.3.468.0; ${DATE}`).serverBuild).toBe('14.3.468.0');
    expect(parseReceived(`from a ([192.0.2.1]) by mx.example (Postfix) with ESMTPS id 4X1y2Z3; ${DATE}`).serverBuild).toBeNull();
    expect(parseReceived(`from a ([192.0.2.1]) by mx.example with ESMTP id 15.2.1544.36; ${DATE}`).serverBuild).toBeNull();
  });

  it('the hop chain carries the build on each hop', () => {
    const hops = buildHops([
      field('Received', `from EX01.contoso.com (192.0.2.10) by contoso-com.mail.protection.outlook.com (10.0.0.1) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8922.25 via Frontend Transport; ${DATE}`, 1),
      field('Received', `from EX02.contoso.com (192.0.2.11) by EX01.contoso.com (192.0.2.10) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.36; ${DATE}`, 2),
    ]);
    expect(hops.map((h) => h.serverBuild)).toEqual(['15.2.1544.36', '15.20.8922.25']);
  });
});

describe('Enhanced Filtering signals in Exchange Online\'s headers (EXO-SEMANTICS M16, RULES.md enhanced-filtering-missing evidence)', () => {
  it('spf evaluated against the gateway, compauth=fail, no skip-list header', () => {
    const ar = parseAuthenticationResults('Authentication-Results', 'spf=fail (sender IP is 203.0.113.5) smtp.mailfrom=fabrikam.com; dkim=none (message not signed) header.d=none;dmarc=fail action=none header.from=fabrikam.com;compauth=fail reason=001', 3);
    const signals = enhancedFilteringSignals(decodeMicrosoftHeaders([]).known, [ar]);
    expect(signals).toEqual({ spfResult: 'fail', spfSenderIp: '203.0.113.5', compauth: 'fail', skipListedInternetSender: false });
  });

  it('X-MS-Exchange-SkipListedInternetSender present: EF skipped to the original sender', () => {
    const { known } = decodeMicrosoftHeaders([field('X-MS-Exchange-SkipListedInternetSender', 'ip=[198.51.100.77];domain=mail.fabrikam.com')]);
    const ar = parseAuthenticationResults('Authentication-Results', 'spf=pass (sender IP is 198.51.100.77) smtp.mailfrom=fabrikam.com; compauth=pass reason=100', 2);
    expect(enhancedFilteringSignals(known, [ar])).toEqual({ spfResult: 'pass', spfSenderIp: '198.51.100.77', compauth: 'pass', skipListedInternetSender: true });
    expect(known[0]!.meaning).toMatch(/Enhanced Filtering/);
  });

  it('Exchange Online\'s results (no authserv-id) win over a gateway\'s (with one); absent results are null', () => {
    const gateway = parseAuthenticationResults('Authentication-Results', 'gw.contoso.com; spf=pass smtp.mailfrom=fabrikam.com', 5);
    const exo = parseAuthenticationResults('Authentication-Results', 'spf=softfail (sender IP is 2001:db8::25) smtp.mailfrom=fabrikam.com; compauth=none reason=405', 4);
    expect(exchangeOnlineAuthentication([gateway, exo])).toEqual({ spfResult: 'softfail', spfSenderIp: '2001:db8::25', compauth: 'none' });
    expect(exchangeOnlineAuthentication([])).toEqual({ spfResult: null, spfSenderIp: null, compauth: null });
  });
});

// Issue 13: regular expressions that retried from every character made hostile headers quadratic
// (a 330 KB header file took 97 s). The hostile input is built here and the result checked.
describe('hostile header text is read in one pass, with the right result', () => {
  it('a run of 300,000 `[` in a Received comment: the address after it is still found', () => {
    const run = '['.repeat(300_000);
    const r = parseReceived(`from helo.example (${run} rdns.example [192.0.2.44]) by mx.example with ESMTP id q; ${DATE}`);
    expect(r.ip).toBe('192.0.2.44');
    expect(r.by).toBe('mx.example');
    expect(parseReceived(`from helo.example (${run}) by mx.example with ESMTP; ${DATE}`).ip).toBeNull();
  });

  it('firstBracketed finds what /\\[([^\\]\\s]+)\\]/ finds', () => {
    for (const text of ['a [192.0.2.1] b', '[][192.0.2.1]', '[[]', '[a b] [c]', 'x[y', '[ ]', 'a[b]c[d]', '[[192.0.2.1]']) {
      const m = /\[([^\]\s]+)\]/.exec(text);
      expect(firstBracketed(text), text).toEqual(m ? { index: m.index, inner: m[1] } : null);
    }
  });

  it('a 330 KB token in Authentication-Results: the results around it are still read', () => {
    const token = 'a'.repeat(330_000);
    const ar = parseAuthenticationResults('Authentication-Results', `spf=fail (sender IP is 203.0.113.5) ${token} smtp.mailfrom=fabrikam.com; compauth=fail reason=001 ${token}`, 1);
    expect(ar.results.map((r) => [r.method, r.result])).toEqual([['spf', 'fail'], ['compauth', 'fail']]);
    expect(ar.results[0]!.properties).toEqual({ 'smtp.mailfrom': 'fabrikam.com' });
    expect(ar.results[1]!.properties).toEqual({ reason: '001' });
    expect(exchangeOnlineAuthentication([ar])).toEqual({ spfResult: 'fail', spfSenderIp: '203.0.113.5', compauth: 'fail' });
  });

  it('properties: quoted values, spaces around `=`, and a `key=` without value', () => {
    const ar = parseAuthenticationResults('Authentication-Results', 'dmarc=pass action = none header.from="contoso.com" empty= ;', 1);
    expect(ar.results[0]!.properties).toEqual({ action: 'none', 'header.from': 'contoso.com' });
  });
});
