import { formatSource } from '../model/provenance.js';
import { isCoexistenceDomain } from '../model/domains.js';
import { isExchange2010 } from '../engine/flow-routing.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EMS } from './support/fix-commands.js';
import { failingFlowSubjects } from './support/fix-flow-subjects.js';

/**
 * S4.1: on Exchange 2010 the coexistence domain tenant.mail.onmicrosoft.com must be InternalRelay
 * on premises; Authoritative makes Exchange look for cloud recipients locally and mail to them
 * fails (EXO-SEMANTICS M7). Exchange 2013 and later route by target address: silent there.
 */
export const rule: Rule = {
  id: 'hybrid-routing-domain-authoritative',
  title: 'The hybrid routing domain is Authoritative on Exchange 2010',
  severity: 'error',
  description: 'Exchange 2010 does not route mail for cloud mailboxes when the coexistence domain is Authoritative.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const org of ctx.case.organizations) {
      const v = isExchange2010(org);
      if (v === 'no') continue;
      for (const d of org.AcceptedDomains) {
        if (!isCoexistenceDomain(d.DomainName) || d.DomainType !== 'Authoritative') continue;
        const versions = org.Servers.map((s) => `${s.Name}: ${s.AdminDisplayVersion ?? 'version unknown'}`).join(', ');
        findings.push({
          rule: this.id,
          severity: v === 'yes' ? 'error' : 'warning',
          title: this.title,
          message:
            v === 'yes'
              ? `${d.DomainName} is Authoritative in ${org.Name}, which runs Exchange 2010: mail for cloud mailboxes is looked up locally and fails instead of routing to Exchange Online.`
              : `${d.DomainName} is Authoritative in ${org.Name}. On Exchange 2010 this breaks hybrid routing; the server versions are not known, so this is unconfirmed (on Exchange 2013 and later it does not matter).`,
          // The cloud-bound mail of this organization that fails is explained here, not by flow-fails.
          subjects: [{ type: 'AcceptedDomain', name: d.DomainName, organization: org.Name }, ...failingFlowSubjects(ctx.simulation.flows, (f) => f.origin.toLowerCase() === org.Name.toLowerCase() && f.hops.length === 0 && f.conclusion.includes(`${d.DomainName} is Authoritative in ${org.Name}`))],
          evidence: [{ source: formatSource(d.provenance), text: `${d.DomainName}: DomainType Authoritative` }, { source: formatSource(org.provenance), text: versions || 'no servers listed' }],
          fix: [{ text: `Make the coexistence domain Internal Relay in ${org.Name}.`, command: `Set-AcceptedDomain -Identity ${d.DomainName} -DomainType InternalRelay`, where: EMS }],
          references: ['https://learn.microsoft.com/powershell/module/exchangepowershell/set-accepteddomain'],
        });
      }
    }
    return findings;
  },
};
