import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * Small peers on loopback for what Postfix will not do on request: a server that goes silent, one
 * that hangs up mid-dialogue, a firewall-like proxy that masks STARTTLS (Cisco ASA "inspect
 * esmtp" writes XXXXXXXA), and an authoritative DNS responder for one zone's MX and A records.
 */
export interface Peer {
  port: number;
  close(): Promise<void>;
}

function listen(server: Server, sockets: Set<Socket>): Promise<Peer> {
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({
        port: typeof a === 'object' && a ? a.port : 0,
        close: () => new Promise((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

/** Greets and answers EHLO, then stays silent after `silentAfter` (a command name) — or hangs up there (`hangUp`). */
export function scriptedServer(silentAt: string, hangUp: boolean): Promise<Peer> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    s.write('220 mx.contoso.com ESMTP test peer\r\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        const verb = line.split(/[\s:]/)[0]!.toUpperCase();
        if (verb === silentAt) {
          if (hangUp) s.destroy();
          return;
        }
        if (verb === 'EHLO') s.write('250-mx.contoso.com\r\n250 SIZE 1000\r\n');
        else if (verb === 'QUIT') s.end('221 2.0.0 Bye\r\n');
        else s.write('250 2.0.0 OK\r\n');
      }
    });
  });
  return listen(server, sockets);
}

/** A proxy to 127.0.0.1:`target` that rewrites STARTTLS in the server's EHLO reply to XXXXXXXA. */
export function maskingProxy(target: number): Promise<Peer> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('data', (d) => client.write(Buffer.from(d.toString('latin1').replace(/STARTTLS/g, 'XXXXXXXA'), 'latin1')));
    client.on('data', (d) => upstream.write(d));
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  return listen(server, sockets);
}

/**
 * An authoritative DNS responder (RFC 1035 §4) on UDP for MX and A questions of one zone: enough
 * for node:dns with setServers(['127.0.0.1:PORT']); anything else gets NXDOMAIN.
 */
export function dnsResponder(records: { mx: Record<string, { exchange: string; priority: number }[]>; a: Record<string, string> }): Promise<Peer & { queries: string[] }> {
  const socket: UdpSocket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (q, from) => {
    if (q.length < 17) return;
    let i = 12;
    const labels: string[] = [];
    while (i < q.length && q[i] !== 0 && labels.length < 64) {
      labels.push(q.subarray(i + 1, i + 1 + q[i]!).toString('latin1'));
      i += q[i]! + 1;
    }
    const questionEnd = i + 5;
    const name = labels.join('.').toLowerCase();
    const type = q.readUInt16BE(i + 1);
    queries.push(`${type === 15 ? 'MX' : type === 1 ? 'A' : type} ${name}`);
    const answers: Buffer[] = [];
    const rr = (rtype: number, data: Buffer) => {
      const head = Buffer.alloc(12);
      head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      head.writeUInt16BE(rtype, 2);
      head.writeUInt16BE(1, 4);
      head.writeUInt32BE(60, 6);
      head.writeUInt16BE(data.length, 10);
      answers.push(head, data);
    };
    if (type === 15) for (const m of records.mx[name] ?? []) rr(15, Buffer.concat([u16(m.priority), encodeName(m.exchange)]));
    if (type === 1 && records.a[name]) rr(1, Buffer.from(records.a[name]!.split('.').map(Number)));
    const known = name in records.mx || name in records.a;
    const header = Buffer.alloc(12);
    q.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8400 | (known ? 0 : 3), 2); // response, authoritative, NOERROR or NXDOMAIN
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length / 2, 6);
    socket.send(Buffer.concat([header, q.subarray(12, questionEnd), ...answers]), from.port, from.address);
  });
  return new Promise((resolve) => {
    socket.bind(0, '127.0.0.1', () => resolve({ port: socket.address().port, queries, close: () => new Promise((done) => socket.close(() => done())) }));
  });
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function encodeName(name: string): Buffer {
  return Buffer.concat([...name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
}
