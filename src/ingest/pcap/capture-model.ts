/**
 * The types the `pcap` command prints and the capture reader fills live in the model
 * (src/model/capture.ts), so the report layer depends on the model only; the readers here keep
 * importing them from this path.
 */
export type {
  CaptureReadResult,
  CaptureSummary,
  CapturedCertificate,
  CapturedGap,
  CapturedReply,
  CapturedSession,
  CapturedTls,
  CapturedTransaction,
  TlsAlertSeen,
  TransactionOutcome,
} from '../../model/capture.js';
