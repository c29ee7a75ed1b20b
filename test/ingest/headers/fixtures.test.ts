import { describe, expect, it } from 'vitest';
import { toObservation } from '../../../src/ingest/headers/decode-message.js';
import { headerValues, hopRow, readFixture } from './read-fixture.js';

const ECDHE = 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384';
const TENANT = '0b5f8a3c-1d2e-4f60-8a9b-0c1d2e3f4a5b';

// Expected values are read off the fixtures by hand: Received headers bottom-up, dates converted
// to UTC from their written offsets (+0100 is one hour ahead), delays between consecutive dated hops.
describe('cross-premises internal: on-premises Exchange → Exchange Online, AuthAs Internal', () => {
  it('hops oldest first with IPs, TLS, dates, delays and kinds', async () => {
    const { messages, report } = await readFixture('cross-premises-internal.eml');
    expect(report).toMatchObject({ kind: 'headers', records: 1, skipped: 0, diagnostics: [] });
    const m = messages[0]!;
    expect(m.hops.map(hopRow)).toEqual([
      ['EX01.corp.contoso.com', 'EX01.corp.contoso.com', 'mapi', 'fe80::5d1a:3b2c:9e4f:1a2b', null, null, '2025-03-04T09:00:00.000Z', null, 'exchange-on-premises'],
      ['EX01.corp.contoso.com', 'EX02.corp.contoso.com', 'Microsoft SMTP Server', '192.0.2.10', 'TLSv1.2', ECDHE, '2025-03-04T09:00:01.000Z', 1, 'exchange-on-premises'],
      ['mail.contoso.com', 'AM4PEPF00027A5F.mail.protection.outlook.com', 'Microsoft SMTP Server', '203.0.113.10', 'TLSv1.2', ECDHE, '2025-03-04T09:00:03.000Z', 2, 'exchange-online'],
      ['AM4PEPF00027A5F.eurprd04.prod.outlook.com', 'AS8PR04CA0123.outlook.office365.com', 'Microsoft SMTP Server', '2001:db8:10a6:20b:cafe::11', 'TLSv1.3', 'TLS_AES_256_GCM_SHA384', '2025-03-04T09:00:03.000Z', 0, 'exchange-online'],
      ['AS8PR04CA0123.eurprd04.prod.outlook.com', 'DB9PR04MB8456.eurprd04.prod.outlook.com', 'Microsoft SMTP Server', '2001:db8:10a6:20b::27', 'TLSv1.2', ECDHE, '2025-03-04T09:00:04.000Z', 1, 'exchange-online'],
      // `with HTTPS`: HTTP over TLS (RFC 2818), the stamp names no version.
      ['DB9PR04MB8456.eurprd04.prod.outlook.com', 'DB9PR04MB8456.eurprd04.prod.outlook.com', 'HTTPS', '2001:db8:10a6:20b::3c', 'tls', null, '2025-03-04T09:00:04.000Z', 0, 'exchange-online'],
    ]);
    expect(m.hops.map((h) => [h.id, h.via, h.byIp, h.line])).toEqual([
      ['15.02.1544.004', null, 'fe80::5d1a:3b2c:9e4f:1a2b%4', 23],
      ['15.2.1544.4', null, '192.0.2.11', 19],
      ['15.20.8901.26', 'Frontend Transport', '2001:db8:10a6:20b:cafe::11', 14],
      ['15.20.8901.26', 'Frontend Transport', '2001:db8:10a6:20b::27', 9],
      ['15.20.8901.25', null, '2001:db8:10a6:20b::3c', 4],
      [null, null, null, 1],
    ]);
  });

  it('verdicts: crossed premises, internal, no gateway, TLS 1.2 lowest', async () => {
    const m = (await readFixture('cross-premises-internal.eml')).messages[0]!;
    expect(m.verdicts).toEqual({
      crossedPremises: true,
      treatedAsInternal: true,
      internalBasis: 'X-MS-Exchange-Organization-AuthAs: Internal',
      gatewayHopsInHybridPath: [],
      lowestTlsVersion: 'TLSv1.2',
      hopsWithoutTls: [1],
      clockSkewHops: [],
      tenantId: TENANT,
      antispamDirection: 'inbound',
    });
    expect(m.source.line).toBe(1);
    expect(m.messageId).toBe('<a1b2c3d4e5f60718293a4b5c6d7e8f90@EX01.corp.contoso.com>');
    // RFC 2047 B-encoded UTF-8, with an en dash.
    expect(m.subject).toBe('Quartalsbericht \u2013 Entwurf');
    expect(m.from).toBe('Alice Martin <alice@contoso.com>');
    expect(m.to).toBe('Bob Lee <bob@contoso.com>');
    expect(m.date).toBe('2025-03-04T09:00:00.000Z');
    expect(m.garbled).toBe(false);
  });

  it('every Microsoft header decoded, with meanings; unknown X-MS headers verbatim', async () => {
    const m = (await readFixture('cross-premises-internal.eml')).messages[0]!;
    expect(headerValues(m)).toEqual({
      'X-MS-Exchange-Organization-Network-Message-Id': '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
      'X-MS-Exchange-Organization-AuthSource': 'EX02.corp.contoso.com',
      'X-MS-Exchange-Organization-AuthAs': 'Internal',
      'X-MS-Exchange-Organization-AuthMechanism': '10',
      'X-MS-Exchange-Organization-MessageDirectionality': 'Originating',
      'X-MS-Exchange-Organization-SCL': '-1',
      'X-CrossPremisesHeadersPromoted': 'AM4PEPF00027A5F.eurprd04.prod.outlook.com',
      'X-CrossPremisesHeadersFiltered': 'AM4PEPF00027A5F.eurprd04.prod.outlook.com',
      'X-OriginatorOrg': 'contoso.com',
      'X-MS-PublicTrafficType': 'Email',
      'X-MS-Exchange-CrossTenant-OriginalArrivalTime': '04 Mar 2025 09:00:03.1234 (UTC)',
      'X-MS-Exchange-CrossTenant-Network-Message-Id': '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
      'X-MS-Exchange-CrossTenant-Id': TENANT,
      'X-MS-Exchange-CrossTenant-AuthSource': 'EX02.corp.contoso.com',
      'X-MS-Exchange-CrossTenant-AuthAs': 'Internal',
      'X-MS-Exchange-CrossTenant-FromEntityHeader': 'HybridOnPrem',
      'X-MS-Exchange-Transport-CrossTenantHeadersStamped': 'DB9PR04MB8456',
      'X-Forefront-Antispam-Report': 'CIP:203.0.113.10;CTRY:NL;LANG:en;SCL:-1;SRV:;IPV:NLI;SFV:SKN;H:mail.contoso.com;PTR:mail.contoso.com;CAT:NONE;SFS:(13230040)(82310400026);DIR:INB;',
      'X-Microsoft-Antispam': 'BCL:0;ARA:13230040|82310400026;',
    });
    const byName = Object.fromEntries(m.microsoftHeaders.map((h) => [h.name, h]));
    expect(byName['X-MS-Exchange-Organization-AuthAs']!.meaning).toMatch(/Anonymous, Internal, External or Partner/);
    expect(byName['X-MS-Exchange-Organization-AuthAs']!.valueMeaning).toMatch(/inside the organization/);
    expect(byName['X-MS-Exchange-Organization-AuthMechanism']!.meaning).toMatch(/2-digit hexadecimal/);
    expect(byName['X-MS-Exchange-Organization-AuthMechanism']!.valueMeaning).toMatch(/^not documented/);
    expect(byName['X-MS-Exchange-Organization-SCL']!.valueMeaning).toMatch(/skipped spam filtering/);
    expect(byName['X-MS-Exchange-CrossTenant-FromEntityHeader']!.meaning).toMatch(/not documented/);
    expect(m.unknownMicrosoftHeaders.map((h) => [h.name, h.value])).toEqual([
      ['X-MS-Has-Attach', ''],
      ['X-MS-TNEF-Correlator', ''],
      ['X-MS-TrafficTypeDiagnostic', 'AM4PEPF00027A5F:EE_|DB9PR04MB8456:EE_'],
      ['X-MS-Exchange-Transport-EndToEndLatency', '00:00:04.1234567'],
    ]);
  });

  it('X-Forefront-Antispam-Report: every field, documented meanings, the rest said to be diagnostic', async () => {
    const m = (await readFixture('cross-premises-internal.eml')).messages[0]!;
    expect(m.forefrontAntispamReport!.map((f) => [f.key, f.value, f.valueMeaning])).toEqual([
      ['CIP', '203.0.113.10', null],
      ['CTRY', 'NL', null],
      ['LANG', 'en', null],
      ['SCL', '-1', expect.stringMatching(/skipped spam filtering/)],
      ['SRV', '', 'empty'],
      ['IPV', 'NLI', 'the IP address was not found on any IP reputation list'],
      ['SFV', 'SKN', expect.stringMatching(/nonspam before spam filtering/)],
      ['H', 'mail.contoso.com', null],
      ['PTR', 'mail.contoso.com', null],
      ['CAT', 'NONE', expect.any(String)],
      ['SFS', '(13230040)(82310400026)', null],
      ['DIR', 'INB', 'inbound message'],
    ]);
    const meaning = Object.fromEntries(m.forefrontAntispamReport!.map((f) => [f.key, f.meaning]));
    expect(meaning.CIP).toMatch(/connecting IP address/);
    expect(meaning.H).toMatch(/HELO or EHLO/);
    expect(meaning.SFS).toMatch(/diagnostics/);
    expect(m.microsoftAntispam!.map((f) => [f.key, f.value, f.valueMeaning])).toEqual([
      ['BCL', '0', 'not from a bulk sender [BCL]'],
      ['ARA', '13230040|82310400026', null],
    ]);
  });

  it('Authentication-Results without authserv-id, compauth reason', async () => {
    const m = (await readFixture('cross-premises-internal.eml')).messages[0]!;
    // The Authentication-Results, then the Received-SPF read as one spf result (RFC 7208 §9.1).
    expect(m.authenticationResults.map((a) => a.header)).toEqual(['Authentication-Results', 'Received-SPF']);
    expect(m.authenticationResults[1]!.results.map((r) => [r.method, r.result])).toEqual([['spf', 'pass']]);
    const ar = m.authenticationResults[0]!;
    expect(ar.authservId).toBeNull();
    expect(ar.results.map((r) => [r.method, r.result, r.comment, r.properties])).toEqual([
      ['spf', 'pass', 'sender IP is 203.0.113.10', { 'smtp.mailfrom': 'contoso.com' }],
      ['dkim', 'none', 'message not signed', { 'header.d': 'none' }],
      ['dmarc', 'bestguesspass', null, { action: 'none', 'header.from': 'contoso.com' }],
      ['compauth', 'pass', null, { reason: '109' }],
    ]);
    expect(ar.results[3]!.meaning).toMatch(/reason 109: passed composite authentication/);
    expect(ar.results[2]!.meaning).toMatch(/no DMARC record exists; had there been one/);
  });

  it('the observation for the rules', async () => {
    const m = (await readFixture('cross-premises-internal.eml')).messages[0]!;
    const o = toObservation(m);
    expect(o).toMatchObject({
      messageId: m.messageId,
      subject: 'Quartalsbericht \u2013 Entwurf',
      authAs: 'Internal',
      authSource: 'EX02.corp.contoso.com',
      authMechanism: '10',
      crossTenantId: TENANT,
      crossTenantAuthAs: 'Internal',
      crossTenantFromEntityHeader: 'HybridOnPrem',
      directionality: 'Originating',
      originatorOrg: 'contoso.com',
      crossedPremises: true,
      treatedAsInternal: true,
      hybridPathGatewayHops: [],
      lowestTlsVersion: 'TLSv1.2',
      crossTenantAuthSource: 'EX02.corp.contoso.com',
      attributedTenantId: null,
      crossPremisesHeadersFilteredBySendConnector: null,
      antispamDirection: 'inbound',
    });
    expect(o.source.line).toBe(1);
    expect(o.hops).toHaveLength(6);
    expect(Object.keys(o.hops[0]!).sort()).toEqual(['by', 'date', 'delaySeconds', 'from', 'ip', 'kind', 'tls', 'with']);
  });
});

describe('cross-premises anonymous through a third-party gateway', () => {
  it('hops, with the Proofpoint hop between on-premises and Exchange Online', async () => {
    const { messages, report } = await readFixture('cross-premises-anonymous-gateway.eml');
    expect(report.records).toBe(1);
    const m = messages[0]!;
    expect(m.hops.map(hopRow)).toEqual([
      ['EX01.corp.contoso.com', 'EX01.corp.contoso.com', 'mapi', 'fe80::5d1a:3b2c:9e4f:1a2b', null, null, '2025-03-04T09:15:00.000Z', null, 'exchange-on-premises'],
      ['EX01.corp.contoso.com', 'EX02.corp.contoso.com', 'Microsoft SMTP Server', '192.0.2.10', 'TLSv1.2', ECDHE, '2025-03-04T09:15:01.000Z', 1, 'exchange-on-premises'],
      // Sendmail-style stamp: rDNS and [ip] in the from comment, `version=TLSv1.2 cipher=…` without commas, -0500.
      ['ex02.corp.contoso.com', 'mx0a-00abcd01.pphosted.com', 'ESMTPS', '192.0.2.11', 'TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384', '2025-03-04T09:15:02.000Z', 1, 'gateway'],
      ['mx0a-00abcd01.pphosted.com', 'AM4PEPF00027A60.mail.protection.outlook.com', 'Microsoft SMTP Server', '198.51.100.20', 'TLSv1.2', ECDHE, '2025-03-04T09:15:05.000Z', 3, 'exchange-online'],
      ['AM4PEPF00027A60.eurprd04.prod.outlook.com', 'DB9PR04MB8456.eurprd04.prod.outlook.com', 'Microsoft SMTP Server', '2001:db8:10a6:20b::41', 'TLSv1.2', ECDHE, '2025-03-04T09:15:07.000Z', 2, 'exchange-online'],
    ]);
    expect(m.hops[2]).toMatchObject({ fromHost: 'ex02.corp.contoso.com', id: '4abcd1234-1', for: 'carol@contoso.com', vendor: 'Proofpoint' });
    expect(m.verdicts).toMatchObject({
      crossedPremises: true,
      treatedAsInternal: false,
      internalBasis: 'X-MS-Exchange-Organization-AuthAs: Anonymous',
      gatewayHopsInHybridPath: [3],
      lowestTlsVersion: 'TLSv1.2',
      hopsWithoutTls: [1],
      tenantId: TENANT,
    });
  });

  it('anonymous, spoof and authentication failures decoded', async () => {
    const m = (await readFixture('cross-premises-anonymous-gateway.eml')).messages[0]!;
    const v = headerValues(m);
    expect(v['X-MS-Exchange-Organization-AuthAs']).toBe('Anonymous');
    expect(v['X-MS-Exchange-Organization-AuthMechanism']).toBe('04');
    expect(v['X-MS-Exchange-Organization-MessageDirectionality']).toBe('Incoming');
    expect(v['X-MS-Exchange-CrossTenant-FromEntityHeader']).toBe('Internet');
    expect(m.microsoftHeaders.find((h) => h.name === 'X-MS-Exchange-Organization-SCL')!.valueMeaning).toBe('spam [SCL]');
    expect(m.microsoftHeaders.find((h) => h.name === 'X-MS-Exchange-Organization-AuthAs')!.valueMeaning).toMatch(/not authenticated/);
    const ff = Object.fromEntries(m.forefrontAntispamReport!.map((f) => [f.key, f.valueMeaning]));
    expect(ff.SFV).toBe('spam filtering marked the message as spam');
    expect(ff.CAT).toBe('spoofing');
    expect(ff.SFTY).toBe('user impersonation');
    const [spf, dkim, dmarc, compauth] = m.authenticationResults[0]!.results;
    expect([spf!.result, dkim!.result, dmarc!.result, compauth!.result]).toEqual(['fail', 'none', 'fail', 'fail']);
    expect(dmarc!.properties.action).toBe('quarantine');
    expect(dmarc!.meaning).toMatch(/action quarantine: not a documented DMARC action/);
    expect(compauth!.meaning).toMatch(/reason 000: failed explicit authentication/);
    expect(m.unknownMicrosoftHeaders.map((h) => h.name)).toEqual([]);
    const o = toObservation(m);
    expect(o).toMatchObject({
      authAs: 'Anonymous',
      crossTenantAuthAs: 'Anonymous',
      treatedAsInternal: false,
      hybridPathGatewayHops: [3],
      attributedTenantId: TENANT,
    });
  });
});

describe('internet inbound: Postfix → EOP → mailbox', () => {
  it('Postfix TLS comments count as the hop TLS; ESMTPSA without a comment is TLS of unstated version', async () => {
    const m = (await readFixture('internet-inbound.eml')).messages[0]!;
    expect(m.hops.map(hopRow)).toEqual([
      ['[192.0.2.77]', 'smtp.fabrikam.com', 'ESMTPSA', '198.51.100.77', 'tls', null, '2025-03-04T09:59:58.000Z', null, 'other'],
      ['smtp.fabrikam.com', 'relay.fabrikam.com', 'ESMTPS', '203.0.113.25', 'TLSv1.3', 'TLS_AES_256_GCM_SHA384', '2025-03-04T09:59:59.000Z', 1, 'other'],
      ['relay.fabrikam.com', 'AM4PEPF00027A61.mail.protection.outlook.com', 'Microsoft SMTP Server', '203.0.113.26', 'TLSv1.3', 'TLS_AES_256_GCM_SHA384', '2025-03-04T10:00:01.000Z', 2, 'exchange-online'],
      ['AM4PEPF00027A61.eurprd04.prod.outlook.com', 'DB9PR04MB8456.eurprd04.prod.outlook.com', 'Microsoft SMTP Server', '2001:db8:10a6:20b::42', 'TLSv1.2', ECDHE, '2025-03-04T10:00:02.000Z', 1, 'exchange-online'],
    ]);
    expect(m.hops[0]).toMatchObject({ fromHost: 'unknown', for: 'bob@contoso.com', id: '4Z6QxJ0xyzz9sV' });
    expect(m.verdicts).toMatchObject({ crossedPremises: false, treatedAsInternal: false, gatewayHopsInHybridPath: [], lowestTlsVersion: 'TLSv1.2', hopsWithoutTls: [] });
    // RFC 2047 Q in ISO-8859-1, two adjacent encoded words joined without the space between them.
    expect(m.subject).toBe('Gr\u00fc\u00dfe aus Berlin');
    expect(m.from).toBe('Dana M\u00fcller <dana@fabrikam.com>');
    expect(m.date).toBe('2025-03-04T09:59:57.000Z');
  });

  it('ARC set and Authentication-Results', async () => {
    const m = (await readFixture('internet-inbound.eml')).messages[0]!;
    expect(m.arc).toEqual([
      {
        instance: 1,
        chainValidation: 'none',
        sealDomain: 'microsoft.com',
        sealSelector: 'arcselector10001',
        signatureDomain: 'microsoft.com',
        authservId: 'mx.microsoft.com',
        results: expect.any(Array),
      },
    ]);
    expect(m.arc[0]!.results.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=pass', 'dmarc=pass', 'dkim=pass', 'arc=none']);
    const ar = m.authenticationResults[0]!.results;
    expect(ar.map((r) => `${r.method}=${r.result}`)).toEqual(['spf=pass', 'dkim=pass', 'dmarc=pass', 'compauth=pass']);
    expect(ar[1]!.comment).toBe('signature was verified');
    const ff = Object.fromEntries(m.forefrontAntispamReport!.map((f) => [f.key, f.valueMeaning]));
    expect(ff.SFTY).toBe('first contact safety tip');
    expect(ff.SFV).toBe('spam filtering marked the message as nonspam');
    expect(m.microsoftAntispam![0]).toMatchObject({ key: 'BCL', value: '1', valueMeaning: 'bulk sender that generates few complaints [BCL]' });
    // An unknown X-Microsoft header, RFC 2047-decoded but otherwise verbatim.
    expect(m.unknownMicrosoftHeaders).toEqual([
      { name: 'X-MS-Exchange-Organization-ExpirationStartTime', value: '04 Mar 2025 10:00:01.8765 (UTC)', line: expect.any(Number) },
      { name: 'X-Microsoft-Antispam-Message-Info', value: 'dGVzdA==', line: expect.any(Number) },
    ]);
  });
});

describe('TLS 1.0, clock skew and an unparseable date (Exchange Online → Exchange 2010)', () => {
  it('delays are signed, skew flagged, undated hops null and skipped for the next delay', async () => {
    const m = (await readFixture('tls10-exo-to-exchange2010.eml')).messages[0]!;
    expect(m.hops.map(hopRow)).toEqual([
      ['DB9PR04MB8456.eurprd04.prod.outlook.com', 'DB9PR04MB8456.eurprd04.prod.outlook.com', 'mapi', 'fe80::a1b2:c3d4:e5f6:7a8b', null, null, '2025-03-04T12:00:00.000Z', null, 'exchange-online'],
      ['DB9PR04MB8456.eurprd04.prod.outlook.com', 'AM9P192CA0001.outlook.office365.com', 'Microsoft SMTP Server', '2001:db8:10a6:20b::3c', 'TLSv1.2', ECDHE, '2025-03-04T12:00:01.000Z', 1, 'exchange-online'],
      ['EUR05-AM6-obe.outbound.protection.outlook.com', 'CAS01.corp.contoso.com', 'Microsoft SMTP Server', '198.51.100.90', 'TLSv1', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', '2025-03-04T11:59:58.000Z', -3, 'exchange-on-premises'],
      // Exchange 2010's `(TLS)`: TLS, version not stated; the date does not parse.
      ['CAS01.corp.contoso.com', 'HUB01.corp.contoso.com', 'Microsoft SMTP Server', '192.0.2.30', 'tls', null, null, null, 'exchange-on-premises'],
      // Delay counted from hop 3, the previous dated hop.
      ['HUB01.corp.contoso.com', 'MBX01.corp.contoso.com', 'Microsoft SMTP Server', '192.0.2.31', null, null, '2025-03-04T12:00:01.000Z', 3, 'exchange-on-premises'],
    ]);
    expect(m.hops.map((h) => h.clockSkew)).toEqual([false, false, true, false, false]);
    expect(m.hops[3]!.dateText).toBe('Tuesday 4th of March, around one');
    expect(m.verdicts).toMatchObject({
      crossedPremises: true,
      treatedAsInternal: true,
      lowestTlsVersion: 'TLSv1',
      hopsWithoutTls: [1, 5],
      clockSkewHops: [3],
      antispamDirection: null,
    });
    const o = toObservation(m);
    expect(o.hops[2]).toMatchObject({ delaySeconds: -3, clockSkew: true, tls: { version: 'TLSv1' } });
    expect(o.lowestTlsVersion).toBe('TLSv1');
    expect(m.microsoftHeaders.find((h) => h.name === 'X-MS-Exchange-Organization-AuthMechanism')!.valueMeaning).toBe('not documented');
  });
});

describe('outbound: on-premises → Exchange Online → the internet, as a list subscriber sees it', () => {
  // Modelled on public mailing-list copies of mail from hybrid organizations: the organization
  // headers were removed at egress (header firewall), the CrossTenant ones stay; DIR:OUT.
  it('crossed premises, CrossTenant-AuthAs Anonymous, outbound, last hop outside', async () => {
    const m = (await readFixture('outbound-hybrid-to-internet.eml')).messages[0]!;
    expect(m.hops.map((h) => [h.by, h.kind, h.date, h.delaySeconds])).toEqual([
      ['EX03.corp.contoso.com', 'exchange-on-premises', '2024-09-23T04:45:49.000Z', null],
      ['BN3PEPF0000B074.mail.protection.outlook.com', 'exchange-online', '2024-09-23T04:45:50.000Z', 1],
      ['CH2PR12MB4152.namprd12.prod.outlook.com', 'exchange-online', '2024-09-23T04:45:51.000Z', 1],
      ['lists.fabrikam.org', 'other', '2024-09-23T04:45:52.000Z', 1],
    ]);
    expect(m.verdicts).toMatchObject({
      crossedPremises: true,
      treatedAsInternal: false,
      internalBasis: 'X-MS-Exchange-CrossTenant-AuthAs: Anonymous',
      antispamDirection: 'outbound',
      tenantId: TENANT,
    });
    const o = toObservation(m);
    expect(o).toMatchObject({ authAs: null, crossTenantAuthAs: 'Anonymous', crossTenantFromEntityHeader: 'HybridOnPrem', antispamDirection: 'outbound', attributedTenantId: TENANT, crossTenantAuthSource: 'BN3PEPF0000B074.namprd04.prod.outlook.com' });
    const ff = Object.fromEntries(m.forefrontAntispamReport!.map((f) => [f.key, f]));
    expect(ff.DIR!.valueMeaning).toBe('outbound message');
    expect(ff.SFP!.meaning).toMatch(/diagnostics/);
  });
});
