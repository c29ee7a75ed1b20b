import type { DecodedMessage } from '../ingest/headers/decode-message.js';
import type { InputReport } from '../model/diagnostics.js';

/**
 * `headers --format json` (CONTRACT): `{ "messages": [ … ] }`, one object per message (an mbox
 * gives several) — the same shape as `pcap`'s `{ "sessions": [ … ] }` — each holding `hops`
 * (`from`, `by`, `with`, `ip`, `tls`, `date`, `delaySeconds`, `kind`, and what else the stamp
 * said) and the decoded headers side by side; `inputs` says what each file yielded.
 */
export function headersToJson(messages: readonly DecodedMessage[], inputs: readonly InputReport[]): string {
  const out = {
    schema: 'mailflow-doctor/headers@1',
    messages: messages.map((m) => ({
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
    })),
    inputs,
  };
  return JSON.stringify(out, null, 2) + '\n';
}
