import { detectFormat, FORMATS } from './formats.js';
import { readInputWith, type DetectedInput, type InputFile } from './input-file.js';

export type { DetectedInput, InputFile } from './input-file.js';

/**
 * A file read and detected with every format of the registry loaded (input-file.ts says how it is
 * read): the detection worker's way, and the reference the case loader's lazy detection
 * (lazy-detect.ts) agrees with.
 */
export function readInput(file: string, allocate: (size: number) => Buffer = Buffer.allocUnsafe): InputFile {
  return readInputWith(file, allocate, (opened) => detectFormat(opened.sample));
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
