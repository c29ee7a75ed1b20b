import { listedMessage, type TraceReport } from './render-trace-json.js';

/**
 * `trace --format csv`: the group table (day × connector × tenant × direction × sender domain),
 * or with --list the matching messages — RFC 4180, for Excel or Import-Csv.
 */
export function renderTraceCsv(r: TraceReport): string {
  const s = r.summary;
  if (s.messages) {
    const rows = s.messages.map(listedMessage);
    const header = ['time', 'sender', 'recipient', 'subject', 'status', 'response', 'connector', 'connectorType', 'tenant', 'direction', 'clientIp', 'clientHostname', 'fromEntity', 'originatorOrg', 'outboundConnector', 'messageId', 'source'];
    return csv([header, ...rows.map((m) => header.map((h) => m[h] ?? null))]);
  }
  const header = ['day', 'connector', 'connectorType', 'tenant', 'direction', 'senderDomain', 'messages', 'first', 'last'];
  return csv([header, ...s.groups.map((g) => [g.day, g.connector, g.connectorType, g.tenant, g.direction, g.senderDomain, g.messages, g.first, g.last])]);
}

function csv(rows: Array<Array<string | number | null>>): string {
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  // Subjects and addresses come from senders: a leading = + - @ would be a formula in a spreadsheet.
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
