import { certificatesNamed, certificateTimeStatus, normalizeDistinguishedName, parseTlsCertificateName, type Certificate } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import { isUnusableStatus, serverByName, serverFqdn, TLS_CERTIFICATE_NOT_FOUND } from '../engine/send-routing.js';
import { certificatesOfServer } from '../engine/simulate-flow.js';
import type { FlowResult } from '../engine/flow-types.js';
import type { Finding, FindingSubject, FixStep } from './finding.js';
import { dedupeSubjects, psIdentity, psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import type { ExchangeServer } from '../model/case.js';
import { flowSubject } from './support/flow-subject.js';

/**
 * S4.4, EXO-SEMANTICS M2 (v2): after a certificate renewal the connectors still name the old
 * certificate. The named certificate is missing on a server, or its `Status` there is Invalid or
 * RevocationCheckFailure: a send connector fails with 454 4.7.5 and the message stays queued
 * (KB3156771); a receive connector stops offering STARTTLS and Exchange Online gets 451 5.7.3
 * (KB2989382, event 12014). An installed but expired certificate is still presented (M2 [model]):
 * that is `certificate-expired`, not this rule.
 */

interface Problem {
  problem: string;
  /** Servers where the named certificate cannot be used. */
  servers: ExchangeServer[];
  replacement: Certificate | null;
}

function check(ctx: RuleContext, servers: ExchangeServer[], value: string, at: Date): Problem | null {
  const parsed = parseTlsCertificateName(value);
  if (!parsed) return { problem: `TlsCertificateName "${value}" is not in <I>issuer<S>subject form`, servers, replacement: null };
  const subject = normalizeDistinguishedName(parsed.subject);
  const sim = ctx.simulation.context;
  const problems: string[] = [];
  const failing: ExchangeServer[] = [];
  let replacement: Certificate | null = null;
  for (const server of servers) {
    const certs = certificatesOfServer(sim, server.Certificates, serverFqdn(server));
    const named = certificatesNamed(value, certs) ?? [];
    // The one Exchange picks among several: the latest expiry [TLSBLOG25] (as send-routing does).
    const chosen = [...named].sort((a, b) => (Date.parse(b.NotAfter ?? '') || 0) - (Date.parse(a.NotAfter ?? '') || 0))[0];
    let problem: string | null = null;
    if (!chosen) problem = `no certificate on ${server.Name} has issuer ${parsed.issuer} and subject ${parsed.subject}`;
    else if (isUnusableStatus(chosen.Status)) problem = `the certificate it names on ${server.Name} (${chosen.Thumbprint}) has Status ${chosen.Status}`;
    if (!problem) continue;
    problems.push(problem);
    failing.push(server);
    replacement ??= certs.find((c) => !named.includes(c) && normalizeDistinguishedName(c.Subject) === subject && certificateTimeStatus(c, at) === 'valid' && !isUnusableStatus(c.Status)) ?? null;
  }
  return problems.length === 0 ? null : { problem: problems.join('; '), servers: failing, replacement };
}

/**
 * Flows the send connector leaves queued: the simulator defers them with 454 4.7.5 and its
 * conclusion names the TlsCertificateName value and the server (send-routing explanation).
 */
function sendFlows(flows: readonly FlowResult[], value: string, servers: readonly ExchangeServer[]): FlowResult[] {
  return flows.filter(
    (f) => f.outcome === 'deferred' && f.response === TLS_CERTIFICATE_NOT_FOUND && f.conclusion.includes(`TlsCertificateName ${value} `) && servers.some((s) => f.conclusion.includes(` on ${s.Name}`)),
  );
}

/** Flows that land on the receive connector and do not get through. */
function receiveFlows(flows: readonly FlowResult[], connectorName: string): FlowResult[] {
  return flows.filter((f) => f.outcome !== 'delivered' && f.hops.some((h) => h.tls?.landedOn === connectorName));
}

export const rule: Rule = {
  id: 'connector-stale-certificate-reference',
  title: "A connector's TlsCertificateName names a certificate that is missing or unusable",
  severity: 'error',
  description: 'Send connectors fail with 454 4.7.5 and keep the mail queued; receive connectors stop offering STARTTLS (451 5.7.3 for Exchange Online).',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const flows = ctx.simulation.flows;
    for (const org of ctx.case.organizations) {
      for (const sc of org.SendConnectors) {
        if (!sc.TlsCertificateName) continue;
        const servers = sc.SourceTransportServers.map((n) => serverByName(org, n)).filter((s): s is ExchangeServer => !!s);
        const r = check(ctx, servers, sc.TlsCertificateName, ctx.at);
        if (!r) continue;
        const affected = sendFlows(flows, sc.TlsCertificateName, r.servers);
        findings.push(
          make(this, 'Send', sc.Name, org.Name, sc.TlsCertificateName, r, formatSource(sc.provenance), `Outbound TLS on "${sc.Name}" fails: ${TLS_CERTIFICATE_NOT_FOUND} The message stays queued until it expires (KB3156771).`, affected),
        );
      }
      for (const rc of org.ReceiveConnectors) {
        if (!rc.TlsCertificateName) continue;
        const server = rc.Server ? serverByName(org, rc.Server) : undefined;
        const servers = server ? [server] : org.Servers;
        const r = check(ctx, servers, rc.TlsCertificateName, ctx.at);
        if (!r) continue;
        findings.push(
          make(
            this,
            'Receive',
            rc.Name,
            org.Name,
            rc.TlsCertificateName,
            r,
            formatSource(rc.provenance),
            `"${rc.Name}" stops offering STARTTLS (event 12014); Exchange Online's hybrid connector then fails with 451 5.7.3 STARTTLS is required to send mail (KB2989382).`,
            receiveFlows(flows, rc.Name),
          ),
        );
      }
    }
    return findings;
  },
};

function make(rule: Rule, kind: 'Send' | 'Receive', name: string, org: string, value: string, r: Problem, source: string, effect: string, affected: FlowResult[]): Finding {
  const where = r.servers.map((s) => s.Name).join(', ');
  const fix: FixStep[] = r.replacement
    ? [{ text: `Point the connector at the current certificate ${r.replacement.Subject} (${r.replacement.Thumbprint}).`, command: `Set-${kind}Connector -Identity ${psIdentity(name)} -TlsCertificateName ${psQuote(`<I>${r.replacement.Issuer}<S>${r.replacement.Subject}`)}` }]
    : [
        { text: `In the Exchange Management Shell, list the certificates of ${where} and find the renewed one (issuer, subject, Status Valid, Services including SMTP).`, command: `Get-ExchangeCertificate -Server ${psIdentity(r.servers[0]?.Name ?? org)} | Format-List Thumbprint,Issuer,Subject,NotAfter,Status,Services` },
        { text: `Import the renewed certificate on ${where}, enable it for SMTP (Enable-ExchangeCertificate -Services SMTP, answering No to replacing the default certificate), and set TlsCertificateName of "${name}" to its <I>issuer<S>subject.` },
      ];
  if (kind === 'Receive') fix.push({ text: 'Run the Hybrid Configuration Wizard again so the Exchange Online connectors match the new certificate.' });
  const subjects: FindingSubject[] = [{ type: `${kind}Connector`, name, organization: org }, ...affected.map(flowSubject)];
  const flowsText = affected.length > 0 ? ` Affected: ${affected.map((f) => `${f.from} → ${f.to}`).join(', ')}.` : '';
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `${kind} connector "${name}" (${org}) names ${value}, but ${r.problem}. ${effect}${flowsText}`,
    subjects: dedupeSubjects(subjects),
    evidence: [{ source, text: `"${name}": TlsCertificateName ${value}` }],
    fix,
    references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate', 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/mails-issues-occur-after-april-15-2016'],
  };
}

