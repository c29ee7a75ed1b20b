import type { EvidenceReader } from '../evidence/evidence-reader.js';
import type { InputKind } from '../detect.js';

/**
 * One input format the case loader knows. Every format — configuration or evidence — declares
 * its kind, a detector that sees only a bounded sample of the file and says how sure it is, and
 * the reader that takes the file once detection has chosen it (formats.ts holds the list).
 */
export type InputFormat = ConfigurationFormat | EvidenceFormat;

interface FormatBase {
  /** The `inputs[].kind` a file of this format is reported as. */
  name: string;
  /**
   * How sure the detector is that the sample is this format: 0 = not this format, 1 = certain
   * (a magic number, `kind: mailflow-topology`). The loader takes the most confident format; a
   * tie goes to the format listed first in FORMATS.
   */
  detect(sample: DetectionSample): number;
}

/**
 * Configuration (topology, certificates, endpoints lists, PowerShell exports) is read whole: a
 * topology names certificate files and exports are mapped with the topologies in hand, so the
 * loader reads these files in passes (load-case.ts); `reader` says which pass takes the bytes.
 */
export interface ConfigurationFormat extends FormatBase {
  kind: 'configuration';
  name: Exclude<InputKind, 'unknown'>;
  reader: 'topology' | 'certificate' | 'endpoints' | 'export' | 'empty-export';
}

/** Evidence (traces, logs, captures, headers, NDRs, queue exports) is streamed by its reader, never held whole. */
export interface EvidenceFormat extends FormatBase {
  kind: 'evidence';
  reader: EvidenceReader;
}

/** Detection looks at the start of a file: markers, magic numbers and header rows sit near the top. */
export const DETECTION_SAMPLE_BYTES = 1 << 20;
/** The part of the sample decoded as text for the detectors of text formats. */
export const DETECTION_TEXT_BYTES = 64 * 1024;

/**
 * The bounded sample every detector sees: the file's first bytes (at most DETECTION_SAMPLE_BYTES),
 * and their first DETECTION_TEXT_BYTES decoded once for all text detectors.
 */
export interface DetectionSample {
  /** The path, for the few formats admins also recognise by name (a `.cer` that does not parse). */
  file: string;
  /** The whole file's size in bytes. */
  size: number;
  head: Uint8Array;
  /** True when `text` holds the whole file (a small export need not be decoded again). */
  readonly textIsWhole: boolean;
  /** `head`'s first DETECTION_TEXT_BYTES decoded (text-decoding.ts), computed on first use. */
  readonly text: string;
  /** A result computed once per sample and shared by sibling detectors (the four PowerShell export syntaxes). */
  once<T>(compute: (sample: DetectionSample) => T): T;
}
