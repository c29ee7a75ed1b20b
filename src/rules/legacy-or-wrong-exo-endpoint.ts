import { NOT_AUTHENTICATED_RESPONSE, WRONG_REGION_RESPONSE } from '../engine/exo-endpoints.js';
import type { FlowResult } from '../engine/flow-types.js';
import { eopCertificateName, instanceLabel, tenantInstance } from '../model/exchange-online-instance.js';
import { domainValidationFailure } from '../engine/onprem-to-exo.js';
import type { SmtpReply } from '../model/evidence.js';
import { formatSource } from '../model/provenance.js';
import { dedupeSubjects, psQuote, type Evidence, type Finding, type FindingSubject, type FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { evidenceOf, replyText, sendConnectorNamed } from './support/evidence.js';
import { endpointUses, hopUses, tenantMxTarget, type EndpointProblem, type EndpointUse } from './support/exo-endpoint-uses.js';
import { EDGE, EMS, edgeSyncNote, manualStep } from './support/fix-commands.js';
import { flowName, flowSubject } from './support/flow-subject.js';
import { statusesForRule } from './support/status-evidence.js';
import { confirmWithStatuses, enhancedCodeOf, hasMarker, statusEvidence, type StatusGroup } from './support/status-findings.js';

/**
 * EXO-SEMANTICS M13, NDR-CATALOG 4.4.62 / 5.7.57: a smart host or MX that is not the tenant's
 * EOP MX endpoint — a retired FOPE/Frontbridge host or an EOP address (451 4.4.62 ATTR35,
 * deferred), a client-submission host used without authentication (5.7.57, rejected), or a host
 * of another Exchange Online instance than the tenant's (ATTR35 [model]).
 */
export const rule: Rule = {
  id: 'legacy-or-wrong-exo-endpoint',
  title: 'Mail is sent to a legacy, submission-only or wrong-instance Exchange Online host',
  severity: 'error',
  description: 'Exchange Online answers such hosts with 451 4.4.62 ATTR35 (the message queues until it expires) or 5.7.57 (rejected).',
  run(ctx: RuleContext): Finding[] {
    const sim = ctx.simulation.context;
    const byUse = new Map<string, Finding>();
    const problems = new Map<Finding, EndpointProblem>();
    for (const use of endpointUses(ctx.case, sim)) {
      const key = `${subjectKey(use)}|${use.problem}`;
      const flows = ctx.simulation.flows.filter((f) => failsAt(f, use));
      const existing = byUse.get(key);
      if (existing) {
        existing.evidence.push({ source: use.source, text: `${use.host}` });
        existing.subjects = dedupeSubjects([...existing.subjects, ...flows.map(flowSubject)]);
        continue;
      }
      const finding: Finding = {
        rule: this.id,
        // A gateway's authentication is not in the case (unknown is not false).
        severity: use.problem === 'submission' && use.user.kind === 'gateway-route' ? 'warning' : this.severity,
        title: this.title,
        message: message(use, flows),
        subjects: dedupeSubjects([subjectOf(use), ...flows.map(flowSubject)]),
        evidence: [{ source: use.source, text: `${userLabel(use)} uses ${use.host}` }, ...flows.slice(0, 5).map((f) => ({ source: 'simulation', text: `${flowName(f)}: ${f.outcome} ${f.response ?? ''}`.trim() }))],
        fix: fixFor(use, sim),
        references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/fix-error-code-451-4-4-62', 'https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365'],
      };
      byUse.set(key, finding);
      problems.set(finding, use.problem);
    }
    const findings = [...byUse.values()];
    addEvidence(this, ctx, findings, problems);
    return findings;
  },
};

function subjectKey(use: EndpointUse): string {
  return JSON.stringify(subjectOf(use));
}

function subjectOf(use: EndpointUse): FindingSubject {
  const u = use.user;
  if (u.kind === 'send-connector') return { type: 'SendConnector', name: u.connector.Name, organization: u.org.Name };
  if (u.kind === 'gateway-route') return { type: 'GatewayRoute', name: u.route.Name, gateway: u.gateway.Name };
  return { type: 'Host', name: `MX ${u.domain}` };
}

function userLabel(use: EndpointUse): string {
  const u = use.user;
  if (u.kind === 'send-connector') return `Send connector "${u.connector.Name}" (${u.org.Name})`;
  if (u.kind === 'gateway-route') return `Route "${u.route.Name}" of ${u.gateway.Name}`;
  return `The MX record of ${u.domain}`;
}

function failsAt(f: FlowResult, use: EndpointUse): boolean {
  if (f.outcome !== 'deferred' && f.outcome !== 'rejected') return false;
  const last = f.hops[f.hops.length - 1];
  return last !== undefined && hopUses(last, use) && (f.response === WRONG_REGION_RESPONSE || f.response === NOT_AUTHENTICATED_RESPONSE);
}

const WHY: Record<EndpointProblem, (use: EndpointUse) => string> = {
  legacy: (use) => `${use.host} belongs to the retired Forefront Online Protection (FOPE/Frontbridge) service. Exchange Online answers ${WRONG_REGION_RESPONSE} and the sender queues the message until it expires`,
  'eop-address': (use) => `${use.host} is an Exchange Online address. Used as a host instead of the tenant's MX name, it is answered ${WRONG_REGION_RESPONSE} and the sender queues the message until it expires`,
  submission: (use) => `${use.host} is Exchange Online's client submission endpoint, which needs SMTP AUTH. A relay that does not authenticate is refused at MAIL FROM with 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM`,
  'wrong-instance': (use) =>
    `${use.host} belongs to another Exchange Online instance than ${use.tenants.map((t) => `${t.Name} (${instanceLabel(tenantInstance(t))})`).join(', ')}. Instances are separate services: connectors and accepted domains exist only in the tenant's own, so the message is answered like a wrong region, 451 4.4.62 ATTR35`,
};

function message(use: EndpointUse, flows: FlowResult[]): string {
  const affected = flows.length > 0 ? ` Affected: ${flows.map(flowName).join(', ')}.` : '';
  return `${userLabel(use)} uses ${use.host}. ${WHY[use.problem](use)} (EXO-SEMANTICS M13).${affected}`;
}

function fixFor(use: EndpointUse, sim: RuleContext['simulation']['context']): FixStep[] {
  const tenant = use.tenants[0] ?? null;
  const target = tenant ? tenantMxTarget(tenant, sim) : null;
  const u = use.user;
  const steps: FixStep[] = [];
  if (u.kind === 'send-connector') {
    if (target) {
      const edge = edgeSyncNote(u.org, u.connector);
      // M9: a connector validating the certificate must also expect the name this instance presents.
      const instance = tenantInstance(tenant!);
      const tlsDomain = domainValidationFailure(u.connector, instance) ? ` -TlsDomain ${eopCertificateName(instance)}` : '';
      steps.push({
        text: `Send to the tenant's MX endpoint ${target} instead of ${use.host}${tlsDomain ? `, validating the certificate ${eopCertificateName(instance)} it presents` : ''}.${edge}`,
        command: `Set-SendConnector ${psQuote(u.connector.Name)} -SmartHosts ${target}${tlsDomain}`,
        where: edge ? EDGE : EMS,
      });
    } else {
      steps.push({ text: `Replace ${use.host} on "${u.connector.Name}" with your tenant's MX host (the MX value Exchange Online shows for your domain, <domain-key>.mail.protection.outlook.com).` });
    }
  } else if (u.kind === 'gateway-route') {
    steps.push(manualStep('gateway administration', `On ${u.gateway.Name}, route "${u.route.Name}" must deliver to ${target ?? "the tenant's MX host (<domain-key>.mail.protection.outlook.com)"} instead of ${use.host}.`));
  } else {
    steps.push(manualStep('DNS', `Publish ${target ?? "the MX value Exchange Online shows for the domain"} as the MX record of ${u.domain} instead of ${use.host}.`));
  }
  if (use.problem === 'submission' || use.problem === 'eop-address' || use.problem === 'legacy') {
    steps.push({ text: `A relay through the MX endpoint needs ${tenant ? `an OnPremises inbound connector of ${tenant.Name}` : "an OnPremises inbound connector of the tenant"} that matches the sender's certificate or IP address (M3); a device that cannot use one may send with SMTP AUTH to smtp.office365.com instead.` });
  }
  return steps;
}

/** Evidence: ATTR35 or 5.7.57 in a queue, log, trace or capture (RULES.md NDR table). */
function addEvidence(rule: Rule, ctx: RuleContext, findings: Finding[], problems: ReadonlyMap<Finding, EndpointProblem>): void {
  const seen: { problem: 'attr35' | '5.7.57'; ev: Evidence; connector: string | null; group?: StatusGroup }[] = [];
  const consider = (r: SmtpReply | null, source: string, connector: string | null): void => {
    if (!r) return;
    const text = replyText(r);
    if (/\b4\.4\.62\b/.test(text) && /ATTR35/i.test(text)) seen.push({ problem: 'attr35', ev: { source, text }, connector });
    else if (r.enhanced === '5.7.57' || /\b5\.7\.57\b/.test(text)) seen.push({ problem: '5.7.57', ev: { source, text }, connector });
  };
  const e = evidenceOf(ctx.case);
  // Only groups with a reply can show one: the source is formatted for those alone (a trace has a group per route).
  for (const t of e.traces) if (t.sample.response) consider(t.sample.response, formatSource(t.sources[0] ?? t.sample.source), t.sample.connector ?? null);
  for (const s of e.sessions) for (const r of s.sample.replies) consider(r, formatSource(s.sources[0] ?? s.sample.source), s.sample.connector);
  // Recognised statuses (NDR-CATALOG 4.4.62 ATTR35, 5.7.57) from any evidence kind, once per source line.
  const lines = new Set(seen.map((x) => x.ev.source));
  for (const g of statusesForRule(ctx.case, rule.id)) {
    const [ev] = statusEvidence([g]);
    if (!ev || lines.has(ev.source)) continue;
    const code = enhancedCodeOf(g.sample.status);
    const problem = code === '5.7.57' ? '5.7.57' : code === '4.4.62' || hasMarker(g.sample.status, 'ATTR35') ? 'attr35' : null;
    if (problem) seen.push({ problem, ev, connector: g.sample.connector, group: g });
  }
  const confirmed = new Map<Finding, StatusGroup[]>();
  const fromEvidence = new Map<string, Finding>();
  for (const item of seen) {
    const kinds: EndpointProblem[] = item.problem === 'attr35' ? ['legacy', 'eop-address', 'wrong-instance'] : ['submission'];
    const named = sendConnectorNamed(ctx.case, item.connector);
    const match = findings.find((f) => kinds.includes(problems.get(f)!) && (!named || f.subjects.some((s) => s.type === 'SendConnector' && s.name === named.connector.Name)));
    if (match) {
      // The configuration finding and the evidence tell one root cause: statuses confirm it (message and evidence).
      if (item.group) confirmed.set(match, [...(confirmed.get(match) ?? []), item.group]);
      else if (match.evidence.length < 10) match.evidence.push(item.ev);
      continue;
    }
    const subject: FindingSubject = named ? { type: 'SendConnector', name: named.connector.Name, organization: named.org.Name } : { type: 'Host', name: item.group?.sample.remoteHost ?? item.ev.source };
    const evidenceKey = `${item.problem}|${JSON.stringify(subject)}`;
    const existing = fromEvidence.get(evidenceKey);
    if (existing) {
      if (existing.evidence.length < 10) existing.evidence.push(item.ev);
      continue;
    }
    const finding: Finding = {
      rule: rule.id,
      severity: rule.severity,
      title: rule.title,
      message:
        item.problem === 'attr35'
          ? `Evidence shows 451 4.4.62 ATTR35 (mail sent to the wrong Office 365 region)${named ? ` on send connector "${named.connector.Name}"` : ''}: the sender uses a legacy host (mail.messaging.microsoft.com, mail.global.frontbridge.com), an Exchange Online IP address or another instance's host instead of the tenant's MX endpoint (M13).`
          : `Evidence shows 5.7.57 (client not authenticated)${named ? ` on send connector "${named.connector.Name}"` : ''}: a relay sends to Exchange Online's submission endpoint (smtp.office365.com) without SMTP AUTH (M13).`,
      subjects: [subject],
      evidence: [item.ev],
      fix: [{ text: "Point the sender at the tenant's MX endpoint (<domain-key>.mail.protection.outlook.com) and relay through an OnPremises inbound connector, or authenticate to smtp.office365.com (NDR-CATALOG 4.4.62 / 5.7.57)." }],
      references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/fix-error-code-451-4-4-62'],
    };
    fromEvidence.set(evidenceKey, finding);
    findings.push(finding);
  }
  for (const [f, groups] of confirmed) confirmWithStatuses(f, groups);
}
