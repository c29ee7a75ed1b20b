import { runHeadersBenchmark } from './headers.mjs';
import { runPcapBenchmark } from './pcap.mjs';
import { runProtocolLogBenchmark } from './protocol-log.mjs';
import { runPsTraceBenchmark } from './ps-trace.mjs';
import { runTlsDecryptBenchmark } from './tls-decrypt.mjs';
import { runTraceBenchmark } from './trace.mjs';

/**
 * The evidence readers' benchmarks, run by `npm run bench` after the estate ones. Each runs alone
 * too (`node bench/<name>.mjs [--quick]`); `--skip-<name>` leaves one out.
 */
export const EVIDENCE_BENCHMARKS = [
  { name: 'trace', title: 'Message traces: historical search extended report (UTF-16) vs csv-parse', run: runTraceBenchmark },
  { name: 'ps-trace', title: 'Message traces saved by PowerShell (Export-Csv, ConvertTo-Json of Get-MessageTraceV2) through diagnose, vs raw read', run: runPsTraceBenchmark },
  { name: 'protocol-log', title: 'Exchange SMTP protocol logs: sessions rebuilt, vs csv-parse', run: runProtocolLogBenchmark },
  { name: 'pcap', title: 'Captures: SMTP/TLS sessions among other traffic, vs tshark -T fields', run: runPcapBenchmark },
  { name: 'tls-decrypt', title: 'TLS record decryption vs bare node:crypto', run: runTlsDecryptBenchmark },
  { name: 'headers', title: 'Message headers: an mbox of Exchange Online messages, and 10,000 Received lines', run: runHeadersBenchmark },
];
