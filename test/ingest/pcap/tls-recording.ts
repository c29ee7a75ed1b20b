import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';

/**
 * A genuine TLS session between Node's TLS client and server (OpenSSL underneath) over an
 * in-process pipe, recording the bytes each side wrote in the order they were written, and the
 * client's NSS key log. The SMTP dialogue inside TLS is scripted: the client sends `commands` one
 * at a time and the server answers each with the reply `answer` gives.
 */

export interface Written {
  fromClient: boolean;
  bytes: Buffer;
}

export interface TlsRecording {
  written: Written[];
  keyLog: string;
  /** What Node reports for the session: protocol (`TLSv1.3`) and the IANA cipher name. */
  protocol: string | null;
  cipher: string;
}

export interface TlsScript {
  serverCert: string;
  serverKey: string;
  clientCert?: string;
  clientKey?: string;
  requestCert: boolean;
  version: 'TLSv1.2' | 'TLSv1.3';
  /** Commands the client sends once TLS is up (each ending in CRLF). */
  commands: string[];
  answer: (command: string) => string;
}

function pipe(written: Written[]): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  for (const fromClient of [true, false]) {
    ends.push(
      new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, done) {
          written.push({ fromClient, bytes: Buffer.from(chunk) });
          ends[fromClient ? 1 : 0]!.push(chunk);
          done();
        },
        final(done) {
          ends[fromClient ? 1 : 0]!.push(null);
          done();
        },
      }),
    );
  }
  return [ends[0]!, ends[1]!];
}

export async function recordTls(script: TlsScript): Promise<TlsRecording> {
  const written: Written[] = [];
  const [clientEnd, serverEnd] = pipe(written);
  let keyLog = '';
  const server = new tls.TLSSocket(serverEnd, {
    isServer: true,
    secureContext: tls.createSecureContext({ cert: readFileSync(script.serverCert), key: readFileSync(script.serverKey), minVersion: script.version, maxVersion: script.version }),
    requestCert: script.requestCert,
    rejectUnauthorized: false,
  });
  let pending = '';
  server.on('data', (d: Buffer) => {
    pending += d.toString();
    let nl: number;
    while ((nl = pending.indexOf('\r\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 2);
      server.write(script.answer(line));
    }
  });
  server.on('error', () => undefined);
  const client = tls.connect({
    socket: clientEnd,
    servername: 'mail.contoso.com',
    rejectUnauthorized: false,
    minVersion: script.version,
    maxVersion: script.version,
    ...(script.clientCert ? { cert: readFileSync(script.clientCert), key: readFileSync(script.clientKey!) } : {}),
  });
  client.on('keylog', (line: Buffer) => {
    keyLog += line.toString();
  });
  await new Promise<void>((resolve, reject) => {
    client.once('secureConnect', resolve);
    client.once('error', reject);
  });
  let replies = '';
  client.on('data', (d: Buffer) => {
    replies += d.toString();
  });
  for (const command of script.commands) {
    const before = (replies.match(/^\d{3} /gm) ?? []).length;
    client.write(command);
    // Wait for the final line of this command's reply.
    for (let i = 0; i < 200 && (replies.match(/^\d{3} /gm) ?? []).length === before; i++) await new Promise((r) => setTimeout(r, 5));
  }
  const protocol = client.getProtocol();
  const cipher = client.getCipher().standardName;
  client.end();
  await new Promise((r) => setTimeout(r, 20));
  client.destroy();
  server.destroy();
  return { written, keyLog, protocol, cipher };
}
