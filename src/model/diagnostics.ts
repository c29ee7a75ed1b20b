/** One problem found while reading an input (contract: inputs[].diagnostics[]). */
export interface Diagnostic {
  severity: 'error' | 'warning';
  location: string;
  message: string;
}

/** What one input file yielded (contract: inputs[]). */
export interface InputReport {
  file: string;
  kind: string;
  records: number;
  skipped: number;
  diagnostics: Diagnostic[];
}
