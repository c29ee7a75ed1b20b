import { describe, expect, it } from 'vitest';
import { extensionsOf, ReplyAssembler, replyTranscript, serverNameOf } from '../../src/probe/smtp-reply.js';

/** RFC 5321 §4.2: `code-` continues a reply, `code ` ends it; RFC 3463 enhanced codes split off. */
describe('probe dialogue parser (no network)', () => {
  it('assembles a multi-line EHLO reply and lists its extensions as written', () => {
    const a = new ReplyAssembler();
    expect(a.feed('250-mx.contoso.com Hello')).toBeNull();
    expect(a.feed('250-STARTTLS')).toBeNull();
    const r = a.feed('250 SIZE 157286400');
    expect(r).toMatchObject({ code: 250, enhanced: null, lines: ['mx.contoso.com Hello', 'STARTTLS', 'SIZE 157286400'] });
    expect(extensionsOf((r as { lines: string[] }).lines)).toEqual(['STARTTLS', 'SIZE 157286400']);
    expect(replyTranscript(r as never)).toEqual(['S: 250-mx.contoso.com Hello', 'S: 250-STARTTLS', 'S: 250 SIZE 157286400']);
  });

  it('splits the enhanced status code of an Exchange Online refusal (NDR-CATALOG 5.7.64)', () => {
    const r = new ReplyAssembler().feed('550 5.7.64 TenantAttribution; Relay Access Denied');
    expect(r).toMatchObject({ code: 550, enhanced: '5.7.64', text: 'TenantAttribution; Relay Access Denied' });
  });

  it('keeps a masked keyword (Cisco ASA XXXXXXXA) as an extension', () => {
    const a = new ReplyAssembler();
    a.feed('250-mx.contoso.com');
    const r = a.feed('250 XXXXXXXA') as { lines: string[] };
    expect(extensionsOf(r.lines)).toEqual(['XXXXXXXA']);
  });

  it('refuses a line that is no reply, and a code that changes inside a reply', () => {
    expect(new ReplyAssembler().feed('hello there')).toHaveProperty('error');
    const a = new ReplyAssembler();
    a.feed('250-one');
    expect(a.feed('251 two')).toHaveProperty('error');
  });

  it('reads the server name from the banner (RFC 5321 §4.3.1), not from a masked one', () => {
    expect(serverNameOf('BN8NAM12FT045.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready')).toBe('BN8NAM12FT045.mail.protection.outlook.com');
    expect(serverNameOf('****************************')).toBeNull();
  });
});
