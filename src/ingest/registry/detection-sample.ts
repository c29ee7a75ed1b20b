import { decodeText } from '../text-decoding.js';
import { DETECTION_SAMPLE_BYTES, DETECTION_TEXT_BYTES, type DetectionSample } from './input-format.js';

/** A sample of `head` (the first bytes of a file of `size` bytes); `head` longer than the bound is cut. */
export function detectionSample(head: Uint8Array, size: number = head.length, file = ''): DetectionSample {
  const bounded = head.subarray(0, DETECTION_SAMPLE_BYTES);
  const textBytes = bounded.subarray(0, DETECTION_TEXT_BYTES);
  let text: string | null = null;
  const shared = new Map<(sample: DetectionSample) => unknown, unknown>();
  const sample: DetectionSample = {
    file,
    size,
    head: bounded,
    textIsWhole: textBytes.length === size,
    get text(): string {
      text ??= decodeText(textBytes);
      return text;
    },
    once<T>(compute: (s: DetectionSample) => T): T {
      if (!shared.has(compute)) shared.set(compute, compute(sample));
      return shared.get(compute) as T;
    },
  };
  return sample;
}
