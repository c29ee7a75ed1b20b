import type { FlowResult, Hop } from '../engine/flow-types.js';
import type { SimulationContext } from '../engine/simulation-context.js';
import type { Organization } from '../model/case.js';
import { domainOf, isExchangeOnlineHost, normalizeHost } from '../model/domains.js';
import type { Observed, SmtpReply, SmtpSessionObservation, TraceObservation } from '../model/evidence.js';
import type { Evidence, Finding, FindingSubject, FixStep } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { describeSpan, endpointText, evidenceOf, groupEvidence, replyText, spanOf } from './support/evidence.js';
import { flowName, flowPath, flowSubject } from './support/flow-subject.js';
import { statusesForRule } from './support/status-evidence.js';
import { attachToFindings, notCountedYet, statusEvidence, type StatusGroup } from './support/status-findings.js';

/**
 * EXO-SEMANTICS M5.2 [LOOPNDR][EDGELOOP]: a route that sends a message back to a system it
 * already passed is followed until Exchange breaks it after 20 iterations with an NDR —
 * `554 5.4.14 Hop count exceeded - possible mail loop ATTR34` from Exchange Online, `554 5.4.6 …`
 * from Exchange Server. Known causes: the hybrid outbound connector routes by MX while the MX
 * points to Exchange Online; centralized mail transport without a usable OnPremises outbound
 * connector; a shared (InternalRelay) domain on both sides for a recipient that exists on neither;
 * on Edge, a subdomain that is not an accepted domain.
 */

const REFERENCES = [
  'https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-4-6-through-5-4-20-in-exchange-online',
  'https://learn.microsoft.com/exchange/troubleshoot/mailflow/hop-count-exceeded-possible-mail-loop',
];

/** The system a hop leaves: a tenant, an organization or a gateway. */
function systemOf(h: Hop): string {
  switch (h.sender.type) {
    case 'exchange-online':
      return `Exchange Online (${h.sender.tenant.Name})`;
    case 'send-connector':
      return `${h.sender.org.Name} (on-premises)`;
    case 'gateway-route':
      return `gateway ${h.sender.gateway.Name}`;
    default:
      return 'the internet';
  }
}

/** The hops of the last repetition: from the previous hop that left the same system as the last one. */
function lastCycle(hops: readonly Hop[]): Hop[] {
  const last = hops[hops.length - 1];
  if (!last) return [];
  const sys = systemOf(last);
  for (let i = hops.length - 2; i >= 0; i--) if (systemOf(hops[i]!) === sys) return hops.slice(i + 1);
  return [last];
}

/** What made one hop of the loop leave its system, in words, with its fix where the case gives the values. */
function settingOf(sim: SimulationContext, h: Hop, rcptDomain: string, fix: FixStep[]): string {
  const s = h.sender;
  if (s.type === 'exchange-online') {
    const ad = s.tenant.AcceptedDomains.find((d) => d.DomainName === rcptDomain);
    const adText = ad ? ` (${rcptDomain} is ${ad.DomainType} in ${s.tenant.Name})` : '';
    if (!s.connector) return `${s.tenant.Name} delivers ${rcptDomain} by its MX ${h.to}${adText}`;
    const c = s.connector;
    const byMx = c.UseMXRecord || c.SmartHosts.length === 0;
    if (byMx && isExchangeOnlineHost(h.to)) {
      const target = onPremisesHost(sim, rcptDomain);
      fix.push({
        text: `In Exchange Online PowerShell, make "${c.Name}" deliver to the on-premises server instead of the MX (which points back to Exchange Online)${target ? '' : ', with the public name of the on-premises server as smart host'}; or run the Hybrid Configuration Wizard again.`,
        ...(target ? { command: `Set-OutboundConnector -Identity ${psIdentity(c.Name)} -UseMXRecord $false -SmartHosts ${target}` } : {}),
      });
      return `outbound connector "${c.Name}" of ${s.tenant.Name} routes ${rcptDomain} by MX, and the MX ${h.to} is Exchange Online itself${adText}`;
    }
    return `outbound connector "${c.Name}" of ${s.tenant.Name} sends ${rcptDomain} to ${byMx ? `its MX ${h.to}` : c.SmartHosts.join(', ')}${c.RouteAllMessagesViaOnPremises ? ' (centralized mail transport)' : ''}${adText}`;
  }
  if (s.type === 'send-connector') {
    const ad = s.org.AcceptedDomains.find((d) => d.DomainName === rcptDomain);
    if (ad?.DomainType === 'InternalRelay') {
      fix.push({
        text: `If the recipient should exist, create it on the side where its mailbox lives; if ${rcptDomain} has its mailboxes in ${s.org.Name}, make it Authoritative there (Exchange Management Shell) so unknown recipients are refused instead of relayed.`,
        command: `Set-AcceptedDomain -Identity ${psIdentity(ad.DomainName)} -DomainType Authoritative`,
      });
    }
    return `send connector "${s.connector.Name}" of ${s.org.Name} (address space ${s.connector.AddressSpaces.map((a) => a.Domain).join(', ')}) sends it to ${h.to}${ad ? ` (${rcptDomain} is ${ad.DomainType} in ${s.org.Name})` : ''}`;
  }
  if (s.type === 'gateway-route') return `route "${s.route.Name}" of gateway ${s.gateway.Name} sends it to ${h.to}`;
  return `the sender delivers to ${h.to}`;
}

/** A public host name of the organization that holds the domain: a DNS A name of one of its servers' addresses, else its first server's FQDN. */
function onPremisesHost(sim: SimulationContext, domain: string): string | null {
  const org: Organization | undefined = sim.organizationsByDomain.get(domain)?.[0];
  if (!org) return null;
  const ips = new Set(org.Servers.flatMap((s) => s.IPAddresses));
  for (const [name, addrs] of Object.entries(sim.dns.A)) if (addrs.some((a) => ips.has(a))) return normalizeHost(name);
  const s = org.Servers.find((x) => x.Role !== 'Edge') ?? org.Servers[0];
  return s ? (s.Fqdn ?? s.Name).toLowerCase() : null;
}

function loopFinding(rule: Rule, sim: SimulationContext, f: FlowResult): Finding {
  const cycle = lastCycle(f.hops);
  const systems = [...new Set(cycle.map(systemOf))];
  const rcptDomain = cycle[cycle.length - 1]?.eop?.connection.rcptToDomain ?? domainOf(f.to);
  const fix: FixStep[] = [];
  const settings = [...new Set(cycle.map((h) => settingOf(sim, h, h.eop?.connection.rcptToDomain ?? rcptDomain, fix)))];
  const between = systems.length === 1 ? `${systems[0]} and itself` : systems.join(' and ');
  if (fix.length === 0) fix.push({ text: 'Check the outbound connectors and accepted-domain types on both sides (Get-OutboundConnector | Format-List Name,RecipientDomains,UseMXRecord,SmartHosts,RouteAllMessagesViaOnPremises; Get-AcceptedDomain | Format-List DomainName,DomainType) so that one side delivers the recipient or refuses it.' });
  const evidence: Evidence[] = [{ source: 'simulation', text: `path: ${flowPath(f)}` }];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `${flowName(f)} loops between ${between} until the hop limit and is returned with ${f.response ?? 'a non-delivery report'}: ${settings.join('; ')}.`,
    subjects: [flowSubject(f)],
    evidence,
    fix: dedupeFix(fix),
    references: REFERENCES,
  };
}

function dedupeFix(fix: FixStep[]): FixStep[] {
  const seen = new Set<string>();
  return fix.filter((x) => {
    const k = `${x.text}\u0000${x.command ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `554 5.4.14 … ATTR34` (Exchange Online) or `554 5.4.6 Hop count exceeded` (Exchange Server). */
export function isLoopReply(r: SmtpReply | null): boolean {
  if (!r) return false;
  return r.enhanced === '5.4.14' || r.enhanced === '5.4.6' || /hop count exceeded/i.test(r.text) || /\bATTR34\b/.test(r.text);
}

function evidenceFinding(rule: Rule, sessions: Observed<SmtpSessionObservation>[], traces: Observed<TraceObservation>[], statuses: StatusGroup[]): Finding {
  const { count, first, last } = spanOf<unknown>([...sessions, ...traces, ...statuses]);
  const evidence: Evidence[] = [];
  for (const g of sessions.slice(0, 5)) {
    const reply = g.sample.replies.find(isLoopReply)!;
    evidence.push(...groupEvidence(g, `${endpointText(g.sample.client)} → ${endpointText(g.sample.server)}: "${replyText(reply)}"`).slice(0, 1));
  }
  for (const g of traces.slice(0, 5)) evidence.push(...groupEvidence(g, `${g.sample.sender ?? '?'} → ${g.sample.recipient ?? '?'}: ${g.sample.status ?? ''} ${replyText(g.sample.response!)}`.trim()).slice(0, 1));
  evidence.push(...statusEvidence(statuses));
  const recipients = [...new Set([...traces, ...statuses].map((g) => g.sample.recipient).filter((r): r is string => !!r))];
  const subjects: FindingSubject[] = recipients.length > 0 ? recipients.slice(0, 10).map((r) => ({ type: 'Recipient', name: r })) : [{ type: 'Evidence', name: 'hop count exceeded' }];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `${describeSpan(count, first, last, 'message')} returned with "Hop count exceeded - possible mail loop" (5.4.14 ATTR34 from Exchange Online, 5.4.6 from Exchange Server): the route sends them back and forth${recipients.length > 0 ? ` (recipients: ${recipients.slice(0, 5).join(', ')})` : ''}. Typical causes: the hybrid outbound connector routes by MX while the MX points to Exchange Online; centralized mail transport without an OnPremises outbound connector; a domain InternalRelay on both sides for a recipient that exists on neither; on Edge, a subdomain that is not an accepted domain.`,
    subjects,
    evidence,
    fix: [
      { text: 'In Exchange Online PowerShell, check where the hybrid outbound connector delivers: it must name the on-premises server as smart host, not use the MX.', command: 'Get-OutboundConnector | Format-List Name,ConnectorType,RecipientDomains,UseMXRecord,SmartHosts,RouteAllMessagesViaOnPremises' },
      { text: 'On both sides, check the accepted-domain types: a domain InternalRelay in both places relays unknown recipients back and forth.', command: 'Get-AcceptedDomain | Format-List DomainName,DomainType' },
    ],
    references: REFERENCES,
  };
}

export const rule: Rule = {
  id: 'routing-loop',
  title: 'Mail loops between two systems until the hop limit',
  severity: 'error',
  description: 'A route sends the message back to a system it already passed; Exchange gives up after 20 hops and returns it with 554 5.4.14 (ATTR34) or 554 5.4.6.',
  run(ctx: RuleContext): Finding[] {
    const sim = ctx.simulation.context;
    const findings = ctx.simulation.flows.filter((f) => f.outcome === 'looped').map((f) => loopFinding(this, sim, f));
    const ev = evidenceOf(ctx.case);
    const sessions = ev.sessions.filter((g) => g.sample.replies.some(isLoopReply));
    const traces = ev.traces.filter((g) => isLoopReply(g.sample.response));
    // Recognised statuses (NDR-CATALOG 5.4.14 ATTR34 / 5.4.6) not already read as a trace or session reply: those of a
    // simulated loop's route confirm its finding (one root cause); the rest join the evidence finding.
    const statuses = attachToFindings(ctx, findings, notCountedYet(statusesForRule(ctx.case, this.id), [...sessions, ...traces]));
    if (sessions.length + traces.length + statuses.length > 0) findings.push(evidenceFinding(this, sessions, traces, statuses));
    return findings;
  },
};
