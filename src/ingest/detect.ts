import type { ExportFormat } from './powershell/read-export.js';
import { detectionSample } from './registry/detection-sample.js';
import { CONFIGURATION_FORMATS, detectFormat } from './registry/formats.js';

export { hasCertificateName } from './certificate/certificate-names.js';

/**
 * Input kinds of configuration this version reads; anything else is evidence (registry/formats.ts)
 * or reported as `unknown`. `empty-export` is what PowerShell writes for a cmdlet that returned
 * nothing (powershell/empty-export.ts).
 */
export type InputKind = 'topology' | 'certificate' | 'endpoints' | 'endpoints-version' | ExportFormat | 'empty-export' | 'unknown';

/** A file's configuration kind from its content (never from its name alone), by the registry's configuration formats. */
export function detectKind(bytes: Uint8Array): InputKind {
  const format = detectFormat(detectionSample(bytes), CONFIGURATION_FORMATS);
  return format?.kind === 'configuration' ? format.name : 'unknown';
}
