import type { PsReadResult } from './ps-record.js';

/**
 * Export-Clixml reader (FORMATS.md 4.4). Placeholder until the reader lands: recognises the file
 * and says plainly that it is not read yet, so nothing is silently dropped.
 */
export function detectClixml(sample: string): boolean {
  return /^\s*<Objs\b[^>]*schemas\.microsoft\.com\/powershell\/2004\/04/.test(sample.replace(/^\uFEFF/, ''));
}

export function readClixml(_text: string, file: string): PsReadResult {
  return { records: [], skipped: 0, diagnostics: [{ severity: 'error', location: file, message: `${file}: Export-Clixml files are not read yet; export with ConvertTo-Json -Depth 6 instead` }] };
}
