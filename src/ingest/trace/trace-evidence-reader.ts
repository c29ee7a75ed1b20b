import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { addDiagnostic } from '../limits.js';
import { detectTrace } from './detect-trace.js';
import { readTraceFile } from './read-trace.js';
import { toObservation } from './trace-message.js';

/**
 * Exchange Online message traces as case evidence: every format of FORMATS.md 1, one
 * TraceObservation per message and recipient (event reports gathered per message, see
 * event-grouping.ts), with the row of its RECEIVE event as source. Its strings are slices of the
 * text read; the collector copies those of the observations it keeps (a group's sample).
 */
export const traceEvidenceReader: EvidenceReader = {
  kind: 'message-trace',
  detect: detectTrace,
  async read(source, sink, options) {
    const report = await readTraceFile(source, (m) => sink.trace(toObservation(m)), {
      progress: options.progress,
      onStatus: (o) => sink.status?.(o),
      observationOnly: true,
    });
    // Rows beyond the bound on distinct routes were grouped coarsely (trace-groups.ts): counted, but said.
    const notice = sink.traceGroupingNotice?.(report.file);
    if (notice) addDiagnostic(report.diagnostics, notice, report.file);
    return { file: report.file, kind: report.kind, records: report.records, skipped: report.skipped, diagnostics: report.diagnostics };
  },
};
