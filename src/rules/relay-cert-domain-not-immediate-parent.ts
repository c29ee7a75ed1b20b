import { certificateProblem } from '../engine/certificate-usability.js';
import type { IndexedConnector } from '../engine/connector-index.js';
import type { FlowResult } from '../engine/flow-types.js';
import { RELAY_DENIED_ATTR36 } from '../engine/inbound-attribution.js';
import type { Certificate } from '../model/certificate.js';
import type { Observed, SmtpReply, SmtpSessionObservation, TraceObservation } from '../model/evidence.js';
import { formatSource } from '../model/provenance.js';
import type { Evidence, Finding, FindingSubject } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { describeSpan, endpointText, evidenceOf, groupEvidence, replyText, sendConnectorNamed, spanOf } from './support/evidence.js';
import { flowName, flowSubject } from './support/flow-subject.js';
import { statusesForRule } from './support/status-evidence.js';
import { confirmWithStatuses, hasMarker, notCountedYet, statusEvidence, type StatusGroup } from './support/status-findings.js';

/**
 * EXO-SEMANTICS M3/M4, [KB4019940]: for relay, the certificate name that matched the tenant's
 * OnPremises connector must itself be an accepted domain, or sit immediately under one; a
 * grandparent never counts. `host.sub.contoso.com` with only contoso.com accepted matches the
 * connector (mail for the tenant's own recipients flows), but relay of senders outside the
 * accepted domains — forwarded mail, applications, NDRs with `MAIL FROM:<>` — is refused with
 * `550 5.7.64 … Relay Access Denied ATTR36`. Microsoft's fix: add `sub.contoso.com` as an accepted
 * domain, or use a certificate whose name sits directly under an accepted domain.
 */

const REFERENCES = [
  'https://learn.microsoft.com/exchange/troubleshoot/hybrid-configuration-wizard-errors/relay-access-denied-attr36-ndr',
  'https://techcommunity.microsoft.com/t5/exchange-team-blog/updated-requirements-for-smtp-relay-through-exchange-online/ba-p/3851357',
];

interface Mismatch {
  entry: IndexedConnector;
  certName: string;
  /** The accepted domain above the name that does not count (a grandparent or higher). */
  above: string;
  presentedBy: Set<string>;
}

function isAttr36(r: SmtpReply | null): boolean {
  return r !== null && r.enhanced === '5.7.64' && /ATTR36/i.test(r.text);
}

export const rule: Rule = {
  id: 'relay-cert-domain-not-immediate-parent',
  title: "The relay certificate's name is not directly under an accepted domain (ATTR36)",
  severity: 'error',
  description: 'Exchange Online relays for a certificate connector only when the certificate name or its immediate parent is an accepted domain; otherwise forwarded mail, application mail and NDRs are refused with 5.7.64 ATTR36.',
  run(ctx: RuleContext): Finding[] {
    const config = fromConfiguration(this, ctx);
    const ev = evidenceOf(ctx.case);
    const counted = [...ev.sessions.filter((g) => g.sample.replies.some(isAttr36)), ...ev.traces.filter((g) => isAttr36(g.sample.response))];
    const attr36 = notCountedYet(statusesForRule(ctx.case, this.id).filter((g) => hasMarker(g.sample.status, 'ATTR36')), counted);
    // Configuration and evidence agree on one root cause: a status joins the configuration finding of the
    // certificate its send connector presents, or the only one there is ([model]: ATTR36 means a connector matched
    // a certificate whose domain is not accepted, which is what that finding describes).
    const confirmed = new Map<Finding, StatusGroup[]>();
    const rest: StatusGroup[] = [];
    for (const g of attr36) {
      const c = g.sample.connector;
      const target = (c ? config.find((f) => f.evidence.some((e) => e.text.includes(`"${c}"`))) : undefined) ?? (config.length === 1 ? config[0] : undefined);
      if (target) confirmed.set(target, [...(confirmed.get(target) ?? []), g]);
      else rest.push(g);
    }
    for (const [f, gs] of confirmed) confirmWithStatuses(f, gs);
    return [...config, ...fromEvidence(this, ctx, rest)];
  },
};

function fromConfiguration(rule: Rule, ctx: RuleContext): Finding[] {
  const index = ctx.simulation.context.index;
  const found = new Map<string, Mismatch>();
  const consider = (cert: Certificate | null, who: string): void => {
    if (!cert || certificateProblem(cert, ctx.at)) return;
    for (const h of index.matchCertificate(cert.names)) {
      const e = h.entry;
      if (!e.connector.Enabled || e.connector.ConnectorType !== 'OnPremises') continue;
      const n = h.match.certName;
      if (index.certificateDomain(e.tenant, n) !== null) continue;
      const above = index.acceptedDomainCovering(e.tenant, n);
      if (above === null) continue; // Not under any accepted domain: mc1226222-anti-pattern's case, not this one.
      const key = `${e.tenant.Name}\u0000${e.connector.Name}\u0000${n}`;
      let m = found.get(key);
      if (!m) found.set(key, (m = { entry: e, certName: n, above, presentedBy: new Set() }));
      m.presentedBy.add(who);
    }
  };
  for (const p of ctx.presenters) consider(p.certificate, p.label);
  for (const f of ctx.simulation.flows) for (const h of f.hops) if (h.eop) consider(h.eop.connection.certificate, h.from);
  return [...found.values()].map((m) => configurationFinding(rule, ctx, m));
}

function configurationFinding(rule: Rule, ctx: RuleContext, m: Mismatch): Finding {
  const { entry: e, certName, above } = m;
  const bare = certName.startsWith('*.') ? certName.slice(2) : certName;
  const parent = certName.startsWith('*.') ? bare : bare.slice(bare.indexOf('.') + 1);
  const failing = ctx.simulation.flows.filter((f) => f.hops.some((h) => h.eop?.result.response === RELAY_DENIED_ATTR36 && h.eop.result.connector === e.connector));
  const subjects: FindingSubject[] = [{ type: 'InboundConnector', name: e.connector.Name, tenant: e.tenant.Name }, ...failing.map(flowSubject)];
  const evidence: Evidence[] = [
    { source: formatSource(e.connector.provenance), text: `"${e.connector.Name}": TlsSenderCertificateName ${e.connector.TlsSenderCertificateName}` },
    { source: 'simulation', text: `certificate name ${certName} presented by ${[...m.presentedBy].join(', ')}; accepted domains of ${e.tenant.Name}: ${e.tenant.AcceptedDomains.map((d) => d.DomainName).join(', ')}` },
    ...failing.slice(0, 5).map((f) => ({ source: 'simulation', text: `${flowName(f)}: rejected ${f.response ?? RELAY_DENIED_ATTR36}` })),
  ];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message:
      `Certificate name ${certName} matches "${e.connector.Name}" of ${e.tenant.Name}, but neither it nor its immediate parent ${parent} is an accepted domain (${above} is, higher up, which does not count). ` +
      `Mail for ${e.tenant.Name}'s own domains flows, but relay of senders outside its accepted domains — forwarded mail, application domains, NDRs — is refused with ${RELAY_DENIED_ATTR36}.` +
      (failing.length > 0 ? ` Refused now: ${failing.map(flowName).join(', ')}.` : ''),
    subjects,
    evidence,
    fix: [
      { text: `Add ${parent} as a domain of ${e.tenant.Name} (Microsoft 365 admin center → Settings → Domains; it then appears in Get-AcceptedDomain), as KB4019940 advises; then run the Hybrid Configuration Wizard again.` },
      { text: `Or present a certificate whose name sits directly under ${above} (for example a name in ${above} itself) on the on-premises send connector, and set TlsSenderCertificateName of "${e.connector.Name}" to that name.` },
    ],
    references: REFERENCES,
  };
}

interface EvidenceSender {
  label: string;
  subjects: FindingSubject[];
  sessions: Observed<SmtpSessionObservation>[];
  traces: Observed<TraceObservation>[];
  statuses: StatusGroup[];
}

function fromEvidence(rule: Rule, ctx: RuleContext, statuses: StatusGroup[]): Finding[] {
  const senders = new Map<string, EvidenceSender>();
  const senderFor = (key: string, label: string, subjects: FindingSubject[]): EvidenceSender => {
    let s = senders.get(key);
    if (!s) senders.set(key, (s = { label, subjects, sessions: [], traces: [], statuses: [] }));
    return s;
  };
  const ev = evidenceOf(ctx.case);
  for (const g of ev.sessions) {
    const s = g.sample;
    if (!s.replies.some(isAttr36)) continue;
    const sc = s.viewpoint === 'client' ? sendConnectorNamed(ctx.case, s.connector) : null;
    const who = sc
      ? senderFor(`send:${sc.org.Name}:${sc.connector.Name}`, `send connector "${sc.connector.Name}" (${sc.org.Name})`, [{ type: 'SendConnector', name: sc.connector.Name, organization: sc.org.Name }])
      : senderFor(`ip:${s.client.ip ?? '?'}`, `the host at ${s.client.ip ?? '(unknown address)'}`, [{ type: 'Host', name: s.client.ip ?? '(unknown address)' }]);
    who.sessions.push(g);
  }
  for (const g of ev.traces) {
    const o = g.sample;
    if (!isAttr36(o.response)) continue;
    const sc = o.origin === 'tracking-log' ? sendConnectorNamed(ctx.case, o.connector ?? null) : null;
    const who = sc
      ? senderFor(`send:${sc.org.Name}:${sc.connector.Name}`, `send connector "${sc.connector.Name}" (${sc.org.Name})`, [{ type: 'SendConnector', name: sc.connector.Name, organization: sc.org.Name }])
      : senderFor(`ip:${o.clientIp ?? '?'}`, `the host at ${o.clientIp ?? '(unknown address)'}`, [{ type: 'Host', name: o.clientIp ?? '(unknown address)' }]);
    who.traces.push(g);
  }
  for (const g of statuses) {
    const o = g.sample;
    const sc = sendConnectorNamed(ctx.case, o.connector);
    const who = sc
      ? senderFor(`send:${sc.org.Name}:${sc.connector.Name}`, `send connector "${sc.connector.Name}" (${sc.org.Name})`, [{ type: 'SendConnector', name: sc.connector.Name, organization: sc.org.Name }])
      : senderFor(`ip:${o.clientIp ?? '?'}`, `the host at ${o.clientIp ?? '(unknown address)'}`, [{ type: 'Host', name: o.clientIp ?? '(unknown address)' }]);
    who.statuses.push(g);
  }
  return [...senders.values()].map((s) => {
    const { count, first, last } = spanOf<unknown>([...s.sessions, ...s.traces, ...s.statuses]);
    const evidence: Evidence[] = [];
    for (const g of s.sessions) {
      const reply = g.sample.replies.find(isAttr36)!;
      evidence.push(...groupEvidence(g, `${endpointText(g.sample.client)} → ${endpointText(g.sample.server)}: ${reply.command ?? 'reply'} answered "${replyText(reply)}"`).slice(0, 2));
    }
    for (const g of s.traces) evidence.push(...groupEvidence(g, `${g.sample.sender ?? '?'} → ${g.sample.recipient ?? '?'}: ${replyText(g.sample.response!)}`).slice(0, 1));
    evidence.push(...statusEvidence(s.statuses));
    return {
      rule: rule.id,
      severity: rule.severity,
      title: rule.title,
      message: `${describeSpan(count, first, last, 'refusal')} with 5.7.64 ATTR36 for mail from ${s.label}: a connector of the tenant matched, but neither the certificate name (nor its immediate parent) nor the MAIL FROM domain is an accepted domain, so Exchange Online refused to relay it (KB4019940).`,
      subjects: s.subjects,
      evidence,
      fix: [
        { text: 'Compare the certificate the sender presents (subject and SAN names) with the tenant\'s accepted domains; add the immediate parent of its name as a domain of the tenant, or use a certificate whose name sits directly under an accepted domain, then run the Hybrid Configuration Wizard again.', command: 'Get-AcceptedDomain | Format-List DomainName,DomainType' },
      ],
      references: REFERENCES,
    };
  });
}
