import type { FlowResult, Hop } from '../engine/flow-types.js';
import { certificateLabel } from '../model/certificate.js';
import { domainOf } from '../model/domains.js';
import type { Observed, SmtpSessionObservation, TraceObservation } from '../model/evidence.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { endpointText, evidenceOf, groupBy, groupEvidence, senderDomain, serverIsExchangeOnline, tenantOfTraceRow } from './support/evidence.js';
import { flowName } from './support/flow-subject.js';
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

export const rule: Rule = {
  id: 'evidence-contradicts-model',
  title: 'Evidence contradicts the simulated mail flow',
  severity: 'warning',
  description: 'What a trace, log or capture shows differs from what the estate predicts for the same route.',
  run(ctx: RuleContext): Finding[] {
    const ev = evidenceOf(ctx.case);
    if (ev.traces.length === 0 && ev.sessions.length === 0) return [];
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
    return findings;
  },
};
