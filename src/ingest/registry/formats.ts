import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { FORMAT_ENTRIES } from './format-list.js';
import type { DetectionSample, InputFormat } from './input-format.js';

/**
 * Every input format, configuration and evidence, in registry order (format-list.ts says which and
 * how confident), with every module loaded: for callers that detect synchronously (the detection
 * worker, detectKind). The case loader detects through lazy-detect.ts instead, which loads only the
 * modules a file needs and comes to the same answer.
 */
export const FORMATS: readonly InputFormat[] = await Promise.all(FORMAT_ENTRIES.map((e) => e.load()));

/**
 * The format of a sample: the most confident of `formats` (ties to the first listed), null when
 * none claims it. A format certain of it (confidence 1) ends the search: no later one can win.
 */
export function detectFormat(sample: DetectionSample, formats: readonly InputFormat[] = FORMATS): InputFormat | null {
  let best: InputFormat | null = null;
  let bestConfidence = 0;
  for (const format of formats) {
    const confidence = format.detect(sample);
    if (confidence > bestConfidence) {
      best = format;
      bestConfidence = confidence;
      if (confidence >= 1) break;
    }
  }
  return best;
}

/** The configuration formats alone (detect.ts's detectKind). */
export const CONFIGURATION_FORMATS: readonly InputFormat[] = FORMATS.filter((f) => f.kind === 'configuration');

/** The evidence readers, in registry order. */
export const EVIDENCE_FORMAT_READERS: readonly EvidenceReader[] = FORMATS.flatMap((f) => (f.kind === 'evidence' ? [f.reader] : []));
