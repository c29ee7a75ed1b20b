import type { CaptureReadResult } from './capture-model.js';
import { MAX_FLOWS } from './tcp-flows.js';

/**
 * One of `count` readers of the same capture, each keeping the connections whose (mixed) hash
 * leaves `index` modulo `count` (both directions of a connection hash alike, so a connection is
 * wholly one reader's). Every reader still decodes every packet (the capture summary and diagnostics
 * come out the same in each) and counts every segment towards its sweeps, so sweeps come at the
 * same packets as in a single reader.
 */
export interface CaptureShard {
  readonly index: number;
  readonly count: number;
  /** Set by the reader: the most connections its table tracked at once. */
  peakFlows: number;
}

/**
 * Whether shards of one capture made the same sessions as one reader: true when no shard ever
 * tracked more than MAX_FLOWS / count connections, so the connections of all shards together
 * (their sum) never passed MAX_FLOWS — the only point where one table's decisions depend on
 * connections other than the one decided on (crowded tables forget connections early).
 */
export function shardsAgree(shards: readonly CaptureShard[]): boolean {
  return shards.every((s) => s.peakFlows * s.count <= MAX_FLOWS);
}

/**
 * The result one reader would give, from the shards' results in shard order (sessions are not
 * kept: they went to each shard's `onSession`). The summary and diagnostics come from decoding
 * every packet, which each shard does alike; only the connections and SMTP sessions are split.
 */
export function mergeShardResults(results: readonly CaptureReadResult[]): CaptureReadResult {
  const first = results[0]!;
  if (first.error !== null) return first;
  const summary = { ...first.summary };
  summary.tcpConnections = results.reduce((n, r) => n + r.summary.tcpConnections, 0);
  summary.smtpSessions = results.reduce((n, r) => n + r.summary.smtpSessions, 0);
  const sessions = results.flatMap((r) => r.sessions).sort((x, y) => x.packets.first - y.packets.first);
  return { summary, sessions, diagnostics: first.diagnostics, error: null };
}
