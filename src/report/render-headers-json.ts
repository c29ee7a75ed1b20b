import type { DecodedMessage } from '../model/message-headers.js';
import { wholeDocument, type HeadersDocumentParts } from './headers-document.js';

/**
 * `headers --format json` (CONTRACT): one object per message — a JSON array of them, in file
 * order (an mbox gives several) — each holding `hops` (`from`, `by`, `with`, `ip`, `tls`, `date`,
 * `delaySeconds`, `kind`, and what else the stamp said) and the decoded headers side by side, with
 * its `source` (file and line). What a file could not yield goes to standard error.
 */
export function headersToJson(messages: readonly DecodedMessage[]): string {
  // An empty array prints as `[]`, which the parts (made for one message or more) cannot give.
  if (messages.length === 0) return '[]\n';
  return wholeDocument(HEADERS_JSON_PARTS, messages);
}

/**
 * The same document in parts, for writing it as messages are read: `[`, each message as
 * `JSON.stringify` indents an element of the array (`,` before all but the first), then `]`.
 */
export const HEADERS_JSON_PARTS: HeadersDocumentParts = {
  headNeedsCount: false,
  head: () => '[\n',
  message: (m, index) => (index === 0 ? '' : ',\n') + messageElementJson(m),
  tail: () => '\n]\n',
};

/** One message as an element of the pretty-printed array: what lies between `[\n` and `\n]`. */
function messageElementJson(m: DecodedMessage): string {
  return JSON.stringify([messageObject(m)], null, 2).slice(2, -2);
}

function messageObject(m: DecodedMessage): object {
  return {
    source: m.source,
    messageId: m.messageId,
    subject: m.subject,
    from: m.from,
    to: m.to,
    date: m.date,
    garbled: m.garbled,
    // Every field of the parsed stamp but its raw text.
    hops: m.hops.map(({ raw: _raw, ...hop }) => hop),
    verdicts: m.verdicts,
    microsoftHeaders: m.microsoftHeaders,
    forefrontAntispamReport: m.forefrontAntispamReport,
    microsoftAntispam: m.microsoftAntispam,
    authenticationResults: m.authenticationResults,
    arc: m.arc,
    unknownMicrosoftHeaders: m.unknownMicrosoftHeaders,
  };
}
