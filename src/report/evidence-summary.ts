import type { Case } from '../model/case.js';

/** How much evidence the case held, counted as read (an addition to the JSON report). */
export interface EvidenceSummary {
  /** Messages seen in message traces, and the distinct routes they fall into. */
  traceMessages: number;
  traceRoutes: number;
  /** SMTP sessions from protocol logs and captures, and the distinct kinds they fall into. */
  smtpSessions: number;
  sessionKinds: number;
  /** Messages whose headers were read. */
  headerMessages: number;
  /**
   * Status codes of the NDR catalog recognised in the evidence (trace rows, log replies, queues,
   * NDRs, captures), and the distinct groups they fall into; present only when there are any, so
   * reports of cases without them keep their shape.
   */
  statuses?: number;
  statusGroups?: number;
}

export function evidenceSummary(c: Case): EvidenceSummary | null {
  const e = c.evidence;
  if (!e) return null;
  const statuses = (e.statuses ?? []).reduce((n, g) => n + g.count, 0);
  return {
    traceMessages: e.traces.reduce((n, g) => n + g.count, 0),
    traceRoutes: e.traces.length,
    smtpSessions: e.sessions.reduce((n, g) => n + g.count, 0),
    sessionKinds: e.sessions.length,
    headerMessages: e.messages.length + e.messagesNotKept,
    ...(statuses > 0 ? { statuses, statusGroups: e.statuses.length } : {}),
  };
}

export function evidenceSummaryText(s: EvidenceSummary): string {
  const parts: string[] = [];
  if (s.traceMessages > 0) parts.push(`${s.traceMessages} traced message(s) on ${s.traceRoutes} route(s)`);
  if (s.smtpSessions > 0) parts.push(`${s.smtpSessions} SMTP session(s)`);
  if (s.headerMessages > 0) parts.push(`${s.headerMessages} message header set(s)`);
  if (s.statuses) parts.push(`${s.statuses} recognised status code(s)`);
  return parts.length > 0 ? `evidence: ${parts.join(', ')}` : 'evidence: none usable';
}
