import { formatSource } from '../model/provenance.js';
import type { Finding, FixStep } from './finding.js';
import { psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EMS } from './support/fix-commands.js';
import { coexistenceDomain } from '../engine/flow-routing.js';
import { hybridTenantsOf } from './support/hybrid.js';

/**
 * S4.3: the Hybrid Configuration Wizard gives the coexistence domain a remote domain on premises
 * with TargetDeliveryDomain, TrustedMailOutboundEnabled and internal out-of-office
 * (AllowedOOFType InternalLegacy). Without it, cloud users get external out-of-office replies and
 * voting buttons break. Checked only where the case holds the organization's remote domains.
 */
export const rule: Rule = {
  id: 'hybrid-remote-domain-misconfigured',
  title: 'The remote domain for the coexistence domain is not set up as the Hybrid Configuration Wizard would',
  severity: 'warning',
  description: 'Cross-premises out-of-office and voting buttons behave as for external recipients.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const org of ctx.case.organizations) {
      if (org.RemoteDomains.length === 0) continue;
      for (const tenant of hybridTenantsOf(org, ctx.simulation.context)) {
        const coex = coexistenceDomain(tenant);
        if (!coex) continue;
        const rd = org.RemoteDomains.find((r) => r.DomainName.toLowerCase() === coex);
        const name = rd?.Name ?? `Hybrid Domain - ${coex}`;
        const problems: string[] = [];
        const fix: FixStep[] = [];
        if (!rd) {
          problems.push(`there is no remote domain for ${coex}`);
          fix.push({ text: `Create the remote domain in ${org.Name}.`, command: `New-RemoteDomain -Name ${psQuote(name)} -DomainName ${coex}`, where: EMS });
        } else {
          if (rd.TargetDeliveryDomain !== true) problems.push('TargetDeliveryDomain is not $true');
          if (rd.TrustedMailOutboundEnabled !== true) problems.push('TrustedMailOutboundEnabled is not $true');
          const oof = rd.AllowedOOFType ?? (rd.IsInternal === true ? 'InternalLegacy' : null);
          if (oof !== 'InternalLegacy') problems.push(`AllowedOOFType is ${oof ?? 'not set'} instead of InternalLegacy`);
        }
        if (problems.length === 0) continue;
        fix.push({ text: 'Set it as the Hybrid Configuration Wizard does.', command: `Set-RemoteDomain -Identity ${psQuote(name)} -TargetDeliveryDomain $true -TrustedMailOutboundEnabled $true -AllowedOOFType InternalLegacy`, where: EMS });
        findings.push({
          rule: this.id,
          severity: this.severity,
          title: this.title,
          message: `In ${org.Name}, ${problems.join('; ')}. Mail to cloud mailboxes of ${tenant.Name} is then treated as external: external out-of-office replies, broken voting buttons.`,
          subjects: [{ type: 'RemoteDomain', name, organization: org.Name }],
          evidence: rd ? [{ source: formatSource(rd.provenance), text: `${rd.Name}: TargetDeliveryDomain ${rd.TargetDeliveryDomain}, TrustedMailOutboundEnabled ${rd.TrustedMailOutboundEnabled}, AllowedOOFType ${rd.AllowedOOFType}` }] : [{ source: formatSource(org.provenance), text: `remote domains: ${org.RemoteDomains.map((r) => r.DomainName).join(', ')}` }],
          fix,
          references: ['https://learn.microsoft.com/exchange/hybrid-deployment/org-config-transfer-attributes/remote-domains'],
        });
      }
    }
    return findings;
  },
};
