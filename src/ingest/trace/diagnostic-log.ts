import type { Diagnostic } from '../../model/diagnostics.js';

/** Diagnostics kept word for word per file; the rest are counted (a broken 5 GB file must not fill memory). */
export const DIAGNOSTICS_KEPT = 100;

export class DiagnosticLog {
  readonly kept: Diagnostic[] = [];
  private notKept = 0;
  private notKeptErrors = 0;

  constructor(
    private readonly file: string,
    private readonly limit = DIAGNOSTICS_KEPT,
  ) {}

  add(severity: Diagnostic['severity'], line: number | null, message: string): void {
    if (this.kept.length < this.limit) {
      this.kept.push({ severity, location: line === null ? this.file : `${this.file}:${line}`, message });
      return;
    }
    this.notKept++;
    if (severity === 'error') this.notKeptErrors++;
  }

  /** The kept diagnostics, and one more saying how many were only counted. */
  finish(): Diagnostic[] {
    if (this.notKept === 0) return this.kept;
    return [
      ...this.kept,
      {
        severity: this.notKeptErrors > 0 ? 'error' : 'warning',
        location: this.file,
        message: `${this.notKept} more problem${this.notKept === 1 ? '' : 's'} of the same kinds not listed (only the first ${this.limit} are)`,
      },
    ];
  }
}
