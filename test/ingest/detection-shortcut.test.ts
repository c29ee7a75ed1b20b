import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectionSample } from '../../src/ingest/registry/detection-sample.js';
import { detectFormat } from '../../src/ingest/registry/formats.js';
import { DETECTION_SAMPLE_BYTES } from '../../src/ingest/registry/input-format.js';
import { detectWithEveryFormat } from '../../src/ingest/registry/lazy-detect.js';

// Issue 13: the detection worker (read-input.ts) skips the detectors whose no is plain without
// them (format-list.ts's withoutModule), as the case loader's lazy detection does. Every file of
// the fixtures and examples must get the format the full detection (formats.ts) gives.
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('detection without the detectors that cannot say yes', () => {
  const files = [...filesUnder('test/fixtures'), ...filesUnder('examples')];

  it('gives every fixture and example the format the full detection gives', () => {
    expect(files.length).toBeGreaterThan(100);
    const kinds = new Set<string>();
    for (const file of files) {
      const bytes = readFileSync(file);
      const sample = () => detectionSample(bytes.subarray(0, DETECTION_SAMPLE_BYTES), bytes.length, file);
      const full = detectFormat(sample());
      expect(detectWithEveryFormat(sample()), file).toBe(full);
      kinds.add(full?.name ?? 'none');
    }
    // Configuration, evidence and unknown files were all among them.
    for (const k of ['topology', 'certificate', 'powershell-json', 'message-trace', 'none']) expect(kinds).toContain(k);
  });
});
