import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { isFourPartDecimal, isIpAddress, isIpRange } from '../../src/model/ip-address.js';

// The hand check must accept exactly what ipaddr.js's isValidFourPartDecimal accepts (the rule
// Exchange applies to IPv4 text in SenderIPAddresses / RemoteIPRanges: dotted four-part decimal).
describe('four-part decimal IPv4 text', () => {
  it('agrees with ipaddr.js on edge cases', () => {
    const cases = ['0.0.0.0', '255.255.255.255', '256.1.1.1', '1.1.1', '1.1.1.1.', '.1.1.1.1', '1..1.1', '01.1.1.1', '1.1.1.00', '1.1.1.0', '10.1', '0x1.1.1.1', '1.1.1.1/24', ' 1.1.1.1', '1.1.1.1 ', '192.168.001.1', '999.999.999.999', '1.1.1.1a', '१.1.1.1', '', '1.2.3.4.5'];
    for (const c of cases) expect(isFourPartDecimal(c), JSON.stringify(c)).toBe(ipaddr.IPv4.isValidFourPartDecimal(c));
  });

  it('agrees with ipaddr.js on random texts made of digits and dots', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = '0123456789.00125';
    for (let n = 0; n < 50_000; n++) {
      let t = '';
      const len = 1 + (next() % 17);
      for (let i = 0; i < len; i++) t += alphabet[next() % alphabet.length];
      expect(isFourPartDecimal(t), t).toBe(ipaddr.IPv4.isValidFourPartDecimal(t));
    }
  });

  it('addresses and ranges as connectors hold them', () => {
    expect(isIpAddress(' 203.0.113.7 ')).toBe(true);
    expect(isIpAddress('2001:db8::1')).toBe(true);
    expect(isIpRange('203.0.113.0/24')).toBe(true);
    expect(isIpRange('203.0.113.1-203.0.113.9')).toBe(true);
    expect(isIpRange('203.0.113.1-2001:db8::1')).toBe(false);
    expect(isIpRange('10.1/8')).toBe(false);
  });
});
