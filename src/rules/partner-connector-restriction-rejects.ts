import type { FlowResult, Hop } from '../engine/flow-types.js';
import type { PartnerDecision } from '../engine/partner-connector-decision.js';
import { hybridCause, partnerDecisionForHop } from '../engine/partner-connectors.js';
import { isOnMicrosoftDomain } from '../model/domains.js';
import type { Observed, StatusObservation } from '../model/evidence.js';
import { formatSource } from '../model/provenance.js';
import type { Evidence, Finding, FindingSubject, FixCandidate } from './finding.js';
import { dedupeSubjects, psIdentity, psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { describeSpan, groupBy } from './support/evidence.js';
import { presentInstalledCertificateCandidates } from './support/fix-certificates.js';
import { candidate, EMS, EXO, setInboundCertificateNameStep } from './support/fix-commands.js';
import { flowSubject } from './support/flow-subject.js';
import { statusesForRule } from './support/status-evidence.js';

/**
 * RULES.md v2 `partner-connector-restriction-rejects` (EXO-SEMANTICS M15, [TLSBLOG25], [NIC]):
 * Incoming mail refused by a tenant's Partner connector — RestrictDomainsToIPAddresses with the
 * source outside SenderIPAddresses, RestrictDomainsToCertificate with a subject other than
 * TlsSenderCertificateName, RequireTls without TLS — `550 5.7.51 TenantInboundAttribution; …`.
 * Names the connector, and the hybrid cause when the message should have been attributed
 * Originating. Evidence: 5.7.51 in traces, logs, queues and NDRs (NDR-CATALOG).
 */

const ID = 'partner-connector-restriction-rejects';
const NIC = 'https://learn.microsoft.com/powershell/module/exchangepowershell/new-inboundconnector';
const TLSBLOG25 = 'https://techcommunity.microsoft.com/blog/exchange/tls-certificates-in-exchange-hybrid---common-issues--how-to-fix-them/4420592';

interface Refusal {
  flow: FlowResult;
  hop: Hop;
  decision: PartnerDecision;
}

function refusals(ctx: RuleContext): Refusal[] {
  const out: Refusal[] = [];
  const index = ctx.simulation.context.index;
  for (const flow of ctx.simulation.flows) {
    if (flow.outcome !== 'rejected') continue;
    const hop = flow.hops[flow.hops.length - 1];
    if (!hop?.eop) continue;
    const decision = partnerDecisionForHop(hop, index);
    if (decision?.outcome === 'rejected' && decision.response === flow.response) out.push({ flow, hop, decision });
  }
  return out;
}

function statusEvidence(statuses: readonly Observed<StatusObservation>[]): Evidence[] {
  return statuses.map((g) => ({
    source: formatSource(g.sample.source),
    text: `${describeSpan(g.count, g.first, g.last, 'rejection')}: ${g.sample.status.text}${g.sample.recipient ? ` (recipient ${g.sample.recipient})` : ''}`,
  }));
}

function candidatesFor(ctx: RuleContext, r: Refusal, cause: string | null): FixCandidate[] {
  const out: FixCandidate[] = [];
  const { hop, decision } = r;
  const tenant = r.hop.eop!.result.tenant!;
  const c = decision.connector.connector;
  const conn = hop.eop!.connection;
  const sender = hop.sender;
  if (decision.reason === 'require-tls') {
    if (sender.type === 'send-connector' && String(sender.connector.extra.IgnoreSTARTTLS).toLowerCase() === 'true') {
      out.push(candidate({ text: `Let send connector "${sender.connector.Name}" (${sender.org.Name}) use STARTTLS towards Exchange Online, as Partner connector "${c.Name}" requires TLS.`, command: `Set-SendConnector -Identity ${psIdentity(sender.connector.Name)} -IgnoreSTARTTLS $false`, where: EMS }));
    }
    out.push(candidate({ text: `Only if this sender cannot use TLS: stop requiring TLS on Partner connector "${c.Name}" (${tenant.Name}); mail it receives may then travel unencrypted.`, command: `Set-InboundConnector -Identity ${psIdentity(c.Name)} -RequireTls $false`, where: EXO }));
    return out;
  }
  // Hybrid mail: the real fix is the OnPremises connector matching, so the mail is Originating again (M3).
  if (cause !== null && sender.type === 'send-connector') {
    for (const onPrem of tenant.InboundConnectors.filter((x) => x.Enabled && x.ConnectorType === 'OnPremises' && x.TlsSenderCertificateName)) {
      out.push(...presentInstalledCertificateCandidates(ctx.simulation.context, sender.org, sender.connector, ctx.at, onPrem.TlsSenderCertificateName, `Make hybrid mail match "${onPrem.Name}" again`));
      const cert = conn.certificate;
      if (cert && hop.eop!.result.certificateProblem === null && cert.commonName) {
        out.push(candidate(setInboundCertificateNameStep(onPrem.Name, cert.commonName.toLowerCase(), `Make "${onPrem.Name}" match the certificate the on-premises servers present`, tenant.Name)));
      }
    }
  }
  // [I2642]: a lock-down connector without AssociatedAcceptedDomains also covers the domains Microsoft creates.
  const custom = tenant.AcceptedDomains.map((d) => d.DomainName).filter((d) => !isOnMicrosoftDomain(d));
  if (decision.connector.associatedDomains.length === 0 && isOnMicrosoftDomain(conn.rcptToDomain) && custom.length > 0) {
    out.push(candidate({ text: `Scope Partner connector "${c.Name}" to the tenant's own domains, so mail addressed to ${conn.rcptToDomain} is not locked down (M15, I2642).`, command: `Set-InboundConnector -Identity ${psIdentity(c.Name)} -AssociatedAcceptedDomains ${custom.join(',')}`, where: EXO }));
  }
  // A known system (not an arbitrary internet sender): let the connector admit it.
  if (sender.type !== 'internet' && sender.type !== 'exchange-online' && c.RestrictDomainsToIPAddresses && conn.sourceIp && /^\d{1,3}(\.\d{1,3}){3}$/.test(conn.sourceIp)) {
    out.push(candidate({ text: `Admit ${conn.sourceIp} on Partner connector "${c.Name}" (${tenant.Name})${cause ? '; hybrid mail then arrives as Incoming (Anonymous), not as the tenant\'s own mail' : ''}.`, command: `Set-InboundConnector -Identity ${psIdentity(c.Name)} -SenderIPAddresses @{Add=${psQuote(conn.sourceIp)}}`, where: EXO }));
  }
  return out;
}

function subjectsOf(items: readonly Refusal[]): FindingSubject[] {
  const subjects: FindingSubject[] = [];
  for (const r of items) {
    const tenant = r.hop.eop!.result.tenant!.Name;
    subjects.push({ type: 'InboundConnector', name: r.decision.connector.connector.Name, tenant });
    if (r.hop.sender.type === 'send-connector') subjects.push({ type: 'SendConnector', name: r.hop.sender.connector.Name, organization: r.hop.sender.org.Name });
    subjects.push(flowSubject(r.flow));
  }
  return dedupeSubjects(subjects);
}

function simulationFindings(ctx: RuleContext, rule: Rule): Finding[] {
  const findings: Finding[] = [];
  const index = ctx.simulation.context.index;
  const groups = groupBy(refusals(ctx), (r) => `${r.hop.eop!.result.tenant!.Name}|${r.decision.connector.connector.Name}|${r.decision.reason}|${r.hop.sender.type === 'send-connector' ? r.hop.sender.connector.Name : r.hop.sender.type}`);
  for (const items of groups.values()) {
    const first = items[0]!;
    const tenant = first.hop.eop!.result.tenant!;
    const cause = hybridCause(first.hop, tenant, index);
    const c = first.decision.connector.connector;
    const candidates = candidatesFor(ctx, first, cause);
    const flows = items.map((r) => `${r.flow.from} → ${r.flow.to}`);
    findings.push({
      rule: ID,
      severity: rule.severity,
      title: rule.title,
      message:
        `${first.decision.why}${cause ? ` ${cause}` : ''} Exchange Online answers ${first.decision.response} at RCPT TO, so the sender gets a non-delivery report ` +
        `(${flows.length === 1 ? `flow ${flows[0]}` : `${flows.length} flows: ${flows.slice(0, 5).join('; ')}${flows.length > 5 ? '; …' : ''}`}).`,
      subjects: subjectsOf(items),
      evidence: [
        {
          source: formatSource(c.provenance),
          text: `"${c.Name}" (Partner, ${tenant.Name}): SenderDomains ${c.SenderDomains.join(', ') || '(none)'}, SenderIPAddresses ${c.SenderIPAddresses.join(', ') || '(none)'}, TlsSenderCertificateName ${c.TlsSenderCertificateName ?? '(none)'}, RestrictDomainsToIPAddresses ${c.RestrictDomainsToIPAddresses}, RestrictDomainsToCertificate ${c.RestrictDomainsToCertificate}, RequireTls ${c.RequireTls}, AssociatedAcceptedDomains ${first.decision.connector.associatedDomains.join(', ') || '(none)'}`,
        },
      ],
      fix: candidates[0]?.steps ?? [],
      candidates,
      references: [NIC, TLSBLOG25],
    });
  }
  return findings;
}

/** 5.7.51 seen in evidence with no refusal the simulation explains: the connectors that can cause it. */
function evidenceFinding(ctx: RuleContext, rule: Rule, statuses: readonly Observed<StatusObservation>[]): Finding {
  const restricting = ctx.case.tenants.flatMap((t) =>
    t.InboundConnectors.filter((c) => c.Enabled && c.ConnectorType === 'Partner' && (c.RestrictDomainsToIPAddresses || c.RestrictDomainsToCertificate || c.RequireTls)).map((c) => ({ t, c })),
  );
  const total = statuses.reduce((n, g) => n + g.count, 0);
  const named = restricting.length > 0 ? ` Partner connectors in the case that can refuse it: ${restricting.map(({ t, c }) => `"${c.Name}" (${t.Name})`).join(', ')}.` : ' The case holds no Partner connector that restricts or requires TLS; export Get-InboundConnector of the receiving tenant to see it.';
  return {
    rule: ID,
    severity: rule.severity,
    title: rule.title,
    message:
      `The evidence shows ${total} rejection${total === 1 ? '' : 's'} with 5.7.51 TenantInboundAttribution: a Partner connector of the receiving tenant (RestrictDomainsToIPAddresses or RestrictDomainsToCertificate, or RequireTls) refused mail it covers — typically hybrid mail that was not attributed Originating because the OnPremises connector did not match (M15).${named}`,
    subjects: restricting.length > 0 ? restricting.map(({ t, c }) => ({ type: 'InboundConnector', name: c.Name, tenant: t.Name })) : [{ type: 'Status', name: '5.7.51 TenantInboundAttribution' }],
    evidence: statusEvidence(statuses),
    fix: [
      {
        text: 'In Exchange Online PowerShell of the receiving tenant, list the Partner connectors: Get-InboundConnector | Where-Object ConnectorType -eq Partner | Format-List Name,SenderDomains,SenderIPAddresses,TlsSenderCertificateName,RestrictDomainsToIPAddresses,RestrictDomainsToCertificate,RequireTls,AssociatedAcceptedDomains. Then make the OnPremises connector match hybrid mail (certificate or IP), or scope the lock-down connector with -AssociatedAcceptedDomains.',
        where: EXO,
      },
    ],
    references: [NIC, TLSBLOG25],
  };
}

export const rule: Rule = {
  id: ID,
  title: 'A Partner connector rejects Incoming mail (5.7.51)',
  severity: 'error',
  description:
    'A Partner connector restricted to IP addresses or a certificate (or requiring TLS) refuses mail that was not attributed Originating — typically hybrid mail whose OnPremises connector did not match — with 550 5.7.51 TenantInboundAttribution.',
  run(ctx: RuleContext): Finding[] {
    const findings = simulationFindings(ctx, this);
    const statuses = statusesForRule(ctx.case, ID);
    if (statuses.length === 0) return findings;
    if (findings.length === 0) return [evidenceFinding(ctx, this, statuses)];
    const evidence = statusEvidence(statuses);
    for (const f of findings) f.evidence.push(...evidence);
    return findings;
  },
};
