import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { detectQueueExport, QUEUE_KIND, readQueueExport } from './read-queue-export.js';

/** Get-Queue / Get-Message exports as evidence: each LastError's statuses (NDR-CATALOG `QUEUE`). */
export const queueEvidenceReader: EvidenceReader = {
  kind: QUEUE_KIND,
  detect: detectQueueExport,
  read: (source, sink) => readQueueExport(source, (o) => sink.status?.(o)),
};
