// node bench/tls-decrypt.mjs [--quick] — TLS record decryption throughput (after `npm run build`).
// Records real node:tls sessions in memory (TLS 1.3 and 1.2, several suites), then times the decryptor over every
// record the client sent: full 16 KiB records (a message body) and small records (one SMTP command each).
// Compared with the bare node:crypto cost of the same AEAD/CBC work, to show what the record layer adds.
import { execFileSync } from 'node:child_process';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
// MFD_DIST: another build output (e.g. while the shared dist/ is being rebuilt).
const dist = process.env.MFD_DIST ?? join(repo, 'dist');
const { createTlsDecryptor } = await import(join(dist, 'ingest/pcap/tls-decrypt.js'));
const { parseKeyLog } = await import(join(dist, 'ingest/pcap/tls-keylog.js'));

const SUITES = [
  { name: 'TLS 1.3 AES-128-GCM', version: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256', bare: 'aes-128-gcm' },
  { name: 'TLS 1.3 AES-256-GCM', version: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384', bare: 'aes-256-gcm' },
  { name: 'TLS 1.3 ChaCha20-Poly1305', version: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256', bare: 'chacha20-poly1305' },
  { name: 'TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256', version: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256', bare: 'aes-128-gcm' },
  { name: 'TLS 1.2 ECDHE-RSA-AES128-SHA256 (CBC)', version: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256', bare: null },
];

function pipePair() {
  const wrote = { client: [], server: [] };
  let a;
  let b;
  const end = (from, to) =>
    new Duplex({
      read() {},
      write(chunk, _e, done) {
        wrote[from].push(Buffer.from(chunk));
        to().push(chunk);
        done();
      },
      final(done) {
        to().push(null);
        done();
      },
    });
  a = end('client', () => b);
  b = end('server', () => a);
  return { client: a, server: b, wrote };
}

/** Client writes `chunks`, the server reads them all, both close; returns the wire bytes and the key log. */
async function record(identity, suite, chunks) {
  const pipe = pipePair();
  const keyLog = [];
  const ctx = tls.createSecureContext({ ...identity, minVersion: suite.version, maxVersion: suite.version, ciphers: suite.ciphers });
  const server = new tls.TLSSocket(pipe.server, { isServer: true, secureContext: ctx });
  const client = tls.connect({ socket: pipe.client, rejectUnauthorized: false, minVersion: suite.version, maxVersion: suite.version, ciphers: suite.ciphers });
  client.on('keylog', (line) => keyLog.push(line.toString('latin1')));
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let received = 0;
  server.on('data', (d) => {
    received += d.length;
    if (received === total) server.end();
  });
  client.on('secureConnect', async () => {
    // Waiting for each write to be flushed gives one record per write (node:tls coalesces queued writes).
    for (const c of chunks) await new Promise((r) => client.write(c, r));
  });
  client.on('end', () => client.end());
  await Promise.all([new Promise((r) => client.on('close', r)), new Promise((r) => server.on('close', r))]);
  return { clientWire: Buffer.concat(pipe.wrote.client), serverWire: Buffer.concat(pipe.wrote.server), keyLog: keyLog.join('') };
}

function splitRecords(wire) {
  const out = [];
  for (let at = 0; at + 5 <= wire.length; ) {
    const length = wire.readUInt16BE(at + 3);
    out.push({ type: wire[at], fragment: wire.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return out;
}

function hellos(clientRecords, serverRecords) {
  const ch = clientRecords[0].fragment;
  const sh = serverRecords[0].fragment;
  let at = 38;
  at += 1 + sh[at];
  const cipherSuite = sh.readUInt16BE(at);
  at += 3;
  let version = sh.readUInt16BE(4);
  let encryptThenMac = false;
  const end = at + 2 + sh.readUInt16BE(at);
  for (at += 2; at + 4 <= end; at += 4 + sh.readUInt16BE(at + 2)) {
    if (sh.readUInt16BE(at) === 43) version = sh.readUInt16BE(at + 4);
    if (sh.readUInt16BE(at) === 22) encryptThenMac = true;
  }
  return { clientRandom: ch.subarray(6, 38), serverRandom: sh.subarray(6, 38), cipherSuite, version, encryptThenMac };
}

function protectedClientRecords(session) {
  const clientRecords = splitRecords(session.clientWire);
  const h = hellos(clientRecords, splitRecords(session.serverWire));
  const records = h.version === 0x0304 ? clientRecords.slice(1) : clientRecords.slice(clientRecords.findIndex((r) => r.type === 20) + 1);
  const secrets = parseKeyLog(session.keyLog, 'bench').keyLog.secretsFor(h.clientRandom);
  return { h, records, secrets };
}

/** Best of `passes` runs of decrypting every record with a fresh decryptor. */
function timeDecrypt({ h, records, secrets }, passes) {
  let best = Infinity;
  let bytes = 0;
  let errors = 0;
  for (let p = 0; p < passes; p++) {
    const d = createTlsDecryptor({ ...h, secrets });
    if ('unsupported' in d) throw new Error(d.unsupported);
    const start = process.hrtime.bigint();
    bytes = 0;
    errors = 0;
    for (const r of records) {
      const out = d.decrypt('client', r.type, r.fragment);
      if ('error' in out) errors++;
      bytes += r.fragment.length + 5;
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { seconds: best, bytes, records: records.length, errors };
}

/** The bare node:crypto work for the same record sizes: one decipher per record, no record layer. */
function timeBare(algorithm, records, passes) {
  if (!algorithm) return null;
  const key = randomBytes(algorithm === 'aes-128-gcm' ? 16 : 32);
  const nonce = randomBytes(12);
  const aad = Buffer.alloc(5);
  let best = Infinity;
  for (let p = 0; p < passes; p++) {
    const start = process.hrtime.bigint();
    for (const r of records) {
      if (r.fragment.length < 17) continue;
      const d = createDecipheriv(algorithm, key, nonce, { authTagLength: 16 });
      d.setAAD(aad);
      d.setAuthTag(r.fragment.subarray(r.fragment.length - 16));
      d.update(r.fragment.subarray(0, r.fragment.length - 16));
      try {
        d.final();
      } catch {
        // tags do not match random keys; the work is the same
      }
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

export async function runTlsDecryptBenchmark(options = {}, log = console.log) {
  const quick = options.quick ?? false;
  const bulkBytes = quick ? 8 << 20 : 64 << 20;
  const smallRecords = quick ? 20_000 : 100_000;
  const passes = quick ? 3 : 5;
  const dir = join(repo, 'bench', 'out', 'tls-decrypt');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=mail.contoso.com'], { cwd: dir, stdio: 'ignore' });
  const identity = { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };

  const bulk = Array.from({ length: bulkBytes / 16384 }, () => randomBytes(16384));
  const small = Array.from({ length: smallRecords }, (_, i) => Buffer.from(`RCPT TO:<user${i}@contoso.com>\r\n`));
  const results = [];
  for (const suite of SUITES) {
    for (const [shape, chunks] of [['16 KiB records', bulk], ['SMTP-command records', small]]) {
      const session = await record(identity, suite, chunks);
      const prepared = protectedClientRecords(session);
      const t = timeDecrypt(prepared, passes);
      const bare = timeBare(suite.bare, prepared.records, passes);
      const row = {
        suite: suite.name,
        shape,
        records: t.records,
        megabytes: +(t.bytes / 1e6).toFixed(1),
        seconds: +t.seconds.toFixed(3),
        mbPerSecond: +(t.bytes / 1e6 / t.seconds).toFixed(0),
        recordsPerSecond: Math.round(t.records / t.seconds),
        bareCryptoSeconds: bare === null ? null : +bare.toFixed(3),
        errors: t.errors,
      };
      results.push(row);
      log(
        `${row.suite.padEnd(40)} ${shape.padEnd(22)} ${String(row.records).padStart(7)} records ${String(row.megabytes).padStart(6)} MB ` +
          `${String(row.mbPerSecond).padStart(5)} MB/s ${String(row.recordsPerSecond).padStart(8)} rec/s` +
          (bare === null ? '' : `  (bare node:crypto ${(t.bytes / 1e6 / bare).toFixed(0)} MB/s)`) +
          (t.errors ? `  ${t.errors} ERRORS` : ''),
      );
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return { results };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runTlsDecryptBenchmark({ quick: process.argv.includes('--quick') });
}
