import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { InputKind } from '../detect.js';
import { describeUnknown } from '../describe-unknown.js';
import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { isExportFormat } from '../powershell/load-exports.js';
import { detectionSample } from './detection-sample.js';
import { detectFormat, FORMATS } from './formats.js';
import { DETECTION_SAMPLE_BYTES } from './input-format.js';

/** One file of the case after detection: its kind, and its bytes when it is configuration (read whole). */
export interface InputFile {
  file: string;
  bytes: Buffer | null;
  readError: string | null;
  kind: InputKind;
  /** Set when the file is evidence (trace, log, capture, headers): streamed later, never read whole. */
  evidence: EvidenceReader | null;
  /** An export's whole text when detection already decoded all of it. */
  text?: string | null;
  /** For a file no reader recognised: what it looks like (describe-unknown.ts). */
  looksLike?: string;
}

/**
 * An InputFile as it crosses from a detection worker (detect-inputs.ts): the evidence reader
 * (functions do not cross threads) as its index in FORMATS, the bytes as a plain view of a buffer
 * of their own (transferred, not copied).
 */
export interface DetectedInput {
  file: string;
  bytes: Uint8Array | null;
  readError: string | null;
  kind: InputKind;
  evidenceFormat: number;
  looksLike?: string;
}

/**
 * Reads a file with plain synchronous calls: a provider's case folder holds tens of thousands of
 * small exports, and four promise round-trips through the thread pool per file (open, stat, read,
 * close) cost more than the reads themselves. Only files of a kind read here are read whole;
 * evidence is only sampled (it is streamed later). `allocate` gives the buffers the bytes are
 * read into: a worker passes one that never hands out a slice of Node's shared pool, as the
 * buffer is transferred to the main thread.
 */
export function readInput(file: string, allocate: (size: number) => Buffer = Buffer.allocUnsafe): InputFile {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const buffer = allocate(Math.min(size, DETECTION_SAMPLE_BYTES));
    const got = readSync(fd, buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, got);
    const sample = detectionSample(head, size, file);
    // Evidence saved through PowerShell (Get-MessageTraceV2 | Export-Csv / ConvertTo-Json, Get-Queue
    // exports) looks like a configuration export too: its reader is the more confident, so such a
    // file is streamed once by it instead of being read whole as configuration first.
    const format = detectFormat(sample);
    const evidence = format?.kind === 'evidence' ? format.reader : null;
    const kind: InputKind = format?.kind === 'configuration' ? format.name : 'unknown';
    const wanted = format?.kind === 'configuration';
    let bytes: Buffer | null = null;
    if (wanted) {
      if (got === size) bytes = head;
      else {
        bytes = allocate(size);
        head.copy(bytes);
        let at = got;
        while (at < size) {
          const n = readSync(fd, bytes, at, size - at, at);
          if (n === 0) break;
          at += n;
        }
        bytes = bytes.subarray(0, at);
      }
    }
    // Detection decoded the whole file when it fit in the sample: an export need not be decoded twice.
    const text = bytes !== null && sample.textIsWhole && isExportFormat(kind) ? sample.text : null;
    const looksLike = format === null ? describeUnknown(head, size) : undefined;
    return { file, bytes, readError: null, kind, evidence, text, ...(looksLike ? { looksLike } : {}) };
  } catch (e) {
    return { file, bytes: null, readError: (e as Error).message, kind: 'unknown', evidence: null };
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * What a worker sends for a file. The bytes go as their buffer, never as decoded text: a buffer
 * is transferred outside the JavaScript heap, while thousands of strings waiting in the main
 * thread's queue would be copied by every collection of its young generation.
 */
export function toDetected(input: InputFile): DetectedInput {
  const { file, bytes, readError, kind, evidence, looksLike } = input;
  const evidenceFormat = evidence === null ? -1 : FORMATS.findIndex((f) => f.kind === 'evidence' && f.reader === evidence);
  return { file, bytes, readError, kind, evidenceFormat, ...(looksLike !== undefined ? { looksLike } : {}) };
}

/** The InputFile again on the main thread. */
export function fromDetected(d: DetectedInput): InputFile {
  const format = d.evidenceFormat >= 0 ? FORMATS[d.evidenceFormat] : undefined;
  const evidence = format?.kind === 'evidence' ? format.reader : null;
  const bytes = d.bytes !== null ? Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength) : null;
  return { file: d.file, bytes, readError: d.readError, kind: d.kind, evidence, ...(d.looksLike !== undefined ? { looksLike: d.looksLike } : {}) };
}
