import { describe, expect, it } from 'vitest';
import { SmtpDialogue } from '../../../src/ingest/pcap/smtp-dialogue.js';
import { replyCodeOf, splitEnhanced } from '../../../src/ingest/pcap/smtp-text.js';

/** Reply lines (RFC 5321 §4.2: three digits, then `-` on all but the last line or SP) and RFC 3463 enhanced codes. */

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('RFC 5321 §4.2 reply lines', () => {
  it('joins a multi-line reply, each line without its enhanced code, and shows each line as sent', () => {
    const d = new SmtpDialogue(true);
    d.server(bytes('220 mx.contoso.com ESMTP\r\n'), 1);
    d.client(bytes('EHLO a.fabrikam.com\r\nMAIL FROM:<a@fabrikam.com>\r\n'), 2);
    d.server(bytes('250-mx.contoso.com\r\n250 SIZE 1000\r\n550-5.7.1 Relay denied\r\n550 5.7.1 see https://x.example\r\n'), 3);
    d.finish();
    expect(d.replies.map((r) => [r.command, r.code, r.enhanced, r.text])).toEqual([
      ['<banner>', 220, null, 'mx.contoso.com ESMTP'],
      ['EHLO', 250, null, 'mx.contoso.com\nSIZE 1000'],
    ]);
    expect(d.transactions[0]!.replies.map((r) => [r.code, r.enhanced, r.text])).toEqual([[550, '5.7.1', 'Relay denied\nsee https://x.example']]);
    expect(d.dialogue).toContain('S: 550-5.7.1 Relay denied');
    expect(d.dialogue).toContain('S: 550 5.7.1 see https://x.example');
  });

  it('shows a line that is not a reply as it came (no three digits, or a stray line break inside)', () => {
    const d = new SmtpDialogue(true);
    d.server(bytes('220 mx.contoso.com\r\n'), 1);
    d.server(bytes('25x nonsense\r\n250 a\rb\r\n250 a\u2028b\r\n'), 2);
    d.finish();
    expect(d.replies).toHaveLength(1);
    expect(d.dialogue).toEqual(['S: 220 mx.contoso.com', 'S: 25x nonsense', 'S: 250 a\rb', 'S: 250 a\u2028b']);
  });

  it('reads a bare code, and digits running on past the code as text', () => {
    const d = new SmtpDialogue(true);
    d.server(bytes('220\r\n'), 1);
    d.client(bytes('NOOP\r\n'), 2);
    d.server(bytes('2500 ok\r\n'), 3);
    d.finish();
    expect(d.replies.map((r) => [r.code, r.text])).toEqual([
      [220, ''],
      [250, '0 ok'],
    ]);
  });
});

describe('reply codes and RFC 3463 enhanced codes', () => {
  it('replyCodeOf reads three ASCII digits only', () => {
    expect(replyCodeOf('554 no')).toBe(554);
    expect(replyCodeOf('250')).toBe(250);
    expect(replyCodeOf('25')).toBe(-1);
    expect(replyCodeOf('2a0 x')).toBe(-1);
    expect(replyCodeOf('٢٥٠ x')).toBe(-1);
  });

  it('splitEnhanced takes the code only when its class is the reply’s', () => {
    expect(splitEnhanced(550, '5.1.1 unknown')).toEqual({ enhanced: '5.1.1', text: 'unknown' });
    expect(splitEnhanced(250, '5.1.1 unknown')).toEqual({ enhanced: null, text: '5.1.1 unknown' });
    expect(splitEnhanced(354, '3.0.0 go')).toEqual({ enhanced: null, text: '3.0.0 go' });
    expect(splitEnhanced(250, '2.0.0')).toEqual({ enhanced: '2.0.0', text: '' });
    expect(splitEnhanced(250, '')).toEqual({ enhanced: null, text: '' });
  });
});
