import { existsSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReadProgress } from '../ingest/evidence/evidence-reader.js';
import type { CaptureReadResult, CapturedSession } from '../ingest/pcap/capture-model.js';
import { mergeShardResults, shardsAgree, type CaptureShard } from '../ingest/pcap/capture-shards.js';
import { readCaptureFile } from '../ingest/pcap/read-capture-file.js';
import { indentedSessionJson } from '../report/render-pcap.js';
import { PcapSessionStore } from './pcap-session-store.js';
import type { ShardDone, ShardJob } from './pcap-shard-worker.js';

/** Below this size a capture is read on the main thread: starting workers costs more than it saves. */
const SHARD_MIN_BYTES = 64 << 20;
/** Each shard decodes every packet, so more shards add that work again while dividing only the sessions'. */
const MAX_SHARDS = 4;

/**
 * How many shards to read `file` in, or 0 to read it on the main thread. Only cores left idle by
 * other work are counted (the load average): on a busy machine more threads only add the
 * shards' shared packet decoding to the CPU time, and the output is the same either way.
 */
export function shardCount(file: string): number {
  const cores = availableParallelism();
  // Cores idle over the last minute, rounded: half a core free is worth a thread.
  const idle = Math.round(cores - loadavg()[0]!);
  const count = Math.min(cores, MAX_SHARDS, 1 + Math.max(0, idle));
  if (count < 2 || !existsSync(workerFile())) return 0;
  try {
    return statSync(file).size >= SHARD_MIN_BYTES ? count : 0;
  } catch {
    return 0;
  }
}

/**
 * Reads a capture in `count` threads (this one and `count - 1` workers), each taking the
 * connections of one shard (capture-shards.ts) and keeping its sessions' JSON in its own store;
 * the stores are listed together by first packet, as one reader's sessions are. Null when the
 * shards cannot stand for one reader (a table crowded enough that its decisions depend on other
 * shards' connections) or a worker failed: the caller then reads the capture on this thread.
 */
export async function readCaptureInShards(file: string, keyLogFiles: string[], count: number, stores: PcapSessionStore[], progress?: ReadProgress): Promise<CaptureReadResult | null> {
  const shards: CaptureShard[] = [];
  const results: CaptureReadResult[] = [];
  const runs = Array.from({ length: count - 1 }, (_, i) => {
    const index = i + 1;
    const job: ShardJob = { file, keyLogFiles, index, count };
    return new Promise<boolean>((resolve) => {
      const worker = new Worker(workerFile(), { workerData: job });
      let done = false;
      worker.on('message', (m: ShardDone) => {
        results[index] = m.result;
        shards[index] = { index, count, peakFlows: m.peakFlows };
        try {
          stores[index] = PcapSessionStore.takeOver(m.sessions);
          done = true;
        } catch {
          // The worker's temporary file cannot be opened: read the capture on this thread instead.
        }
      });
      worker.on('error', () => resolve(false));
      worker.on('exit', () => resolve(done));
    });
  });
  // Shard 0 is read on this thread, whose modules are loaded already, while the workers start.
  const shard: CaptureShard = { index: 0, count, peakFlows: 0 };
  const store = (stores[0] = new PcapSessionStore());
  const onSession = (s: CapturedSession): void => store.add(s.packets.first, indentedSessionJson(s));
  results[0] = await readCaptureFile(file, { keyLogFiles, progress, onSession, keepSessions: false, shard });
  shards[0] = shard;
  const finished = await Promise.all(runs);
  if (!finished.every(Boolean) || !shardsAgree(shards)) return null;
  return mergeShardResults(results);
}

function workerFile(): string {
  return fileURLToPath(new URL('./pcap-shard-worker.js', import.meta.url));
}
