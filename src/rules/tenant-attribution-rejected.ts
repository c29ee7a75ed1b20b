import { certificateProblem } from '../engine/certificate-usability.js';
import { certificatesOfServer } from '../engine/simulate-flow.js';
import { serverByName, serverFqdn } from '../engine/send-routing.js';
import type { Organization, SendConnector } from '../model/case.js';
import { certificateLabel, type Certificate } from '../model/certificate.js';
import type { Observed, SmtpSessionObservation, StatusObservation, TraceObservation } from '../model/evidence.js';
import type { Evidence, Finding, FindingSubject, FixStep } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { tlsCertificateNameStep } from './support/fix-commands.js';
import { replyEventKey } from './support/evidence-events.js';
import { statusesForRule } from './support/status-evidence.js';
import { notCountedYet, statusEvidence, type StatusGroup } from './support/status-findings.js';
import {
  describeSpan,
  endpointText,
  evidenceOf,
  groupEvidence,
  isTenantAttributionReply,
  replyText,
  sendConnectorNamed,
  sendConnectorToExchangeOnlineFrom,
  spanOf,
  senderDomain,
} from './support/evidence.js';

/**
 * S2 (seed 002): Exchange Online answers `550 5.7.64 TenantAttribution; Relay Access Denied` when
 * a relay attempt matches no OnPremises connector (EXO-SEMANTICS M3/M4). The documented causes:
 * no client certificate presented, an expired one, one not from a trusted CA (or an incomplete
 * chain), or a name the certificate-scoped connector does not accept; or, for IP-scoped
 * connectors, a source address outside SenderIPAddresses.
 */

type KnownSendConnector = { org: Organization; connector: SendConnector };

interface Sender {
  key: string;
  label: string;
  subjects: FindingSubject[];
  /** The case's send connector the refused mail left by, when the evidence names or implies it. */
  sendConnector: KnownSendConnector | null;
  sessions: Observed<SmtpSessionObservation>[];
  traces: Observed<TraceObservation>[];
  /** Recognised statuses (NDR-CATALOG 5.7.64, 5.4.1 Relay Access Denied) from NDRs, queues and logs. */
  statuses: StatusGroup[];
}

type SenderIdentity = Omit<Sender, 'sessions' | 'traces' | 'statuses'>;

function viaConnector(found: KnownSendConnector): SenderIdentity {
  return {
    key: `send:${found.org.Name}:${found.connector.Name}`,
    label: `send connector "${found.connector.Name}" (${found.org.Name})`,
    subjects: [{ type: 'SendConnector', name: found.connector.Name, organization: found.org.Name }],
    sendConnector: found,
  };
}

function fromHost(ip: string | null, ehlo: string | null = null): SenderIdentity {
  const at = ip ?? '(unknown address)';
  return { key: `ip:${at}`, label: `the host at ${at}${ehlo ? ` (EHLO ${ehlo})` : ''}`, subjects: [{ type: 'Host', name: at }], sendConnector: null };
}

function senderOfSession(ctx: RuleContext, s: SmtpSessionObservation): SenderIdentity {
  // A send log names its connector; on the wire, the sender's address names its server.
  const found = s.viewpoint === 'client' ? sendConnectorNamed(ctx.case, s.connector) : sendConnectorToExchangeOnlineFrom(ctx.case, s.client.ip);
  if (found) return viaConnector(found);
  if (s.viewpoint === 'client' && s.connector) {
    return { key: `send::${s.connector}`, label: `send connector "${s.connector}"`, subjects: [{ type: 'SendConnector', name: s.connector }], sendConnector: null };
  }
  return fromHost(s.client.ip, s.ehlo);
}

/** A status names the send connector (queue, send log) or the sending address. */
function senderOfStatus(ctx: RuleContext, o: StatusObservation): SenderIdentity {
  const found = sendConnectorNamed(ctx.case, o.connector) ?? sendConnectorToExchangeOnlineFrom(ctx.case, o.clientIp);
  if (found) return viaConnector(found);
  if (o.connector) return { key: `send::${o.connector}`, label: `send connector "${o.connector}"`, subjects: [{ type: 'SendConnector', name: o.connector }], sendConnector: null };
  return fromHost(o.clientIp);
}

function senderOfTrace(ctx: RuleContext, o: TraceObservation): SenderIdentity {
  // A tracking log names the send connector the refused message left by.
  const found = o.origin === 'tracking-log' ? sendConnectorNamed(ctx.case, o.connector ?? null) : null;
  return found ? viaConnector(found) : fromHost(o.clientIp);
}

/** What the session shows about the client certificate, in the words of the documented causes. */
function certificateCause(ctx: RuleContext, s: SmtpSessionObservation): string | null {
  const tls = s.tls;
  if (s.starttls !== 'accepted' && tls === null) return 'the connection did not use TLS, so no certificate was presented';
  if (!tls) return null;
  if (tls.clientCertificates === null) return null;
  if (tls.clientCertificates.length === 0) return 'no client certificate was presented in the TLS handshake';
  const leaf = tls.clientCertificates[0]!;
  const name = leaf.commonName ?? leaf.subject ?? leaf.sha1 ?? 'the certificate';
  if (leaf.notAfter && Date.parse(leaf.notAfter) < ctx.at.getTime()) return `the presented certificate ${name} expired on ${leaf.notAfter}`;
  if (leaf.selfSigned) return `the presented certificate ${name} is self-signed (Exchange Online accepts only publicly trusted ones)`;
  return `certificate ${name} was presented; check that its names match the connector's TlsSenderCertificateName and that its chain is complete`;
}

/** A certificate on the connector's source servers that would do: valid now, publicly trusted, with a private key. */
function usableCertificate(ctx: RuleContext, { org, connector }: KnownSendConnector): Certificate | null {
  const candidates: Certificate[] = [];
  for (const name of connector.SourceTransportServers) {
    const server = serverByName(org, name);
    if (!server) continue;
    for (const cert of certificatesOfServer(ctx.simulation.context, server.Certificates, serverFqdn(server))) {
      if (!certificateProblem(cert, ctx.at) && cert.HasPrivateKey !== false && !candidates.includes(cert)) candidates.push(cert);
    }
  }
  candidates.sort((a, b) => Date.parse(b.NotAfter ?? '') - Date.parse(a.NotAfter ?? ''));
  return candidates[0] ?? null;
}

export const rule: Rule = {
  id: 'tenant-attribution-rejected',
  title: 'Exchange Online refused to relay: 550 5.7.64 TenantAttribution',
  severity: 'error',
  description: "Exchange Online could not tie the connection to the tenant's OnPremises connector (certificate or IP), so it refused to relay the mail.",
  run(ctx: RuleContext): Finding[] {
    const senders = new Map<string, Sender>();
    const senderFor = (who: SenderIdentity): Sender => {
      let s = senders.get(who.key);
      if (!s) senders.set(who.key, (s = { ...who, sessions: [], traces: [], statuses: [] }));
      return s;
    };
    const ev = evidenceOf(ctx.case);
    for (const g of ev.sessions) {
      if (g.sample.replies.some((r) => isTenantAttributionReply(r))) senderFor(senderOfSession(ctx, g.sample)).sessions.push(g);
    }
    // The same refusal in a send protocol log and a tracking log is one event (evidence-events.ts): counted once.
    const logged = new Set(ev.sessions.flatMap((g) => g.sample.replies.map((r) => replyEventKey(r.text)).filter((k) => k !== null)));
    for (const g of ev.traces) {
      if (!isTenantAttributionReply(g.sample.response)) continue;
      const key = replyEventKey(g.sample.response!.text);
      const seen = key !== null && logged.has(key);
      if (seen && g.count === 1) continue;
      senderFor(senderOfTrace(ctx, g.sample)).traces.push(seen ? { ...g, count: g.count - 1 } : g);
    }
    // RULES.md v2: 5.7.64 TenantAttribution or the older 550 5.4.1 Relay Access Denied, from any evidence kind —
    // once per source line (a trace row or session already read above is not counted again).
    const counted = [...ev.sessions.filter((g) => g.sample.replies.some((r) => isTenantAttributionReply(r))), ...ev.traces.filter((g) => isTenantAttributionReply(g.sample.response))];
    const relayDenied = statusesForRule(ctx.case, this.id).filter((g) => /TenantAttribution|Relay Access Denied/i.test(g.sample.status.text));
    for (const g of notCountedYet(relayDenied, counted)) senderFor(senderOfStatus(ctx, g.sample)).statuses.push(g);
    return [...senders.values()].map((s) => rejectionFinding(this, ctx, s));
  },
};

function rejectionFinding(rule: Rule, ctx: RuleContext, sender: Sender): Finding {
  const evidence: Evidence[] = [];
  const causes = new Set<string>();
  const { count, first, last } = spanOf<unknown>([...sender.sessions, ...sender.traces, ...sender.statuses]);
  for (const g of sender.sessions) {
    const s = g.sample;
    const reply = s.replies.find((r) => isTenantAttributionReply(r))!;
    const cause = certificateCause(ctx, s);
    if (cause) causes.add(cause);
    evidence.push(
      ...groupEvidence(
        g,
        `${endpointText(s.client)} → ${endpointText(s.server)}${s.serverName ? ` (${s.serverName})` : ''}: ${reply.command ?? 'reply'} answered "${replyText(reply)}"${cause ? `; ${cause}` : ''}`,
      ).slice(0, 2),
    );
  }
  for (const g of sender.traces) {
    const o = g.sample;
    evidence.push(...groupEvidence(g, `${o.sender ?? '?'} → ${o.recipient ?? '?'}: ${o.status ?? ''} ${replyText(o.response!)}`.trim()).slice(0, 1));
  }
  evidence.push(...statusEvidence(sender.statuses));
  const fix: FixStep[] = [];
  const cert = sender.sendConnector ? usableCertificate(ctx, sender.sendConnector) : null;
  const subject = sender.subjects[0]!;
  if (subject.type === 'SendConnector') {
    if (cert) {
      fix.push({ ...tlsCertificateNameStep(subject.name, cert.Issuer, cert.Subject, 'Send'), text: `Make send connector "${subject.name}" present ${certificateLabel(cert)} (valid, publicly trusted, installed on its source servers).` });
    } else {
      fix.push({
        text: `Install a publicly trusted certificate whose name the tenant's certificate-scoped OnPremises connector accepts on the source servers of "${subject.name}", and name it on the connector: Set-SendConnector -Identity ${psIdentity(subject.name)} -TlsCertificateName with that certificate's <I>issuer<S>subject.`,
        where: 'Exchange Management Shell',
      });
    }
  } else {
    fix.push({ text: `Make ${sender.label} present a valid, publicly trusted certificate whose name the tenant's OnPremises connector (TlsSenderCertificateName) accepts, or send from an address in its SenderIPAddresses.` });
  }
  fix.push({ text: 'Check the tenant side: the OnPremises inbound connector is enabled and its TlsSenderCertificateName matches that certificate name.', command: 'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,TlsSenderCertificateName,SenderIPAddresses', where: 'Exchange Online PowerShell' });
  const domains = [...new Set([...sender.traces, ...sender.statuses].map((g) => senderDomain(g.sample.sender)).filter((d): d is string => d !== null))];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `${describeSpan(count, first, last, sender.sessions.length > 0 ? 'refused connection' : 'refused message')} from ${sender.label}${domains.length > 0 ? ` (senders in ${domains.join(', ')})` : ''}: Exchange Online did not match the connection to an OnPremises connector of the sender's tenant and refused to relay.${causes.size > 0 ? ` The evidence shows: ${[...causes].join('; ')}.` : ' The usual causes: no certificate presented, an expired certificate, one not from a trusted CA or with an incomplete chain, or a name the connector does not accept.'}`,
    subjects: sender.subjects,
    evidence,
    fix,
    references: [
      'https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-7-64-in-exchange-online',
      'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/tenantattribution-ndr',
      'https://techcommunity.microsoft.com/t5/exchange-team-blog/updated-requirements-for-smtp-relay-through-exchange-online/ba-p/3851357',
    ],
  };
}
