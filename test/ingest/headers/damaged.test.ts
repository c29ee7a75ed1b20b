import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, readFixture } from './read-fixture.js';

/** Deterministic damage: the same bytes every run (a linear congruential generator). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('damaged inputs never throw', () => {
  it('every fixture cut short and with bytes overwritten still gives a report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-damaged-'));
    const random = prng(6);
    let runs = 0;
    for (const name of readdirSync(FIXTURES)) {
      const original = readFileSync(FIXTURES + name);
      if (original.length === 0) continue;
      for (let i = 0; i < 12; i++) {
        const bytes = Buffer.from(original.subarray(0, Math.max(1, Math.floor(random() * original.length))));
        for (let k = 0; k < 1 + Math.floor(random() * 20); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        const path = join(dir, `${i}-${name}`);
        writeFileSync(path, bytes);
        const { report } = await readFixture(path);
        expect(report.file).toBe(path);
        expect(report.records + report.diagnostics.length).toBeGreaterThan(0);
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(100);
  });
});

describe('damaged compound files', () => {
  it('sector numbers, sizes and names overwritten: an error or the headers, never a throw or a hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-damaged-msg-'));
    const original = readFileSync(FIXTURES + 'cross-premises-anonymous-gateway.msg');
    const random = prng(7);
    const outcomes = { read: 0, refused: 0 };
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(original);
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
        const at = Math.floor(random() * (bytes.length / 4)) * 4;
        const values = [0xffffffff, 0xfffffffe, 0xfffffffd, 0, 1, Math.floor(random() * 2 ** 32), Math.floor(random() * 64)];
        bytes.writeUInt32LE(values[Math.floor(random() * values.length)]! >>> 0, at);
      }
      const path = join(dir, `${i}.msg`);
      writeFileSync(path, bytes);
      const { report } = await readFixture(path);
      if (report.records > 0) outcomes.read++;
      else {
        expect(report.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        outcomes.refused++;
      }
    }
    expect(outcomes.read + outcomes.refused).toBe(200);
  });
});
