import { FORMAT_ENTRIES, type FormatEntry } from './format-list.js';
import { inputFromDetected, readInputWith, type DetectedInput, type InputFile } from './input-file.js';
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
  // Loading a module changes no answer: the detection starts again with it, until none is missing.
  for (;;) {
    const found = detectWithLoaded(sample);
    if (found instanceof NotLoaded) await found.entry.load();
    else return found;
  }
}

/**
 * The detection with every module loaded (formats.ts loads them all): detectFormat's answer, with
 * the formats whose no is plain without their detector (format-list.ts's withoutModule) not asked —
 * the detection worker sees every file of a provider's case. Undefined when a module is missing after all.
 */
export function detectWithEveryFormat(sample: DetectionSample): InputFormat | null | undefined {
  const found = detectWithLoaded(sample);
  return found instanceof NotLoaded ? undefined : found;
}

/** A format the detection needs whose module is not loaded yet. */
class NotLoaded {
  constructor(readonly entry: FormatEntry) {}
}

/** The detection, as long as every format it asks has its module loaded. */
function detectWithLoaded(sample: DetectionSample): InputFormat | null | NotLoaded {
  let best: InputFormat | null = null;
  let bestConfidence = 0;
  for (const entry of FORMAT_ENTRIES) {
    if (entry.maxConfidence <= bestConfidence) continue;
    const known = entry.withoutModule?.(sample) ?? null;
    // Said without the module: only a by-name guess can be above 0, and it needs the format itself to be the answer.
    if (known !== null && known <= bestConfidence) continue;
    const format = entry.loaded();
    if (format === null) return new NotLoaded(entry);
    const confidence = known ?? format.detect(sample);
    if (confidence > bestConfidence) {
      best = format;
      bestConfidence = confidence;
      if (confidence >= 1) break;
    }
  }
  return best;
}

/**
 * readInput (read-input.ts) with the lazy detection. Once the modules a file needs are loaded (all
 * but the first few files of a case), the file is read and detected without an await: a provider's
 * tens of thousands of files would otherwise wait a turn of the event loop per format asked.
 */
export function readInputLazily(file: string): InputFile | Promise<InputFile> {
  let waiting: DetectionSample | null = null;
  const input = readInputWith(file, Buffer.allocUnsafe, (opened) => {
    const found = detectWithLoaded(opened.sample);
    if (!(found instanceof NotLoaded)) return found;
    waiting = opened.sample;
    return null;
  });
  // Rare (a format's first file): the modules its sample needs are loaded, then it is read again.
  return waiting === null ? input : detectFormatLazily(waiting).then(() => readInputLazily(file));
}

/** A worker's detected file again on this thread, with only the named evidence format loaded. */
export function fromDetectedLazily(d: DetectedInput): InputFile | Promise<InputFile> {
  const entry = d.evidenceFormat >= 0 ? FORMAT_ENTRIES[d.evidenceFormat] : undefined;
  if (entry === undefined) return inputFromDetected(d, undefined);
  const format = entry.loaded();
  return format !== null ? inputFromDetected(d, format) : entry.load().then((f) => inputFromDetected(d, f));
}
