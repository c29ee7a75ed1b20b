import { hasCertificateName } from '../certificate/certificate-names.js';
import { detectEndpointsText } from '../endpoints/endpoint-sets.js';
import type { ExportFormat } from '../powershell/read-export.js';
import { looksLikeText } from '../text-decoding.js';
import type { DetectionSample } from './input-format.js';

/**
 * The detectors of configuration formats, each wrapping the format's own test. Confidences:
 * 1 for a certain marker (a certificate that parses, `kind: mailflow-topology`, the endpoints
 * web service's shape, PowerShell's output for "no objects"); 0.5 for a PowerShell export, which
 * is only "output of some Get- cmdlet" — an evidence format that recognises the same text
 * (a message trace or a queue saved with Export-Csv/ConvertTo-Json) is the more specific answer.
 */

/**
 * The detectors take the format's own test as an argument: its module (the certificate parser,
 * the YAML parser, the export readers) is loaded only when a file needs it (format-list.ts).
 */
export function certificateConfidence(detectCertificate: (bytes: Uint8Array) => boolean): (s: DetectionSample) => number {
  return (s) => {
    if (!plainlyNotCertificate(s.head) && detectCertificate(s.head)) return 1;
    return certificateByName(s);
  };
}

/** Named as a certificate but not parsing: still read as one (and reported broken) unless another format claims it. */
function certificateByName(s: DetectionSample): number {
  return hasCertificateName(s.file) ? 0.1 : 0;
}

/**
 * certificateConfidence's answer when the bytes cannot hold a certificate, without the parser; null
 * when only the parser can tell. read-certificate.ts takes PEM armour (`-----BEGIN `), DER or a
 * DER PKCS#7 bundle (first byte 0x30), or bare base64 (after white space, nothing but base64
 * letters): a sample with no `-----BEGIN ` whose first byte is not 0x30 and whose first byte after
 * white space is no base64 letter (a CSV's `#TYPE` or `"`, JSON's `[`) is none of them.
 */
export function certificateWithoutParser(s: DetectionSample): number | null {
  const h = s.head;
  if (h[0] === 0x30 || holdsPemBegin(Buffer.from(h.buffer, h.byteOffset, h.byteLength))) return null;
  let i = 0;
  // What String.prototype.trim removes from latin1 text (the base64 test reads the bytes as latin1).
  while (i < h.length && ((h[i]! >= 0x09 && h[i]! <= 0x0d) || h[i] === 0x20 || h[i] === 0xa0)) i++;
  return i < h.length && isBase64Letter(h[i]!) ? null : certificateByName(s);
}

function isBase64Letter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2b || b === 0x2f || b === 0x3d;
}

const BEGIN = Buffer.from('BEGIN', 'latin1');
const DASH = 0x2d;

/**
 * Every file of a case is asked first whether it is a certificate, and a provider's case is tens
 * of thousands of JSON exports. read-certificate.ts takes PEM armour (`-----BEGIN `), DER (first
 * byte 0x30, an ASN.1 SEQUENCE) or bare base64 (nothing but base64 letters and white space): a
 * sample whose first non-blank byte is `{`, `[` or `<` and that holds no `-----BEGIN ` is none of
 * them, which one search and a look at the first bytes tell without the full test.
 */
function plainlyNotCertificate(head: Uint8Array): boolean {
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  const first = head[i];
  if (first !== 0x7b && first !== 0x5b && first !== 0x3c) return false;
  return !holdsPemBegin(Buffer.from(head.buffer, head.byteOffset, head.byteLength));
}

/**
 * Whether `-----BEGIN ` occurs in the bytes. The native search skips ahead by the needle's last
 * byte, and a space is the commonest byte of indented JSON: searching for `BEGIN` and checking
 * the bytes around each hit is several times faster over tens of thousands of exports.
 */
function holdsPemBegin(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(BEGIN, 5); at >= 0; at = bytes.indexOf(BEGIN, at + 1)) {
    if (bytes[at + 5] === 0x20 && bytes[at - 1] === DASH && bytes[at - 2] === DASH && bytes[at - 3] === DASH && bytes[at - 4] === DASH && bytes[at - 5] === DASH) return true;
  }
  return false;
}

/** What PowerShell writes for a cmdlet that returned nothing (powershell/empty-export.ts): only a whole file can say so. */
export function emptyExportConfidence(isEmptyExport: (text: string) => boolean): (s: DetectionSample) => number {
  return (s) => (s.textIsWhole && looksLikeText(s.text) && isEmptyExport(s.text) ? 1 : 0);
}

/** emptyExportConfidence's answer without its module: a file larger than the sample is no empty export. */
export function emptyExportWithoutReader(s: DetectionSample): number | null {
  return s.textIsWhole ? null : 0;
}

export function topologyConfidence(detectTopology: (text: string) => boolean): (s: DetectionSample) => number {
  return (s) => (looksLikeText(s.text) && detectTopology(s.text) ? 1 : 0);
}

/** topologyConfidence's answer without the YAML parser: detectTopology's first test, the marker's plain text. */
export function topologyWithoutParser(s: DetectionSample): number | null {
  return s.text.includes('mailflow-topology') ? null : 0;
}

const endpointsShape = (s: DetectionSample): 'endpoints' | 'endpoints-version' | null => (looksLikeText(s.text) ? detectEndpointsText(s.text) : null);

/** Microsoft 365 endpoints web service answers (FORMATS.md 7): the list, or the version answer. */
export function endpointsConfidence(kind: 'endpoints' | 'endpoints-version'): (s: DetectionSample) => number {
  return (s) => (s.once(endpointsShape) === kind ? 1 : 0);
}

/**
 * PowerShell exports (JSON, CSV, CLIXML) and Format-List text pasted instead of an export: one
 * detector per syntax, all sharing one look at the sample (DetectionSample.once).
 */
export function exportConfidences(detectExportFormat: (text: string) => ExportFormat | null): (format: ExportFormat) => (s: DetectionSample) => number {
  const exportSyntax = (s: DetectionSample): ExportFormat | null => (looksLikeText(s.text) ? detectExportFormat(s.text) : null);
  return (format) => (s) => (s.once(exportSyntax) === format ? 0.5 : 0);
}
