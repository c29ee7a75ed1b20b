import { FORMAT_ENTRIES } from './format-list.js';
import { inputFromDetected, readInputWithAsync, type DetectedInput, type InputFile } from './input-file.js';
import type { DetectionSample, InputFormat } from './input-format.js';

/**
 * The format of a sample as formats.ts's detectFormat chooses it (the most confident, ties to the
 * first listed), loading a format's module only when its answer could change the choice: a format
 * whose highest confidence does not beat the best so far cannot win (a tie goes to the earlier
 * one), and one whose no is plain without its module (a missing magic number or marker,
 * format-list.ts) answers 0 or its by-name guess. A message trace is chosen with the trace reader
 * and a few byte tests: the certificate parser, the YAML parser, the export and log readers stay
 * unloaded.
 */
export async function detectFormatLazily(sample: DetectionSample): Promise<InputFormat | null> {
  let best: InputFormat | null = null;
  let bestConfidence = 0;
  for (const entry of FORMAT_ENTRIES) {
    if (entry.maxConfidence <= bestConfidence) continue;
    const known = entry.withoutModule?.(sample) ?? null;
    // Said without the module: only a by-name guess can be above 0, and it needs the format itself to be the answer.
    if (known !== null && known <= bestConfidence) continue;
    const format = await entry.load();
    const confidence = known ?? format.detect(sample);
    if (confidence > bestConfidence) {
      best = format;
      bestConfidence = confidence;
      if (confidence >= 1) break;
    }
  }
  return best;
}

/** readInput (read-input.ts) with the lazy detection. */
export function readInputLazily(file: string): Promise<InputFile> {
  return readInputWithAsync(file, Buffer.allocUnsafe, (opened) => detectFormatLazily(opened.sample));
}

/** fromDetected (read-input.ts) with only the named evidence format loaded. */
export async function fromDetectedLazily(d: DetectedInput): Promise<InputFile> {
  const entry = d.evidenceFormat >= 0 ? FORMAT_ENTRIES[d.evidenceFormat] : undefined;
  return inputFromDetected(d, entry === undefined ? undefined : await entry.load());
}
