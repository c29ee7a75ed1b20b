import type { FlowResult, Hop } from '../engine/flow-types.js';
import { certificateLabel } from '../model/certificate.js';
import { domainOf, normalizeHost } from '../model/domains.js';
import type { Observed, SmtpSessionObservation, StatusObservation, TraceObservation } from '../model/evidence.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { endpointText, evidenceOf, groupBy, groupEvidence, senderDomain, serverIsExchangeOnline, tenantOfTraceRow } from './support/evidence.js';
import { flowName, flowPath, flowSubject } from './support/flow-subject.js';
import { isFailureStatus, statusesShow, statusEvidence, statusLines, type StatusGroup } from './support/status-findings.js';
import type { Presenter } from './support/presenters.js';

/**
 * Evidence is what happened; the simulation is what the estate as exported should do. Where they
 * disagree on a route the simulator makes a prediction for — the tenant and connector a trace says
 * received a message, the certificate a log or capture shows a sender presenting — the estate is
 * not what the admin thinks (a changed connector, an export from another day, a NAT or proxy in
 * between), and conclusions drawn from the model alone are unsafe. No prediction: no finding.
 */

function eopHops(f: FlowResult): Hop[] {
  return f.hops.filter((h) => h.eop !== null);
}

function describePrediction(h: Hop): string {
  const r = h.eop!.result;
  if (r.outcome === 'rejected') return `rejected (${r.response ?? '5.7.64'})`;
  const tenant = r.tenant?.Name ?? (r.outsideTenantDomain ? `an outside tenant (${r.outsideTenantDomain})` : 'no tenant');
  return `${tenant}${r.connector ? ` via "${r.connector.Name}" (${r.connector.ConnectorType})` : ' without a connector (anonymous)'}`;
}

function traceContradiction(ctx: RuleContext, g: Observed<TraceObservation>, total: number): Finding | null {
  const o = g.sample;
  const from = senderDomain(o.sender);
  const to = o.recipient ? domainOf(o.recipient) : null;
  if (!from || !to) return null;
  const tenant = tenantOfTraceRow(ctx.case, o);
  if (!tenant) return null;
  const flows = ctx.simulation.flows.filter((f) => f.kind === 'message' && domainOf(f.from) === from && domainOf(f.to) === to);
  const hops = flows.flatMap(eopHops);
  if (hops.length === 0) return null;
  // A row without connector data is weak evidence: one recipient's mail may take a path the
  // simulated flow for the domain pair does not (a mailbox elsewhere, a second MX). Only a
  // connector the trace names is compared.
  if (!o.inboundConnector) return null;
  const observedConnector = o.inboundConnector.name.toLowerCase();
  const intoTenant = hops.filter((h) => h.eop!.result.tenant === tenant);
  const agrees = intoTenant.some((h) => (h.eop!.result.connector?.Name.toLowerCase() ?? null) === observedConnector);
  if (agrees) return null;
  // The route reaches the tenant in the model through no connector the trace shows, or not at all.
  const predicted = [...new Set((intoTenant.length > 0 ? intoTenant : hops).map(describePrediction))];
  const observed = `${tenant.Name} via "${o.inboundConnector.name}" (${o.inboundConnector.type ?? 'type unknown'})`;
  return {
    rule: 'evidence-contradicts-model',
    severity: 'warning',
    title: 'Evidence contradicts the simulated mail flow',
    message: `The message trace shows mail from ${from} to ${to} received in ${observed} (${total} message${total === 1 ? '' : 's'}), but the simulation of the estate predicts ${predicted.join('; ')}. The connectors, certificates or addresses in use are not what the exported configuration says; check the evidence's dates against the exports' and look for changes or devices in between.`,
    subjects: [{ type: 'Flow', name: `${from} → ${to}` }],
    evidence: [
      ...groupEvidence(g, `${o.sender} → ${o.recipient}: ${observed}${o.clientIp ? ` from ${o.clientIp}` : ''}`).slice(0, 2),
      ...flows.slice(0, 2).map((f) => ({ source: 'simulation', text: `${flowName(f)}: ${eopHops(f).map(describePrediction).join(', then ')}` })),
    ],
    fix: [
      { text: 'Export the connectors and certificates again (docs/collect-evidence.md) from the same day as the evidence, and diagnose both together.' },
      { text: 'If the exports are current, something between the sender and Exchange Online changes what it presents (a NAT device, a gateway): capture the connection (mailflow-doctor pcap) to see the certificate and address on the wire.' },
    ],
    references: ['https://learn.microsoft.com/exchange/monitoring/trace-an-email-message/run-a-message-trace-and-view-results'],
  };
}

/** What the estate says this session's sender presents: by send connector (send logs) or by source address (captures). */
function predictedPresenters(ctx: RuleContext, s: SmtpSessionObservation): Presenter[] {
  if (s.viewpoint === 'client' && s.connector) {
    const name = s.connector.toLowerCase();
    return ctx.presenters.filter((p) => p.connector?.Name.toLowerCase() === name);
  }
  if (s.client.ip) return ctx.presenters.filter((p) => p.ip === s.client.ip);
  return [];
}

function sessionContradiction(ctx: RuleContext, g: Observed<SmtpSessionObservation>): Finding | null {
  const s = g.sample;
  if (!s.tls || s.tls.clientCertificates === null || !serverIsExchangeOnline(s)) return null;
  // Only sessions to Exchange Online: presenters whose route leads there.
  const presenters = predictedPresenters(ctx, s).filter((p) => p.usesMx || p.smartHosts.some((h) => /\.outlook\.com$/.test(h) || /mail\.protection\.outlook\.com$/.test(h)));
  if (presenters.length === 0) return null;
  const leaf = s.tls.clientCertificates[0] ?? null;
  const observed = leaf ? (leaf.sha1 ?? null) : 'none';
  if (observed === null) return null;
  const predicted = new Set(presenters.map((p) => p.certificate?.Thumbprint ?? 'none'));
  if (predicted.has(observed)) return null;
  const describe = (p: Presenter): string => `${p.label}: ${p.certificate ? `${certificateLabel(p.certificate)} (${p.certificate.Thumbprint})` : 'no certificate'}`;
  const observedText = leaf ? `${leaf.commonName ?? leaf.subject ?? 'a certificate'} (${leaf.sha1})` : 'no certificate';
  return {
    rule: 'evidence-contradicts-model',
    severity: 'warning',
    title: 'Evidence contradicts the simulated mail flow',
    message: `${s.origin === 'capture' ? 'A capture' : 'A protocol log'} shows ${endpointText(s.client)} presenting ${observedText} to Exchange Online, but the estate predicts ${[...new Set(presenters.map(describe))].join('; ')}. The certificate configuration in use is not what the exports say, so attribution predictions for this sender are unsafe.`,
    subjects: presenters[0]!.connector
      ? [{ type: 'SendConnector', name: presenters[0]!.connector.Name, organization: presenters[0]!.organization?.Name }]
      : [{ type: 'Host', name: s.client.ip ?? '(unknown)' }],
    evidence: groupEvidence(g, `${endpointText(s.client)} → ${endpointText(s.server)} (${s.serverName ?? 'Exchange Online'}): client certificate ${observedText}`).slice(0, 2),
    fix: [
      { text: 'Compare the send connector (TlsCertificateName, Fqdn) and the certificates installed on its source servers with what was exported; export them again if they changed.', command: 'Get-SendConnector | Format-List Name,Fqdn,TlsCertificateName,SourceTransportServers; Get-ExchangeCertificate | Format-List Thumbprint,Subject,Services,NotAfter', where: 'Exchange Management Shell' },
    ],
    references: ['https://learn.microsoft.com/exchange/mail-flow/connectors/send-connectors'],
  };
}

/** Statuses about one address (directory lookups) or benign per-recipient retries: the simulator predicts routes, not these. */
const NOT_ROUTE_STATUSES = new Set(['trace-recipient-not-found', 'recipient-blocked-by-dbeb', 'trace-mixed-region-deferral']);

function predictedDelivered(f: FlowResult): boolean {
  return f.kind === 'message' && f.outcome === 'delivered' && !(f.targets ?? []).some((t) => t.outcome !== 'delivered');
}

/** The connectors a flow's hops leave by (outbound, send connector, gateway route), lower case. */
function connectorsOf(f: FlowResult): Set<string> {
  const names = new Set<string>();
  for (const h of f.hops) {
    const s = h.sender;
    if (s.type === 'exchange-online' && s.connector) names.add(s.connector.Name.toLowerCase());
    else if (s.type === 'send-connector') names.add(s.connector.Name.toLowerCase());
    else if (s.type === 'gateway-route') names.add(s.route.Name.toLowerCase());
  }
  return names;
}

/**
 * The status concerns this simulated route: the same recipient and sender domains (when the status
 * names them) and, to tie it to the route rather than to any mail between the domains, the
 * connector or the remote host when the status names one.
 */
function statusOnRoute(f: FlowResult, o: StatusObservation): boolean {
  if (o.recipient && (!o.recipient.includes('@') || domainOf(o.recipient) !== domainOf(f.to))) return false;
  // A route is its sender and recipient domains: mail from another sender domain (a relay of
  // fabrikam.com mail, where the model's flow sends contoso.com mail) is another route (M3, M4).
  const from = senderDomain(o.sender);
  if (from !== null && from !== domainOf(f.from)) return false;
  if (o.connector) return connectorsOf(f).has(o.connector.trim().toLowerCase());
  if (o.remoteHost) {
    const host = normalizeHost(o.remoteHost);
    return f.hops.some((h) => normalizeHost(h.to) === host) && o.recipient !== null;
  }
  return o.recipient !== null && from !== null;
}

/** RULES.md v2: a deferral or rejection in evidence on a route the simulator predicts as delivered — only where a prediction exists. */
function statusContradictions(ctx: RuleContext): Finding[] {
  const groups = (evidenceOf(ctx.case).statuses ?? []).filter((g) => isFailureStatus(g.sample.status) && !g.sample.rules.some((r) => NOT_ROUTE_STATUSES.has(r)));
  if (groups.length === 0) return [];
  const byFlow = new Map<FlowResult, StatusGroup[]>();
  for (const g of groups) {
    for (const f of ctx.simulation.flows) if (predictedDelivered(f) && statusOnRoute(f, g.sample)) byFlow.set(f, [...(byFlow.get(f) ?? []), g]);
  }
  return [...byFlow.entries()].map(([f, gs]) => ({
    rule: 'evidence-contradicts-model',
    severity: 'warning',
    title: 'Evidence contradicts the simulated mail flow',
    message: `${statusesShow(gs)} ${statusLines(gs).map((l) => `"${l}"`).join(', ')} on the route of ${flowName(f)}, but the simulation of the estate predicts the message delivered. The configuration in use is not what the exports say, or the cause lies outside the case (DNS, a firewall, a device in between), so conclusions from the model alone are unsafe for this route.`,
    subjects: [flowSubject(f)],
    evidence: [...statusEvidence(gs), { source: 'simulation', text: `${flowName(f)}: delivered via ${flowPath(f)}` }],
    fix: [
      { text: 'Export the connectors and certificates again (docs/collect-evidence.md) from the same day as the evidence, and diagnose both together.' },
      { text: 'Look the status up (mailflow-doctor explain with its text) for the causes it has; the ones outside the exports (DNS, firewall, the server itself) are where the estate and the model part.' },
    ],
    references: ['https://learn.microsoft.com/exchange/monitoring/trace-an-email-message/run-a-message-trace-and-view-results'],
  }));
}

export const rule: Rule = {
  id: 'evidence-contradicts-model',
  title: 'Evidence contradicts the simulated mail flow',
  severity: 'warning',
  description: 'What a trace, log or capture shows differs from what the estate predicts for the same route.',
  run(ctx: RuleContext): Finding[] {
    const ev = evidenceOf(ctx.case);
    if (ev.traces.length === 0 && ev.sessions.length === 0 && (ev.statuses ?? []).length === 0) return [];
    const findings: Finding[] = [];
    const seen = new Set<string>();
    const add = (f: Finding | null): void => {
      if (!f) return;
      const key = f.message;
      if (seen.has(key)) return;
      seen.add(key);
      findings.push(f);
    };
    // One finding per route and observed attribution, however many trace groups (statuses, addresses) it spans.
    const routes = groupBy(ev.traces, ({ sample: o }) =>
      [senderDomain(o.sender), o.recipient ? domainOf(o.recipient) : '', o.inboundConnector?.tenantId ?? o.tenantId, o.inboundConnector?.name.toLowerCase()].join('\u0000'),
    );
    for (const groups of routes.values()) add(traceContradiction(ctx, groups[0]!, groups.reduce((n, g) => n + g.count, 0)));
    for (const g of ev.sessions) add(sessionContradiction(ctx, g));
    for (const f of statusContradictions(ctx)) add(f);
    return findings;
  },
};
