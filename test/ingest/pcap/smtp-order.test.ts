import { afterAll, describe, expect, it } from 'vitest';
import { ACK, Conversation, pcapFile, RST, type Segment } from './capture-builder.js';
import { readBytes, removeCaptureDirs } from './capture-files.js';

/**
 * Greeting and commands paired by direction and order (RFC 5321 §3.1, RFC 2920), sessions
 * recognised from either side (the PROXY protocol, haproxy proxy-protocol.txt; junk or TLS where
 * SMTP belongs), AUTH in a one-sided capture (RFC 4954 §4), and RST not ending what the other
 * side still sent.
 */

afterAll(removeCaptureDirs);

const CLIENT = { ip: '192.0.2.10', port: 49152 };
const SERVER = { ip: '198.51.100.25', port: 25 };
const EHLO_REPLY = '250-mx.contoso.com\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n';

async function read(c: Conversation, segments: Segment[] = c.segments) {
  const r = await readBytes(pcapFile(c.frames(1_700_000_000, segments)));
  expect(r.error).toBeNull();
  return r;
}

async function only(c: Conversation, segments?: Segment[]) {
  const r = await read(c, segments);
  expect(r.sessions).toHaveLength(1);
  return r.sessions[0]!;
}

describe('RFC 5321 §3.1: the server greets first; replies pair with commands in order, not by arrival', () => {
  it('Exim PIPE_CONNECT: EHLO sent before the 220 — banner, extensions and STARTTLS come out right', async () => {
    const s = await only(
      new Conversation(CLIENT, SERVER)
        .client('EHLO relay.fabrikam.com\r\n')
        .server(`220 mx.contoso.com ESMTP Exim 4.97\r\n${EHLO_REPLY}`)
        .client('QUIT\r\n')
        .server('221 mx.contoso.com closing connection\r\n')
        .close(),
    );
    expect(s.banner).toBe('mx.contoso.com ESMTP Exim 4.97');
    expect(s.serverName).toBe('mx.contoso.com');
    expect(s.ehlo).toBe('relay.fabrikam.com');
    expect(s.extensions).toEqual(['PIPELINING', 'STARTTLS', '8BITMIME']);
    expect(s.starttls).toBe('offered');
    expect(s.replies.map((r) => [r.command, r.code])).toEqual([
      ['<banner>', 220],
      ['EHLO', 250],
      ['QUIT', 221],
    ]);
    expect(s.notes.join('\n')).toMatch(/EHLO before the server's greeting/);
  });

  it('the ordinary order gives the same reading and no such note (twin)', async () => {
    const s = await only(new Conversation(CLIENT, SERVER).server('220 mx.contoso.com ESMTP Exim 4.97\r\n').client('EHLO relay.fabrikam.com\r\n').server(EHLO_REPLY).close());
    expect(s.banner).toBe('mx.contoso.com ESMTP Exim 4.97');
    expect(s.extensions).toEqual(['PIPELINING', 'STARTTLS', '8BITMIME']);
    expect(s.notes.join('\n')).not.toMatch(/before the server's greeting/);
  });

  it('a multi-line greeting split across 2-byte segments is recognised and read whole', async () => {
    const s = await only(
      new Conversation(CLIENT, SERVER, { mss: 2 })
        .server('220-mx.contoso.com ESMTP\r\n220 no UCE\r\n')
        .client('EHLO relay.fabrikam.com\r\n')
        .server(EHLO_REPLY)
        .close(),
    );
    expect(s.banner).toBe('mx.contoso.com ESMTP\nno UCE');
    expect(s.ehlo).toBe('relay.fabrikam.com');
    expect(s.starttls).toBe('offered');
  });

  it('PIPE_CONNECT then STARTTLS: the 220 to STARTTLS is paired with STARTTLS, and the TLS after it is read as TLS', async () => {
    const hello = Buffer.from([0x16, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0x0a, 0x0d]);
    const s = await only(
      new Conversation(CLIENT, SERVER)
        .client('EHLO relay.fabrikam.com\r\n')
        .server(`220 mx.contoso.com ESMTP Exim 4.97\r\n${EHLO_REPLY}`)
        .client('STARTTLS\r\n')
        .server('220 TLS go ahead\r\n')
        .client(hello)
        .close(),
    );
    expect(s.starttls).toBe('accepted');
    expect(s.replies.map((r) => [r.command, r.code])).toEqual([
      ['<banner>', 220],
      ['EHLO', 250],
      ['STARTTLS', 220],
    ]);
    expect(s.tls).not.toBeNull();
    expect(s.notes.join('\n')).not.toMatch(/where TLS was expected|masked/);
  });

  it('after an early EHLO, a STARTTLS the server itself refuses (454, RFC 3207 §4) is "refused", not masked', async () => {
    const s = await only(
      new Conversation(CLIENT, SERVER)
        .client('EHLO relay.fabrikam.com\r\n')
        .server(`220 mx.contoso.com ESMTP\r\n${EHLO_REPLY}`)
        .client('STARTTLS\r\n')
        .server('454 4.7.0 TLS not available due to local problem\r\n')
        .close(),
    );
    // 454 is a refusal by the server itself (RFC 3207 §4), not a rewritten command.
    expect(s.starttls).toBe('refused');
    expect(s.notes.join('\n')).not.toMatch(/masked/);
  });

  it('a reply captured before the command it answers is paired with that command (capture order is not wire order)', async () => {
    const c = new Conversation(CLIENT, SERVER).server('220 mx.contoso.com ESMTP\r\n').client('EHLO relay.fabrikam.com\r\n').server(EHLO_REPLY).client('MAIL FROM:<alice@fabrikam.com>\r\n').server('250 2.1.0 Ok\r\n').close();
    const segs = [...c.segments];
    const mail = segs.findIndex((x) => x.payload.toString().startsWith('MAIL'));
    const ok = segs.findIndex((x) => x.payload.toString().startsWith('250 2.1.0'));
    // The 250 shows up first; the MAIL segment, retransmitted, after it.
    [segs[mail], segs[ok]] = [segs[ok]!, segs[mail]!];
    const s = await only(c, segs);
    expect(s.transactions[0]!.mailFrom).toBe('alice@fabrikam.com');
    expect(s.transactions[0]!.replies.map((r) => [r.command, r.code])).toEqual([['MAIL', 250]]);
    expect(s.notes.join('\n')).toMatch(/1 server reply appears in the capture before the command it answers/);
  });

  it('a 421 nothing asked for stays unpaired at the end', async () => {
    const s = await only(new Conversation(CLIENT, SERVER).server('220 mx.contoso.com ESMTP\r\n').client('EHLO a.fabrikam.com\r\n').server(EHLO_REPLY).server('421 4.4.2 mx.contoso.com Error: timeout exceeded\r\n').close());
    expect(s.replies.map((r) => [r.command, r.code])).toEqual([
      ['<banner>', 220],
      ['EHLO', 250],
      [null, 421],
    ]);
  });
});

/** PROXY protocol v2 header (proxy-protocol.txt §2.2): signature, ver/cmd 0x21, family, length, addresses. */
function proxyV2(family: 'TCP4' | 'TCP6' | 'LOCAL'): Buffer {
  const sig = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
  if (family === 'LOCAL') return Buffer.concat([sig, Buffer.from([0x20, 0x00, 0, 0])]);
  if (family === 'TCP4') {
    const a = Buffer.from([203, 0, 113, 7, 198, 51, 100, 25, 0xc8, 0x22, 0, 25]);
    // A TLV after the addresses (PP2_TYPE_AUTHORITY) is skipped with the declared length.
    const tlv = Buffer.concat([Buffer.from([0x02, 0x00, 0x0b]), Buffer.from('contoso.com')]);
    return Buffer.concat([sig, Buffer.from([0x21, 0x11, 0, a.length + tlv.length]), a, tlv]);
  }
  const a = Buffer.concat([Buffer.from('20010db8000000000000000000000007', 'hex'), Buffer.from('20010db8000000000000000000000025', 'hex'), Buffer.from([0xc8, 0x22, 0, 25])]);
  return Buffer.concat([sig, Buffer.from([0x21, 0x21, 0, a.length]), a]);
}

describe('sessions recognised by the server side too: the client\'s first bytes need not be EHLO', () => {
  const afterHeader = (c: Conversation) => c.server('220 mx.contoso.com ESMTP Postfix\r\n').client('EHLO relay.fabrikam.com\r\n').server(EHLO_REPLY).client('QUIT\r\n').server('221 2.0.0 Bye\r\n').close();

  it('PROXY v1 (text): the proxied client address is reported, and the header is not a command', async () => {
    const s = await only(afterHeader(new Conversation(CLIENT, SERVER).client('PROXY TCP4 203.0.113.7 198.51.100.25 51234 25\r\n')));
    expect(s.proxiedClient).toEqual({ ip: '203.0.113.7', port: 51234, protocol: 'PROXY v1' });
    expect(s.dialogue.some((l) => l.includes('PROXY'))).toBe(false);
    expect(s.replies.map((r) => r.command)).toEqual(['<banner>', 'EHLO', 'QUIT']);
    expect(s.notes.join('\n')).toMatch(/PROXY protocol v1 header \(TCP4\).*from 203\.0\.113\.7:51234/);
    // The proxy "talks first" only by the header, which the spec puts before any byte.
    expect(s.notes.join('\n')).not.toMatch(/before the server's greeting/);
  });

  it('PROXY v2 (binary, IPv4 with a TLV, cut across 5-byte segments)', async () => {
    const c = new Conversation(CLIENT, SERVER, { mss: 5 }).client(proxyV2('TCP4'));
    const s = await only(afterHeader(c));
    expect(s.proxiedClient).toEqual({ ip: '203.0.113.7', port: 51234, protocol: 'PROXY v2' });
    expect(s.ehlo).toBe('relay.fabrikam.com');
    expect(s.banner).toBe('mx.contoso.com ESMTP Postfix');
  });

  it('PROXY v2 over IPv6, and LOCAL (a health check: no client address)', async () => {
    const v6 = await only(afterHeader(new Conversation(CLIENT, SERVER).client(proxyV2('TCP6'))));
    expect(v6.proxiedClient).toEqual({ ip: '2001:db8::7', port: 51234, protocol: 'PROXY v2' });
    const local = await only(afterHeader(new Conversation(CLIENT, SERVER).client(proxyV2('LOCAL'))));
    expect(local.proxiedClient).toBeNull();
    expect(local.notes.join('\n')).toMatch(/LOCAL/);
  });

  it('without a header there is no proxied client (twin)', async () => {
    expect((await only(afterHeader(new Conversation(CLIENT, SERVER)))).proxiedClient).toBeNull();
  });

  it('a bare EHLO with no name (RFC 5321 §4.1.1.1 requires one) keeps the session', async () => {
    const s = await only(new Conversation(CLIENT, SERVER).server('220 mx.contoso.com ESMTP\r\n').client('EHLO\r\n').server('501 Syntax: EHLO hostname\r\n').close());
    expect(s.ehloCommand).toBe('EHLO');
    expect(s.ehlo).toBeNull();
    expect(s.replies.map((r) => [r.command, r.code])).toEqual([
      ['<banner>', 220],
      ['EHLO', 501],
    ]);
  });

  it('a client that talks first with junk: the 220 decides, the junk is shown and noted', async () => {
    const s = await only(
      new Conversation(CLIENT, SERVER).client('GET / HTTP/1.0\r\n').server('220 mx.contoso.com ESMTP\r\n').server('502 5.5.2 Error: command not recognized\r\n').client('QUIT\r\n').server('221 Bye\r\n').close(),
    );
    expect(s.banner).toBe('mx.contoso.com ESMTP');
    expect(s.replies.map((r) => [r.command, r.code])).toEqual([
      ['<banner>', 220],
      ['GET', 502],
      ['QUIT', 221],
    ]);
    expect(s.notes.join('\n')).toMatch(/spoke before the server's greeting \("GET \/ HTTP\/1\.0"\)/);
  });

  it('a TLS ClientHello sent to port 25 before the greeting: the session is kept and the TLS noted', async () => {
    const hello = Buffer.concat([Buffer.from([0x16, 3, 1, 0, 8]), Buffer.from([1, 0, 0, 4, 3, 3, 0x0a, 0x0d])]);
    const s = await only(new Conversation(CLIENT, SERVER).client(hello).server('220 mx.contoso.com ESMTP\r\n').client('QUIT\r\n').server('221 Bye\r\n').close());
    expect(s.banner).toBe('mx.contoso.com ESMTP');
    expect(s.tls).toBeNull();
    expect(s.replies.map((r) => [r.command, r.code])).toEqual([
      ['<banner>', 220],
      ['QUIT', 221],
    ]);
    expect(s.notes.join('\n')).toMatch(/TLS records \(a ClientHello\) where SMTP commands were expected/);
  });

  it('traffic that is not SMTP on either side is still dropped', async () => {
    const r = await read(new Conversation(CLIENT, { ip: SERVER.ip, port: 80 }).client('GET / HTTP/1.1\r\nHost: x\r\n\r\n').server('HTTP/1.1 200 OK\r\n\r\n').close());
    expect(r.summary.smtpSessions).toBe(0);
  });
});

describe('RFC 4954 §4: AUTH whose replies the capture lacks', () => {
  const dialogue = (c: Conversation) =>
    c
      .server('220 mx.contoso.com ESMTP\r\n')
      .client('EHLO relay.fabrikam.com\r\n')
      .server('250-mx.contoso.com\r\n250 AUTH LOGIN PLAIN\r\n')
      .client('AUTH LOGIN\r\n')
      .server('334 VXNlcm5hbWU6\r\n')
      .client('YWxpY2U=\r\n')
      .server('334 UGFzc3dvcmQ6\r\n')
      .client('U3VwM3JTZWNyZXQ=\r\n')
      .server('235 2.7.0 Authentication successful\r\n')
      .client('MAIL FROM:<alice@fabrikam.com>\r\n')
      .server('250 2.1.0 Ok\r\n')
      .client('RCPT TO:<bob@contoso.com>\r\n')
      .server('250 2.1.5 Ok\r\n')
      .client('QUIT\r\n')
      .server('221 Bye\r\n')
      .close();

  it('one-sided (client only): resumes at MAIL FROM and says so; the credentials stay hidden', async () => {
    const c = dialogue(new Conversation(CLIENT, SERVER));
    const s = await only(c, c.segments.filter((x) => x.fromClient));
    expect(s.auth).toEqual([{ mechanism: 'LOGIN', code: null }]);
    expect(s.transactions).toHaveLength(1);
    expect(s.transactions[0]).toMatchObject({ mailFrom: 'alice@fabrikam.com', rcptTo: ['bob@contoso.com'] });
    expect(s.dialogue.join('\n')).not.toMatch(/YWxpY2U|U3VwM3JTZWNyZXQ/);
    expect(s.dialogue.filter((l) => l === 'C: [authentication data hidden]')).toHaveLength(2);
    expect(s.notes.join('\n')).toMatch(/no server reply to AUTH LOGIN .* from "MAIL" on; 2 line\(s\) before it were taken as authentication data/);
  });

  it('both sides captured: the exchange is hidden and no such note (twin)', async () => {
    const s = await only(dialogue(new Conversation(CLIENT, SERVER)));
    expect(s.auth).toEqual([{ mechanism: 'LOGIN', code: 235 }]);
    expect(s.transactions[0]!.mailFrom).toBe('alice@fabrikam.com');
    expect(s.notes.join('\n')).not.toMatch(/no server reply to AUTH/);
  });

  it('a base64 response line that looks like a verb stays hidden while the server answers', async () => {
    const s = await only(
      new Conversation(CLIENT, SERVER).server('220 mx ESMTP\r\n').client('EHLO a.b\r\n').server('250 AUTH LOGIN\r\n').client('AUTH LOGIN\r\n').server('334 VXNlcm5hbWU6\r\n').client('DATA\r\n').server('535 5.7.8 Error\r\n').close(),
    );
    expect(s.auth).toEqual([{ mechanism: 'LOGIN', code: 535 }]);
    expect(s.transactions).toHaveLength(0);
  });
});

describe('RST: the session does not end while the other side still has data in the capture', () => {
  it("the server's last reply captured after the client's RST is kept; closed by rst", async () => {
    const c = new Conversation(CLIENT, SERVER).server('220 mx.contoso.com ESMTP\r\n').client('EHLO relay.fabrikam.com\r\n').client('QUIT\r\n');
    const segs = [...c.segments];
    const clientNext = segs[segs.length - 1]!;
    segs.push({ fromClient: true, seq: clientNext.seq + clientNext.payload.length, ack: clientNext.ack, flags: RST | ACK, payload: Buffer.alloc(0) });
    const after = new Conversation(CLIENT, SERVER, { open: false, serverIsn: clientNext.ack, clientIsn: clientNext.seq + clientNext.payload.length }).server(`${EHLO_REPLY}221 Bye\r\n`);
    const s = await only(c, [...segs, ...after.segments]);
    expect(s.closedBy).toBe('rst');
    expect(s.extensions).toEqual(['PIPELINING', 'STARTTLS', '8BITMIME']);
    expect(s.replies.map((r) => r.command)).toEqual(['<banner>', 'EHLO', 'QUIT']);
  });

  it('a new SYN on the same ports after the RST starts a new session', async () => {
    const first = new Conversation(CLIENT, SERVER).server('220 one ESMTP\r\n').client('EHLO a.b\r\n');
    const last = first.segments[first.segments.length - 1]!;
    const rst: Segment = { fromClient: true, seq: last.seq + last.payload.length, ack: last.ack, flags: RST | ACK, payload: Buffer.alloc(0) };
    const second = new Conversation(CLIENT, SERVER, { clientIsn: 90000, serverIsn: 70000 }).server('220 two ESMTP\r\n').client('EHLO c.d\r\n').close();
    const frames = [...first.frames(1_700_000_000, [...first.segments, rst]), ...second.frames(1_700_000_001)];
    const r = await readBytes(pcapFile(frames));
    expect(r.sessions.map((s) => [s.banner, s.closedBy])).toEqual([
      ['one ESMTP', 'rst'],
      ['two ESMTP', 'fin'],
    ]);
  });
});

describe('RFC 3207: clear text after an accepted STARTTLS', () => {
  it('the client gives up on TLS and says QUIT in clear: both sides are read as SMTP', async () => {
    const s = await only(
      new Conversation(CLIENT, SERVER).server('220 mx.contoso.com ESMTP\r\n').client('EHLO a.fabrikam.com\r\n').server(EHLO_REPLY).client('STARTTLS\r\n').server('220 2.0.0 Ready to start TLS\r\n').client('QUIT\r\n').server('221 2.0.0 Bye\r\n').close(),
    );
    expect(s.starttls).toBe('accepted');
    expect(s.replies.map((r) => [r.command, r.code])).toEqual([
      ['<banner>', 220],
      ['EHLO', 250],
      ['STARTTLS', 220],
      ['QUIT', 221],
    ]);
    expect(s.tls).toBeNull();
    expect(s.notes.join('\n')).toMatch(/server went on in clear text/);
    expect(s.notes.join('\n')).not.toMatch(/where TLS was expected/);
  });
});

describe('PROXY header in front of implicit TLS (SMTPS on 465 behind HAProxy)', () => {
  it('the ClientHello after the header opens TLS from the first byte', async () => {
    const hello = Buffer.from([0x16, 3, 1, 0, 8, 1, 0, 0, 4, 3, 3, 0x0a, 0x0d]);
    const s = await only(new Conversation(CLIENT, { ip: SERVER.ip, port: 465 }).client(Buffer.concat([Buffer.from('PROXY TCP4 203.0.113.7 198.51.100.25 51234 465\r\n'), hello])).close());
    expect(s.proxiedClient).toMatchObject({ ip: '203.0.113.7' });
    expect(s.tls).toMatchObject({ implicit: true });
    expect(s.notes.join('\n')).not.toMatch(/TLS records \(a ClientHello\) where SMTP commands were expected/);
  });
});
