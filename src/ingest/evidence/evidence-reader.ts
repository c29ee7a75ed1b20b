import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import type { ByteSource } from '../byte-source.js';
import type { HeaderMessageObservation, SmtpSessionObservation, StatusObservation, TraceObservation } from '../../model/evidence.js';

/** Receives observations one at a time while a reader streams its file. */
export interface EvidenceSink {
  trace(observation: TraceObservation): void;
  session(observation: SmtpSessionObservation): void;
  message(observation: HeaderMessageObservation): void;
  /**
   * A status code recognised in the evidence (NDR-CATALOG), tied to the row, line or packet it was
   * read at. Optional so that a sink interested in sessions or traces only need not take them.
   */
  status?(observation: StatusObservation): void;
  /**
   * What the reader of `file` should add to its report once the file is read: that rows of it were
   * grouped more coarsely than their route (a bound on memory), null when none were.
   */
  traceGroupingNotice?(file: string): Diagnostic | null;
}

/** Progress of a long read, shown as a bar on a terminal (cli/progress.ts); absent when nobody watches. */
export interface ReadProgress {
  /** Called once per file with its size in bytes. */
  start(file: string, totalBytes: number): void;
  /** Bytes read so far in the current file (absolute, not a delta). */
  update(bytesRead: number): void;
  done(): void;
}

export interface EvidenceReadOptions {
  /** Key log files (NSS SSLKEYLOGFILE format) given with --keylog. */
  keyLogFiles?: string[];
  progress?: ReadProgress;
}

/**
 * One evidence format (message trace, Exchange log, capture, headers). Evidence files can be
 * several GB, so a reader is handed a ByteSource (a file or bytes in memory, never a path) and
 * reads it in chunks; detection sees only the start.
 */
export interface EvidenceReader {
  /** The `inputs[].kind` this reader reports (e.g. `message-trace`, `protocol-log`, `capture`, `headers`). */
  kind: string;
  /** Whether the file's first bytes (up to 1 MiB, raw, any encoding) are this format. */
  detect(sample: Uint8Array): boolean;
  /**
   * Streams the source into the sink. Never throws on bad content: every record read and skipped
   * is counted in the report (whose `file` is the source's name), each skipped one with its
   * position in a diagnostic.
   */
  read(source: ByteSource, sink: EvidenceSink, options: EvidenceReadOptions): Promise<InputReport>;
}
