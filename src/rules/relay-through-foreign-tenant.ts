import { formatSource } from '../model/provenance.js';
import { domainOf } from '../model/domains.js';
import type { Finding, FixStep } from './finding.js';
import type { Tenant } from '../model/case.js';
import { matchCertificateName } from '../engine/cert-name-match.js';
import type { Rule, RuleContext } from './rule.js';
import { setInboundCertificateNameStep } from './support/fix-commands.js';
import { flowPath, flowSubject } from './support/flow-subject.js';
import { isOwnOnPremisesSide, sendingOrganization } from './support/own-onprem-side.js';

/**
 * S1: a simulated message is attributed to a tenant that owns neither its sender nor its
 * recipient domain, so journaling, transport rules and relay happen in the wrong tenant
 * (EXO-SEMANTICS M3/M4). RULES.md v2: not when the tenant's own on-premises side sent it — its
 * certificate-connector relay of forwarded mail, application domains and NDRs is supported (M4).
 */
export const rule: Rule = {
  id: 'relay-through-foreign-tenant',
  title: 'Mail is attributed to a tenant that owns neither its sender nor its recipient',
  severity: 'error',
  description: "A message processed in a tenant that owns neither side is journaled, filtered and traced there: a provider's tenant sees its customers' mail.",
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const index = ctx.simulation.context.index;
    for (const f of ctx.simulation.flows) {
      if (f.kind !== 'message') continue;
      const sd = domainOf(f.from);
      const rd = domainOf(f.to);
      for (let i = 0; i < f.hops.length; i++) {
        const hop = f.hops[i]!;
        const r = hop.eop?.result;
        if (!r?.tenant || r.outcome === 'rejected') continue;
        if (index.acceptedDomain(r.tenant, sd) || index.acceptedDomain(r.tenant, rd)) continue;
        const org = sendingOrganization(f.hops, i);
        if (org && isOwnOnPremisesSide(org, r.tenant, index)) continue;
        const c = r.connector;
        const how = r.matchedBy === 'certificate' ? `certificate ${hop.presented.certificate}` : r.matchedBy === 'ip' ? `source IP ${hop.presented.ip}` : 'its recipient';
        const fix = c
          ? [
              r.matchedBy === 'certificate'
                ? ownRouteName(ctx, r.tenant, c.TlsSenderCertificateName, hop.eop!.connection.certificate?.names ?? [], (name) => setInboundCertificateNameStep(c.Name, name, `Stop "${c.Name}" from matching ${hop.from}`), c.Name)
                : { text: `Remove ${hop.presented.ip} from SenderIPAddresses of "${c.Name}" (it is shared with ${hop.from}), or scope the connector by a dedicated certificate.`, command: `Set-InboundConnector -Identity '${c.Name.replace(/'/g, "''")}' -SenderIPAddresses @{Remove='${hop.presented.ip}'}` },
              { text: `Present a certificate on ${hop.from}'s route that no OnPremises connector of ${r.tenant.Name} matches (a dedicated certificate per route into Exchange Online).` },
            ]
          : [];
        findings.push({
          rule: this.id,
          severity: this.severity,
          title: this.title,
          message: `${f.from} → ${f.to} is attributed to ${r.tenant.Name} via "${c?.Name ?? 'recipient'}" by ${how}, although that tenant owns neither ${sd} nor ${rd}. It is processed there (journal and transport rules) and ${r.outcome === 'dropped' ? 'lost' : 'relayed on'}.`,
          subjects: [flowSubject(f), ...(c ? [{ type: 'InboundConnector', name: c.Name, tenant: r.tenant.Name }] : [])],
          evidence: [
            { source: 'simulation', text: `path: ${flowPath(f)}; tenants: ${f.tenants.join(', ')}` },
            { source: 'simulation', text: hop.attribution.reason },
            ...(c ? [{ source: formatSource(c.provenance), text: `"${c.Name}": TlsSenderCertificateName ${c.TlsSenderCertificateName ?? '(none)'}, SenderIPAddresses ${c.SenderIPAddresses.join(', ') || '(none)'}` }] : []),
          ],
          fix,
          references: ['https://techcommunity.microsoft.com/t5/exchange-team-blog/updated-requirements-for-smtp-relay-through-exchange-online/ba-p/3851357'],
        });
        break;
      }
    }
    return findings;
  },
};

/**
 * The fix for a certificate match: the exact name the tenant's own on-premises side presents
 * towards Exchange Online (a presenter of an organization that is the tenant's own side, whose
 * certificate the connector matches today) and the foreign hop does not present. Without one in
 * the case, the step says what to look for instead of guessing a name.
 */
function ownRouteName(ctx: RuleContext, tenant: Tenant, value: string | null, foreignNames: readonly string[], step: (name: string) => FixStep, connectorName: string): FixStep {
  const index = ctx.simulation.context.index;
  for (const p of ctx.presenters) {
    if (!p.organization || !p.certificate || !value || !isOwnOnPremisesSide(p.organization, tenant, index)) continue;
    for (const n of p.certificate.names) {
      if (n.startsWith('*.') || foreignNames.includes(n) || !matchCertificateName(value, [n])) continue;
      return step(n);
    }
  }
  return { text: `Set TlsSenderCertificateName of "${connectorName}" to the exact name of a certificate only your own hybrid route presents (Exchange Online PowerShell: Set-InboundConnector -TlsSenderCertificateName).` };
}
