import type { ExportFormat } from './read-export.js';

const FORMATS: readonly string[] = ['powershell-json', 'powershell-csv', 'powershell-clixml', 'powershell-formatted'];

/**
 * Whether an input kind is a PowerShell export. On its own, without the export readers: the loader
 * asks it of every file, and a case of evidence alone never loads those readers.
 */
export function isExportFormat(kind: string): kind is ExportFormat {
  return FORMATS.includes(kind);
}
