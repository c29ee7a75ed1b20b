import type { DecodedMessage } from '../ingest/headers/decode-message.js';

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
    hops: m.hops.map((h) => ({
      number: h.number,
      from: h.from,
      by: h.by,
      with: h.with,
      ip: h.ip,
      tls: h.tls,
      date: h.date,
      delaySeconds: h.delaySeconds,
      kind: h.kind,
      clockSkew: h.clockSkew,
      fromHost: h.fromHost,
      byIp: h.byIp,
      id: h.id,
      via: h.via,
      for: h.for,
      dateText: h.dateText,
      vendor: h.vendor,
      kindBasis: h.kindBasis,
      line: h.line,
    })),
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
