import { detectFormat, FORMATS } from './formats.js';
import { readInputWith, type DetectedInput, type InputFile } from './input-file.js';
import { detectWithEveryFormat } from './lazy-detect.js';

export type { DetectedInput, InputFile } from './input-file.js';

/**
 * A file read and detected with every format of the registry loaded (input-file.ts says how it is
 * read): the detection worker's way. It asks the detectors as the case loader's lazy detection
 * does (lazy-detect.ts), which comes to formats.ts's detectFormat answer with fewer of them asked.
 */
export function readInput(file: string, allocate: (size: number) => Buffer = Buffer.allocUnsafe): InputFile {
  return readInputWith(file, allocate, (opened) => {
    // FORMATS has loaded every module, so the shortcut answers (undefined only if one were missing).
    const found = detectWithEveryFormat(opened.sample);
    return found === undefined ? detectFormat(opened.sample) : found;
  });
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
