import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Benchmark (issue 6): reading message headers. An mbox of Exchange Online messages (each the
 * header block of test/fixtures/headers/cross-premises-internal.eml with its own Message-ID, plus a
 * short body) is read with the headers evidence reader into the case's EvidenceCollector, as
 * `diagnose` does; then one message with 10,000 Received headers. Baseline: splitting the same
 * mbox into lines with a plain byte scan (the floor any line-based reader pays).
 *
 *   node bench/headers.mjs [--quick] [--part mbox|received]
 *     (after npm run build; --quick: 50 MiB instead of 500 MiB; --part: one measurement alone, so
 *     that its peak RSS is its own; BENCH_DIST=<folder> measures another build than ./dist)
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Fixtures come from the working tree when run from the benchmark's snapshot (which holds only bench/, dist/, bin/).
const FIXTURES_ROOT = process.env.BENCH_REPO ?? ROOT;
const MB = 1024 * 1024;

/** The distribution to measure: BENCH_DIST (a snapshot), else this checkout's dist/. */
function dist(path) {
  return pathToFileURL(join(process.env.BENCH_DIST ?? join(ROOT, 'dist'), path)).href;
}

function writeMbox(path, bytes) {
  if (existsSync(path) && statSync(path).size >= bytes) return { reused: true, messages: null, bytes: statSync(path).size };
  const block = readFileSync(join(FIXTURES_ROOT, 'test/fixtures/headers/cross-premises-internal.eml'), 'utf8').split('\n\n')[0];
  const fd = openSync(path, 'w');
  let written = 0;
  let messages = 0;
  while (written < bytes) {
    const text = `From alice@contoso.com Tue Mar  4 09:00:00 2025\n${block.replace('<a1b2c3d4e5f60718293a4b5c6d7e8f90@', `<bench-${messages}@`)}\n\nHello Bob,\n>From the draft: see attached.\n\n`;
    written += writeSync(fd, text);
    messages++;
  }
  closeSync(fd);
  writeFileSync(`${path}.count`, String(messages));
  return { reused: false, messages, bytes: written };
}

function writeManyReceived(path, count) {
  const lines = [];
  for (let n = count; n >= 1; n--) {
    const date = new Date(Date.UTC(2025, 2, 4) + n * 1000).toUTCString().replace('GMT', '+0000');
    lines.push(`Received: from host${n - 1}.contoso.com (192.0.2.${n % 250}) by host${n}.contoso.com\n (192.0.2.${(n + 1) % 250}) with Microsoft SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.4; ${date}`);
  }
  writeFileSync(path, `${lines.join('\n')}\nMessage-ID: <many@contoso.com>\n\nbody\n`);
}

async function lineScan(path) {
  let lines = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

/** The ceiling: the file read into a buffer and discarded. */
async function rawRead(path) {
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) bytes += chunk.length;
  return bytes;
}

/** Wall and CPU (user + system) milliseconds of `work`. */
async function timed(work) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const perSecond = (bytes, ms) => Number((bytes / MB / (ms / 1000)).toFixed(1));

export async function runHeadersBenchmark(options = {}, log = console.log) {
  const { headersEvidenceReader } = await import(dist('ingest/headers/headers-evidence-reader.js'));
  const { EvidenceCollector } = await import(dist('ingest/evidence/evidence-collector.js'));
  const { readHeaderFile } = await import(dist('ingest/headers/read-header-file.js'));
  // Readers take a ByteSource (ingest/byte-source.js); a build from before it took the path.
  const { fileSource } = await import(dist('ingest/byte-source.js')).catch(() => ({ fileSource: (path) => path }));
  const sizeMb = options.sizeMb ?? (options.quick ? 50 : 500);
  const part = options.part ?? null;
  const dir = join(ROOT, 'bench', 'out', 'headers');
  mkdirSync(dir, { recursive: true });
  const result = { mbox: null, received10000: null, peakRssMb: 0, ok: true };

  if (part === null || part === 'mbox') {
    const mbox = join(dir, `messages-${sizeMb}mb.mbox`);
    const gen = writeMbox(mbox, sizeMb * MB);
    const expected = Number(readFileSync(`${mbox}.count`, 'utf8'));
    log(`mbox: ${(gen.bytes / MB).toFixed(0)} MiB, ${expected} messages (${gen.reused ? 'reused' : 'generated'}) in ${mbox}`);
    const raw = await timed(() => rawRead(mbox));
    const scan = await timed(() => lineScan(mbox));
    const collector = new EvidenceCollector();
    const reading = await timed(() => headersEvidenceReader.read(fileSource(mbox), collector, {}));
    const evidence = collector.finish();
    const read = evidence.messages.length + evidence.messagesNotKept;
    result.mbox = {
      bytes: gen.bytes,
      messages: read,
      expectedMessages: expected,
      records: reading.value.records,
      seconds: Number((reading.wallMs / 1000).toFixed(2)),
      mbPerSecond: perSecond(gen.bytes, reading.wallMs),
      mbPerCpuSecond: perSecond(gen.bytes, reading.cpuMs),
      messagesPerSecond: Math.round(read / (reading.wallMs / 1000)),
      rawReadMbPerSecond: perSecond(gen.bytes, raw.wallMs),
      rawReadMbPerCpuSecond: perSecond(gen.bytes, raw.cpuMs),
      baselineLineScanMbPerSecond: perSecond(gen.bytes, scan.wallMs),
      lines: scan.value,
    };
    result.ok &&= read === expected;
    log(
      `headers reader: ${read} messages in ${result.mbox.seconds} s — ${result.mbox.mbPerSecond} MiB/s wall, ${result.mbox.mbPerCpuSecond} MiB per CPU second, ${result.mbox.messagesPerSecond} messages/s ` +
        `(raw read: ${result.mbox.rawReadMbPerSecond} MiB/s wall, ${result.mbox.rawReadMbPerCpuSecond} per CPU second; line scan: ${result.mbox.baselineLineScanMbPerSecond} MiB/s)`,
    );
  }

  if (part === null || part === 'received') {
    const many = join(dir, 'received-10000.eml');
    writeManyReceived(many, 10_000);
    let hops = 0;
    const reading = await timed(() => readHeaderFile(many, (m) => (hops = m.hops.length)));
    result.received10000 = { hops, ms: Math.round(reading.wallMs), cpuMs: Math.round(reading.cpuMs) };
    result.ok &&= hops === 10_000;
    log(`10,000 Received headers: ${hops} hops in ${result.received10000.ms} ms (${result.received10000.cpuMs} ms CPU)`);
  }

  result.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  log(`peak RSS ${result.peakRssMb} MiB${part ? ` (${part} alone)` : ''}; ${result.ok ? 'counts match' : 'COUNT MISMATCH'}`);
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const partAt = process.argv.indexOf('--part');
  const result = await runHeadersBenchmark({ quick: process.argv.includes('--quick'), part: partAt > 0 ? process.argv[partAt + 1] : undefined });
  process.exitCode = result.ok ? 0 : 1;
}
