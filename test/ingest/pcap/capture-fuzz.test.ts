import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readBytes, removeCaptureDirs } from './capture-files.js';

afterAll(removeCaptureDirs);

/** Mulberry32: a small seeded PRNG, so a failing mutation can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIR = fileURLToPath(new URL('../../fixtures/pcap/', import.meta.url));
const REAL = `${DIR}real/`;
const seeds: { name: string; bytes: Buffer; keyLog?: string }[] = [
  ...readdirSync(DIR)
    .filter((f) => /\.(pcap|pcapng)$/.test(f))
    .map((f) => ({ name: f, bytes: readFileSync(`${DIR}${f}`) })),
  { name: 'real/all-dsb.pcapng', bytes: readFileSync(`${REAL}all-dsb.pcapng`) },
  { name: 'real/tls13-keylog.pcap', bytes: readFileSync(`${REAL}tls13-keylog.pcap`), keyLog: `${REAL}tls13-keylog.keys` },
];

function mutate(bytes: Buffer, random: () => number): { bytes: Buffer; how: string } {
  const out = Buffer.from(bytes);
  const kind = Math.floor(random() * 5);
  // Leave the file header alone half the time, so mutations reach packets, TCP, SMTP and TLS.
  const from = random() < 0.5 ? 0 : Math.min(64, out.length);
  const at = () => from + Math.floor(random() * Math.max(1, out.length - from));
  switch (kind) {
    case 0: {
      const flips = 1 + Math.floor(random() * 20);
      for (let i = 0; i < flips; i++) {
        const k = at();
        out[k] = out[k]! ^ (1 << Math.floor(random() * 8));
      }
      return { bytes: out, how: `${flips} bit flips` };
    }
    case 1: {
      const n = 1 + Math.floor(random() * 8);
      for (let i = 0; i < n; i++) out[at()] = Math.floor(random() * 256);
      return { bytes: out, how: `${n} random bytes` };
    }
    case 2: {
      const cut = at();
      return { bytes: out.subarray(0, cut), how: `truncated at ${cut}` };
    }
    case 3: {
      const start = at();
      const junk = Buffer.alloc(1 + Math.floor(random() * 300));
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256);
      return { bytes: Buffer.concat([out.subarray(0, start), junk, out.subarray(start)]), how: `${junk.length} garbage bytes inserted at ${start}` };
    }
    default: {
      // A run of 0xFF over a length field is the classic way to ask for a huge allocation.
      const start = at();
      out.fill(0xff, start, Math.min(out.length, start + 4));
      return { bytes: out, how: `0xFFFFFFFF at ${start}` };
    }
  }
}

describe('mutated captures never make the reader throw', () => {
  for (const seed of seeds) {
    it(seed.name, async () => {
      const random = prng(0x5eed ^ seed.bytes.length);
      for (let round = 0; round < 60; round++) {
        const { bytes, how } = mutate(seed.bytes, random);
        let result;
        try {
          result = await readBytes(bytes, seed.keyLog ? { keyLogFiles: [seed.keyLog] } : {}, seed.name.endsWith('.pcapng') ? 'x.pcapng' : 'x.pcap');
        } catch (e) {
          throw new Error(`${seed.name}, round ${round} (${how}): threw ${(e as Error).stack}`);
        }
        expect(result.summary.packets, `${seed.name}, round ${round} (${how})`).toBeGreaterThanOrEqual(0);
        JSON.stringify(result);
      }
    });
  }

  it('pure garbage and empty files', async () => {
    const random = prng(42);
    for (const length of [0, 1, 23, 24, 100, 5000]) {
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
      const r = await readBytes(bytes);
      expect(r.error).toMatch(/not a packet capture/);
    }
  });
});
