// Child process of the pcap benchmark: reads a capture with the library's readCaptureFile
// (dist/), sessions streamed out as they end (keepSessions: false), and writes one JSON line per
// SMTP session — client, reply codes, certificate SHA-256s — then a summary line. Measured from
// outside by pcap.mjs; usage: node bench/pcap-reader-child.mjs CAPTURE [KEYLOG]
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [file, keyLog] = process.argv.slice(2);
const t0 = performance.now();
const { readCaptureFile } = await import(process.env.BENCH_DIST ? pathToFileURL(join(process.env.BENCH_DIST, 'ingest', 'pcap', 'read-capture-file.js')).href : new URL('../dist/ingest/pcap/read-capture-file.js', import.meta.url).href);
const imported = performance.now();
const lines = [];
const flush = () => {
  if (lines.length > 0) process.stdout.write(lines.join(''));
  lines.length = 0;
};
const prints = (list) => (Array.isArray(list) ? list.map((c) => c.sha256) : null);
const result = await readCaptureFile(file, {
  keyLogFiles: keyLog ? [keyLog] : [],
  keepSessions: false,
  onSession(s) {
    const replies = [...s.replies, ...s.transactions.flatMap((t) => t.replies)].sort((a, b) => a.packet - b.packet);
    lines.push(JSON.stringify({ client: s.client, replyCodes: replies.map((r) => r.code), serverCertificates: prints(s.tls?.serverCertificates), clientCertificates: prints(s.tls?.clientCertificates) }) + '\n');
    if (lines.length >= 1000) flush();
  },
});
flush();
const done = performance.now();
process.stdout.write(JSON.stringify({ summary: result.summary, error: result.error, diagnostics: result.diagnostics.length, importMs: Math.round(imported - t0), readMs: Math.round(done - imported) }) + '\n');
