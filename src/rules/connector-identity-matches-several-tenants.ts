import { formatSource } from '../model/provenance.js';
import type { Tenant } from '../model/case.js';
import { parseIp } from '../engine/ip-address.js';
import type { IndexedConnector } from '../engine/connector-index.js';
import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { manualStep, setInboundCertificateNameStep } from './support/fix-commands.js';

/**
 * M3 (MC1226222): one certificate name or source IP matching OnPremises connectors in more than
 * one tenant is unsupported; attribution between them becomes arbitrary. One on-premises
 * organization feeding several tenants needs a unique certificate and send connector per tenant.
 */
export const rule: Rule = {
  id: 'connector-identity-matches-several-tenants',
  title: 'One certificate name or source IP matches OnPremises connectors in several tenants',
  severity: 'error',
  description: 'Exchange Online cannot tell the tenants apart; mail may be attributed to either.',
  run(ctx: RuleContext): Finding[] {
    const index = ctx.simulation.context.index;
    const findings: Finding[] = [];
    const reported = new Set<string>();
    const emit = (identity: string, entries: IndexedConnector[]): void => {
      const active = entries.filter((e) => e.connector.Enabled && e.connector.ConnectorType === 'OnPremises');
      const tenants = [...new Set(active.map((e) => e.tenant))] as Tenant[];
      if (tenants.length < 2) return;
      const key = active.map((e) => `${e.tenant.Name}/${e.connector.Name}`).sort().join('|');
      if (reported.has(key)) return;
      reported.add(key);
      findings.push({
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `${identity} matches OnPremises connectors of ${tenants.map((t) => t.Name).join(', ')}. This is unsupported: Exchange Online may attribute that mail to any of them.`,
        subjects: active.map((e) => ({ type: 'InboundConnector', name: e.connector.Name, tenant: e.tenant.Name })),
        evidence: active.map((e) => ({ source: formatSource(e.connector.provenance), text: `${e.tenant.Name} "${e.connector.Name}": TlsSenderCertificateName ${e.connector.TlsSenderCertificateName ?? '(none)'}, SenderIPAddresses ${e.connector.SenderIPAddresses.join(', ') || '(none)'}` })),
        fix: [
          manualStep('certificate authority', 'Give each tenant its own publicly trusted certificate (and its own send connector on premises presenting it).'),
          ...active.map((e) => setInboundCertificateNameStep(e.connector.Name, `<the name of the certificate used only for ${e.tenant.Name}>`, `Then, in ${e.tenant.Name}`, e.tenant.Name)),
        ],
        references: ['https://mwpro.co.uk/blog/2026/02/04/updated-prevent-fix-guidance-for-on-premises-connectors-configuration-mc1226222'],
      });
    };
    for (const e of index.entries) {
      if (!e.connector.Enabled || e.connector.ConnectorType !== 'OnPremises') continue;
      if (e.certificateValue) {
        // The value itself as a certificate name: finds exact duplicates and wildcards covering it.
        emit(`Certificate name ${e.certificateValue}`, index.matchCertificate([e.certificateValue]).map((h) => h.entry));
      }
      for (const r of e.ranges) {
        const probe = parseIp(r.text.split(/[/-]/)[0]!);
        if (probe) emit(`Source IP ${r.text}`, index.matchIp(probe));
      }
    }
    return findings;
  },
};
