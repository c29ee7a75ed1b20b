import { makeSelfSigned, tempDir } from '../openssl-helpers.js';
import { Conversation, ethernet, ipv4, PcapngWriter, pcapFile, plainSmtp, type Frame } from './capture-builder.js';
import { recordTls } from './tls-recording.js';

/**
 * The captures under test/fixtures/pcap/, rebuilt by
 * `MFD_WRITE_PCAP_FIXTURES=1 npx vitest run test/ingest/pcap/fixtures.test.ts`. Their TLS bytes
 * come from a real handshake (Node's TLS, OpenSSL underneath) with certificates OpenSSL made.
 */

const T0 = 1_795_000_000; // 2026-11-18

function noise(start: number): Frame[] {
  const http = new Conversation({ ip: '192.0.2.50', port: 51000 }, { ip: '203.0.113.80', port: 80 }).client('GET / HTTP/1.1\r\nHost: www.contoso.com\r\n\r\n').server('HTTP/1.1 204 No Content\r\n\r\n').close();
  const arp: Frame = { data: ethernet(Buffer.alloc(28), 0x0806), time: start };
  const dns: Frame = { data: ethernet(ipv4('192.0.2.50', '192.0.2.53', 17, Buffer.alloc(40)), 0x0800), time: start };
  return [arp, dns, ...http.frames(start)];
}

/** smtp-plain.pcap: one accepted message, one recipient rejected, among HTTP, DNS and ARP packets. */
export function plainCapture(): Buffer {
  const accepted = plainSmtp(new Conversation({ ip: '192.0.2.10', port: 49152 }, { ip: '198.51.100.25', port: 25 })).close();
  const rejected = plainSmtp(new Conversation({ ip: '192.0.2.11', port: 49153 }, { ip: '198.51.100.25', port: 25 }), { rejectRcpt: true }).close();
  return pcapFile([...noise(T0), ...accepted.frames(T0 + 1), ...rejected.frames(T0 + 2)]);
}

/** starttls-masked.pcap: scenario S4.7, an ASA between the two ends writes XXXXXXXA for STARTTLS. */
export function maskedCapture(): Buffer {
  const c = new Conversation({ ip: '203.0.113.15', port: 50123 }, { ip: '198.51.100.25', port: 25 })
    .server('220 mail.contoso.com Microsoft ESMTP MAIL Service ready\r\n')
    .client('EHLO mail.protection.outlook.com\r\n')
    .server('250-mail.contoso.com Hello [203.0.113.15]\r\n250-SIZE 37748736\r\n250-PIPELINING\r\n250-XXXXXXXA\r\n250-8BITMIME\r\n250 CHUNKING\r\n')
    .client('MAIL FROM:<alice@fabrikam.com>\r\n')
    .server('250 2.1.0 Sender OK\r\n')
    .client('RCPT TO:<bob@contoso.com>\r\n')
    .server('250 2.1.5 Recipient OK\r\n')
    .client('QUIT\r\n')
    .server('221 2.0.0 Closing connection\r\n')
    .close();
  return pcapFile(c.frames(T0));
}

export interface TlsFixture {
  capture: Buffer;
  keyLog: string;
}

/**
 * An Exchange Online–like client relaying to an on-premises server that asks for a certificate:
 * STARTTLS, the handshake, then inside TLS EHLO, MAIL, a recipient refused with 5.7.64.
 */
interface SessionEnds {
  client: { ip: string; port: number; ehlo: string };
  server: { ip: string; port: number; name: string; subject: string };
}

const CONTOSO_RELAY: SessionEnds = {
  client: { ip: '192.0.2.10', port: 49152, ehlo: 'relay.fabrikam.com' },
  server: { ip: '198.51.100.25', port: 25, name: 'mail.contoso.com', subject: '/C=US/O=Contoso/CN=mail.contoso.com' },
};

async function tlsSession(version: 'TLSv1.2' | 'TLSv1.3', withClientCert: boolean, serverPort = 25, ends: SessionEnds = CONTOSO_RELAY) {
  const dir = tempDir('pcap-fixture');
  const { client: from, server: to } = ends;
  const server = makeSelfSigned(dir, 'server', to.subject, [to.name]);
  const client = makeSelfSigned(dir, 'client', '/C=US/O=Fabrikam/CN=relay.fabrikam.com', ['relay.fabrikam.com']);
  const rec = await recordTls({
    serverCert: server.cert,
    serverKey: server.key,
    ...(withClientCert ? { clientCert: client.cert, clientKey: client.key } : {}),
    requestCert: true,
    version,
    commands: [`EHLO ${from.ehlo}\r\n`, 'MAIL FROM:<alice@fabrikam.com>\r\n', 'RCPT TO:<bob@contoso.com>\r\n', 'QUIT\r\n'],
    answer: (line) =>
      line.startsWith('EHLO')
        ? `250-${to.name} Hello [${from.ip}]\r\n250-SIZE 37748736\r\n250 PIPELINING\r\n`
        : line.startsWith('MAIL')
          ? '250 2.1.0 Sender OK\r\n'
          : line.startsWith('RCPT')
            ? '550 5.7.64 TenantAttribution; Relay Access Denied [BN8NAM12FT012.eop-nam12.prod.protection.outlook.com]\r\n'
            : '221 2.0.0 Service closing transmission channel\r\n',
  });
  const c = new Conversation({ ip: from.ip, port: from.port }, { ip: to.ip, port: serverPort })
    .server(`220 ${to.name} Microsoft ESMTP MAIL Service ready\r\n`)
    .client(`EHLO ${from.ehlo}\r\n`)
    .server(`250-${to.name} Hello [${from.ip}]\r\n250-SIZE 37748736\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n`)
    .client('STARTTLS\r\n')
    .server('220 2.0.0 SMTP server ready\r\n');
  for (const w of rec.written) c.say(w.fromClient, w.bytes);
  return { conversation: c.close(), keyLog: rec.keyLog };
}

/** tls12-empty-client-certificate.pcapng: TLS 1.2, asked for a certificate, the client sends none; key log inside (DSB). */
export async function tls12EmptyClientCertificate(): Promise<TlsFixture> {
  const { conversation, keyLog } = await tlsSession('TLSv1.2', false);
  const w = new PcapngWriter().section().decryptionSecrets(keyLog).iface(1, { tsresol: 9 });
  conversation.frames(T0).forEach((f, i) => w.epb(0, f.data, BigInt(T0 + i) * 1_000_000_000n));
  return { capture: w.build(), keyLog };
}

/** tls13-client-certificate.pcap (+ .keys): TLS 1.3 with a client certificate, opened only with the key log file. */
export async function tls13ClientCertificate(): Promise<TlsFixture> {
  const { conversation, keyLog } = await tlsSession('TLSv1.3', true);
  return { capture: pcapFile(conversation.frames(T0)), keyLog };
}

/**
 * s2-exchange-online-no-client-certificate.pcapng: scenario S2 as seed 002 shows it. Contoso's
 * EX01 (203.0.113.10, the S2 example's server) relays to Exchange Online; Exchange Online asks
 * for a certificate, EX01's send connector names none, the Certificate message is empty and the
 * recipient is refused with 550 5.7.64. The key log is inside the file (DSB), as Wireshark writes
 * it with "Inject Secrets"; the server certificate carries Exchange Online's name (made by
 * OpenSSL for the test, not Microsoft's).
 */
export async function s2ExchangeOnlineNoClientCertificate(): Promise<TlsFixture> {
  const { conversation, keyLog } = await tlsSession('TLSv1.2', false, 25, {
    client: { ip: '203.0.113.10', port: 52110, ehlo: 'ex01.corp.contoso.com' },
    server: { ip: '40.107.22.10', port: 25, name: 'contoso-com.mail.protection.outlook.com', subject: '/C=US/ST=Washington/L=Redmond/O=Microsoft Corporation/CN=mail.protection.outlook.com' },
  });
  const w = new PcapngWriter().section().decryptionSecrets(keyLog).iface(1, { tsresol: 9 });
  conversation.frames(T0).forEach((f, i) => w.epb(0, f.data, BigInt(T0 + i) * 1_000_000_000n));
  return { capture: w.build(), keyLog };
}
