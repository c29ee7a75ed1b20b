import { isoTime } from '../../model/iso-time.js';
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../../model/diagnostics.js';
import { toByteSource, type ByteSource } from '../byte-source.js';
import type { ReadProgress } from '../evidence/evidence-reader.js';
import { CaptureDecoder } from './capture-decoder.js';
import type { CaptureReadResult, CaptureSummary, CapturedSession } from './capture-model.js';
import { ChunkedFile } from './chunked-file.js';
import type { ContainerRead } from './frame-sink.js';
import { linkTypeName } from './link-layer.js';
import { pcapHeader, readPcap } from './pcap-file.js';
import { addDiagnostics } from '../limits.js';
import { isPcapng, readPcapng } from './pcapng-file.js';
import { parseKeyLog, type KeyLog } from './tls-keylog.js';

export interface CaptureReadOptions {
  /** NSS key log files (SSLKEYLOGFILE) to open TLS sessions with. */
  keyLogFiles?: string[];
  progress?: ReadProgress;
  /** Each session as soon as its connection ends (in the order connections end). */
  onSession?: (session: CapturedSession) => void;
  /** Keep sessions in the result (default true); false when `onSession` takes them all. */
  keepSessions?: boolean;
}

export type CaptureFormat = 'pcap' | 'pcapng';

/** Which capture format these first bytes are, by their magic numbers. */
export function captureFormat(sample: Uint8Array): CaptureFormat | null {
  if (isPcapng(sample)) return 'pcapng';
  if (pcapHeader(sample)) return 'pcap';
  return null;
}

/**
 * Reads a pcap or pcapng file front to back in chunks and returns every SMTP session in it with a
 * summary of the capture. Memory is bounded by the connections open at once, not the file size.
 * Never throws for bad content: damage is reported in `diagnostics`, and `error` is set only when
 * the file is not a capture at all or cannot be opened.
 */
export async function readCaptureFile(input: ByteSource | string, options: CaptureReadOptions = {}): Promise<CaptureReadResult> {
  const source = toByteSource(input);
  const file = source.name;
  const diagnostics: Diagnostic[] = [];
  const keyLogs = await readKeyLogs(options.keyLogFiles ?? [], diagnostics);
  const sessions: CapturedSession[] = [];
  const keep = options.keepSessions ?? true;
  const decoder = new CaptureDecoder(file, keyLogs, (s) => {
    if (keep) sessions.push(s);
    options.onSession?.(s);
  });
  const summary = emptySummary(file, options.keyLogFiles?.length ?? 0);
  let f: ChunkedFile;
  try {
    f = await ChunkedFile.open(source);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    return failed(summary, diagnostics, file, `cannot read ${file}: ${reason}`);
  }
  let read: ContainerRead;
  try {
    await f.more(24);
    summary.format = captureFormat(f.buf.subarray(f.start, f.end));
    if (summary.format === null) {
      return failed(summary, diagnostics, file, `${file} is not a packet capture (no pcap or pcapng magic number at its start). Save captures as pcap or pcapng (Wireshark: File › Save As; tcpdump -w; netsh trace ETL files need converting with etl2pcapng first).`);
    }
    options.progress?.start(file, f.size);
    f.onRead = (offset) => options.progress?.update(offset);
    read = summary.format === 'pcap' ? await readPcap(f, decoder) : await readPcapng(f, decoder);
  } catch (e) {
    // A read error half way (a disk or network file going away): keep what was read.
    decoder.problem(f.position, `reading stopped: ${(e as Error).message}`);
    read = { truncated: false, damaged: true };
  } finally {
    await f.close().catch(() => undefined);
    options.progress?.done();
  }
  decoder.finish();
  sessions.sort((x, y) => x.packets.first - y.packets.first);
  Object.assign(summary, {
    linkTypes: [...decoder.linkTypes].map(linkTypeName),
    packets: decoder.packets,
    bytes: decoder.bytes,
    skipped: decoder.skipped,
    skippedReasons: decoder.skippedReasons,
    notTcp: decoder.notTcp,
    ipFragments: { reassembled: decoder.fragments.reassembled, dropped: decoder.fragments.dropped },
    tcpConnections: decoder.flows.created,
    smtpSessions: decoder.flows.sessions,
    firstPacketAt: iso(decoder.firstTime),
    lastPacketAt: iso(decoder.lastTime),
    truncated: read.truncated,
    keyLog: { files: options.keyLogFiles?.length ?? 0, fromCapture: decoder.keyLogsFromCapture, clientRandoms: decoder.keyLogSessions },
  } satisfies Partial<CaptureSummary>);
  addDiagnostics(diagnostics, decoder.diagnostics, file);
  if (decoder.fragments.dropped > 0) {
    diagnostics.push({ severity: 'warning', location: file, message: `${decoder.fragments.dropped} IP datagrams were fragmented and not all their fragments are in the capture; they were left out.` });
  }
  if (decoder.packets === 0 && read.damaged) return failed(summary, diagnostics, file, `${file} starts like a capture but no packet in it could be read.`);
  return { summary, sessions, diagnostics, error: null };
}

async function readKeyLogs(files: string[], diagnostics: Diagnostic[]): Promise<KeyLog[]> {
  const logs: KeyLog[] = [];
  for (const file of files) {
    try {
      const parsed = parseKeyLog(await readFile(file, 'utf8'), file);
      addDiagnostics(diagnostics, parsed.diagnostics, file);
      logs.push(parsed.keyLog);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
      diagnostics.push({ severity: 'error', location: file, message: `${file}: cannot read the key log: ${reason}` });
    }
  }
  return logs;
}

function emptySummary(file: string, keyLogFiles: number): CaptureSummary {
  return {
    file,
    format: null,
    linkTypes: [],
    packets: 0,
    bytes: 0,
    skipped: 0,
    skippedReasons: {},
    notTcp: 0,
    ipFragments: { reassembled: 0, dropped: 0 },
    tcpConnections: 0,
    smtpSessions: 0,
    firstPacketAt: null,
    lastPacketAt: null,
    truncated: false,
    keyLog: { files: keyLogFiles, fromCapture: 0, clientRandoms: 0 },
  };
}

function failed(summary: CaptureSummary, diagnostics: Diagnostic[], file: string, error: string): CaptureReadResult {
  diagnostics.push({ severity: 'error', location: file, message: error });
  return { summary, sessions: [], diagnostics, error };
}

/** Interface options (if_tsresol/if_tsoffset) can put a time outside what Date holds. */
const iso = isoTime;
