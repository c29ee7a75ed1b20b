import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { protocolLogReader } from '../exchange-log/read-protocol-log.js';
import { trackingLogReader } from '../exchange-log/read-tracking-log.js';
import { headersEvidenceReader } from '../headers/headers-evidence-reader.js';
import { ndrEvidenceReader } from '../ndr/ndr-evidence-reader.js';
import { captureEvidenceReader } from '../pcap/capture-evidence-reader.js';
import { probeEvidenceReader } from '../probe/probe-evidence-reader.js';
import { queueEvidenceReader } from '../queue/queue-evidence-reader.js';
import { traceEvidenceReader } from '../trace/trace-evidence-reader.js';
import { traceShape } from '../trace/detect-trace.js';
import { looksLikeText } from '../text-decoding.js';
import {
  certificateConfidence,
  emptyExportConfidence,
  endpointsConfidence,
  exportConfidence,
  topologyConfidence,
} from './configuration-detectors.js';
import type { ConfigurationFormat, DetectionSample, EvidenceFormat, InputFormat } from './input-format.js';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const LESS_THAN = 0x3c;
/** JSON (`{`, `[`) and XML (`<`): what PowerShell exports start with. */
const MARKUP = [OPEN_BRACE, OPEN_BRACKET, LESS_THAN];
/** A message trace can be JSON (ConvertTo-Json), never XML. */
const XML = [LESS_THAN];

/**
 * Every input format, configuration and evidence, in one list: the loader detects a file with
 * each, takes the most confident, and reads the file once with that format's reader. A tie goes
 * to the format listed first. To add a format: a folder under src/ingest/ with its detector and
 * reader, and one line here.
 *
 * Evidence confidences say how specific each detector is: a capture's magic number is certain;
 * a message trace's header row (columns only Microsoft's exports carry), an Exchange log's
 * #Software/#Fields lines and a queue export's LastError beside queue properties are very
 * specific (0.9); an NDR is a message whose body holds a delivery report (0.8); any block of
 * mail header fields is message headers (0.7). All beat a generic PowerShell export (0.5), so
 * evidence saved through PowerShell is streamed by its reader and never read whole as
 * configuration first.
 */
export const FORMATS: readonly InputFormat[] = [
  configuration('certificate', 'certificate', certificateConfidence),
  configuration('empty-export', 'empty-export', emptyExportConfidence),
  configuration('topology', 'topology', topologyConfidence),
  configuration('endpoints', 'endpoints', endpointsConfidence('endpoints')),
  configuration('endpoints-version', 'endpoints', endpointsConfidence('endpoints-version')),
  evidence(captureEvidenceReader, 1),
  evidence(probeEvidenceReader, 1),
  // The trace detector reads the sample's shared text: every file of a provider's case is asked.
  evidence(traceEvidenceReader, 0.9, { notStartingWith: XML, detect: (s) => looksLikeText(s.text) && traceShape(s.text) !== null }),
  evidence(protocolLogReader, 0.9, { notStartingWith: MARKUP }),
  evidence(trackingLogReader, 0.9, { notStartingWith: MARKUP }),
  evidence(ndrEvidenceReader, 0.8, { notStartingWith: MARKUP }),
  evidence(headersEvidenceReader, 0.7, { notStartingWith: MARKUP }),
  evidence(queueEvidenceReader, 0.9),
  configuration('powershell-clixml', 'export', exportConfidence('powershell-clixml')),
  configuration('powershell-json', 'export', exportConfidence('powershell-json')),
  configuration('powershell-csv', 'export', exportConfidence('powershell-csv')),
  configuration('powershell-formatted', 'export', exportConfidence('powershell-formatted')),
];

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

function configuration(name: ConfigurationFormat['name'], reader: ConfigurationFormat['reader'], detect: (s: DetectionSample) => number): ConfigurationFormat {
  return { kind: 'configuration', name, reader, detect };
}

interface EvidenceDetection {
  /** First bytes (after white space) this format never starts with: such a sample is not asked at all. */
  notStartingWith?: readonly number[];
  /** A test on the shared sample used instead of the reader's own (which decodes its bytes again). */
  detect?: (s: DetectionSample) => boolean;
}

/** An evidence reader's yes/no detector, with the confidence a match carries. */
function evidence(reader: EvidenceReader, confidence: number, how: EvidenceDetection = {}): EvidenceFormat {
  const test = how.detect ?? ((s: DetectionSample) => reader.detect(s.head));
  const excluded = how.notStartingWith;
  const detect = excluded === undefined ? test : (s: DetectionSample) => !startsWithOneOf(s, excluded) && test(s);
  return { kind: 'evidence', name: reader.kind, reader, detect: (s) => (detect(s) ? confidence : 0) };
}


/**
 * Whether the sample's first byte after white space (and a UTF-8 byte-order mark) is one of
 * `bytes`. Exchange logs start with `#Software`, header blocks and NDRs with a field name or an
 * mbox `From ` line: none starts like JSON or XML, so a provider's tens of thousands of exports
 * are not handed to their detectors at all.
 */
function startsWithOneOf(s: DetectionSample, bytes: readonly number[]): boolean {
  const h = s.head;
  let i = h.length >= 3 && h[0] === 0xef && h[1] === 0xbb && h[2] === 0xbf ? 3 : 0;
  while (i < h.length && (h[i] === 0x20 || h[i] === 0x09 || h[i] === 0x0a || h[i] === 0x0d)) i++;
  return i < h.length && bytes.includes(h[i]!);
}

