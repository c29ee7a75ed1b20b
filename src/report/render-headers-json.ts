import type { DecodedMessage } from '../model/message-headers.js';

/**
 * `headers --format json` (CONTRACT): one object per message — a JSON array of them, in file
 * order (an mbox gives several) — each holding `hops` (`from`, `by`, `with`, `ip`, `tls`, `date`,
 * `delaySeconds`, `kind`, and what else the stamp said) and the decoded headers side by side, with
 * its `source` (file and line). What a file could not yield goes to standard error.
 */
export function headersToJson(messages: readonly DecodedMessage[]): string {
  const out = messages.map((m) => ({
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
  }));
  return JSON.stringify(out, null, 2) + '\n';
}
