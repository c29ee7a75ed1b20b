import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/**
 * Benchmark (issue 6): reading message headers. An mbox of Exchange Online messages (each the
 * header block of test/fixtures/headers/cross-premises-internal.eml with its own Message-ID, plus a
 * short body) is read with the headers evidence reader into the case's EvidenceCollector, as
 * `diagnose` does; then one message with 10,000 Received headers. Baseline: splitting the same
 * mbox into lines with a plain byte scan (the floor any line-based reader pays).
 *
 *   node bench/headers.mjs [--quick]      (after npm run build; --quick: 50 MiB instead of 500 MiB)
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Fixtures come from the working tree when run from the benchmark's snapshot (which holds only bench/, dist/, bin/).
const FIXTURES_ROOT = process.env.BENCH_REPO ?? ROOT;
const MB = 1024 * 1024;

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

export async function runHeadersBenchmark(options = {}, log = console.log) {
  const { headersEvidenceReader } = await import(join(ROOT, 'dist/ingest/headers/headers-evidence-reader.js'));
  const { EvidenceCollector } = await import(join(ROOT, 'dist/ingest/evidence/evidence-collector.js'));
  const { readHeaderFile } = await import(join(ROOT, 'dist/ingest/headers/read-header-file.js'));
  const sizeMb = options.sizeMb ?? (options.quick ? 50 : 500);
  const dir = join(ROOT, 'bench', 'out', 'headers');
  mkdirSync(dir, { recursive: true });
  const mbox = join(dir, `messages-${sizeMb}mb.mbox`);
  const gen = writeMbox(mbox, sizeMb * MB);
  const expected = Number(readFileSync(`${mbox}.count`, 'utf8'));
  log(`mbox: ${(gen.bytes / MB).toFixed(0)} MiB, ${expected} messages (${gen.reused ? 'reused' : 'generated'}) in ${mbox}`);

  let t0 = performance.now();
  const lines = await lineScan(mbox);
  const scanMs = performance.now() - t0;

  const collector = new EvidenceCollector();
  t0 = performance.now();
  const report = await headersEvidenceReader.read(mbox, collector, {});
  const readMs = performance.now() - t0;
  const evidence = collector.finish();
  const read = evidence.messages.length + evidence.messagesNotKept;

  const many = join(dir, 'received-10000.eml');
  writeManyReceived(many, 10_000);
  let hops = 0;
  t0 = performance.now();
  await readHeaderFile(many, (m) => (hops = m.hops.length));
  const manyMs = performance.now() - t0;

  const result = {
    mbox: {
      bytes: gen.bytes,
      messages: read,
      expectedMessages: expected,
      records: report.records,
      seconds: Number((readMs / 1000).toFixed(2)),
      mbPerSecond: Number((gen.bytes / MB / (readMs / 1000)).toFixed(1)),
      messagesPerSecond: Math.round(read / (readMs / 1000)),
      baselineLineScanMbPerSecond: Number((gen.bytes / MB / (scanMs / 1000)).toFixed(1)),
      lines,
    },
    received10000: { hops, ms: Math.round(manyMs) },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ok: read === expected && hops === 10_000,
  };
  log(`headers reader: ${result.mbox.messages} messages in ${result.mbox.seconds} s — ${result.mbox.mbPerSecond} MiB/s, ${result.mbox.messagesPerSecond} messages/s (line scan alone: ${result.mbox.baselineLineScanMbPerSecond} MiB/s)`);
  log(`10,000 Received headers: ${hops} hops in ${result.received10000.ms} ms; peak RSS ${result.peakRssMb} MiB; ${result.ok ? 'counts match' : 'COUNT MISMATCH'}`);
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runHeadersBenchmark({ quick: process.argv.includes('--quick') });
  process.exitCode = result.ok ? 0 : 1;
}
