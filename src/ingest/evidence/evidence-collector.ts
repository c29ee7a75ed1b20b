import {
  EVIDENCE_SOURCES_KEPT,
  type CertificateSeen,
  emptyEvidence,
  type EvidenceSet,
  type HeaderMessageObservation,
  type Observed,
  type SmtpSessionObservation,
  type StatusObservation,
  type TraceObservation,
} from '../../model/evidence.js';
import type { Diagnostic } from '../../model/diagnostics.js';
import type { Provenance } from '../../model/provenance.js';
import type { EvidenceSink } from './evidence-reader.js';
import { domainPart, joinGroup, TraceGroups } from './trace-groups.js';

/** More header messages than this are counted, not kept (an mbox of a whole mailbox). */
export const MESSAGES_KEPT = 10_000;
/**
 * Distinct status groups kept in full; beyond, a status joins the group of its catalog entry and
 * origin alone, so hostile input (every row another host) cannot grow memory, yet every status is counted.
 */
export const STATUS_GROUPS_KEPT = 10_000;

/**
 * Aggregates observations by what they show: a trace of a million messages over three routes
 * becomes three groups with counts and first/last times, so memory follows distinct routes.
 */
export class EvidenceCollector implements EvidenceSink {
  private readonly traces = new TraceGroups();
  private readonly sessions = new Map<string, Observed<SmtpSessionObservation>>();
  private readonly statuses = new Map<string, Observed<StatusObservation>>();
  private readonly evidence: EvidenceSet = emptyEvidence();

  trace(o: TraceObservation): void {
    this.traces.add(o);
  }

  traceGroupingNotice(file: string): Diagnostic | null {
    return this.traces.coarseNotice(file);
  }

  session(o: SmtpSessionObservation): void {
    observe(this.sessions, sessionKey(o), o, o.at);
  }

  status(o: StatusObservation): void {
    let key = statusKey(o);
    if (this.statuses.size >= STATUS_GROUPS_KEPT && !this.statuses.has(key)) key = coarseStatusKey(o);
    observe(this.statuses, key, o, o.at);
  }

  message(o: HeaderMessageObservation): void {
    if (this.evidence.messages.length < MESSAGES_KEPT) this.evidence.messages.push(o);
    else this.evidence.messagesNotKept++;
  }

  finish(): EvidenceSet {
    this.evidence.traces = this.traces.groups();
    this.evidence.sessions = [...this.sessions.values()];
    this.evidence.statuses = [...this.statuses.values()];
    return this.evidence;
  }
}

function observe<T extends { source: Provenance }>(
  groups: Map<string, Observed<T>>,
  key: string,
  o: T,
  at: string | null,
): void {
  const group = groups.get(key);
  if (!group) {
    groups.set(key, { sample: o, count: 1, first: at, last: at, sources: [o.source] });
    return;
  }
  joinGroup(group, o.source, at);
}

/**
 * What makes two statuses "the same": the catalog entry, where it was read, and the route it
 * names (connector, remote host and address, sender and recipient domains, tenant) — a trace with
 * thousands of deferrals to one smart host is one group with a count.
 */
function statusKey(o: StatusObservation): string {
  return [
    o.status.entryId,
    o.origin,
    o.connector ?? '',
    (o.remoteHost ?? '').toLowerCase(),
    o.remoteIp ?? '',
    domainPart(o.sender),
    domainPart(o.recipient),
    o.tenantId ?? '',
  ].join('\u0000');
}

/** The group a status joins once STATUS_GROUPS_KEPT distinct groups exist. */
function coarseStatusKey(o: StatusObservation): string {
  return `\u0001${o.status.entryId}\u0000${o.origin}`;
}

/** Replies that characterise a session (refusals and STARTTLS), not the per-message chatter. */
function notableReplies(o: SmtpSessionObservation): string {
  return o.replies
    .filter((r) => r.code >= 400 || r.command === 'STARTTLS')
    .map((r) => `${r.command ?? ''}:${r.code}:${r.enhanced ?? ''}`)
    .join(',');
}

function certificateKey(certs: CertificateSeen[] | null): string {
  if (certs === null) return '?';
  return certs.map((c) => c.sha1 ?? c.subject ?? '').join('|');
}

function sessionKey(o: SmtpSessionObservation): string {
  return [
    o.origin,
    o.viewpoint,
    o.source.file,
    o.client.ip ?? '',
    o.server.ip ?? '',
    o.server.port ?? '',
    o.connector ?? '',
    o.serverName ?? '',
    o.ehlo ?? '',
    o.extensions.join(' '),
    o.starttls,
    o.tls?.version ?? '',
    o.tls?.cipher ?? '',
    o.tls ? certificateKey(o.tls.serverCertificates) : '',
    o.tls ? String(o.tls.clientCertificateRequested) : '',
    o.tls ? certificateKey(o.tls.clientCertificates) : '',
    notableReplies(o),
  ].join('\u0000');
}
