import { blockedConnectorsOf, blockingEntry, CONNECTOR_BLOCKED, unblockId } from '../engine/blocked-connectors.js';
import type { FlowResult } from '../engine/flow-types.js';
import type { InboundConnector, Tenant } from '../model/case.js';
import { formatSource } from '../model/provenance.js';
import type { Finding, FixStep, Severity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EXO } from './support/fix-commands.js';
import { flowName, flowSubject } from './support/flow-subject.js';
import { statusesForRule } from './support/status-evidence.js';
import { statusEvidence, statusSpan, statusSubjects, withStatusEvidence } from './support/status-finding.js';

/**
 * EXO-SEMANTICS M12 [GBC][700]: Exchange Online blocks inbound connectors it detects as
 * potentially compromised (Get-BlockedConnector; unblock with Remove-BlockedConnector
 * -ConnectorId), and whole tenants or IPs that send spam through a compromised on-premises server
 * or rogue connector (5.7.705), from low-reputation IPs (5.7.708) or much mail from domains the
 * tenant does not own (5.7.750). 5.7.703 (recipient blocked by the Tenant Allow/Block List) is
 * listed for information.
 */

const REFERENCES = [
  'https://learn.microsoft.com/powershell/module/exchangepowershell/get-blockedconnector',
  'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/fix-error-codes-550-5-7-703-550-5-7-705-550-5-7-708-550-5-7-750',
];

const REVIEW: FixStep = {
  text: 'Before unblocking, look for rogue or changed inbound connectors and for compromised servers or applications relaying through the tenant.',
  command: 'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderIPAddresses,TlsSenderCertificateName,WhenCreated,WhenChanged',
  where: EXO,
};

interface Blocked {
  tenant: Tenant;
  connector: InboundConnector;
  flows: FlowResult[];
}

function blockedFlows(ctx: RuleContext): Blocked[] {
  const out: Blocked[] = [];
  for (const f of ctx.simulation.flows) {
    if (f.outcome !== 'rejected' || f.response !== CONNECTOR_BLOCKED) continue;
    const r = f.hops[f.hops.length - 1]?.eop?.result;
    if (!r?.tenant || !r.connector) continue;
    const b = out.find((x) => x.connector === r.connector);
    if (b) b.flows.push(f);
    else out.push({ tenant: r.tenant, connector: r.connector, flows: [f] });
  }
  return out;
}

function connectorFinding(rule: Rule, ctx: RuleContext, b: Blocked): Finding {
  const entry = blockingEntry(blockedConnectorsOf(b.tenant) ?? [], b.connector, ctx.at);
  const id = entry ? unblockId(entry, b.connector) : null;
  const names = b.flows.slice(0, 3).map(flowName).join(', ') + (b.flows.length > 3 ? ', …' : '');
  const fix: FixStep[] = [
    REVIEW,
    { text: 'Remove compromised servers, applications or rogue connectors first, and make sure every sender domain the connector relays is an accepted domain (or send through a certificate-scoped connector whose domain is accepted).' },
    id
      ? { text: `Then unblock "${b.connector.Name}" in ${b.tenant.Name} (it may take up to an hour).`, command: `Remove-BlockedConnector -ConnectorId ${id}`, where: EXO }
      : { text: `Then unblock "${b.connector.Name}": Get-BlockedConnector shows its ConnectorId, which Remove-BlockedConnector -ConnectorId takes (the case holds no GUID for it).` },
  ];
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `Exchange Online has blocked the inbound connector "${b.connector.Name}" of ${b.tenant.Name} as potentially compromised${entry?.Reason ? ` (${entry.Reason})` : ''} (connector blocked, Get-BlockedConnector): mail it would carry is rejected with "${CONNECTOR_BLOCKED}" — ${names}. Typical causes: a compromised on-premises server or application relaying spam, a rogue connector, unregistered sender domains.`,
    subjects: [{ type: 'InboundConnector', name: b.connector.Name, tenant: b.tenant.Name }, ...b.flows.map(flowSubject)],
    evidence: [{ source: formatSource(b.connector.provenance), text: `Get-BlockedConnector lists "${b.connector.Name}"${id ? ` (ConnectorId ${id})` : ''}` }],
    fix,
    references: REFERENCES,
  };
}

const CODE_MEANING: Record<string, string> = {
  '5.7.705': 'tenant has exceeded threshold (spam through the tenant, e.g. a compromised on-premises server or a rogue connector)',
  '5.7.708': 'traffic not accepted from this IP (low-reputation IP)',
  '5.7.750': 'client blocked from sending from unregistered domain (much mail from domains the tenant does not own)',
  '5.7.703': 'recipient blocked by the Tenant Allow/Block List',
};

export const rule: Rule = {
  id: 'connector-or-tenant-blocked',
  title: 'Exchange Online blocks a connector or the tenant',
  severity: 'error',
  description: 'Exchange Online blocks inbound connectors detected as compromised, and tenants or IPs that send spam or mail from unregistered domains; their mail is rejected until the cause is removed and the block lifted.',
  run(ctx: RuleContext): Finding[] {
    const findings = blockedFlows(ctx).map((b) => connectorFinding(this, ctx, b));
    const statuses = statusesForRule(ctx.case, this.id);
    if (statuses.length === 0) return findings;
    if (findings.length > 0) {
      findings[0] = withStatusEvidence(findings[0]!, statuses);
      return findings;
    }
    const codes = [...new Set(statuses.map((g) => g.sample.status.enhancedCode).filter((c): c is string => !!c))];
    // 5.7.703 alone is a recipient blocked by the tenant's own list: information only (RULES.md).
    const severity: Severity = codes.some((c) => c !== '5.7.703') ? this.severity : 'info';
    const meanings = codes.map((c) => `${c}: ${CODE_MEANING[c] ?? 'access denied'}`);
    return [
      {
        rule: this.id,
        severity,
        title: this.title,
        message: `${statusSpan(statuses)} refused by Exchange Online — ${meanings.join('; ')}.${severity === 'error' ? ' Look for rogue connectors, compromised relays and unregistered sender domains; once removed, Microsoft support lifts a tenant block.' : ''}`,
        subjects: statusSubjects(statuses, codes.join(', ') || 'tenant blocked'),
        evidence: statusEvidence(statuses),
        fix:
          severity === 'error'
            ? [
                REVIEW,
                { text: 'See whether Exchange Online blocked a connector.', command: 'Get-BlockedConnector', where: EXO },
                { text: 'Add and verify every domain the tenant sends from, or relay it through a certificate-scoped connector whose domain is accepted; remove compromised accounts and relays, then ask Microsoft support to lift the block (5.7.705/5.7.708/5.7.750).' },
              ]
            : [{ text: 'Check the Tenant Allow/Block List entries that block the recipient (Microsoft Defender portal, or Get-TenantAllowBlockListItems in Exchange Online PowerShell).' }],
        references: REFERENCES,
      },
    ];
  },
};
