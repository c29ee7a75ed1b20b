import { certificateCoversHost } from '../engine/cert-name-match.js';
import { serverByName, serverFqdn } from '../engine/send-routing.js';
import { certificatesOfServer } from '../engine/simulate-flow.js';
import { formatSource } from '../model/provenance.js';
import type { Finding, FixCandidate } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { edgeSyncNote, EMS, newCertificateSteps } from './support/fix-commands.js';

/**
 * S1: a send connector's Fqdn is what selects its TLS certificate (EXO-SEMANTICS M2,
 * New-SendConnector: Fqdn is used for EHLO and TLS). When no SMTP certificate on a source server
 * covers it, Exchange falls back to the server FQDN's certificate or to none.
 */
export const rule: Rule = {
  id: 'send-connector-fqdn-certificate-mismatch',
  title: "A send connector's Fqdn matches no SMTP certificate on its source servers",
  severity: 'warning',
  description: 'Another certificate, or none, is presented than the Fqdn suggests.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const sim = ctx.simulation.context;
    for (const org of ctx.case.organizations) {
      for (const sc of org.SendConnectors) {
        if (!sc.Enabled || !sc.Fqdn || sc.TlsCertificateName) continue;
        const missing: string[] = [];
        const alternatives = new Set<string>();
        for (const name of sc.SourceTransportServers) {
          const server = serverByName(org, name);
          if (!server) continue;
          const certs = certificatesOfServer(sim, server.Certificates, serverFqdn(server)).filter((c) => c.Services === null || /smtp/i.test(c.Services));
          if (!certs.some((c) => certificateCoversHost(c.names, sc.Fqdn!))) {
            missing.push(server.Name);
            for (const c of certs) if (c.commonName) alternatives.add(c.commonName.toLowerCase());
          }
        }
        if (missing.length === 0) continue;
        const presented = ctx.presenters.filter((p) => p.organization === org && p.connector === sc).map((p) => `${p.server?.Name}: ${p.selection?.explanation}`);
        // One candidate per installed SMTP certificate's name: verification keeps those that break nothing (a name the tenant's connector does not expect would).
        const candidates: FixCandidate[] = [...alternatives].slice(0, 4).map((alt) => ({
          steps: [{ text: `Set the Fqdn to the name of the SMTP certificate this route should present (${alt} is installed).${edgeSyncNote(org, sc)}`, command: `Set-SendConnector -Identity ${psIdentity(sc.Name)} -Fqdn ${alt}`, where: EMS }],
        }));
        candidates.push({ steps: newCertificateSteps([sc.Fqdn], org, missing) });
        findings.push({
          rule: this.id,
          severity: this.severity,
          title: this.title,
          message: `Send connector "${sc.Name}" (${org.Name}) has Fqdn ${sc.Fqdn}, but no SMTP certificate on ${missing.join(', ')} covers that name; Exchange presents another certificate or none.`,
          subjects: [{ type: 'SendConnector', name: sc.Name, organization: org.Name }],
          evidence: [{ source: formatSource(sc.provenance), text: `"${sc.Name}": Fqdn ${sc.Fqdn}` }, ...presented.map((t) => ({ source: 'simulation', text: t }))],
          fix: candidates[0]!.steps,
          candidates,
          references: ['https://learn.microsoft.com/powershell/module/exchangepowershell/set-sendconnector'],
        });
      }
    }
    return findings;
  },
};
