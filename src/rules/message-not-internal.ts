import { formatSource } from '../model/provenance.js';
import type { HeaderMessageObservation } from '../model/evidence.js';
import type { Finding, FindingSubject } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { evidenceOf, tenantById } from './support/evidence.js';

/**
 * S4 (seed 004): the first test of hybrid mail flow is X-MS-Exchange-Organization-AuthAs on a
 * message that crossed premises: `Internal` is right; `Anonymous` means Exchange treated it as
 * internet mail (wrong receive connector after NAT, a third-party hop, stale certificates on the
 * hybrid connectors, …) — free/busy-like features, out-of-office and spam verdicts then differ.
 */
/** The tenant of the case the headers name (X-MS-Exchange-CrossTenant-Id, else X-EOPTenantAttributedMessage). */
function tenantSubject(ctx: RuleContext, m: HeaderMessageObservation): FindingSubject[] {
  const tenant = tenantById(ctx.case, m.crossTenantId) ?? tenantById(ctx.case, m.attributedTenantId ?? null);
  return tenant ? [{ type: 'Tenant', name: tenant.Name }] : [];
}

export const rule: Rule = {
  id: 'message-not-internal',
  title: 'A cross-premises message arrived as anonymous (not internal)',
  severity: 'warning',
  description: 'Mail between on-premises Exchange and Exchange Online should be authenticated as Internal; Anonymous means the hybrid path is broken.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const m of evidenceOf(ctx.case).messages) {
      if (!m.crossedPremises) continue;
      // A copy read outside the organization (an outbound message as the internet recipient got
      // it: DIR:OUT, newest hop not Exchange) is anonymous to its receiver by design.
      if (m.antispamDirection === 'outbound') continue;
      const newest = m.hops.at(-1);
      if (!newest || (newest.kind !== 'exchange-online' && newest.kind !== 'exchange-on-premises' && newest.kind !== 'exchange-edge')) continue;
      const authAs = m.authAs ?? m.crossTenantAuthAs;
      if (!authAs || authAs.toLowerCase() !== 'anonymous') continue;
      // The same message saved as .eml, .msg and pasted text is one finding.
      if (m.messageId) {
        if (seen.has(m.messageId)) continue;
        seen.add(m.messageId);
      }
      const path = m.hops.map((h) => `${h.by ?? '?'} (${h.kind})`).join(' → ');
      const gateway = m.hops.find((h) => h.kind === 'gateway');
      findings.push({
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `Message ${m.messageId ?? '(no Message-ID)'}${m.subject ? ` "${m.subject}"` : ''} crossed between on-premises Exchange and Exchange Online but was received with X-MS-Exchange-Organization-AuthAs: Anonymous — it was treated as internet mail.${gateway ? ` A third-party gateway (${gateway.by}) is on its path, which on its own explains it.` : ' Usual causes: a NAT device in front of Exchange, a third-party hop, a hybrid connector naming an old certificate, or an Exchange 2010 accepted domain set up wrongly.'}`,
        subjects: [{ type: 'Message', name: m.messageId ?? formatSource(m.source) }, ...tenantSubject(ctx, m)],
        evidence: [
          { source: formatSource(m.source), text: `X-MS-Exchange-Organization-AuthAs: ${m.authAs ?? '(absent)'}${m.authSource ? `; AuthSource: ${m.authSource}` : ''}${m.crossTenantAuthAs ? `; CrossTenant-AuthAs: ${m.crossTenantAuthAs}` : ''}` },
          { source: formatSource(m.source), text: `hops: ${path}` },
        ],
        fix: [
          { text: 'Find the hop where the message left Exchange: a third-party gateway or NAT device there must go (or be bypassed for hybrid mail); diagnose the case with the connector exports and logs to find which (eop-source-ip-not-preserved, third-party-gateway-in-hybrid-path, connector-stale-certificate-reference).' },
          { text: 'Re-run the Hybrid Configuration Wizard once the path is direct, then send a test message and check AuthAs again.' },
        ],
        references: [
          'https://techcommunity.microsoft.com/t5/exchange-team-blog/demystifying-and-troubleshooting-hybrid-mail-flow-when-is-a/ba-p/1420838',
          'https://www.msxfaq.de/cloud/exchangeonline/transport/x-ms-exchange-organization-authas.htm',
        ],
      });
    }
    return findings;
  },
};
