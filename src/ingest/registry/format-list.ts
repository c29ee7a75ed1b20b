import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { detectFormattedText } from '../powershell/read-format-list.js';
import { looksLikeText } from '../text-decoding.js';
import {
  certificateConfidence,
  certificateWithoutParser,
  emptyExportConfidence,
  emptyExportWithoutReader,
  endpointsConfidence,
  exportConfidences,
  topologyConfidence,
  topologyWithoutParser,
} from './configuration-detectors.js';
import type { ConfigurationFormat, DetectionSample, EvidenceFormat, InputFormat } from './input-format.js';

/**
 * The input formats in registry order (formats.ts builds FORMATS from this list), each with the
 * module that holds its detector and reader loaded only when asked for. Loading every reader costs
 * a short run a large part of its time (the certificate parser and the export readers alone about
 * a quarter of a second), and a case of one message trace needs almost none of them: lazy-detect.ts
 * loads a format's module only when the sample could be of that format and the format could still
 * win (its highest confidence above the best so far).
 */
export interface FormatEntry {
  /** The highest confidence the format's detector gives: a format that cannot beat the best so far is not asked. */
  readonly maxConfidence: number;
  /**
   * The detector's answer when it is certain without the format's module (a magic number that is
   * not there, a marker missing from the text); null when only the detector can tell. Never
   * different from what the detector would say.
   */
  readonly withoutModule?: (s: DetectionSample) => number | null;
  /** The format with its detector and reader (its module imported once). */
  load(): Promise<InputFormat>;
  /** The format once load() has finished, else null: a detection that needs no new module then needs no await. */
  loaded(): InputFormat | null;
}

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
export const FORMAT_ENTRIES: readonly FormatEntry[] = [
  configuration('certificate', 'certificate', 1, async () => certificateConfidence((await import('../certificate/read-certificate.js')).detectCertificate), certificateWithoutParser),
  configuration('empty-export', 'empty-export', 1, async () => emptyExportConfidence((await import('../powershell/empty-export.js')).isEmptyExport), emptyExportWithoutReader),
  configuration('topology', 'topology', 1, async () => topologyConfidence((await import('../topology/detect-topology.js')).detectTopology), topologyWithoutParser),
  configuration('endpoints', 'endpoints', 1, async () => endpointsConfidence('endpoints')),
  configuration('endpoints-version', 'endpoints', 1, async () => endpointsConfidence('endpoints-version')),
  evidence(async () => (await import('../pcap/capture-evidence-reader.js')).captureEvidenceReader, 1, { withoutModule: captureMagicMissing }),
  evidence(async () => (await import('../probe/probe-evidence-reader.js')).probeEvidenceReader, 1, { withoutModule: probeSchemaMissing }),
  // The trace detector reads the sample's shared text: every file of a provider's case is asked.
  evidence(async () => (await import('../trace/trace-evidence-reader.js')).traceEvidenceReader, 0.9, {
    notStartingWith: XML,
    detect: async () => {
      const { traceShape } = await import('../trace/detect-trace.js');
      return (s) => looksLikeText(s.text) && traceShape(s.text) !== null;
    },
  }),
  evidence(async () => (await import('../exchange-log/read-protocol-log.js')).protocolLogReader, 0.9, { notStartingWith: MARKUP }),
  evidence(async () => (await import('../exchange-log/read-tracking-log.js')).trackingLogReader, 0.9, { notStartingWith: MARKUP }),
  evidence(async () => (await import('../ndr/ndr-evidence-reader.js')).ndrEvidenceReader, 0.8, { notStartingWith: MARKUP, unless: formattedText }),
  evidence(async () => (await import('../headers/headers-evidence-reader.js')).headersEvidenceReader, 0.7, { notStartingWith: MARKUP, unless: formattedText }),
  evidence(async () => (await import('../queue/queue-evidence-reader.js')).queueEvidenceReader, 0.9),
  ...(['powershell-clixml', 'powershell-json', 'powershell-csv', 'powershell-formatted'] as const).map((name) =>
    configuration(name, 'export', 0.5, async () => (await exportDetectors())(name)),
  ),
];

/** The four export syntaxes share one detector module and one look at the sample. */
const exportDetectors = once(async () => exportConfidences((await import('../powershell/read-export.js')).detectExportFormat));

function configuration(
  name: ConfigurationFormat['name'],
  reader: ConfigurationFormat['reader'],
  maxConfidence: number,
  detector: () => Promise<(s: DetectionSample) => number>,
  withoutModule?: (s: DetectionSample) => number | null,
): FormatEntry {
  return { maxConfidence, withoutModule, ...loadedOnce(async (): Promise<InputFormat> => ({ kind: 'configuration', name, reader, detect: await detector() })) };
}

interface EvidenceDetection {
  /** First bytes (after white space) this format never starts with: such a sample is not asked at all. */
  notStartingWith?: readonly number[];
  /** A test on the shared sample used instead of the reader's own (which decodes its bytes again). */
  detect?: () => Promise<(s: DetectionSample) => boolean>;
  /** A no the detector would give, told without its module (withoutModule of FormatEntry, for a yes/no test). */
  withoutModule?: (s: DetectionSample) => boolean;
  /** Samples this format declines although its test matches them (asked only then). */
  unless?: (s: DetectionSample) => boolean;
}

/**
 * FORMATS.md 4.3b: `Format-List` / `Format-Table` text is recognised by its shape before any other
 * text detector (pasted headers, NDRs), whose loose tests it can pass (`Name   : value` lines look
 * like header fields): those decline it, and the PowerShell export reader (powershell-formatted)
 * answers it with the command to run instead. A message trace's Format-List goes to the trace
 * reader (its detector knows the shape, detect-trace.ts), which names the trace command.
 */
function formattedText(s: DetectionSample): boolean {
  return s.once(formattedShape);
}
const formattedShape = (s: DetectionSample): boolean => looksLikeText(s.text) && detectFormattedText(s.text) !== null;

/** An evidence reader's yes/no detector, with the confidence a match carries. */
function evidence(reader: () => Promise<EvidenceReader>, confidence: number, how: EvidenceDetection = {}): FormatEntry {
  const excluded = how.notStartingWith;
  const missing = how.withoutModule;
  const withoutModule =
    excluded === undefined && missing === undefined ? undefined : (s: DetectionSample) => ((excluded !== undefined && startsWithOneOf(s, excluded)) || (missing !== undefined && missing(s)) ? 0 : null);
  const loading = loadedOnce(async (): Promise<InputFormat> => {
    const r = await reader();
    const own = how.detect ? await how.detect() : (s: DetectionSample) => r.detect(s.head);
    const unless = how.unless;
    const test = unless === undefined ? own : (s: DetectionSample) => own(s) && !unless(s);
    const detect = excluded === undefined ? test : (s: DetectionSample) => !startsWithOneOf(s, excluded) && test(s);
    const format: EvidenceFormat = { kind: 'evidence', name: r.kind, reader: r, detect: (s) => (detect(s) ? confidence : 0) };
    return format;
  });
  return { maxConfidence: confidence, withoutModule, ...loading };
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

/**
 * A capture starts with its magic number: pcapng's section header 0x0A0D0D0A, or pcap's
 * 0xA1B2C3D4 / 0xA1B23C4D in either byte order. The first byte of each: 0x0A, 0xA1, 0xD4, 0x4D.
 */
function captureMagicMissing(s: DetectionSample): boolean {
  const first = s.head[0];
  return first !== 0x0a && first !== 0xa1 && first !== 0xd4 && first !== 0x4d;
}

const PROBE_SCHEMA = Buffer.from('mailflow-doctor/probe@1', 'latin1');

/** A saved probe result names its schema within its first 256 bytes (probe-evidence-reader.ts). */
function probeSchemaMissing(s: DetectionSample): boolean {
  const h = s.head;
  return Buffer.from(h.buffer, h.byteOffset, Math.min(h.byteLength, 256)).indexOf(PROBE_SCHEMA) < 0;
}

/** once(), and the value once it has been made. */
function loadedOnce<T>(make: () => Promise<T>): { load: () => Promise<T>; loaded: () => T | null } {
  let value: T | null = null;
  const load = once(async () => (value = await make()));
  return { load, loaded: () => value };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => (made ??= make());
}
