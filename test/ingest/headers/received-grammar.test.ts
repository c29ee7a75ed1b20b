import { describe, expect, it } from 'vitest';
import { parseReceived } from '../../../src/ingest/headers/received.js';
import { parseIsoLikeDate } from '../../../src/ingest/headers/received-date.js';

const DATE = 'Tue, 4 Mar 2025 10:00:00 +0000';
const ip = (value: string) => parseReceived(value).ip;

// RFC 5321 §4.4: From-domain = "FROM" FWS Extended-Domain;
//   Extended-Domain = Domain / ( Domain FWS "(" TCP-info ")" ) / ( address-literal FWS "(" TCP-info ")" );
//   TCP-info = address-literal / ( Domain FWS address-literal ).
// The first element is the EHLO name; the TCP-info holds the address "determined from the TCP connection".
describe('the client address of a Received from clause (RFC 5321 §4.4 TCP-info)', () => {
  it('the TCP-info wins over an address-literal EHLO name', () => {
    expect(ip(`from [192.168.1.100] (unknown [203.0.113.5]) by mx.example.net (Postfix) with ESMTP id Q; ${DATE}`)).toBe('203.0.113.5');
    expect(parseReceived(`from [192.168.1.100] (host.example.org [203.0.113.5]) by mx.example.net (Postfix) with ESMTP id Q; ${DATE}`).fromHost).toBe('host.example.org');
  });

  it('a literal labelled as the HELO is not the connection: the literal written first is (Exim without reverse DNS)', () => {
    expect(ip(`from [203.0.113.5] (helo=[192.168.1.100]) by mx.example.net with esmtp (Exim 4.96) id 1x; ${DATE}`)).toBe('203.0.113.5');
    expect(ip(`from [203.0.113.5] (helo=client.example) by mx.example.net with esmtp (Exim 4.96) id 1x; ${DATE}`)).toBe('203.0.113.5');
    // CommuniGate labels the HELO with the word before it.
    expect(ip(`from [128.114.2.223] (account user@example.edu HELO [10.10.10.10]) by mail.example.edu (CommuniGate Pro SMTP 4.3.7) with ESMTPSA id 88402416; ${DATE}`)).toBe('128.114.2.223');
    expect(ip(`from [65.17.198.50] (HELO greetings.example) by mail.example.org (CommuniGate Pro SMTP 5.1.3) with SMTP id 19467966; ${DATE}`)).toBe('65.17.198.50');
  });

  it('ident@ip (qmail) and the client port in every form', () => {
    expect(ip(`from unknown (HELO mail.example.com) (user@203.0.113.7) by mx.example.net with SMTP; ${DATE}`)).toBe('203.0.113.7');
    expect(ip(`from unknown (HELO mail.example.com) (203.0.113.8:23198) by mx.example.net with SMTP; ${DATE}`)).toBe('203.0.113.8');
    expect(ip(`from client.example (client.example [203.0.113.9:50387]) by mx.example.net with ESMTP id q; ${DATE}`)).toBe('203.0.113.9');
    expect(ip(`from relay.example.org ([203.0.113.9]:50387 "EHLO relay.example.org" rhost-flags-OK-OK-OK-OK) by vger.example.org with ESMTP id S17; ${DATE}`)).toBe('203.0.113.9');
    // Exim 3 wrote the port as a fifth dotted part inside the brackets.
    expect(ip(`from client.example ([203.0.113.10.4321] helo=client.example) by mx.example.net with esmtp (Exim 3.36 #1) id 1x; ${DATE}`)).toBe('203.0.113.10');
    // Outside brackets and without a colon, five dotted numbers are no address.
    expect(ip(`from client.example (203.0.113.10.4321) by mx.example.net with SMTP; ${DATE}`)).toBeNull();
  });

  it('a bare [ip] after the host name, outside the parentheses; IPv6 literals', () => {
    expect(ip(`from client.example [203.0.113.11] by mx.example.net with SMTP; ${DATE}`)).toBe('203.0.113.11');
    expect(ip(`from client.example (may be forged) [203.0.113.12] by mx.example.net with ESMTP; ${DATE}`)).toBe('203.0.113.12');
    expect(ip(`from client.example ([IPv6:2001:db8::1]) by mx.example.net with ESMTP id q; ${DATE}`)).toBe('2001:db8::1');
    expect(ip(`from [IPv6:2001:db8::1] by mx.example.net with ESMTP; ${DATE}`)).toBe('2001:db8::1');
  });

  it('an address-literal EHLO alone is the only address the stamp holds', () => {
    expect(ip(`from [198.51.100.7] by mx.example.net with SMTP; ${DATE}`)).toBe('198.51.100.7');
    expect(ip(`from client.example by mx.example.net with SMTP; ${DATE}`)).toBeNull();
  });
});

describe('clause values without the punctuation written after them', () => {
  it('`by mx.example.net, id …` and `with ESMTP (Nemesis), id …`', () => {
    const r = parseReceived(`from client.example ([203.0.113.5]) by mx.example.net, id 4X1y2Z; ${DATE}`);
    expect(r).toMatchObject({ by: 'mx.example.net', id: '4X1y2Z' });
    const n = parseReceived(`from client.example ([203.0.113.5]) by mail.example.de with ESMTP (Nemesis), id 0MKu60-1a2b3c; ${DATE}`);
    expect(n).toMatchObject({ by: 'mail.example.de', with: 'ESMTP', id: '0MKu60-1a2b3c', date: '2025-03-04T10:00:00.000Z' });
  });
});

describe('dates real relays write outside RFC 5322 §3.6.7 (read, with a note)', () => {
  it('SendGrid: no `;`, Go\'s time format — the date is not part of the id', () => {
    const r = parseReceived('by filter0225p1las1.sendgrid.net with SMTP id filter0225p1las1-15469-5AB8F7A8-1B 2018-03-26 13:35:36.27 +0000 UTC');
    expect(r).toMatchObject({ by: 'filter0225p1las1.sendgrid.net', with: 'SMTP', id: 'filter0225p1las1-15469-5AB8F7A8-1B', date: '2018-03-26T13:35:36.270Z' });
    expect(r.dateText).toBe('2018-03-26 13:35:36.27 +0000 UTC');
    expect(r.dateNote).toMatch(/without the ";" RFC 5322 §3\.6\.7/);
  });

  it('an RFC 5322 date without the `;` is read with the same note', () => {
    const r = parseReceived('from a.example ([192.0.2.1]) by b.example with SMTP id 42 Tue, 4 Mar 2025 10:00:00 +0100');
    expect(r).toMatchObject({ id: '42', date: '2025-03-04T09:00:00.000Z' });
    expect(r.dateNote).toMatch(/RFC 5322 date-time/);
  });

  it('an ISO 8601 date after the `;` is read with a note; an RFC 5322 date has none', () => {
    const r = parseReceived('from a.example ([192.0.2.1]) by b.example with SMTP id 42; 2018-03-26T13:35:36Z');
    expect(r).toMatchObject({ date: '2018-03-26T13:35:36.000Z' });
    expect(r.dateNote).toMatch(/ISO 8601/);
    expect(parseReceived(`from a by b with SMTP; ${DATE}`).dateNote).toBeNull();
  });

  it('no zone, no date: the instant would be a guess', () => {
    expect(parseIsoLikeDate('2018-03-26 13:35:36')).toBeNull();
    expect(parseIsoLikeDate('2018-02-30 13:35:36 +0000')).toBeNull();
    expect(parseIsoLikeDate('2018-03-26 13:35:36 -0130')).toBe(Date.UTC(2018, 2, 26, 15, 5, 36));
    const r = parseReceived('from a by b with SMTP id 42 2018-03-26 13:35:36');
    expect(r).toMatchObject({ date: null, dateNote: null });
  });
});

describe('linear on hostile text', () => {
  it('100,000 `[` words, `@` runs and dotted numbers in a from comment', () => {
    const words = Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? '[' : i % 3 === 1 ? '@@@' : '1.2.3.4.5.6')).join(' ');
    const started = performance.now();
    const r = parseReceived(`from x (${words} [192.0.2.9]) by y with SMTP id ${'9 '.repeat(50_000)}; ${DATE}`);
    expect(r.ip).toBe('192.0.2.9');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
