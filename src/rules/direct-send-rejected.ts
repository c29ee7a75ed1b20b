import type { FlowResult, Hop } from '../engine/flow-types.js';
import { DIRECT_SEND_REJECTED, whyNoConnector } from '../engine/tenant-policies.js';
import { certificateProblem } from '../engine/certificate-usability.js';
import { matchCertificateName } from '../engine/cert-name-match.js';
import type { InboundConnector, Tenant } from '../model/case.js';
import type { Evidence, Finding, FixCandidate, FixStep } from './finding.js';
import { psIdentity, psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { candidate, EXO, newCertificateSteps } from './support/fix-commands.js';
import { presentInstalledCertificateCandidates } from './support/fix-certificates.js';
import { flowName, flowPath, flowSubject } from './support/flow-subject.js';
import { statusesForRule } from './support/status-evidence.js';
import { statusEvidence, statusSpan, statusSubjects, withStatusEvidence } from './support/status-finding.js';

/**
 * EXO-SEMANTICS M12 [SOC][RDS]: with `RejectDirectSend $true`, anonymous mail to the organization
 * whose P1 domain is accepted and that matched no IP- or certificate-scoped inbound connector is
 * refused with `550 5.7.68 TenantInboundAttribution; Direct Send not allowed …`. In hybrid it turns
 * a broken certificate or IP match from "anonymous but delivered" into a rejection, so the fix is
 * the connector match; turning RejectDirectSend off is the last resort (NDR-CATALOG 5.7.68).
 */

const REFERENCES = [
  'https://techcommunity.microsoft.com/blog/exchange/introducing-more-control-over-direct-send-in-exchange-online/4408790',
  'https://learn.microsoft.com/powershell/module/exchangepowershell/set-organizationconfig',
];

function lastEopHop(f: FlowResult): Hop | null {
  for (let i = f.hops.length - 1; i >= 0; i--) if (f.hops[i]!.eop) return f.hops[i]!;
  return null;
}

/** `Set-OrganizationConfig -RejectDirectSend $false`, naming the tenant when the case holds several. */
function rejectDirectSendOff(ctx: RuleContext, tenant: Tenant): FixStep {
  const identity = ctx.case.tenants.length > 1 ? ` -Identity ${psIdentity(tenant.Name)}` : '';
  return {
    text: `Last resort, only if the sender cannot be matched by a connector: turn RejectDirectSend off again in ${tenant.Name}, which lets anyone send anonymous mail from its domains.`,
    command: `Set-OrganizationConfig${identity} -RejectDirectSend $false`,
    where: EXO,
  };
}

/** Ways to make the flow match a connector again: the certificate the connector names, or the source IP. */
function connectorFixes(ctx: RuleContext, hop: Hop, tenant: Tenant): FixCandidate[] {
  const out: FixCandidate[] = [];
  const sender = hop.sender;
  const conn = hop.eop?.connection;
  const certScoped = tenant.InboundConnectors.filter((c) => c.Enabled && c.ConnectorType === 'OnPremises' && c.TlsSenderCertificateName);
  if (sender.type === 'send-connector' && certScoped.length > 0) {
    const target: InboundConnector = certScoped[0]!;
    const why = `Let "${sender.connector.Name}" (${sender.org.Name}) present a valid certificate that matches "${target.Name}" (${target.TlsSenderCertificateName})`;
    out.push(...presentInstalledCertificateCandidates(ctx.simulation.context, sender.org, sender.connector, ctx.at, target.TlsSenderCertificateName, why));
    const cert = conn?.certificate ?? null;
    const broken = cert && (certificateProblem(cert, ctx.at) !== null || !matchCertificateName(target.TlsSenderCertificateName!, cert.names));
    if (out.length === 0 && (broken || !cert)) {
      const names = cert && matchCertificateName(target.TlsSenderCertificateName!, cert.names) ? cert.names : [target.TlsSenderCertificateName!.replace(/^\*\./, 'mail.')];
      out.push(candidate(...newCertificateSteps(names, sender.org, sender.connector.SourceTransportServers)));
    }
  }
  const ip = conn?.sourceIp ?? null;
  const ipScoped = tenant.InboundConnectors.find((c) => c.Enabled && c.ConnectorType === 'OnPremises' && c.SenderIPAddresses.length > 0 && !c.TlsSenderCertificateName);
  if (ip && ipScoped && sender.type === 'send-connector' && !ip.includes(':')) {
    out.push(
      candidate({
        text: `Add the sending address ${ip} of ${sender.server.Name} to the IP-scoped connector "${ipScoped.Name}" of ${tenant.Name}, so the mail is attributed to the tenant again (M3 step 2).`,
        command: `Set-InboundConnector -Identity ${psIdentity(ipScoped.Name)} -SenderIPAddresses @{Add=${psQuote(ip)}}`,
        where: EXO,
      }),
    );
  }
  return out;
}

function simulationFinding(rule: Rule, ctx: RuleContext, flows: FlowResult[], tenant: Tenant, hop: Hop): Finding {
  const why = whyNoConnector({ hop }, tenant);
  const names = flows.map(flowName);
  const fixes = connectorFixes(ctx, hop, tenant);
  const off = rejectDirectSendOff(ctx, tenant);
  // The connector fixes come first; RejectDirectSend off is offered as its own candidate only when
  // no connector can be repaired (scanners, SaaS senders), else as a note (NDR-CATALOG 5.7.68).
  const candidates: FixCandidate[] =
    fixes.length > 0
      ? fixes.map((c) => ({ steps: [...c.steps, { text: `${off.text} (Exchange Online PowerShell: ${off.command})` }] }))
      : [
          candidate({
            text: `Create an inbound connector in ${tenant.Name} for this sender (Partner, scoped to its IP address or certificate) — Exchange Online PowerShell New-InboundConnector -ConnectorType Partner with -SenderDomains, -SenderIPAddresses and -RestrictDomainsToIPAddresses $true — or send through an authenticated route.`,
            where: EXO,
          }),
          candidate(off),
        ];
  const evidence: Evidence[] = flows.slice(0, 3).map((f) => ({ source: 'simulation', text: `${flowName(f)}: ${flowPath(f)} → ${f.response}` }));
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `RejectDirectSend is on in ${tenant.Name}, and ${names.length === 1 ? names[0] : `${names.length} flows (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`} reach${names.length === 1 ? 'es' : ''} it as anonymous mail from an accepted domain: ${why}. Exchange Online rejects ${names.length === 1 ? 'it' : 'them'} with "${DIRECT_SEND_REJECTED}" (no message trace entry). Repair the connector match rather than turning RejectDirectSend off.`,
    subjects: [{ type: 'Tenant', name: tenant.Name }, ...flows.map(flowSubject)],
    evidence,
    fix: candidates[0]!.steps,
    candidates,
    references: REFERENCES,
  };
}

export const rule: Rule = {
  id: 'direct-send-rejected',
  title: 'RejectDirectSend rejects mail that no connector attributes',
  severity: 'error',
  description: 'With RejectDirectSend on, anonymous mail from the tenant’s own domains that matches no IP- or certificate-scoped connector is rejected with 550 5.7.68 — in hybrid usually a certificate or IP that stopped matching.',
  run(ctx: RuleContext): Finding[] {
    const byTenant = new Map<Tenant, { flows: FlowResult[]; hop: Hop }>();
    for (const f of ctx.simulation.flows) {
      if (f.outcome !== 'rejected' || f.response !== DIRECT_SEND_REJECTED) continue;
      const hop = lastEopHop(f);
      const tenant = hop?.eop?.result.tenant;
      if (!hop || !tenant) continue;
      const entry = byTenant.get(tenant);
      if (entry) entry.flows.push(f);
      else byTenant.set(tenant, { flows: [f], hop });
    }
    const statuses = statusesForRule(ctx.case, this.id);
    const findings = [...byTenant.entries()].map(([tenant, { flows, hop }]) => simulationFinding(this, ctx, flows, tenant, hop));
    if (findings.length > 0) {
      findings[0] = withStatusEvidence(findings[0]!, statuses);
      return findings;
    }
    if (statuses.length === 0) return [];
    return [
      {
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `${statusSpan(statuses)} rejected with 550 5.7.68 (Direct Send not allowed): the tenant has RejectDirectSend on, and the sender matched no IP- or certificate-scoped inbound connector while its MAIL FROM domain is accepted. In hybrid the on-premises certificate or IP stopped matching the OnPremises connector (expired or replaced certificate, NAT change); otherwise a scanner, application or SaaS sender sends directly.`,
        subjects: statusSubjects(statuses, '5.7.68 Direct Send rejected'),
        evidence: statusEvidence(statuses),
        fix: [
          { text: 'Check that RejectDirectSend is on and which connectors should match the sender.', command: 'Get-OrganizationConfig | Format-List RejectDirectSend', where: EXO },
          { text: 'Compare the sender’s certificate and IP with the connectors; repair the OnPremises connector match (see 5.7.64), or create a Partner connector scoped to the sender’s IP or certificate.', command: 'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,TlsSenderCertificateName,SenderIPAddresses', where: EXO },
        ],
        references: REFERENCES,
      },
    ];
  },
};
