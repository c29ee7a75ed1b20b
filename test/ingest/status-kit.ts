import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputReport } from '../../src/model/diagnostics.js';
import type { EvidenceSet, Observed, StatusObservation } from '../../src/model/evidence.js';
import { EvidenceCollector } from '../../src/ingest/evidence/evidence-collector.js';
import { EVIDENCE_READERS } from '../../src/ingest/evidence/evidence-readers.js';
import { fileSource } from '../../src/ingest/byte-source.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const fixture = (path: string) => join(FIXTURES, path);

/** Reads one file as the case loader does: the first evidence reader whose detection takes it. */
export async function readEvidence(file: string): Promise<{ kind: string; report: InputReport; evidence: EvidenceSet }> {
  const reader = EVIDENCE_READERS.find((r) => r.detect(readFileSync(file).subarray(0, 1 << 20)));
  if (!reader) throw new Error(`no evidence reader detects ${file}`);
  const collector = new EvidenceCollector();
  const report = await reader.read(fileSource(file), collector, {});
  return { kind: reader.kind, report, evidence: collector.finish() };
}

/** The groups of one catalog entry. */
export function ofEntry(statuses: Observed<StatusObservation>[], entryId: string): Observed<StatusObservation>[] {
  return statuses.filter((g) => g.sample.status.entryId === entryId);
}

export const entryIds = (statuses: Observed<StatusObservation>[]) => statuses.map((g) => g.sample.status.entryId);
export const total = (statuses: Observed<StatusObservation>[]) => statuses.reduce((n, g) => n + g.count, 0);
