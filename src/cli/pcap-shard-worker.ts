import { parentPort, workerData } from 'node:worker_threads';
import type { CaptureReadResult, CapturedSession } from '../ingest/pcap/capture-model.js';
import type { CaptureShard } from '../ingest/pcap/capture-shards.js';
import { readCaptureFile } from '../ingest/pcap/read-capture-file.js';
import { indentedSessionJson } from '../report/render-pcap.js';
import { PcapSessionStore, type HandedOverSessions } from './pcap-session-store.js';

/** What the main thread asks of one shard (see pcap-shards.ts). */
export interface ShardJob {
  file: string;
  keyLogFiles: string[];
  index: number;
  count: number;
}

/**
 * What a shard gives back once the capture is read: its result and its sessions' JSON, kept in
 * this thread's store meanwhile (spilled to its own temporary file past a few MB), so no session
 * text waits in a message queue and memory stays flat.
 */
export interface ShardDone {
  result: CaptureReadResult;
  peakFlows: number;
  sessions: HandedOverSessions;
}

async function run(job: ShardJob): Promise<ShardDone> {
  const shard: CaptureShard = { index: job.index, count: job.count, peakFlows: 0 };
  const store = new PcapSessionStore();
  try {
    const onSession = (s: CapturedSession): void => store.add(s.packets.first, indentedSessionJson(s));
    const result = await readCaptureFile(job.file, { keyLogFiles: job.keyLogFiles, keepSessions: false, shard, onSession });
    return { result, peakFlows: shard.peakFlows, sessions: store.handOver() };
  } finally {
    // Removes the temporary file only if it was not handed over (a failure).
    store.close();
  }
}

if (parentPort) parentPort.postMessage(await run(workerData as ShardJob));
