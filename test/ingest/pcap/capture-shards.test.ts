import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_FLOWS } from '../../../src/ingest/pcap/tcp-flows.js';
import { mergeShardResults, shardsAgree, type CaptureShard } from '../../../src/ingest/pcap/capture-shards.js';
import { readCaptureFile } from '../../../src/ingest/pcap/read-capture-file.js';

/** Every committed capture, with the key log of the same name when there is one. */
const DIRS = ['../../fixtures/pcap/', '../../fixtures/pcap/real/'].map((d) => fileURLToPath(new URL(d, import.meta.url)));
const CAPTURES = DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .map((f) => {
      const own = `${dir}${f.replace(/\.pcap(ng)?$/, '.keys')}`;
      const keys = existsSync(own) ? own : f.startsWith('all-') ? `${dir}all-nano.keys` : null;
      return { file: `${dir}${f}`, keyLogFiles: keys ? [keys] : [] };
    }),
);

async function sharded(file: string, keyLogFiles: string[], count: number) {
  const shards: CaptureShard[] = [];
  const results = [];
  for (let index = 0; index < count; index++) {
    const shard: CaptureShard = { index, count, peakFlows: 0 };
    shards.push(shard);
    results.push(await readCaptureFile(file, { keyLogFiles, shard }));
  }
  return { merged: mergeShardResults(results), agree: shardsAgree(shards), perShard: results.map((r) => r.sessions.length) };
}

describe('a capture read in shards (one per worker thread) gives what one reader gives', () => {
  it('finds the committed captures', () => expect(CAPTURES.length).toBeGreaterThan(10));

  for (const { file, keyLogFiles } of CAPTURES) {
    it(file.split('/').slice(-2).join('/'), async () => {
      const whole = await readCaptureFile(file, { keyLogFiles });
      for (const count of [2, 3]) {
        const { merged, agree } = await sharded(file, keyLogFiles, count);
        expect(agree).toBe(true);
        expect(JSON.stringify(merged, null, 2)).toBe(JSON.stringify(whole, null, 2));
      }
    });
  }

  it('shards split the sessions between them', async () => {
    const file = CAPTURES.find((c) => c.file.endsWith('all-nano.pcap'))!;
    const whole = await readCaptureFile(file.file, { keyLogFiles: file.keyLogFiles });
    const { perShard } = await sharded(file.file, file.keyLogFiles, 2);
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(whole.sessions.length);
    expect(Math.min(...perShard)).toBeGreaterThan(0);
  });

  it('shards stand for one reader only while no table could have been crowded (more than MAX_FLOWS connections in all)', () => {
    expect(shardsAgree([{ index: 0, count: 2, peakFlows: MAX_FLOWS / 2 }, { index: 1, count: 2, peakFlows: 10 }])).toBe(true);
    expect(shardsAgree([{ index: 0, count: 2, peakFlows: MAX_FLOWS / 2 + 1 }, { index: 1, count: 2, peakFlows: 10 }])).toBe(false);
  });
});
