import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitFinishedBytes } from '../../src/cli/output.js';

describe('emitFinishedBytes', () => {
  it('writes the pieces in order, byte for byte, whatever their size, even from a reused buffer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emit-bytes-'));
    try {
      const texts = ['{\n', 'Grüße ✉ ', 'y'.repeat(3 << 20), ...Array.from({ length: 5000 }, (_, i) => `,"n${i}": ${'z'.repeat(i % 700)}`), '}\n'];
      const reused = Buffer.alloc(4 << 20);
      function* pieces(): Generator<Uint8Array> {
        for (const t of texts) {
          const length = reused.write(t, 0, 'utf8');
          yield reused.subarray(0, length);
          reused.fill(0);
        }
      }
      const file = join(dir, 'out.json');
      await emitFinishedBytes(pieces(), file);
      expect(readFileSync(file, 'utf8')).toBe(texts.join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
