import { protocolLogReader } from '../exchange-log/read-protocol-log.js';
import { trackingLogReader } from '../exchange-log/read-tracking-log.js';
import { traceEvidenceReader } from '../trace/trace-evidence-reader.js';
import { headersEvidenceReader } from '../headers/headers-evidence-reader.js';
import { captureEvidenceReader } from '../pcap/capture-evidence-reader.js';
import { ndrEvidenceReader } from '../ndr/ndr-evidence-reader.js';
import { queueEvidenceReader } from '../queue/queue-evidence-reader.js';
import type { EvidenceReader } from './evidence-reader.js';

/**
 * Every evidence format the case loader tries, in order, on a file that is not configuration.
 * A format whose detection is looser goes later: a delivery report is a message too, so the NDR
 * reader is asked before the headers reader. Queue exports (Get-Queue / Get-Message) are
 * PowerShell output: their detection wants LastError beside a queue property, so configuration
 * exports never match it.
 */
export const EVIDENCE_READERS: EvidenceReader[] = [captureEvidenceReader, traceEvidenceReader, protocolLogReader, trackingLogReader, ndrEvidenceReader, headersEvidenceReader, queueEvidenceReader];
