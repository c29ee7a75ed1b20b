import type { EvidenceReader } from '../evidence/evidence-reader.js';
import { decodeText, looksLikeText } from '../text-decoding.js';
import { startsField } from './header-fields.js';
import { observeMessage } from './observe-message.js';
import { looksLikeMsg } from './outlook-msg.js';
import { HEADERS_KIND, readHeaderFile } from './read-header-file.js';

/** Fields only mail headers carry: one of them near the top tells headers from other `Name: value` text (YAML, logs). */
const MAIL_MARKERS = /^(received|message-id|return-path|authentication-results|received-spf|dkim-signature|arc-seal|x-ms-[a-z0-9-]+|x-forefront-antispam-report|x-microsoft-antispam[a-z-]*|x-originatororg|mime-version)$/i;

/** How many lines from the top detection looks at: headers start at once. */
const DETECTION_LINES = 200;

/**
 * Message headers by content: an Outlook .msg (a compound file whose directory names message
 * property streams), an mbox (`From ` then header fields), or an .eml or pasted headers: the first
 * non-blank lines are header fields (Outlook's title line allowed), with at least three fields
 * and one only mail carries (Received, Message-ID, X-MS-…, Authentication-Results…). JSON, CSV,
 * YAML and log files fail the first-line test or the marker test.
 */
export function detectHeaders(sample: Uint8Array): boolean {
  if (looksLikeMsg(sample)) return true;
  const text = decodeText(sample.subarray(0, 64 * 1024));
  if (!looksLikeText(text)) return false;
  const lines = text.split(/\r?\n|\r/, DETECTION_LINES);
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (i < lines.length && lines[i]!.startsWith('From ')) i++;
  else if (i < lines.length && /^\s*microsoft mail internet headers version \d/i.test(lines[i]!)) i++;
  let fields = 0;
  let marker = false;
  let firstChecked = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const m = startsField(line.trimStart());
    if (!firstChecked) {
      firstChecked = true;
      if (!m) return false;
    }
    if (!m) continue;
    fields++;
    if (MAIL_MARKERS.test(m[0])) marker = true;
    if (fields >= 3 && marker) return true;
  }
  return false;
}

export const headersEvidenceReader: EvidenceReader = {
  kind: HEADERS_KIND,
  detect: detectHeaders,
  // Only the evidence is decoded (observe-message.ts): the same observation as toObservation(decodeMessage(…)).
  read: (source, sink, options) => readHeaderFile(source, (o) => sink.message(o), options.progress, observeMessage),
};
