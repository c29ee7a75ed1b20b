import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { InputKind } from '../detect.js';
import { describeUnknown } from '../describe-unknown.js';
import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { isExportFormat } from '../powershell/export-formats.js';
import { detectionSample } from './detection-sample.js';
import { DETECTION_SAMPLE_BYTES, type DetectionSample, type InputFormat } from './input-format.js';

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

/** A file opened and its first bytes read: what detection sees. */
export interface OpenedInput {
  readonly fd: number;
  readonly size: number;
  readonly head: Buffer;
  readonly sample: DetectionSample;
}

/**
 * Reads a file with plain synchronous calls: a provider's case folder holds tens of thousands of
 * small exports, and four promise round-trips through the thread pool per file (open, stat, read,
 * close) cost more than the reads themselves. Only files of a kind read here are read whole;
 * evidence is only sampled (it is streamed later). `allocate` gives the buffers the bytes are
 * read into: a worker passes one that never hands out a slice of Node's shared pool, as the
 * buffer is transferred to the main thread. `detect` is the registry's choice for the sample
 * (read-input.ts with every format loaded, lazy-detect.ts loading formats as files need them).
 */
export function readInputWith(file: string, allocate: (size: number) => Buffer, detect: (opened: OpenedInput) => InputFormat | null): InputFile {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const opened = openedInput(fd, file, allocate);
    return inputFile(file, opened, detect(opened), allocate);
  } catch (e) {
    return unreadable(file, e);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function openedInput(fd: number, file: string, allocate: (size: number) => Buffer): OpenedInput {
  const size = fstatSync(fd).size;
  const buffer = allocate(Math.min(size, DETECTION_SAMPLE_BYTES));
  const got = readSync(fd, buffer, 0, buffer.length, 0);
  const head = buffer.subarray(0, got);
  return { fd, size, head, sample: detectionSample(head, size, file) };
}

function inputFile(file: string, opened: OpenedInput, format: InputFormat | null, allocate: (size: number) => Buffer): InputFile {
  const { fd, size, head, sample } = opened;
  const got = head.length;
  // Evidence saved through PowerShell (Get-MessageTraceV2 | Export-Csv / ConvertTo-Json, Get-Queue
  // exports) looks like a configuration export too: its reader is the more confident, so such a
  // file is streamed once by it instead of being read whole as configuration first.
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
}

function unreadable(file: string, e: unknown): InputFile {
  return { file, bytes: null, readError: (e as Error).message, kind: 'unknown', evidence: null };
}

/** The InputFile again on the main thread, given the evidence format the index names. */
export function inputFromDetected(d: DetectedInput, format: InputFormat | undefined): InputFile {
  const evidence = format?.kind === 'evidence' ? format.reader : null;
  const bytes = d.bytes !== null ? Buffer.from(d.bytes.buffer, d.bytes.byteOffset, d.bytes.byteLength) : null;
  return { file: d.file, bytes, readError: d.readError, kind: d.kind, evidence, ...(d.looksLike !== undefined ? { looksLike: d.looksLike } : {}) };
}
