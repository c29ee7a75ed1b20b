import { afterAll, describe, expect, it } from 'vitest';
import { ACK, Conversation, ethernet, ipv4, ipv6, pcapFile, plainSmtp, PSH, RST, tcp, type Segment } from './capture-builder.js';
import { readBytes, removeCaptureDirs } from './capture-files.js';

afterAll(removeCaptureDirs);

const CLIENT = { ip: '192.0.2.10', port: 49152 };
const SERVER = { ip: '198.51.100.25', port: 25 };

async function read(c: Conversation, segments: Segment[] = c.segments) {
  const r = await readBytes(pcapFile(c.frames(1_700_000_000, segments)));
  expect(r.error).toBeNull();
  return r;
}

/** A conversation cut into small segments so reordering has something to work on. */
function smallSegments(): Conversation {
  return plainSmtp(new Conversation(CLIENT, SERVER, { mss: 7 })).close();
}

describe('SMTP dialogue', () => {
  it('reads banner, EHLO, extensions, the transaction and every reply with its enhanced code', async () => {
    const r = await read(plainSmtp(new Conversation(CLIENT, SERVER)).close());
    const s = r.sessions[0]!;
    expect(s.banner).toBe('mail.contoso.com ESMTP Postfix');
    expect(s.serverName).toBe('mail.contoso.com');
    expect(s.ehloCommand).toBe('EHLO');
    expect(s.ehlo).toBe('client.fabrikam.com');
    expect(s.extensions).toEqual(['PIPELINING', 'SIZE 10240000', 'STARTTLS', 'ENHANCEDSTATUSCODES', '8BITMIME']);
    expect(s.starttls).toBe('offered');
    expect(s.tls).toBeNull();
    expect(s.transactions).toHaveLength(1);
    const t = s.transactions[0]!;
    expect(t.mailFrom).toBe('alice@fabrikam.com');
    expect(t.rcptTo).toEqual(['bob@contoso.com']);
    expect(t.outcome).toBe('accepted');
    expect(t.replies.map((x) => [x.command, x.code, x.enhanced, x.text])).toEqual([
      ['MAIL', 250, '2.1.0', 'Ok'],
      ['RCPT', 250, '2.1.5', 'Ok'],
      ['DATA', 354, null, 'End data with <CR><LF>.<CR><LF>'],
      ['<end-of-data>', 250, '2.0.0', 'Ok: queued as 4ABC123'],
    ]);
    // "Subject: test\r\n\r\nHello\r\n..leading dot\r\n.\r\n": content up to and including the end-of-data line.
    expect(t.messageBytes).toBe(Buffer.byteLength('Subject: test\r\n\r\nHello\r\n..leading dot\r\n.\r\n'));
    expect(s.replies.map((x) => x.command)).toEqual(['<banner>', 'EHLO', 'QUIT']);
    expect(s.dialogue).toContain(`C: [message content, ${t.messageBytes} bytes]`);
    expect(s.dialogue).not.toContain('C: Hello');
  });

  it('a rejected recipient makes a rejected transaction', async () => {
    const r = await read(plainSmtp(new Conversation(CLIENT, SERVER), { rejectRcpt: true }).close());
    const t = r.sessions[0]!.transactions[0]!;
    expect(t.outcome).toBe('rejected');
    expect(t.replies[1]).toMatchObject({ command: 'RCPT', code: 550, enhanced: '5.1.1' });
  });

  it('pairs pipelined commands with their replies, skips BDAT chunks by size, and keeps AUTH to its mechanism', async () => {
    const secret = Buffer.from('\0alice\0Sup3rSecret').toString('base64');
    const c = new Conversation(CLIENT, { ip: '198.51.100.25', port: 587 })
      .server('220 smtp.contoso.com Microsoft ESMTP MAIL Service ready\r\n')
      .client('EHLO client.fabrikam.com\r\n')
      .server('250-smtp.contoso.com Hello [192.0.2.10]\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 AUTH LOGIN PLAIN\r\n')
      .client(`AUTH PLAIN ${secret}\r\n`)
      .server('235 2.7.0 Authentication successful\r\n')
      .client('AUTH LOGIN\r\n')
      .server('334 VXNlcm5hbWU6\r\n')
      .client(`${Buffer.from('alice').toString('base64')}\r\n`)
      .server('334 UGFzc3dvcmQ6\r\n')
      .client(`${Buffer.from('Sup3rSecret').toString('base64')}\r\n`)
      .server('535 5.7.3 Authentication unsuccessful\r\n')
      .client('MAIL FROM:<alice@contoso.com>\r\nRCPT TO:<a@fabrikam.com>\r\nRCPT TO:<b@fabrikam.com>\r\nBDAT 15\r\nMAIL FROM:<x>')
      .client('\r\nBDAT 5 LAST\r\nABCDE')
      .server('250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n452 4.5.3 Too many recipients\r\n250 2.6.0 15 bytes received\r\n250 2.6.0 Queued mail for delivery\r\n')
      .close();
    const r = await read(c);
    const s = r.sessions[0]!;
    expect(s.auth).toEqual([
      { mechanism: 'PLAIN', code: 235 },
      { mechanism: 'LOGIN', code: 535 },
    ]);
    const text = JSON.stringify(s);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from('alice').toString('base64'));
    expect(text).not.toContain('Sup3rSecret');
    expect(text).not.toContain('VXNlcm5hbWU6');
    expect(s.dialogue).toContain('C: AUTH PLAIN [credentials hidden]');
    const t = s.transactions[0]!;
    expect(t.rcptTo).toEqual(['a@fabrikam.com', 'b@fabrikam.com']);
    // "MAIL FROM:<x>\r\n" inside the chunk is content, not a command.
    expect(t.messageBytes).toBe(20);
    expect(t.replies.map((x) => `${x.command} ${x.code}`)).toEqual(['MAIL 250', 'RCPT 250', 'RCPT 452', 'BDAT 250', 'BDAT 250']);
    expect(t.outcome).toBe('accepted');
    expect(s.transactions).toHaveLength(1);
  });
});

describe('STARTTLS masking by a firewall (scenario S4.7)', () => {
  const masked = (ehloReply: string, after: (c: Conversation) => void = () => undefined) => {
    const c = new Conversation(CLIENT, SERVER).server('220 mail.contoso.com ESMTP\r\n').client('EHLO exo.outlook.com\r\n').server(ehloReply);
    after(c);
    return c.client('QUIT\r\n').server('221 2.0.0 Bye\r\n').close();
  };

  it('XXXXXXXA in the EHLO reply (Cisco ASA ESMTP inspection)', async () => {
    const s = (await read(masked('250-mail.contoso.com\r\n250-PIPELINING\r\n250-XXXXXXXA\r\n250 8BITMIME\r\n'))).sessions[0]!;
    expect(s.starttls).toBe('masked');
    expect(s.extensions).toContain('XXXXXXXA');
    expect(s.notes.join(' ')).toMatch(/masked/);
  });

  it('asterisk lines in place of keywords (PIX fixup) and its masked banner', async () => {
    const c = new Conversation(CLIENT, SERVER).server('220 ****2****0***\r\n').client('EHLO exo.outlook.com\r\n').server('250-mail.contoso.com\r\n250-**********\r\n250 ********\r\n').close();
    const s = (await read(c)).sessions[0]!;
    expect(s.starttls).toBe('masked');
    expect(s.notes.join(' ')).toMatch(/banner is masked/);
  });

  it('a 500 to STARTTLS after it was offered', async () => {
    const s = (await read(masked('250-mail.contoso.com\r\n250 STARTTLS\r\n', (c) => c.client('STARTTLS\r\n').server('500 5.3.3 Unrecognized command\r\n')))).sessions[0]!;
    expect(s.starttls).toBe('masked');
  });

  it('a 454 is a refusal, not masking', async () => {
    const s = (await read(masked('250-mail.contoso.com\r\n250 STARTTLS\r\n', (c) => c.client('STARTTLS\r\n').server('454 4.7.0 TLS not available due to local problem\r\n')))).sessions[0]!;
    expect(s.starttls).toBe('refused');
  });

  it('no STARTTLS and nothing masked is none', async () => {
    const s = (await read(masked('250-mail.contoso.com\r\n250 SIZE 1000\r\n'))).sessions[0]!;
    expect(s.starttls).toBe('none');
  });
});

describe('TCP reassembly', () => {
  const expected = async () => (await read(smallSegments())).sessions[0]!;

  it('puts out-of-order segments back in order', async () => {
    const c = smallSegments();
    const segs = [...c.segments];
    // Swap neighbours throughout the data.
    for (let i = 3; i + 1 < segs.length - 3; i += 2) [segs[i], segs[i + 1]] = [segs[i + 1]!, segs[i]!];
    const s = (await read(c, segs)).sessions[0]!;
    const e = await expected();
    expect(s.dialogue).toEqual(e.dialogue);
    const gist = (ts: typeof s.transactions) => ts.map((t) => ({ ...t, packet: 0, replies: t.replies.map((x) => ({ ...x, packet: 0 })) }));
    expect(gist(s.transactions)).toEqual(gist(e.transactions));
    expect(s.gaps).toEqual([]);
  });

  it('ignores retransmissions and keeps the first copy of overlapping bytes', async () => {
    const c = smallSegments();
    const segs: Segment[] = [];
    for (const s of c.segments) {
      segs.push(s);
      if (s.payload.length > 0) {
        // The same segment again, and one overlapping it whose bytes differ: the first copy wins.
        segs.push(s);
        segs.push({ ...s, payload: Buffer.concat([Buffer.alloc(Math.min(3, s.payload.length), 0x21), s.payload.subarray(3)]) });
      }
    }
    const s = (await read(c, segs)).sessions[0]!;
    expect(s.dialogue).toEqual((await expected()).dialogue);
  });

  it('flags bytes the capture lacks as missing, never inventing them, and resumes at the next line', async () => {
    const c = plainSmtp(new Conversation(CLIENT, SERVER)).close();
    const rcpt = c.segments.findIndex((s) => s.payload.toString().startsWith('RCPT TO'));
    const segs = c.segments.filter((_, i) => i !== rcpt);
    const s = (await read(c, segs)).sessions[0]!;
    expect(s.gaps).toEqual([{ from: 'client', bytes: 'RCPT TO:<bob@contoso.com>\r\n'.length, packet: expect.any(Number) }]);
    expect(s.transactions[0]!.rcptTo).toEqual([]);
    expect(s.dialogue).toContain(`C: [${'RCPT TO:<bob@contoso.com>\r\n'.length} bytes missing from the capture]`);
    expect(s.notes.join(' ')).toMatch(/lacks 27 bytes/);
  });

  it('joins a connection already open (no SYN): takes the first sequence number seen and finds the client by port', async () => {
    const c = plainSmtp(new Conversation(CLIENT, SERVER, { open: false })).close();
    // Start at the client's MAIL FROM.
    const from = c.segments.findIndex((s) => s.payload.toString().startsWith('MAIL'));
    const s = (await read(c, c.segments.slice(from))).sessions[0]!;
    expect(s.sawOpen).toBe(false);
    expect(s.client).toBe('192.0.2.10:49152');
    expect(s.banner).toBeNull();
    expect(s.transactions[0]).toMatchObject({ mailFrom: 'alice@fabrikam.com', rcptTo: ['bob@contoso.com'], outcome: 'accepted' });
    expect(s.notes.join(' ')).toMatch(/already open/);
  });

  it('finds client and server by the 220 banner on ports that are not SMTP ports, and closes on RST', async () => {
    const c = new Conversation({ ip: '192.0.2.10', port: 40000 }, { ip: '198.51.100.26', port: 10025 }, { open: false })
      .server('220 filter.contoso.com ESMTP\r\n')
      .client('EHLO mail.contoso.com\r\n')
      .server('250 filter.contoso.com\r\n');
    const rst: Segment = { fromClient: true, seq: c.segments[c.segments.length - 1]!.ack, ack: 0, flags: RST, payload: Buffer.alloc(0) };
    const s = (await read(c, [...c.segments, rst])).sessions[0]!;
    expect(s.server).toBe('198.51.100.26:10025');
    expect(s.closedBy).toBe('rst');
  });

  it('keeps many connections apart, interleaved', async () => {
    const convs = [0, 1, 2, 3].map((i) => plainSmtp(new Conversation({ ip: `192.0.2.${20 + i}`, port: 50000 + i }, SERVER, { mss: 9 })).close());
    const frames = [];
    const longest = Math.max(...convs.map((c) => c.segments.length));
    for (let k = 0; k < longest; k++) for (const c of convs) if (c.segments[k]) frames.push(...c.frames(1_700_000_000 + k, [c.segments[k]!]));
    const r = await readBytes(pcapFile(frames));
    expect(r.sessions.map((s) => s.client)).toEqual(['192.0.2.20:50000', '192.0.2.21:50001', '192.0.2.22:50002', '192.0.2.23:50003']);
    expect(r.sessions.every((s) => s.transactions[0]?.outcome === 'accepted' && s.gaps.length === 0)).toBe(true);
  });

  it('marks data cut by the snap length as missing', async () => {
    const c = plainSmtp(new Conversation(CLIENT, SERVER)).close();
    const frames = c.frames().map((f) => (f.data.length > 80 ? { data: f.data.subarray(0, 80), originalLength: f.data.length } : f));
    const r = await readBytes(pcapFile(frames, { snapLength: 80 }));
    const s = r.sessions[0]!;
    expect(s.gaps.length).toBeGreaterThan(0);
    expect(s.gaps.every((g) => g.bytes > 0)).toBe(true);
    void ACK;
    void PSH;
    void ethernet;
    void ipv4;
    void tcp;
  });
});

describe('bounds', () => {
  it('out-of-order data beyond the per-direction cap: the hole is declared missing and reading goes on', async () => {
    const big = 'X'.repeat(300 * 1024);
    const c = new Conversation(CLIENT, SERVER, { mss: 1400 })
      .server('220 mail.contoso.com ESMTP\r\n')
      .client('EHLO client.fabrikam.com\r\n')
      .server('250 mail.contoso.com\r\n')
      .client('MAIL FROM:<alice@fabrikam.com>\r\n')
      .server('250 2.1.0 Ok\r\n')
      .client('RCPT TO:<bob@contoso.com>\r\n')
      .server('250 2.1.5 Ok\r\n')
      .client('DATA\r\n')
      .server('354 go ahead\r\n')
      .client(`${big}\r\n.\r\n`)
      .server('250 2.0.0 queued\r\n')
      .close();
    // The first content segment is lost and never retransmitted: everything after it waits in the queue.
    const first = c.segments.findIndex((s) => s.payload.toString().startsWith('XXXX'));
    const segs = c.segments.filter((_, i) => i !== first);
    const s = (await read(c, segs)).sessions[0]!;
    expect(s.gaps).toEqual([{ from: 'client', bytes: 1400, packet: expect.any(Number) }]);
    expect(s.transactions[0]).toMatchObject({ outcome: 'accepted', messageBytes: big.length + 5 });
  });

  it('IPv6 fragments are reassembled', async () => {
    const c = new Conversation({ ip: '2001:db8::10', port: 50000 }, { ip: '2001:db8::25', port: 25 }).server('220 mail.contoso.com ESMTP\r\n').client(`HELO ${'b'.repeat(80)}.fabrikam.com\r\n`).close();
    const frames = c.segments.flatMap((s) => {
      const from = s.fromClient ? c.clientEnd : c.serverEnd;
      const to = s.fromClient ? c.serverEnd : c.clientEnd;
      const t = tcp(from.port, to.port, s.seq, s.ack, s.flags, s.payload);
      if (t.length < 64) return [{ data: ethernet(ipv6(from.ip, to.ip, 6, t), 0x86dd) }];
      // RFC 8200 §4.5: Fragment header (next header, offset in 8-byte units << 3 | M flag, identification).
      return [0, 48].map((at) => {
        const piece = t.subarray(at, at === 0 ? 48 : t.length);
        const fragment = Buffer.alloc(6);
        fragment.writeUInt16BE(at | (at === 0 ? 1 : 0), 0);
        fragment.writeUInt32BE(0x1234, 2);
        return { data: ethernet(ipv6(from.ip, to.ip, 6, piece, [{ type: 44, body: fragment }]), 0x86dd) };
      });
    });
    const r = await readBytes(pcapFile(frames));
    expect(r.summary.ipFragments.reassembled).toBe(1);
    expect(r.sessions[0]).toMatchObject({ ehloCommand: 'HELO', ehlo: `${'b'.repeat(80)}.fabrikam.com` });
  });
});

describe('port reuse', () => {
  it('a SYN on addresses and ports that already carried data starts a new session', async () => {
    const first = new Conversation(CLIENT, SERVER, { clientIsn: 1000 }).server('220 mail.contoso.com ESMTP\r\n').client('EHLO first.fabrikam.com\r\n').server('250 mail.contoso.com\r\n');
    const second = plainSmtp(new Conversation(CLIENT, SERVER, { clientIsn: 900_000 })).close();
    const r = await readBytes(pcapFile([...first.frames(1_700_000_000), ...second.frames(1_700_000_010)]));
    expect(r.sessions.map((s) => s.ehlo)).toEqual(['first.fabrikam.com', 'client.fabrikam.com']);
    expect(r.sessions[1]!.transactions[0]!.outcome).toBe('accepted');
  });
});
