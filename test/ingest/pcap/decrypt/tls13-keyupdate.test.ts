import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextTrafficSecret } from '../../../../src/ingest/pcap/tls-key-schedule.js';
import { parseKeyLog } from '../../../../src/ingest/pcap/tls-keylog.js';
import { removeTempDirs, tempDir } from '../../openssl-helpers.js';
import { makeIdentities, type TestIdentity } from './tls-certs.js';
import { decryptRecorded, type RecordedSession } from './tls-wire.js';

/**
 * node:tls cannot send a KeyUpdate, `openssl s_client` can: a line holding only `k` sends KeyUpdate(update_not_requested),
 * `K` sends KeyUpdate(update_requested), to which the server's OpenSSL answers with a KeyUpdate of its own (RFC 8446 §4.6.3).
 * s_client talks to a node:tls server through a loopback proxy that records both directions.
 */

const KEY_UPDATE = 24;
const FINISHED = 20;

let dir: string;
let sessions = 0;
let ids: { server: TestIdentity; client: TestIdentity };
beforeAll(() => {
  dir = tempDir('keyupdate');
  ids = makeIdentities(dir);
});
afterAll(removeTempDirs);

async function recordKeyUpdates(ciphersuite: string): Promise<RecordedSession> {
  const serverApp: Buffer[] = [];
  const server = tls.createServer({ cert: ids.server.cert, key: ids.server.key, minVersion: 'TLSv1.3' }, (socket) => {
    const write = (text: string): void => {
      const bytes = Buffer.from(text, 'latin1');
      serverApp.push(bytes);
      socket.write(bytes);
    };
    write('220 mail.contoso.com ESMTP\r\n');
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let eol = pending.indexOf('\n'); eol >= 0; eol = pending.indexOf('\n')) {
        write(`250 ok ${pending.slice(0, eol)}\r\n`);
        pending = pending.slice(eol + 1);
      }
    });
    socket.on('error', () => {});
  });
  const clientWrote: Buffer[] = [];
  const serverWrote: Buffer[] = [];
  let closed!: Promise<void>;
  const proxy = net.createServer((inbound) => {
    const outbound = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    inbound.on('data', (chunk: Buffer) => {
      clientWrote.push(Buffer.from(chunk));
      outbound.write(chunk);
    });
    outbound.on('data', (chunk: Buffer) => {
      serverWrote.push(Buffer.from(chunk));
      inbound.write(chunk);
    });
    inbound.on('end', () => outbound.end());
    outbound.on('end', () => inbound.end());
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    closed = Promise.all([new Promise((r) => inbound.on('close', r)), new Promise((r) => outbound.on('close', r))]).then(() => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));

  const keyLogFile = join(dir, `session-${++sessions}.keylog`);
  const client = spawn(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`, '-tls1_3', '-ciphersuites', ciphersuite, '-keylogfile', keyLogFile, '-servername', 'mail.contoso.com'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  // s_client reads stdin in chunks and treats a whole chunk starting with `k` as the command: one line per read,
  // so each write waits until s_client has shown (stdout) or announced (stderr "KEYUPDATE") what the previous one did.
  let shown = '';
  const waiters: { test: (text: string) => boolean; resolve: () => void }[] = [];
  const onOutput = (chunk: Buffer): void => {
    shown += chunk.toString('latin1');
    for (const w of waiters.splice(0)) (w.test(shown) ? w.resolve() : waiters.push(w));
  };
  client.stdout.on('data', onOutput);
  client.stderr.on('data', onOutput);
  const untilSeen = (test: (text: string) => boolean): Promise<void> =>
    test(shown) ? Promise.resolve() : new Promise((resolve) => waiters.push({ test, resolve }));
  const until = (text: string): Promise<void> => untilSeen((t) => t.includes(text));
  const untilKeyUpdates = (n: number): Promise<void> => untilSeen((t) => t.split('KEYUPDATE').length - 1 >= n);
  const exited = new Promise<void>((resolve) => client.on('close', () => resolve()));

  await until('220 mail.contoso.com');
  client.stdin.write('EHLO client.fabrikam.com\n');
  await until('250 ok EHLO');
  client.stdin.write('k\n');
  await untilKeyUpdates(1);
  client.stdin.write('NOOP 1\n');
  await until('250 ok NOOP 1');
  client.stdin.write('K\n');
  await untilKeyUpdates(2);
  client.stdin.write('NOOP 2\n');
  await until('250 ok NOOP 2');
  client.stdin.end();
  await exited;
  await closed;
  proxy.close();
  server.close();
  return {
    clientWire: Buffer.concat(clientWrote),
    serverWire: Buffer.concat(serverWrote),
    keyLog: readFileSync(keyLogFile, 'latin1'),
    clientApp: Buffer.from('EHLO client.fabrikam.com\nNOOP 1\nNOOP 2\n', 'latin1'),
    serverApp: Buffer.concat(serverApp),
  };
}

describe('TLS 1.3 KeyUpdate sent by openssl s_client, answered by the server', () => {
  it.each([
    ['TLS_AES_256_GCM_SHA384', 0x1302],
    ['TLS_CHACHA20_POLY1305_SHA256', 0x1303],
  ])('%s: records under application secrets 1 and 2 decrypt; both KeyUpdates are seen', async (suite, code) => {
    const session = await recordKeyUpdates(suite);
    const d = decryptRecorded(session);
    expect(d.hellos).toMatchObject({ version: 0x0304, cipherSuite: code });
    for (const side of [d.client, d.server]) expect(side.results.filter((r) => 'error' in r)).toEqual([]);
    // Client: Finished, then KeyUpdate(update_not_requested = 0), KeyUpdate(update_requested = 1).
    expect(d.client.handshake.map(([type, body]) => [type, [...body]])).toEqual([
      [FINISHED, expect.any(Array)],
      [KEY_UPDATE, [0]],
      [KEY_UPDATE, [1]],
    ]);
    // Server: its own KeyUpdate(update_not_requested) in answer to the request.
    expect(d.server.handshake.filter(([type]) => type === KEY_UPDATE).map(([, body]) => [...body])).toEqual([[0]]);
    expect(d.client.applicationData.toString('latin1')).toBe(session.clientApp.toString('latin1'));
    expect(d.server.applicationData.toString('latin1')).toBe(session.serverApp.toString('latin1'));
  });

  it('derives the same secrets after KeyUpdate as OpenSSL logs (CLIENT_TRAFFIC_SECRET_N / SERVER_TRAFFIC_SECRET_N, in order)', async () => {
    const session = await recordKeyUpdates('TLS_AES_256_GCM_SHA384');
    const logged = (label: string): Buffer[] =>
      [...session.keyLog.matchAll(new RegExp(`^${label} [0-9a-f]{64} ([0-9a-f]+)$`, 'gim'))].map((m) => Buffer.from(m[1]!, 'hex'));
    const chain = (secret0: Buffer, n: number): string[] => {
      const out: string[] = [];
      for (let s = secret0, i = 0; i < n; i++) out.push((s = nextTrafficSecret('sha384', s)).toString('hex'));
      return out;
    };
    const client = logged('CLIENT_TRAFFIC_SECRET_N');
    const server = logged('SERVER_TRAFFIC_SECRET_N');
    expect(client).toHaveLength(2);
    expect(server).toHaveLength(1);
    expect(chain(logged('CLIENT_TRAFFIC_SECRET_0')[0]!, 2)).toEqual(client.map((b) => b.toString('hex')));
    expect(chain(logged('SERVER_TRAFFIC_SECRET_0')[0]!, 1)).toEqual(server.map((b) => b.toString('hex')));
    expect(parseKeyLog(session.keyLog, 'keylog').keyLog.counts).toMatchObject({ used: 4, ignored: 4, malformed: 0 });
  });
});
