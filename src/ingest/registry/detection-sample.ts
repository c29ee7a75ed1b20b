import { decodeText } from '../text-decoding.js';
import { DETECTION_SAMPLE_BYTES, DETECTION_TEXT_BYTES, type DetectionSample } from './input-format.js';

/** A sample of `head` (the first bytes of a file of `size` bytes); `head` longer than the bound is cut. */
export function detectionSample(head: Uint8Array, size: number = head.length, file = ''): DetectionSample {
  return new Sample(head, size, file);
}

/**
 * A class, not an object per file with closures: a provider's case has tens of thousands of small
 * exports, and every allocation per file shows in the load time.
 */
class Sample implements DetectionSample {
  readonly head: Uint8Array;
  readonly textIsWhole: boolean;
  private readonly textBytes: Uint8Array;
  private decoded: string | null = null;
  private computed: Array<(sample: DetectionSample) => unknown> | null = null;
  private results: unknown[] | null = null;

  constructor(
    head: Uint8Array,
    readonly size: number,
    readonly file: string,
  ) {
    this.head = head.length > DETECTION_SAMPLE_BYTES ? head.subarray(0, DETECTION_SAMPLE_BYTES) : head;
    this.textBytes = this.head.length > DETECTION_TEXT_BYTES ? this.head.subarray(0, DETECTION_TEXT_BYTES) : this.head;
    this.textIsWhole = this.textBytes.length === size;
  }

  get text(): string {
    this.decoded ??= decodeText(this.textBytes);
    return this.decoded;
  }

  once<T>(compute: (sample: DetectionSample) => T): T {
    this.computed ??= [];
    this.results ??= [];
    const at = this.computed.indexOf(compute);
    if (at >= 0) return this.results[at] as T;
    const result = compute(this);
    this.computed.push(compute);
    this.results.push(result);
    return result;
  }
}
