import type { X509Certificate } from 'node:crypto';
import type { Certificate } from '../../model/certificate.js';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import type { Provenance } from '../../model/provenance.js';
import { locationAt, provenanceAt, sourceTextAt, type PathSegment, type PositionedDocument } from './yaml-positions.js';

/** A certificate file read on behalf of a topology's `{ File: path }` entry. */
export interface ReferencedCertificateFile {
  /** Absolute path, to load each file once. */
  resolvedPath: string;
  report: InputReport;
  certificates: Certificate[];
  x509: X509Certificate[];
  error: string | null;
}

/** What every normaliser of one topology file shares: positions, schema problems, counters, diagnostics. */
export class NormalizeContext {
  /**
   * Whether directory and session bookkeeping (Identity, Guid, WhenChanged, …) is kept in `extra`:
   * yes for a topology file (CONTRACT: unknown properties are kept), no for PowerShell exports,
   * where every object carries them and they would only fill memory (exchange-bookkeeping.ts).
   */
  keepsBookkeeping = true;
  records = 0;
  skipped = 0;
  readonly diagnostics: Diagnostic[] = [];
  private readonly problemPaths: string[][];

  constructor(
    readonly pd: PositionedDocument,
    problemPaths: readonly (readonly string[])[],
    readonly baseDir: string,
    readonly readCertificateFile: (displayPath: string) => ReferencedCertificateFile,
  ) {
    this.problemPaths = problemPaths.map((p) => [...p]);
  }

  provenance(path: readonly PathSegment[]): Provenance {
    return provenanceAt(this.pd, path);
  }

  location(path: readonly PathSegment[]): string {
    return locationAt(this.pd, path);
  }

  warn(path: readonly PathSegment[], message: string): void {
    this.diagnostics.push({ severity: 'warning', location: this.location(path), message });
  }

  error(path: readonly PathSegment[], message: string): void {
    this.diagnostics.push({ severity: 'error', location: this.location(path), message });
  }

  sourceText(path: readonly PathSegment[]): string | null {
    return sourceTextAt(this.pd, path);
  }

  /**
   * True when a schema problem lies in the object at `path` itself rather than inside one of its
   * nested object lists (`childKeys`), whose items are judged on their own. A problem on the list
   * property itself (e.g. `InboundConnectors: 5`) does not spoil the parent either.
   */
  hasOwnProblem(path: readonly PathSegment[], childKeys: readonly string[] = []): boolean {
    // A file without schema problems (the usual case) asks this of every object.
    if (this.problemPaths.length === 0) return false;
    const p = path.map(String);
    return this.problemPaths.some((e) => {
      if (e.length < p.length || !p.every((s, i) => e[i] === s)) return false;
      if (e.length === p.length) return true;
      const next = e[p.length] as string;
      return !childKeys.includes(next);
    });
  }
}
