import { formatSource } from '../model/provenance.js';
import { domainOf } from '../model/domains.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { setInboundCertificateNameStep } from './support/fix-commands.js';
import { flowPath, flowSubject } from './support/flow-subject.js';

/**
 * S1: a simulated message is attributed to a tenant that owns neither its sender nor its
 * recipient domain, so journaling, transport rules and relay happen in the wrong tenant
 * (EXO-SEMANTICS M3/M4).
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
      for (const hop of f.hops) {
        const r = hop.eop?.result;
        if (!r?.tenant || r.outcome === 'rejected') continue;
        if (index.acceptedDomain(r.tenant, sd) || index.acceptedDomain(r.tenant, rd)) continue;
        const c = r.connector;
        const how = r.matchedBy === 'certificate' ? `certificate ${hop.presented.certificate}` : r.matchedBy === 'ip' ? `source IP ${hop.presented.ip}` : 'its recipient';
        const fix = c
          ? [
              r.matchedBy === 'certificate'
                ? setInboundCertificateNameStep(c.Name, '<the exact name of the certificate only your own hybrid route presents>', `Stop "${c.Name}" from matching ${hop.from}`)
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
