import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureFile, type CaptureReadOptions } from '../../../src/ingest/pcap/read-capture-file.js';

const dirs: string[] = [];

/** Writes capture bytes to a temporary file and reads them back the way the command does. */
export async function readBytes(bytes: Buffer, options: CaptureReadOptions = {}, name = 'capture.pcap') {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-pcap-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return { file, ...(await readCaptureFile(file, options)) };
}

export function tempFile(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'mfd-pcap-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

export function removeCaptureDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
