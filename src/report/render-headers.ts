import { MEANING_SOURCES, type AntispamField, type DecodedHop, type DecodedMessage } from '../model/message-headers.js';
import { formatSource } from '../model/provenance.js';
import { wholeDocument, type HeadersDocumentParts } from './headers-document.js';
import type { Style } from './style.js';
import { visibleMessage } from './visible-text.js';

/** `headers` as text: per message the hop table, the verdicts, then the decoded Microsoft headers. */
export function renderHeadersText(messages: readonly DecodedMessage[], s: Style): string {
  return wholeDocument(headersTextParts(s), messages);
}

/** The text report in parts (headers-document.ts): each message and the line after it, then the sources the meanings cite. */
export function headersTextParts(s: Style): HeadersDocumentParts {
  return {
    headNeedsCount: false,
    head: () => '',
    // Header text is the sender's: its control characters are shown escaped (visible-text.ts).
    message: (m) => `${renderMessage(visibleMessage(m), s)}\n`,
    tail: () => [s.dim('Meanings cite:'), ...MEANING_SOURCES.map((x) => s.dim(`  [${x.tag}] ${x.url}`)), ''].join('\n'),
  };
}

function yesNo(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

/** `2025-03-04 09:00:03Z`: the hop table's dates, in UTC like the JSON. */
function shortDate(iso: string | null, written: string | null): string {
  if (iso === null) return written === null ? '—' : `? ${written.length > 24 ? `${written.slice(0, 23)}…` : written}`;
  return iso.replace('T', ' ').replace(/\.000Z$/, 'Z');
}

function delay(h: DecodedHop): string {
  if (h.delaySeconds === null) return '—';
  const d = Number.isInteger(h.delaySeconds) ? `${h.delaySeconds}s` : `${h.delaySeconds.toFixed(3)}s`;
  return h.clockSkew ? `${d} skew` : d;
}

function tlsText(h: DecodedHop): string {
  if (h.tls === null) return 'none';
  return h.tls.version ?? 'TLS (version not stated)';
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}`.trimEnd());
}

function hopTable(hops: readonly DecodedHop[]): string[] {
  const rows = [['#', 'from → by', 'with', 'IP', 'TLS', 'date (UTC)', 'delay', 'kind']];
  for (const h of hops) {
    rows.push([
      String(h.number),
      `${h.from ?? '?'} → ${h.by ?? '?'}`,
      h.with ?? '—',
      h.ip ?? '—',
      tlsText(h),
      shortDate(h.date, h.dateText),
      delay(h),
      h.vendor ? `${h.kind} (${h.vendor})` : h.kind,
    ]);
  }
  return table(rows);
}

function antispamLines(title: string, fields: readonly AntispamField[], s: Style): string[] {
  const lines = [s.bold(title)];
  const keyWidth = Math.max(...fields.map((f) => f.key.length));
  for (const f of fields) {
    const value = f.value === '' ? '(empty)' : f.value.length > 60 ? `${f.value.slice(0, 59)}…` : f.value;
    lines.push(`  ${f.key.padEnd(keyWidth)}  ${value}`);
    lines.push(`  ${''.padEnd(keyWidth)}  ${s.dim(f.valueMeaning ? `${f.meaning} — ${f.valueMeaning}` : f.meaning)}`);
  }
  return lines;
}

function renderMessage(m: DecodedMessage, s: Style): string {
  const out: string[] = [];
  out.push(s.bold(`Message ${m.messageId ?? '(no Message-ID)'}`) + (m.subject ? `  "${m.subject}"` : ''));
  out.push(`  ${formatSource(m.source)}${m.from ? ` · From: ${m.from}` : ''}${m.date ? ` · Date: ${m.date}` : ''}`);
  if (m.garbled) out.push(s.yellow('  (pasted headers that lost their formatting: fields were recovered by their names)'));
  out.push('');
  if (m.hops.length === 0) out.push('  No Received headers: the message has no hops to show.');
  else out.push(...hopTable(m.hops));
  // Dates read outside RFC 5322 §3.6.7 (no `;`, ISO form) are said, not silently taken.
  for (const h of m.hops) if (h.dateNote) out.push(s.dim(`  hop ${h.number}: ${h.dateNote}`));
  out.push('');

  const v = m.verdicts;
  out.push(s.bold('Verdicts'));
  out.push(`  Crossed premises (Exchange Online and on-premises Exchange hops): ${yesNo(v.crossedPremises)}`);
  const internal = v.treatedAsInternal === null ? 'unknown (no AuthAs header)' : `${yesNo(v.treatedAsInternal)} — ${v.internalBasis}`;
  const internalLine = `  Treated as internal: ${internal}`;
  out.push(v.crossedPremises && v.treatedAsInternal === false ? s.red(internalLine) : internalLine);
  const gw = v.gatewayHopsInHybridPath;
  const gwLine = `  Third-party gateway in the hybrid path: ${gw.length === 0 ? 'no' : `yes — hop ${gw.map((n) => `${n} (${m.hops[n - 1]!.by ?? '?'}${m.hops[n - 1]!.vendor ? `, ${m.hops[n - 1]!.vendor}` : ''})`).join(', ')}`}`;
  out.push(gw.length > 0 ? s.red(gwLine) : gwLine);
  if (gw.length > 0) out.push(s.dim(`    why: ${m.hops[gw[0]! - 1]!.kindBasis}`));
  const weak = v.lowestTlsVersion !== null && ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1'].includes(v.lowestTlsVersion);
  const tlsLine = `  Lowest TLS version on the path: ${v.lowestTlsVersion ?? 'none stated'}${v.hopsWithoutTls.length > 0 ? ` (no TLS shown on hop ${v.hopsWithoutTls.join(', ')})` : ''}`;
  out.push(weak ? s.yellow(tlsLine) : tlsLine);
  if (v.clockSkewHops.length > 0) out.push(s.yellow(`  Clock skew: hop ${v.clockSkewHops.join(', ')} dated before the hop before it`));
  if (v.tenantId) out.push(`  Exchange Online tenant: ${v.tenantId}`);
  out.push('');

  if (m.microsoftHeaders.length > 0) {
    out.push(s.bold('Microsoft headers'));
    for (const h of m.microsoftHeaders) {
      if (h.name.toLowerCase() === 'x-forefront-antispam-report' || h.name.toLowerCase() === 'x-microsoft-antispam') continue;
      out.push(`  ${h.name}: ${h.value}`);
      out.push(`      ${s.dim(h.valueMeaning ? `${h.meaning} — ${h.valueMeaning}` : h.meaning)}`);
    }
    out.push('');
  }
  if (m.forefrontAntispamReport) out.push(...antispamLines('X-Forefront-Antispam-Report', m.forefrontAntispamReport, s), '');
  if (m.microsoftAntispam) out.push(...antispamLines('X-Microsoft-Antispam', m.microsoftAntispam, s), '');
  for (const ar of m.authenticationResults) {
    out.push(s.bold(ar.header) + (ar.authservId ? ` (${ar.authservId})` : ''));
    for (const r of ar.results) {
      const props = Object.entries(r.properties).map(([k, val]) => `${k}=${val}`).join(' ');
      out.push(`  ${r.method}=${r.result}${r.comment ? ` (${r.comment})` : ''}${props ? ` ${props}` : ''}`);
      if (r.meaning) out.push(`      ${s.dim(r.meaning)}`);
    }
    out.push('');
  }
  if (m.arc.length > 0) {
    out.push(s.bold('ARC'));
    for (const a of m.arc) {
      const results = a.results.map((r) => `${r.method}=${r.result}`).join(' ');
      out.push(`  i=${a.instance}  cv=${a.chainValidation ?? '?'}  sealed by ${a.sealDomain ?? '?'}${a.authservId ? `  at ${a.authservId}` : ''}${results ? `  ${results}` : ''}`);
    }
    out.push('');
  }
  if (m.unknownMicrosoftHeaders.length > 0) {
    out.push(s.bold('Other Microsoft headers (not explained here, verbatim)'));
    for (const h of m.unknownMicrosoftHeaders) out.push(`  ${h.name}: ${h.value}`);
    out.push('');
  }
  return out.join('\n');
}
