import { hasCertificateName } from '../certificate/certificate-names.js';
import { detectCertificate } from '../certificate/read-certificate.js';
import { detectEndpointsText } from '../endpoints/endpoint-sets.js';
import { isEmptyExport } from '../powershell/empty-export.js';
import { detectExportFormat, type ExportFormat } from '../powershell/read-export.js';
import { looksLikeText } from '../text-decoding.js';
import { detectTopology } from '../topology/detect-topology.js';
import type { DetectionSample } from './input-format.js';

/**
 * The detectors of configuration formats, each wrapping the format's own test. Confidences:
 * 1 for a certain marker (a certificate that parses, `kind: mailflow-topology`, the endpoints
 * web service's shape, PowerShell's output for "no objects"); 0.5 for a PowerShell export, which
 * is only "output of some Get- cmdlet" — an evidence format that recognises the same text
 * (a message trace or a queue saved with Export-Csv/ConvertTo-Json) is the more specific answer.
 */

export function certificateConfidence(s: DetectionSample): number {
  if (!plainlyNotCertificate(s.head) && detectCertificate(s.head)) return 1;
  // Named as a certificate but not parsing: still read as one (and reported broken) unless another format claims it.
  return hasCertificateName(s.file) ? 0.1 : 0;
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
export function emptyExportConfidence(s: DetectionSample): number {
  return s.textIsWhole && looksLikeText(s.text) && isEmptyExport(s.text) ? 1 : 0;
}

export function topologyConfidence(s: DetectionSample): number {
  return looksLikeText(s.text) && detectTopology(s.text) ? 1 : 0;
}

const endpointsShape = (s: DetectionSample): 'endpoints' | 'endpoints-version' | null => (looksLikeText(s.text) ? detectEndpointsText(s.text) : null);

/** Microsoft 365 endpoints web service answers (FORMATS.md 7): the list, or the version answer. */
export function endpointsConfidence(kind: 'endpoints' | 'endpoints-version'): (s: DetectionSample) => number {
  return (s) => (s.once(endpointsShape) === kind ? 1 : 0);
}

const exportSyntax = (s: DetectionSample): ExportFormat | null => (looksLikeText(s.text) ? detectExportFormat(s.text) : null);

/** PowerShell exports (JSON, CSV, CLIXML) and Format-List text pasted instead of an export. */
export function exportConfidence(format: ExportFormat): (s: DetectionSample) => number {
  return (s) => (s.once(exportSyntax) === format ? 0.5 : 0);
}
