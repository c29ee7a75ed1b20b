import type { EvidenceReader } from './evidence-reader.js';
import { EVIDENCE_FORMAT_READERS } from '../registry/formats.js';

/**
 * Every evidence reader, in the order of the format registry (registry/formats.ts, which also
 * says how confident each detector's match is against the configuration formats).
 */
export const EVIDENCE_READERS: readonly EvidenceReader[] = EVIDENCE_FORMAT_READERS;
