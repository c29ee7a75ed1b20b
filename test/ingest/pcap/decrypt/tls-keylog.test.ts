import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { combineKeyLogs, parseKeyLog } from '../../../../src/ingest/pcap/tls-keylog.js';

const FIXTURE = new URL('../../../fixtures/pcap/keylog/malformed.keylog', import.meta.url);
const random = (digit: string): Buffer => Buffer.from(digit.repeat(64), 'hex');
const secret = (byte: string, bytes: number): Buffer => Buffer.from(byte.repeat(bytes), 'hex');

describe('NSS key log parsing', () => {
  const text = readFileSync(FIXTURE, 'latin1');
  const { keyLog, diagnostics } = parseKeyLog(text, 'malformed.keylog');

  it('reads the file with CRLF line ends, comments and blank lines, and counts every line', () => {
    expect(text).toContain('\r\n');
    // 18 lines that are neither blank nor comments: 7 kept, 4 with labels decryption does not need, 7 skipped.
    expect(keyLog.counts).toEqual({ lines: 18, used: 7, ignored: 4, malformed: 7 });
    expect(keyLog.size).toBe(3);
  });

  it('reports each malformed line with file:line and why, never the secret', () => {
    expect(diagnostics.map((d) => [d.location, d.severity])).toEqual([
      ['malformed.keylog:4', 'warning'],
      ['malformed.keylog:5', 'warning'],
      ['malformed.keylog:6', 'warning'],
      ['malformed.keylog:7', 'warning'],
      ['malformed.keylog:15', 'warning'],
      ['malformed.keylog:17', 'warning'],
      ['malformed.keylog:21', 'warning'],
    ]);
    const messages = diagnostics.map((d) => d.message);
    expect(messages[0]).toMatch(/client random must be 64 hex digits.*found 4 hex digits/);
    expect(messages[1]).toMatch(/secret must be 96 hex digits, found 4 hex digits/);
    expect(messages[2]).toMatch(/secret must be 64 or 96 hex digits, found 64 characters, not all hex/);
    expect(messages[3]).toMatch(/expected 3 fields .* found 2/);
    expect(messages[4]).toMatch(/given again with a different secret; the first one is kept/);
    expect(messages[5]).toMatch(/unknown label "PRE_MASTER_SECRET"/);
    expect(messages[6]).toMatch(/expected 3 fields .* found 4/);
    for (const m of messages) expect(m).not.toMatch(/aaaaaaaa|bbbbbbbb|dddddddd|08080808|44444444/);
  });

  it('gives each session its secrets by client random; the first of two different values wins', () => {
    expect(keyLog.secretsFor(random('1'))).toEqual({ masterSecret: secret('aa', 48) });
    expect(keyLog.secretsFor(random('5'))).toEqual({
      clientHandshakeTrafficSecret: secret('01', 32),
      serverHandshakeTrafficSecret: secret('02', 32),
      clientTrafficSecret0: secret('03', 32),
      serverTrafficSecret0: secret('04', 32),
    });
    // SHA-384 suites have 48-byte traffic secrets.
    expect(keyLog.secretsFor(random('7'))).toEqual({ clientTrafficSecret0: secret('0a', 48) });
    expect(keyLog.secretsFor(random('3'))).toBeNull();
    expect(keyLog.secretsFor(random('9'))).toBeNull();
    expect(keyLog.secretsFor(new Uint8Array(5))).toBeNull();
  });

  it('looks client randoms up whatever their case and whatever view of memory holds them', () => {
    const upper = `CLIENT_RANDOM ${'AB'.repeat(32)} ${'CD'.repeat(48)}`;
    const log = parseKeyLog(upper, 'upper.keylog').keyLog;
    const inside = Buffer.concat([Buffer.from([0, 0, 0]), Buffer.from('ab'.repeat(32), 'hex')]).subarray(3);
    expect(log.secretsFor(inside)?.masterSecret).toEqual(secret('cd', 48));
  });

  it('accepts a byte order mark, LF line ends and a last line without its end', () => {
    const cr = '12'.repeat(32);
    const { keyLog: log, diagnostics: d } = parseKeyLog(`\ufeff# made by hand\nCLIENT_RANDOM ${cr} ${'34'.repeat(48)}`, 'lf.keylog');
    expect(d).toEqual([]);
    expect(log.size).toBe(1);
  });

  it('garbage is many diagnostics, capped, and no throw', () => {
    const garbage = Array.from({ length: 500 }, (_, i) => `\u0000\u0001binary ${i} \u00ff`).join('\n');
    const { keyLog: log, diagnostics: d } = parseKeyLog(garbage, 'capture.pcap');
    expect(log.size).toBe(0);
    expect(log.counts).toMatchObject({ lines: 500, malformed: 500 });
    expect(d).toHaveLength(51);
    expect(d[50]).toEqual({ severity: 'warning', location: 'capture.pcap', message: '450 more key log lines skipped for the same kinds of reasons' });
    expect(d[0]!.message).toContain('"??binary"');
  });

  it('combines key logs: sessions from all, each secret from the first log that has it', () => {
    const cr = '5'.repeat(64);
    const a = parseKeyLog(`CLIENT_TRAFFIC_SECRET_0 ${cr} ${'01'.repeat(32)}\n`, 'a').keyLog;
    const b = parseKeyLog(`CLIENT_TRAFFIC_SECRET_0 ${cr} ${'02'.repeat(32)}\nSERVER_TRAFFIC_SECRET_0 ${cr} ${'03'.repeat(32)}\nCLIENT_RANDOM ${'6'.repeat(64)} ${'04'.repeat(48)}\n`, 'b').keyLog;
    const both = combineKeyLogs([a, b]);
    expect(both.size).toBe(2);
    expect(both.secretsFor(random('5'))).toEqual({ clientTrafficSecret0: secret('01', 32), serverTrafficSecret0: secret('03', 32) });
    expect(both.secretsFor(random('6'))).toEqual({ masterSecret: secret('04', 48) });
    expect(both.counts).toEqual({ lines: 4, used: 4, ignored: 0, malformed: 0 });
    expect(combineKeyLogs([]).size).toBe(0);
  });
});
