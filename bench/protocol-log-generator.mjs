import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from './prng.mjs';

/**
 * Writes a folder of Exchange SMTP protocol logs as a front-end / hub server rolls them: files of
 * about 10 MiB (`RECVyyyymmddhh-n.LOG`, `SENDyyyymmddhh-n.LOG`), UTF-8 with BOM and CRLF, the
 * five `#` header lines, then rows of ~40 sessions open at once, interleaved as concurrent
 * connections write them (FORMATS.md 3). Receive sessions negotiate TLS with the single-row
 * certificate layout and carry 1–3 messages; send sessions use the multi-line EHLO answer of a
 * remote server. The same seed gives the same files; a folder already generated for the same
 * size is reused.
 */

const FIELDS = 'date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context';
const FILE_BYTES = 10 * 1024 * 1024;
const OPEN_SESSIONS = 40;
const GENERATOR_VERSION = 1;

const TLS_SERVER =
  '"TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 384 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits"';
const TLS_CLIENT = TLS_SERVER.replace('_SERVER', '_CLIENT');
const OWN_CERT =
  '" CN=mail.contoso.com, O=Contoso Ltd, C=US CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US 0C1D2E3F405162738495A6B7C8D9E0F1 1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D 2026-03-01T00:00:00.000Z 2027-03-31T23:59:59.000Z mail.contoso.com;autodiscover.contoso.com",Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names';
const EXO_CERT =
  '" CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=Washington, C=US CN=DigiCert Cloud Services CA-1, O=DigiCert Inc, C=US 0B6A4E1C2D3F5A697887A6B5C4D3E2F1 6C4D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D 2026-07-01T00:00:00.000Z 2027-06-30T23:59:59.000Z mail.protection.outlook.com;*.mail.protection.outlook.com",Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names';
const EHLO_ONE_ROW = (ip) =>
  `250  EX01.corp.contoso.com Hello [${ip}] SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST,`;
const EHLO_LINES = ['250-SIZE 157286400', '250-PIPELINING', '250-DSN', '250-ENHANCEDSTATUSCODES', '250-STARTTLS', '250-8BITMIME', '250-BINARYMIME', '250-CHUNKING', '250 SMTPUTF8'];

/** The rows of one session after the common prefix: `[event, data-and-context]` (data and context already CSV). */
function receiveScript(rng, id, ip) {
  const rows = [
    ['+', ','],
    ['*', 'SMTPSubmit SMTPAcceptAnyRecipient SMTPAcceptAuthoritativeDomainSender AcceptRoutingHeaders,Set Session Permissions'],
    ['>', '"220 EX01.corp.contoso.com Microsoft ESMTP MAIL Service ready at Fri, 20 Nov 2026 10:00:00 +0000",'],
    ['<', `EHLO client${rng.int(5000)}.fabrikam.com,`],
    ['>', EHLO_ONE_ROW(ip)],
    ['<', 'STARTTLS,'],
    ['>', '220 2.0.0 SMTP server ready,'],
    ['*', OWN_CERT],
    ['*', `,${TLS_SERVER}`],
    ['<', `EHLO client${rng.int(5000)}.fabrikam.com,`],
    ['*', ",Client certificate chain validation status: 'EmptyCertificate'"],
    ['*', ",TlsDomainCapabilities='None'; Status='NoRemoteCertificate'"],
    ['>', EHLO_ONE_ROW(ip).replace(' STARTTLS X-ANONYMOUSTLS', '')],
  ];
  const messages = rng.between(1, 3);
  for (let m = 0; m < messages; m++) {
    const size = rng.between(2000, 90000);
    rows.push(['<', `MAIL FROM:<user${rng.int(100000)}@fabrikam.com> SIZE=${size},`]);
    rows.push(['*', `${id};2026-11-20T10:00:00.000Z;${m + 1},receiving message`]);
    rows.push(['>', '250 2.1.0 Sender OK,']);
    const rcpts = rng.between(1, 3);
    for (let r = 0; r < rcpts; r++) {
      rows.push(['<', `RCPT TO:<user${rng.int(100000)}@contoso.com>,`]);
      rows.push(['>', '250 2.1.5 Recipient OK,']);
    }
    rows.push(['<', `BDAT ${size} LAST,`]);
    rows.push(['>', `"250 2.6.0 <${id}.${m}@fabrikam.com> [InternalId=${rng.int(1e9)}, Hostname=EX01.corp.contoso.com] ${size} bytes in 0.101, 93.105 KB/sec Queued Mail for delivery",`]);
  }
  rows.push(['<', 'QUIT,'], ['>', '221 2.0.0 Closing connection.,'], ['-', ',Local']);
  return rows;
}

function sendScript(rng, id) {
  const rows = [
    ['*', ',attempting to connect'],
    ['+', ','],
    ['<', '"220 BN8NAM12FT053.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Fri, 20 Nov 2026 10:00:00 +0000",'],
    ['>', 'EHLO EX01.corp.contoso.com,'],
    ['<', '250-BN8NAM12FT053.mail.protection.outlook.com Hello [203.0.113.10],'],
    ...EHLO_LINES.map((l) => ['<', `${l},`]),
    ['>', 'STARTTLS,'],
    ['<', '220 2.0.0 SMTP server ready,'],
    ['*', OWN_CERT],
    ['*', EXO_CERT],
    ['*', `,${TLS_CLIENT}`],
    ['>', 'EHLO EX01.corp.contoso.com,'],
    ['<', '250-BN8NAM12FT053.mail.protection.outlook.com Hello [203.0.113.10],'],
    ...EHLO_LINES.filter((l) => !l.includes('STARTTLS')).map((l) => ['<', `${l},`]),
  ];
  const messages = rng.between(1, 3);
  for (let m = 0; m < messages; m++) {
    const size = rng.between(2000, 90000);
    rows.push(['*', `${id};2026-11-20T10:00:00.000Z;${m + 1},sending message with RecordId ${rng.int(1e11)} and InternetMessageId <${id}.${m}@contoso.com>`]);
    rows.push(['>', `MAIL FROM:<user${rng.int(100000)}@contoso.com> SIZE=${size},`]);
    rows.push(['>', `RCPT TO:<user${rng.int(100000)}@tailspintoys.com>,`]);
    rows.push(['<', '250 2.1.0 Sender OK,']);
    rows.push(['<', '250 2.1.5 Recipient OK,']);
    rows.push(['>', `BDAT ${size} LAST,`]);
    rows.push(['<', `"250 2.6.0 <${id}.${m}@contoso.com> [InternalId=${rng.int(1e9)}, Hostname=BN8PR12MB3456.namprd12.prod.outlook.com] Queued mail for delivery",`]);
  }
  rows.push(['>', 'QUIT,'], ['<', '221 2.0.0 Service closing transmission channel,'], ['-', ',Local']);
  return rows;
}

/** Generates (or reuses) `dir` holding about `totalBytes` of protocol logs. Returns files, bytes and sessions. */
export function writeProtocolLogs(dir, totalBytes, seed = 2026) {
  const marker = join(dir, 'generated.json');
  if (existsSync(marker)) {
    const previous = JSON.parse(readFileSync(marker, 'utf8'));
    if (previous.version === GENERATOR_VERSION && previous.requestedBytes === totalBytes && previous.seed === seed) return { ...previous, reused: true };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rng = createRng(seed);
  let clock = Date.parse('2026-11-20T00:00:00.000Z');
  let written = 0;
  let files = 0;
  let sessions = 0;
  let sessionCounter = 0;
  while (written < totalBytes) {
    const receive = files % 3 !== 2;
    const hour = new Date(clock).toISOString();
    const name = `${receive ? 'RECV' : 'SEND'}${hour.slice(0, 4)}${hour.slice(5, 7)}${hour.slice(8, 10)}${hour.slice(11, 13)}-${files + 1}.LOG`;
    const fd = openSync(join(dir, name), 'w');
    const header =
      '\ufeff#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n' +
      `#Log-type: ${receive ? 'SMTP Receive' : 'SMTP Send'} Protocol Log\r\n#Date: ${hour}\r\n#Fields: ${FIELDS}\r\n`;
    let fileBytes = Buffer.byteLength(header);
    writeSync(fd, header);
    const open = [];
    const startSession = () => {
      const id = `08DE${(0x100000000000 + sessionCounter++).toString(16).toUpperCase().slice(-12)}`;
      const clientIp = `198.51.100.${rng.between(1, 254)}`;
      const port = rng.between(1025, 65535);
      const local = receive ? '192.0.2.10:25' : `203.0.113.10:${port}`;
      const remote = receive ? `${clientIp}:${port}` : `198.51.100.${rng.between(1, 254)}:25`;
      const connector = receive ? 'EX01\\Default Frontend EX01' : 'Outbound to Office 365';
      open.push({ prefix: `${connector},${id},`, endpoints: `,${local},${remote},`, rows: receive ? receiveScript(rng, id, clientIp) : sendScript(rng, id), next: 0 });
      sessions++;
    };
    let chunk = '';
    const flush = () => {
      const bytes = Buffer.byteLength(chunk);
      writeSync(fd, chunk);
      fileBytes += bytes;
      chunk = '';
    };
    while (fileBytes + chunk.length < FILE_BYTES || open.length > 0) {
      const rolling = fileBytes + chunk.length >= FILE_BYTES;
      if (!rolling) while (open.length < OPEN_SESSIONS) startSession();
      const i = rng.int(open.length);
      const s = open[i];
      const [event, rest] = s.rows[s.next];
      clock += rng.between(0, 3);
      chunk += `${new Date(clock).toISOString()},${s.prefix}${s.next}${s.endpoints}${event},${rest}\r\n`;
      if (++s.next === s.rows.length) open.splice(i, 1);
      if (chunk.length >= 1 << 20) flush();
    }
    flush();
    closeSync(fd);
    written += fileBytes;
    files++;
  }
  const result = { version: GENERATOR_VERSION, seed, requestedBytes: totalBytes, files, bytes: written, sessions };
  writeFileSync(marker, JSON.stringify(result));
  return { ...result, reused: false };
}
