import { describe, expect, it } from 'vitest';
import { ipInRanges, parseIp, parseIpRange } from '../../src/engine/ip-address.js';

describe('connector IP ranges', () => {
  it('parses single addresses, CIDR blocks and start-end ranges', () => {
    expect(parseIpRange('203.0.113.10')).toMatchObject({ family: 4, prefixLength: 32 });
    expect(parseIpRange('203.0.113.0/24')).toMatchObject({ family: 4, prefixLength: 24 });
    expect(parseIpRange('203.0.113.10-203.0.113.20')).toMatchObject({ family: 4, prefixLength: null });
    expect(parseIpRange('2a01:111:f400::/48')).toMatchObject({ family: 6, prefixLength: 48 });
  });
  it('rejects what is not an address', () => {
    expect(parseIpRange('mx01.contoso.com')).toBeNull();
    expect(parseIpRange('300.1.1.1')).toBeNull();
    expect(parseIpRange('10.0.0.5-10.0.0.1')).toBeNull();
    expect(parseIp('1.2.3')).toBeNull();
  });
  it('a CIDR block contains exactly its addresses', () => {
    expect(ipInRanges('203.0.113.255', ['203.0.113.0/24'])).toBe(true);
    expect(ipInRanges('203.0.114.0', ['203.0.113.0/24'])).toBe(false);
    expect(ipInRanges('40.93.255.255', ['40.92.0.0/15'])).toBe(true);
    expect(ipInRanges('40.94.0.0', ['40.92.0.0/15'])).toBe(false);
  });
  it('matches ranges, IPv6 prefixes and IPv4-mapped IPv6 addresses', () => {
    expect(ipInRanges('10.0.0.15', ['10.0.0.10-10.0.0.20'])).toBe(true);
    expect(ipInRanges('10.0.0.21', ['10.0.0.10-10.0.0.20'])).toBe(false);
    expect(ipInRanges('2a01:111:f400:7e00::1', ['2a01:111:f400::/48'])).toBe(true);
    expect(ipInRanges('2a01:111:f401::1', ['2a01:111:f400::/48'])).toBe(false);
    expect(ipInRanges('::ffff:203.0.113.10', ['203.0.113.10'])).toBe(true);
  });
});

describe('IPv4 text forms', () => {
  it('refuses leading zeros (octal in some parsers) and accepts plain dotted quads', () => {
    expect(parseIp('010.1.1.1')).toBeNull();
    expect(parseIp('10.1.1.1')).toEqual({ family: 4, value: 167837953 });
    expect(parseIp('0.0.0.0')).toEqual({ family: 4, value: 0 });
  });
});
