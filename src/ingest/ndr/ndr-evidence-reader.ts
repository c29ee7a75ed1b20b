import type { InputReport } from '../../model/diagnostics.js';
import { bytesSource, readSourceHead, toByteSource, type ByteSource } from '../byte-source.js';
import type { HeaderMessageObservation, StatusObservation } from '../../model/evidence.js';
import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { toObservation, type DecodedMessage } from '../headers/decode-message.js';
import { detectHeaders } from '../headers/headers-evidence-reader.js';
import { looksLikeMsg } from '../headers/outlook-msg.js';
import { readHeaderFile } from '../headers/read-header-file.js';
import { decodeText } from '../text-decoding.js';
import { parseMime } from './mime-parts.js';
import { ndrStatuses } from './ndr-statuses.js';

/**
 * Non-delivery reports saved as .eml (NDR-CATALOG `NDR`): a message whose Content-Type is
 * `multipart/report; report-type=delivery-status` (RFC 3462) or whose text carries Exchange's
 * "Diagnostic information for administrators" block. Its headers are read as any message's
 * (the headers reader's decoding), with the statuses of the report attached; each status is an
 * observation tied to its line. Outlook .msg reports stay with the headers reader: the .msg
 * reader gives the transport headers only, not the report's body.
 */

export const NDR_KIND = 'ndr';

/** NDRs are small; a larger file (a report with a big original attached) is read up to this much. */
const MAX_BYTES = 16 * 1024 * 1024;

const REPORT_MARK = /multipart\/report[\s\S]{0,400}?delivery-status|message\/delivery-status|diagnostic information for administrators/i;

/** Byte strings one of which every report holds (as written, or in UTF-16): the cheap first test, before any decoding. */
const QUICK_MARKS = ['delivery-status', 'Delivery-Status', 'DELIVERY-STATUS', 'nformation for administrators'].flatMap((m) => [Buffer.from(m, 'latin1'), Buffer.from(m, 'utf16le')]);

/**
 * An .eml (not an mbox, not a .msg) whose start shows a delivery report. Every file the loader
 * cannot place is asked, configuration exports included, so the bytes are searched first.
 */
export function detectNdr(sample: Uint8Array): boolean {
  const head = Buffer.from(sample.buffer, sample.byteOffset, Math.min(sample.byteLength, 256 * 1024));
  if (!QUICK_MARKS.some((m) => head.indexOf(m) >= 0)) return false;
  if (looksLikeMsg(sample) || !detectHeaders(sample)) return false;
  const text = decodeText(head);
  if (text.trimStart().startsWith('From ')) return false;
  return REPORT_MARK.test(text);
}

/** Reads one report, handing on its statuses and its headers (with the statuses attached); never throws. */
export async function readNdrFile(input: ByteSource | string, onStatus: (o: StatusObservation) => void, onMessage: (m: HeaderMessageObservation) => void): Promise<InputReport> {
  const source = toByteSource(input);
  const file = source.name;
  const report: InputReport = { file, kind: NDR_KIND, records: 0, skipped: 0, diagnostics: [] };
  let bytes: Buffer;
  let truncated = false;
  try {
    const head = await readSourceHead(source, MAX_BYTES);
    bytes = head.bytes;
    truncated = head.size > MAX_BYTES;
  } catch (e) {
    report.diagnostics.push({ severity: 'error', location: file, message: `${file}: cannot be read: ${(e as Error).message}` });
    return report;
  }
  // The report's own header block is read from the same bytes: the input is read once.
  let decoded: DecodedMessage | null = null;
  const headers = await readHeaderFile(bytesSource(file, bytes), (m) => {
    decoded ??= m;
  });
  report.diagnostics.push(...headers.diagnostics.filter((d) => d.severity === 'warning'));
  if (truncated) report.diagnostics.push({ severity: 'warning', location: file, message: `${file}: only the first ${MAX_BYTES / (1024 * 1024)} MiB of the report were read` });
  let read: ReturnType<typeof ndrStatuses>;
  try {
    const mime = parseMime(decodeText(bytes).split(/\r?\n/));
    read = ndrStatuses(mime.leaves, file);
  } catch (e) {
    // Never throws: a report too odd to parse is a diagnostic.
    report.diagnostics.push({ severity: 'error', location: file, message: `${file}: the report could not be parsed: ${(e as Error).message}` });
    return report;
  }
  report.records = 1;
  const message = decoded as DecodedMessage | null;
  for (const o of read.statuses) {
    o.at ??= message?.date ?? null;
    onStatus(o);
  }
  if (message) {
    const observation = toObservation(message);
    observation.statuses = read.statuses.map((o) => o.status);
    onMessage(observation);
  }
  if (read.statuses.length === 0) {
    report.diagnostics.push({
      severity: 'warning',
      location: file,
      message: `${file}: ${read.reportFound ? 'a delivery report whose status the catalog does not know' : 'no diagnostic block and no delivery-status part found'}; run mailflow-doctor explain on its "Remote Server returned" text to see what is known`,
    });
  }
  return report;
}

export const ndrEvidenceReader: EvidenceReader = {
  kind: NDR_KIND,
  detect: detectNdr,
  read: (source, sink) =>
    readNdrFile(
      source,
      (o) => sink.status?.(o),
      (m) => sink.message(m),
    ),
};
