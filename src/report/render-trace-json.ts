import type { TraceFileReport } from '../model/message-trace.js';
import { connectorOf, tenantOf, type TraceFilters, type TraceSummary } from '../model/message-trace.js';
import type { TraceMessage } from '../model/message-trace.js';
import { formatSource } from '../model/provenance.js';

/** What `mailflow-doctor trace` found in its files, for every renderer. */
export interface TraceReport {
  inputs: TraceFileReport[];
  filters: TraceFilters;
  summary: TraceSummary;
}

export const TRACE_SCHEMA = 'mailflow-doctor/trace@1';

/** One listed message, as JSON and CSV write it. */
export function listedMessage(m: TraceMessage): Record<string, string | number | null> {
  return {
    time: m.at,
    sender: m.sender,
    recipient: m.recipient,
    subject: m.subject,
    status: m.status,
    response: m.response ? [m.response.code, m.response.enhanced, m.response.text].filter(Boolean).join(' ') : null,
    connector: connectorOf(m),
    connectorType: m.inboundConnector?.type ?? null,
    tenant: tenantOf(m),
    direction: m.direction,
    clientIp: m.clientIp,
    clientHostname: m.clientHostname,
    fromEntity: m.fromEntity,
    originatorOrg: m.originatorOrg,
    outboundConnector: m.outboundConnector,
    messageId: m.messageId,
    source: formatSource(m.source),
  };
}

export function renderTraceJson(r: TraceReport): string {
  const rowsRead = r.inputs.reduce((n, i) => n + i.records, 0);
  const rowsSkipped = r.inputs.reduce((n, i) => n + i.skipped, 0);
  const messagesRead = r.inputs.reduce((n, i) => n + i.messages, 0);
  const s = r.summary;
  const json = {
    schema: TRACE_SCHEMA,
    inputs: r.inputs,
    filters: r.filters,
    totals: { messages: s.totals.messages, messagesRead, rowsRead, rowsSkipped, first: s.totals.first, last: s.totals.last },
    byConnector: s.byConnector.map(({ key, ...rest }) => ({ connector: key, ...rest })),
    byTenant: s.byTenant.map(({ key, ...rest }) => ({ tenant: key, ...rest })),
    byDirection: s.byDirection.map(({ key, ...rest }) => ({ direction: key, ...rest })),
    bySenderDomain: s.bySenderDomain.map(({ key, ...rest }) => ({ senderDomain: key, ...rest })),
    byDay: s.byDay.map(({ key, ...rest }) => ({ day: key, ...rest })),
    groups: s.groups,
    ...(s.messages ? { messages: s.messages.map(listedMessage), notListed: s.notListed } : {}),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
