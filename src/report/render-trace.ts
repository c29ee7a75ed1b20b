import { FORMAT_TITLES } from '../model/message-trace.js';
import type { TraceRollup } from '../model/message-trace.js';
import { listedMessage, type TraceReport } from './render-trace-json.js';
import { PLAIN, type Style } from './style.js';
import { visibleLine } from './visible-text.js';

/** `trace --format text`: totals, then who and since when, by connector, sender domain, day and direction. */
export function renderTraceText(r: TraceReport, style: Style = PLAIN): string {
  const out: string[] = [];
  const s = r.summary;
  const rowsRead = r.inputs.reduce((n, i) => n + i.records, 0);
  const rowsSkipped = r.inputs.reduce((n, i) => n + i.skipped, 0);
  const messagesRead = r.inputs.reduce((n, i) => n + i.messages, 0);
  out.push(style.bold(`Message trace: ${r.inputs.length} file${r.inputs.length === 1 ? '' : 's'}, ${rowsRead} rows read, ${rowsSkipped} skipped, ${messagesRead} messages`));
  for (const i of r.inputs) {
    const what = i.format ? FORMAT_TITLES[i.format] : 'not read';
    out.push(`  ${i.file}: ${what}${i.encoding ? `, ${i.encoding.toUpperCase()}` : ''}; ${i.records} rows, ${i.skipped} skipped, ${i.messages} messages`);
  }
  const filters = filterPhrases(r.filters);
  out.push('');
  out.push(style.bold(`${filters.length > 0 ? `Matching ${filters.join(', ')}` : 'All messages'}: ${s.totals.messages}${s.totals.first ? `, ${when(s.totals.first)} to ${when(s.totals.last)}` : ''}`));
  out.push('  (a message counts once per recipient, as in Get-MessageTrace)');
  if (s.totals.messages > 0) {
    section(out, style, 'By connector', s.byConnector.map((c) => ({ ...c, label: c.key === null ? '(no inbound connector)' : `${c.key}${c.connectorType ? ` (${c.connectorType})` : ''}${c.tenant ? `, tenant ${c.tenant}` : ''}` })));
    section(out, style, 'By sender domain', s.bySenderDomain.map((d) => ({ ...d, label: d.key ?? '(no sender)' })));
    section(out, style, 'By day (UTC)', s.byDay.map((d) => ({ ...d, label: d.key ?? '(no time)' })));
    section(out, style, 'By direction', s.byDirection.map((d) => ({ ...d, label: d.key ?? '(not stated)' })));
    section(out, style, 'By tenant', s.byTenant.map((d) => ({ ...d, label: d.key ?? '(not stated)' })));
  }
  if (s.messages) {
    out.push('');
    out.push(style.bold(`Messages (${s.messages.length}${s.notListed > 0 ? ` listed, ${s.notListed} more not listed: raise --limit` : ''})`));
    for (const m of s.messages.map(listedMessage)) {
      const subject = m.subject === null ? '' : `  "${String(m.subject).replace(/[\r\n]+/g, ' ')}"`;
      out.push(`  ${when(m.time as string | null)}  ${m.sender ?? '-'} -> ${m.recipient ?? '-'}  ${m.status ?? '-'}${m.response ? ` (${m.response})` : ''}  via ${m.connector ?? '-'}${subject}  [${m.source}]`);
    }
  }
  const diagnostics = r.inputs.flatMap((i) => i.diagnostics);
  if (diagnostics.length > 0) {
    out.push('');
    out.push(style.bold('Input problems'));
    for (const d of diagnostics) out.push(`  ${d.severity === 'error' ? style.red('error') : style.yellow('warning')} ${d.location}: ${d.message}`);
  }
  // Subjects, addresses, connector names and replies come from the trace: control characters shown escaped (visible-text.ts).
  return `${out.map(visibleLine).join('\n')}\n`;
}

function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}

function section(out: string[], style: Style, title: string, rows: Array<TraceRollup & { label: string }>): void {
  out.push('');
  out.push(style.bold(title));
  const width = Math.min(70, Math.max(...rows.map((r) => r.label.length)));
  const countWidth = Math.max(...rows.map((r) => String(r.messages).length));
  for (const r of rows) {
    out.push(`  ${r.label.padEnd(width)}  ${String(r.messages).padStart(countWidth)}  ${when(r.first)} to ${when(r.last)}`);
  }
}

/** The `trace` filters in words (`connector "X"`, `since …`), for every renderer's heading. */
export function filterPhrases(f: TraceReport['filters']): string[] {
  return [
    f.connectors.length > 0 ? `connector ${f.connectors.map((c) => `"${c}"`).join(' or ')}` : null,
    f.senderDomains.length > 0 ? `sender domain ${f.senderDomains.join(' or ')}` : null,
    f.since ? `since ${f.since}` : null,
    f.until ? `until ${f.until}` : null,
  ].filter((x): x is string => x !== null);
}
