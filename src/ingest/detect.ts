import { extname } from 'node:path';
import { detectCertificate } from './certificate/read-certificate.js';
import { detectExportFormat, type ExportFormat } from './powershell/read-export.js';
import { detectEndpointsText } from './endpoints/endpoint-sets.js';
import { isEmptyExport } from './powershell/empty-export.js';
import { decodeText, looksLikeText } from './text-decoding.js';
import { detectTopology } from './topology/detect-topology.js';

/**
 * Input kinds this version reads; anything else is reported as `unknown`. `empty-export` is what
 * PowerShell writes for a cmdlet that returned nothing (powershell/empty-export.ts).
 */
export type InputKind = 'topology' | 'certificate' | 'endpoints' | 'endpoints-version' | ExportFormat | 'empty-export' | 'unknown';

/** How much of a file detection looks at: markers sit near the top. */
const SAMPLE_BYTES = 64 * 1024;

/** A file's kind from its content (never from its name alone). */
export function detectKind(bytes: Uint8Array): InputKind {
  return detectKindAndText(bytes).kind;
}

/**
 * The kind, and the text detection decoded: the whole file's when it is no longer than the
 * detection sample (most exports are a few KB), so a reader need not decode it again.
 */
export function detectKindAndText(bytes: Uint8Array): { kind: InputKind; text: string | null; whole: boolean } {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  if (detectCertificate(bytes)) return { kind: 'certificate', text: null, whole: false };
  const text = decodeText(sample);
  const whole = sample.length === bytes.length;
  if (whole && looksLikeText(text) && isEmptyExport(text)) return { kind: 'empty-export', text, whole };
  return { kind: kindOfText(text), text, whole };
}

function kindOfText(text: string): InputKind {
  if (looksLikeText(text) && detectTopology(text)) return 'topology';
  // Microsoft 365 endpoints web service answers (FORMATS.md 7) are JSON of their own shape.
  const endpoints = looksLikeText(text) ? detectEndpointsText(text) : null;
  if (endpoints) return endpoints;
  // PowerShell exports (JSON, CSV, CLIXML) and Format-List text pasted instead of an export.
  const exported = looksLikeText(text) ? detectExportFormat(text) : null;
  if (exported) return exported;
  return 'unknown';
}

/** Names under which admins save certificates: a file so named that does not parse is a broken certificate, not an unknown file. */
const CERTIFICATE_EXTENSIONS = new Set(['.cer', '.crt', '.pem', '.der', '.cert', '.p7b', '.p7c']);

export function hasCertificateName(file: string): boolean {
  return CERTIFICATE_EXTENSIONS.has(extname(file).toLowerCase());
}
