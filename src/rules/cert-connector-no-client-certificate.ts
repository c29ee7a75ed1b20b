import { formatSource } from '../model/provenance.js';
import type { Finding, FixCandidate, FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { attributionNeeded, certificateScopedConnectors } from './support/attribution-need.js';
import { flowName, flowSubject } from './support/flow-subject.js';
import { presentInstalledCertificateCandidates } from './support/fix-certificates.js';
import { edgeSyncNote, EMS, manualStep, newCertificateSteps } from './support/fix-commands.js';
import { psIdentity } from './finding.js';

/**
 * S2 (seed 002): a route that must be attributed through a certificate-scoped OnPremises
 * connector presents no client certificate, so the connector can never match; once no other
 * connector carries it, Exchange Online answers 550 5.7.64 (EXO-SEMANTICS M2, M3).
 */
export const rule: Rule = {
  id: 'cert-connector-no-client-certificate',
  title: 'A route that relies on a certificate-scoped connector presents no certificate',
  severity: 'error',
  description: 'Without a client certificate a certificate-scoped OnPremises connector never matches: relay and hybrid mail are rejected with 5.7.64 or arrive anonymous.',
  run(ctx: RuleContext): Finding[] {
    const groups = new Map<string, { finding: Finding; flows: string[] }>();
    const sim = ctx.simulation.context;
    for (const f of ctx.simulation.flows) {
      for (const hop of f.hops) {
        if (!hop.eop || hop.eop.connection.certificate) continue;
        const need = attributionNeeded(hop, sim);
        if (!need) continue;
        const scoped = certificateScopedConnectors(need.tenant);
        if (scoped.length === 0) continue;
        const s = hop.sender;
        const key = `${need.tenant.Name}|${s.type === 'send-connector' ? s.connector.Name + '|' + s.server.Name : s.type === 'gateway-route' ? s.gateway.Name + '|' + s.route.Name : ''}`;
        let g = groups.get(key);
        if (!g) {
          const wanted = scoped[0]!.TlsSenderCertificateName!;
          const candidates: FixCandidate[] = [];
          const check: FixStep = { text: 'Check it on the wire: a capture of the session with Exchange Online must show a non-empty client Certificate message.' };
          if (s.type === 'send-connector') {
            // Only a certificate Exchange Online accepts (public, valid, installed on every source server) is offered (M2, M3).
            for (const c of presentInstalledCertificateCandidates(sim, s.org, s.connector, ctx.at, wanted, 'Make the route present a certificate the connector matches')) candidates.push({ steps: [...c.steps, check] });
            if (candidates.length === 0) {
              const names = wanted.startsWith('*.') ? [`a host name under ${wanted.slice(2)}`] : [wanted];
              candidates.push({
                steps: [
                  ...newCertificateSteps(names, s.org, s.connector.SourceTransportServers),
                  { text: `Make send connector "${s.connector.Name}" present it: Set-SendConnector -Identity ${psIdentity(s.connector.Name)} -TlsCertificateName with the new certificate's <I>issuer<S>subject.${edgeSyncNote(s.org, s.connector)}`, where: EMS },
                  check,
                ],
              });
            }
          } else if (s.type === 'gateway-route') {
            candidates.push({ steps: [manualStep('gateway administration', `Configure gateway ${s.gateway.Name} to present a publicly trusted certificate for ${wanted} on route "${s.route.Name}".`), check] });
          } else {
            candidates.push({ steps: [check] });
          }
          const subject = s.type === 'send-connector' ? { type: 'SendConnector', name: s.connector.Name, organization: s.org.Name } : s.type === 'gateway-route' ? { type: 'GatewayRoute', name: s.route.Name, gateway: s.gateway.Name } : { type: 'Flow', name: flowName(f) };
          const carried = hop.eop.result.outcome === 'accepted' && hop.eop.result.connector;
          g = {
            flows: [],
            finding: {
              rule: this.id,
              severity: this.severity,
              title: this.title,
              message: `${hop.from} presents no TLS client certificate to Exchange Online on its ${need.route} route to ${need.tenant.Name}, whose certificate-scoped connector "${scoped[0]!.Name}" (TlsSenderCertificateName ${wanted}) can therefore never match. ${carried ? `Today "${hop.eop.result.connector!.Name}" still carries it by ${hop.eop.result.matchedBy}; without that connector the mail is rejected with 550 5.7.64.` : `The mail is ${hop.eop.result.outcome === 'rejected' ? `rejected: ${hop.eop.result.response}` : 'not attributed to the tenant'}.`}`,
              subjects: [subject, { type: 'InboundConnector', name: scoped[0]!.Name, tenant: need.tenant.Name }],
              evidence: [
                { source: s.type === 'send-connector' ? formatSource(s.connector.provenance) : s.type === 'gateway-route' ? formatSource(s.route.provenance) : 'simulation', text: s.type === 'send-connector' ? s.selection.explanation : `route "${hop.from}" has no certificate` },
                { source: formatSource(scoped[0]!.provenance), text: `"${scoped[0]!.Name}": TlsSenderCertificateName ${wanted}` },
              ],
              fix: candidates[0]!.steps,
              candidates,
              references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/tenantattribution-ndr', 'https://learn.microsoft.com/powershell/module/exchangepowershell/set-sendconnector'],
            },
          };
          groups.set(key, g);
        }
        const name = `${flowName(f)} (${f.outcome})`;
        if (!g.flows.includes(name)) g.flows.push(name);
        // The failing flows this finding explains are its subjects, so flow-fails does not report them again.
        if (f.outcome !== 'delivered' && !g.finding.subjects.some((x) => x.type === 'Flow' && x.name === flowName(f))) g.finding.subjects.push(flowSubject(f));
      }
    }
    return [...groups.values()].map((g) => ({ ...g.finding, evidence: [...g.finding.evidence, ...g.flows.slice(0, 10).map((t) => ({ source: 'simulation', text: t }))] }));
  },
};
