import { describe, expect, it } from 'vitest';
import { MAX_STATUS_TEXT } from '../../src/model/ndr.js';
import { ndrEntry } from '../../src/model/ndr-catalog.js';
import { MAX_STATUSES, recogniseStatuses } from '../../src/model/ndr-recognise.js';

/** Texts as NDR-CATALOG.md writes them (variable parts filled with synthetic names). */
const ATTR34 = '554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [AM0PR01MB1234.eop-EUR01.prod.protection.outlook.com]';
const DBEB = '550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB5PR02MB5678.eop-eur02.prod.protection.outlook.com]';
const RELAY = '550 5.4.1 Relay Access Denied';
const ATTR36 = '550 5.7.64 Relay Access Denied ATTR36. For more details please refer to: https://support.microsoft.com/kb/3169958';
const ATTR35 = '451 4.4.62 Mail sent to the wrong Office 365 region. ATTR35.';
const STARTTLS_LED = '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail]';

const ids = (text: string): string[] => recogniseStatuses(text).map((s) => s.entryId);

describe('recogniseStatuses: NDR-CATALOG texts', () => {
  it('reads the basic code, the enhanced code, the text and the offset', () => {
    const [s, ...rest] = recogniseStatuses(`Remote Server returned '${ATTR34}'`);
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ entryId: '5.4.14-hop-count-attr34', basicCode: 554, enhancedCode: '5.4.14', markers: ['ATTR34'] });
    expect(s!.offset).toBe("Remote Server returned '".length);
    expect(s!.text).toBe(ATTR34);
  });

  it('several statuses in one text, in order of appearance', () => {
    const text = `${ATTR35} Then: ${DBEB}\n${ATTR36}\nfinally 550 4.4.7 QUEUE.Expired; message expired`;
    const found = recogniseStatuses(text);
    expect(found.map((s) => s.entryId)).toEqual(['4.4.62-wrong-region-attr35', '5.4.1-dbeb', '5.7.64-attr36', '4.4.7-queue-expired']);
    expect(found.map((s) => s.offset)).toEqual([...found.map((s) => s.offset)].sort((a, b) => a - b));
    expect(found[0]!.markers).toEqual(['ATTR35']);
    expect(found[1]!.markers).toEqual(['AS(201806281)']);
    expect(found[2]!.markers).toEqual(['ATTR36']);
    expect(found[3]!.markers).toEqual(['QUEUE.Expired']);
  });

  it('452 4.5.3 … ATTR38 is the mixed-region deferral; without ATTR38 the documented "Too many recipients"', () => {
    expect(ids('452 4.5.3 Too many recipients ATTR38')).toEqual(['4.5.3-attr38-mixed-region']);
    expect(ids('452 4.5.3 Too many recipients')).toEqual(['4.5.3-too-many-recipients']);
  });

  it('5.4.1: "Relay Access Denied" and DBEB "Recipient address rejected" are told apart by their text', () => {
    expect(ids(RELAY)).toEqual(['5.4.1-relay-access-denied']);
    expect(ids(DBEB)).toEqual(['5.4.1-dbeb']);
    expect(ids('mail.contoso.com #550 5.4.1 Relay Access Denied ##')).toEqual(['5.4.1-relay-access-denied']);
  });

  it('a trace LED= with [Message=451 5.7.3 STARTTLS …] is the 4.4.317 STARTTLS entry, and the quoted reply a status too (M8, NDR-CATALOG)', () => {
    const row = `Reason: [{LED=${STARTTLS_LED}};{MSG=};{FQDN=mail.contoso.com};{IP=203.0.113.25};{LRT=}]`;
    const found = recogniseStatuses(row);
    expect(found.map((s) => [s.entryId, s.basicCode, s.enhancedCode])).toEqual([
      ['4.4.317-starttls-required', 450, '4.4.317'],
      ['5.7.3-starttls-required-exo-deferral', 451, '5.7.3'],
    ]);
    expect(found[0]!.text).toBe(STARTTLS_LED);
    expect(found[1]!.text).toBe('451 5.7.3 STARTTLS is required to send mail');
    expect(ndrEntry(found[1]!.entryId)!.rules).toContain('exo-to-onprem-starttls-unavailable');
  });

  it('451 5.7.3 STARTTLS is required in an on-premises queue is the sender-side entry (trace-onprem-send-tls-error)', () => {
    const found = recogniseStatuses('LastError: 451 5.7.3 STARTTLS is required to send mail');
    expect(found.map((s) => s.entryId)).toEqual(['5.7.3-starttls-required-onprem-sender']);
    expect(ndrEntry(found[0]!.entryId)!.rules).toEqual(['trace-onprem-send-tls-error']);
  });

  it('4.4.317 with SubjectMismatch or UntrustedRoot is certificate validation (exo-to-onprem-tls-validation-fails)', () => {
    const mismatch = recogniseStatuses('450 4.4.317 Cannot connect to remote server [Message=SubjectMismatch Expected Subject: mail.contoso.com. Presented Subject: CN=EX02 …]');
    expect(mismatch.map((s) => s.entryId)).toEqual(['4.4.317-subject-mismatch']);
    expect(mismatch[0]!.markers).toEqual(['SubjectMismatch']);
    const untrusted = recogniseStatuses('450 4.4.317 Cannot connect to remote server [Message=UntrustedRoot]');
    expect(untrusted.map((s) => s.entryId)).toEqual(['4.4.317-untrusted-root']);
    expect(untrusted[0]!.markers).toEqual(['UntrustedRoot']);
    expect(ids('450 4.7.320 Certificate validation failed [Message=SubjectMismatch]')).toEqual(['4.7.320-certificate-validation-failed']);
  });

  it('the LED window ends with its own brace: a following status does not lend its words', () => {
    const text = '[{LED=450 4.4.317 Cannot connect to remote server};{MSG=x}] and later [Message=UntrustedRoot]';
    expect(ids(text)).toEqual(['4.4.317-cannot-connect']);
  });

  it('a quoted inner reply stays with its outer status and is recognised itself ("Primary target … responded with")', () => {
    const text = `450 4.7.0 Proxy session setup failed on Frontend with '451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out." Attempted failover to alternate host, but that did not succeed.'`;
    const found = recogniseStatuses(text);
    expect(found.map((s) => s.entryId)).toEqual(['4.7.0-proxy-session-setup-failed', '4.4.0-primary-target-responded', '4.4.1-connection-timed-out']);
    expect(found[2]!.text).toBe('421 4.4.1 Connection timed out.');
  });

  it('UnknownCredentials / NoCredentials in a send protocol log are a status without a code', () => {
    const log = '2026-11-20T08:00:01.000Z,Outbound to Office 365,08DD1,3,10.0.0.5:25123,104.47.1.1:25,*,,TLS negotiation failed with error UnknownCredentials\n' +
      '2026-11-20T08:00:02.000Z,Outbound to Office 365,08DD2,3,10.0.0.5:25124,104.47.1.1:25,*,,TLS negotiation failed with error NoCredentials';
    const found = recogniseStatuses(log);
    expect(found.map((s) => [s.entryId, s.enhancedCode, s.markers[0]])).toEqual([
      ['tls-no-credentials', null, 'UnknownCredentials'],
      ['tls-no-credentials', null, 'NoCredentials'],
    ]);
    expect(found[0]!.text).not.toContain('\n');
    expect(ndrEntry('tls-no-credentials')!.rules).toContain('trace-onprem-send-tls-error');
  });

  it('ranges: 4.7.500-699 (ASxxx), 4.7.850-899, 5.7.606-649, x.7.321-325 (NDR-CATALOG families)', () => {
    expect(ids('451 4.7.550 Access denied, please try again later (AS761)')).toEqual(['4.7.5xx-as-graylisted']);
    expect(recogniseStatuses('451 4.7.550 Access denied, please try again later (AS761)')[0]!.markers).toEqual(['AS(761)']);
    expect(ids('451 4.7.852 Access denied, please try again later')).toEqual(['4.7.85x-ip-throttled']);
    expect(ids('550 5.7.610 Access denied, banned sending IP [192.0.2.10]')).toEqual(['5.7.606-649-banned-ip']);
    expect(ids('4.7.323 tlsa-invalid: the destination TLSA record')).toEqual(['x.7.323-dane-tlsa-invalid']);
    expect(ids('5.7.325 certificate-host-mismatch')).toEqual(['x.7.325-dane-certificate-host-mismatch']);
  });

  it('a code of a catalog family with other words maps to the family entry (5.7.64 → tenant attribution)', () => {
    expect(ids('550 5.7.64 some future wording')).toEqual(['5.7.64-tenant-attribution']);
    expect(ids('450 4.4.317 Cannot connect to remote server [Message=something new]')).toEqual(['4.4.317-cannot-connect']);
  });

  it('case-insensitive', () => {
    expect(ids('550 5.4.1 RECIPIENT ADDRESS REJECTED: ACCESS DENIED')).toEqual(['5.4.1-dbeb']);
    expect(recogniseStatuses('554 5.4.14 hop count exceeded - possible mail loop attr34')[0]!.markers).toEqual(['ATTR34']);
  });
});

describe('recogniseStatuses: no guess', () => {
  it('text without a status, or with a code the catalog does not list, yields nothing', () => {
    expect(recogniseStatuses('')).toEqual([]);
    expect(recogniseStatuses('The message was delivered. Thanks!')).toEqual([]);
    expect(recogniseStatuses('550 5.2.2 mailbox full')).toEqual([]);
    expect(recogniseStatuses('250 2.6.0 <abc@contoso.com> Queued mail for delivery')).toEqual([]);
  });

  it('codes with many meanings outside hybrid mail flow need the catalog text (5.7.1, 5.7.3, 4.4.0)', () => {
    expect(recogniseStatuses('550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus')).toEqual([]);
    expect(recogniseStatuses('535 5.7.3 Authentication unsuccessful')).toEqual([]);
    expect(recogniseStatuses('451 4.4.0 DNS query failed')).toEqual([]);
  });

  it('IP addresses, build numbers and dotted versions are not codes', () => {
    expect(recogniseStatuses('Client 10.4.4.7 build 15.2.1748.39 and 192.5.7.64 and v5.7.64.1')).toEqual([]);
  });
});

describe('recogniseStatuses: hostile input (linear scan, bounded results)', () => {
  it('1 MB of "5.5.5.5." yields nothing', () => {
    expect(recogniseStatuses('5.5.5.5.'.repeat(131072))).toEqual([]);
  });

  it('1 MB of digits and dots yields only catalog statuses, at most MAX_STATUSES, each text bounded', () => {
    let seed = 7;
    const chars: string[] = [];
    for (let i = 0; i < 1 << 20; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      chars.push('0123456789..'[seed % 12]!);
    }
    const found = recogniseStatuses(chars.join(''));
    expect(found.length).toBeLessThanOrEqual(MAX_STATUSES);
    for (const s of found) {
      expect(ndrEntry(s.entryId)).toBeDefined();
      expect(s.text.length).toBeLessThanOrEqual(MAX_STATUS_TEXT);
    }
  });

  it('200 KB without a line break, with the status at its end, still finds it', () => {
    const text = `${'x[{"5.'.repeat(40000)} ${ATTR34}`;
    const found = recogniseStatuses(text);
    expect(found.map((s) => s.entryId)).toEqual(['5.4.14-hop-count-attr34']);
    expect(found[0]!.offset).toBe(text.indexOf('554 5.4.14'));
  });

  it('1 MB of one status repeated is cut at MAX_STATUSES; 500 KB of open brackets cannot widen a status past MAX_STATUS_TEXT', () => {
    const many = recogniseStatuses('550 5.7.64 TenantAttribution; Relay Access Denied '.repeat(20000));
    expect(many.length).toBe(MAX_STATUSES);
    expect(new Set(many.map((s) => s.entryId))).toEqual(new Set(['5.7.64-tenant-attribution']));
    const nested = recogniseStatuses(`450 4.4.317 ${'[Message=451 5.7.3 STARTTLS is required '.repeat(15000)}`);
    expect(nested.length).toBe(MAX_STATUSES);
    for (const s of nested) expect(s.text.length).toBeLessThanOrEqual(MAX_STATUS_TEXT);
  });

  it('1 MB of credentials keywords is bounded too', () => {
    const found = recogniseStatuses('NoCredentials '.repeat(80000));
    expect(found.length).toBe(MAX_STATUSES);
  });
});
