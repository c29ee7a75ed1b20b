import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTraceFile, type TraceFileReport, type TraceReadOptions } from '../../../src/ingest/trace/read-trace.js';
import type { TraceMessage } from '../../../src/ingest/trace/trace-message.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/trace/', import.meta.url));
export const fixture = (name: string): string => join(FIXTURES, name);

export async function readAll(file: string, options: TraceReadOptions = {}): Promise<{ report: TraceFileReport; messages: TraceMessage[] }> {
  const messages: TraceMessage[] = [];
  const report = await readTraceFile(file, (m) => messages.push(m), options);
  return { report, messages };
}

let scratch: string | null = null;
/** Writes bytes to a fresh temporary file and returns its path. */
export function tempFile(name: string, bytes: Uint8Array | string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'mailflow-trace-test-'));
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
}

export function utf16le(text: string, bom = true): Buffer {
  return Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);
}

export function utf16be(text: string, bom = true): Buffer {
  const le = Buffer.from(text, 'utf16le');
  le.swap16();
  return Buffer.concat([bom ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0), le]);
}

/** 1-based line on which `needle` first occurs in `text` (an independent count of the line breaks before it). */
export function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not found: ${needle}`);
  return text.slice(0, i).split('\n').length;
}
