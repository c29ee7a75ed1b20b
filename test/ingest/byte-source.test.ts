import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSource, fileSource, readSourceHead, sourceChunks } from '../../src/ingest/byte-source.js';
import { EvidenceCollector } from '../../src/ingest/evidence/evidence-collector.js';
import { detectionSample } from '../../src/ingest/registry/detection-sample.js';
import { detectFormat } from '../../src/ingest/registry/formats.js';
import { DETECTION_SAMPLE_BYTES } from '../../src/ingest/registry/input-format.js';

// Issue 13 item 1: every reader takes bytes, not a path. A reader handed the bytes of a fixture
// in memory must report and collect exactly what it does when handed the file, under the same name.

const FIXTURE_ROOT = 'test/fixtures';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every fixture an evidence reader claims, with that reader. */
const EVIDENCE_FIXTURES = filesUnder(FIXTURE_ROOT)
  .filter((f) => statSync(f).size < 8 << 20)
  .flatMap((file) => {
    const bytes = readFileSync(file);
    const format = detectFormat(detectionSample(bytes.subarray(0, DETECTION_SAMPLE_BYTES), bytes.length, file));
    return format?.kind === 'evidence' ? [{ file, reader: format.reader }] : [];
  });

describe('evidence readers read bytes in memory as they read the file', () => {
  it('has fixtures for every evidence reader the registry holds', () => {
    const kinds = new Set(EVIDENCE_FIXTURES.map((f) => f.reader.kind));
    for (const kind of ['message-trace', 'protocol-log', 'tracking-log', 'headers', 'ndr', 'capture', 'queue']) expect(kinds, kind).toContain(kind);
  });

  it.each(EVIDENCE_FIXTURES.map((f) => [f.file, f] as const))('%s', async (_name, { file, reader }) => {
    const fromFile = new EvidenceCollector();
    const fileReport = await reader.read(fileSource(file), fromFile, {});
    // Named as no file is, so a reader that opened its input by name would fail here.
    const memoryName = `memory:${file}`;
    const fromBytes = new EvidenceCollector();
    const bytesReport = await reader.read(bytesSource(memoryName, readFileSync(file)), fromBytes, {});
    const renamed = <T>(x: T): T => JSON.parse(JSON.stringify(x).split(memoryName).join(file)) as T;
    expect(bytesReport.file).toBe(memoryName);
    expect(renamed(bytesReport)).toEqual(fileReport);
    expect(renamed(fromBytes.finish())).toEqual(JSON.parse(JSON.stringify(fromFile.finish())));
    expect(fileReport.file).toBe(file);
  });
});

describe('byte sources', () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);

  it('reads by position, short at the end and nothing past it', async () => {
    const open = await bytesSource('mem', bytes).open();
    expect(open.size).toBe(1000);
    const buffer = new Uint8Array(300);
    expect((await open.read(buffer, 0, 300, 900)).bytesRead).toBe(100);
    expect(Array.from(buffer.subarray(0, 100))).toEqual(Array.from(bytes.subarray(900)));
    expect((await open.read(buffer, 0, 300, 1000)).bytesRead).toBe(0);
    // Never writes beyond the buffer, even when asked for more than fits after `offset`.
    expect((await open.read(buffer, 250, 300, 0)).bytesRead).toBe(50);
    expect(Array.from(buffer.subarray(250))).toEqual(Array.from(bytes.subarray(0, 50)));
    await open.close();
  });

  it('hands out every byte once, in order, in chunks of the size asked', async () => {
    const sizes: number[] = [];
    const parts: Buffer[] = [];
    for await (const c of sourceChunks(bytesSource('mem', bytes), 256)) {
      sizes.push(c.length);
      parts.push(c);
    }
    expect(sizes).toEqual([256, 256, 256, 232]);
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true);
  });

  it('bounds a whole read to the head asked for and tells the real size', async () => {
    const head = await readSourceHead(bytesSource('mem', bytes), 10);
    expect(head.size).toBe(1000);
    expect(Array.from(head.bytes)).toEqual(Array.from(bytes.subarray(0, 10)));
  });

  it('a file source opens lazily and reports what the file system says', async () => {
    const missing = fileSource('test/fixtures/no-such-file.eml');
    expect(missing.name).toBe('test/fixtures/no-such-file.eml');
    await expect(missing.open()).rejects.toThrow(/ENOENT/);
  });
});
