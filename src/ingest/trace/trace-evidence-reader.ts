import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { detectTrace } from './detect-trace.js';
import { readTraceFile } from './read-trace.js';
import { detachMessage, toObservation } from './trace-message.js';

/**
 * Exchange Online message traces as case evidence: every format of FORMATS.md 1, one
 * TraceObservation per message and recipient (event reports gathered per message, see
 * event-grouping.ts), with the row of its RECEIVE event as source.
 */
export const traceEvidenceReader: EvidenceReader = {
  kind: 'message-trace',
  detect: detectTrace,
  async read(file, sink, options) {
    const report = await readTraceFile(file, (m) => sink.trace(toObservation(detachMessage(m))), { progress: options.progress, onStatus: (o) => sink.status?.(o) });
    return { file: report.file, kind: report.kind, records: report.records, skipped: report.skipped, diagnostics: report.diagnostics };
  },
};
