import { certificateLabel } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import { matchCertificateName } from '../engine/cert-name-match.js';
import type { Certificate } from '../model/certificate.js';
import type { InboundConnector } from '../model/case.js';
import type { Hop } from '../engine/flow-types.js';
import type { Finding, FixCandidate, FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { attributionNeeded, certificateScopedConnectors } from './support/attribution-need.js';
import { flowName, flowSubject } from './support/flow-subject.js';
import { flowsThrough } from './support/flows-by-connector.js';
import { presentInstalledCertificateCandidates, unusableForMatching } from './support/fix-certificates.js';
import { candidate, manualStep, newCertificateSteps, setInboundCertificateNameStep } from './support/fix-commands.js';

/**
 * S2: on a route that must be attributed through a certificate-scoped connector (hybrid or
 * relay), the presented certificate's names do not match TlsSenderCertificateName. Routes meant
 * to reach other tenants as ordinary internet mail are exempt (EXO-SEMANTICS M3).
 */
export const rule: Rule = {
  id: 'cert-connector-name-mismatch',
  title: "The presented certificate's names do not match the certificate-scoped connector",
  severity: 'error',
  description: 'The connector never matches this route: relay is rejected with 5.7.64 and hybrid mail arrives anonymous.',
  run(ctx: RuleContext): Finding[] {
    const seen = new Map<string, Finding>();
    const sim = ctx.simulation.context;
    for (const f of ctx.simulation.flows) {
      for (const hop of f.hops) {
        const cert = hop.eop?.connection.certificate;
        if (!hop.eop || !cert) continue;
        const need = attributionNeeded(hop, sim);
        if (!need) continue;
        const scoped = certificateScopedConnectors(need.tenant);
        if (scoped.length === 0) continue;
        if (scoped.some((c) => matchCertificateName(c.TlsSenderCertificateName!, cert.names))) continue;
        const key = `${need.tenant.Name}|${hop.from}|${cert.Thumbprint}`;
        const existing = seen.get(key);
        if (existing) {
          existing.evidence.push({ source: 'simulation', text: `${flowName(f)} (${f.outcome})` });
          // Failing flows it explains are its subjects, so flow-fails does not report them again.
          if (f.outcome !== 'delivered' && !existing.subjects.some((x) => x.type === 'Flow' && x.name === flowName(f))) existing.subjects.push(flowSubject(f));
          continue;
        }
        const c = scoped[0]!;
        const certName = cert.commonName?.toLowerCase() ?? cert.names[0] ?? '';
        const underAccepted = cert.names.some((n) => sim.index.acceptedDomainCovering(need.tenant, n));
        const candidates = fixCandidates(ctx, hop, c, cert, certName, underAccepted, need.tenant.Name);
        seen.set(key, {
          rule: this.id,
          severity: this.severity,
          title: this.title,
          message: `${hop.from} presents ${certificateLabel(cert)} (names ${cert.names.join(', ')}) on its ${need.route} route to ${need.tenant.Name}, but "${c.Name}" expects ${c.TlsSenderCertificateName}. ${hop.eop.result.outcome === 'rejected' ? `Exchange Online rejects it: ${hop.eop.result.response}.` : hop.eop.result.connector ? `It is carried by "${hop.eop.result.connector.Name}" instead.` : 'It arrives as anonymous mail.'}`,
          subjects: [{ type: 'InboundConnector', name: c.Name, tenant: need.tenant.Name }, { type: 'Certificate', name: certificateLabel(cert) }, ...(f.outcome !== 'delivered' ? [flowSubject(f)] : [])],
          evidence: [
            { source: formatSource(c.provenance), text: `"${c.Name}": TlsSenderCertificateName ${c.TlsSenderCertificateName}` },
            { source: formatSource(cert.provenance), text: `${cert.Subject} (${cert.Thumbprint}): ${cert.names.join(', ')}` },
            { source: 'simulation', text: `${flowName(f)} (${f.outcome})` },
          ],
          fix: candidates[0]?.steps ?? [],
          candidates,
          references: ['https://learn.microsoft.com/powershell/module/exchangepowershell/set-inboundconnector'],
        });
      }
    }
    return [...seen.values()];
  },
};

/**
 * Fix candidates, safest first: make the route present an installed certificate the connector
 * already expects (nothing else changes); only then re-point the connector at the presented name —
 * never at a self-signed, untrusted or expired certificate (M3: it would not match anyway), never
 * a wildcard, and never away from a name that working mail through the connector relies on.
 */
function fixCandidates(ctx: RuleContext, hop: Hop, c: InboundConnector, cert: Certificate, certName: string, underAccepted: boolean, tenant: string): FixCandidate[] {
  const out: FixCandidate[] = [];
  const expected = c.TlsSenderCertificateName!;
  const s = hop.sender;
  if (s.type === 'send-connector') out.push(...presentInstalledCertificateCandidates(ctx.simulation.context, s.org, s.connector, ctx.at, expected, `Make ${hop.from} present a certificate for ${expected}`));
  const reliedOn = flowsThrough(ctx, c).some((f) => f.outcome === 'delivered' && f.hops.some((h) => h.eop?.result.connector === c && h.eop.result.matchedBy === 'certificate'));
  if (underAccepted && !reliedOn && !certName.startsWith('*') && unusableForMatching(cert, ctx.at) === null) {
    out.push(candidate(setInboundCertificateNameStep(c.Name, certName, `Or name the certificate ${hop.from} presents on the connector`, tenant)));
  }
  const servers = s.type === 'send-connector' ? s.connector.SourceTransportServers : [];
  const manual: FixStep[] =
    s.type === 'send-connector'
      ? [...newCertificateSteps([expected], s.org, servers), { text: `Then name it on send connector "${s.connector.Name}" (Set-SendConnector -TlsCertificateName with its <I>issuer<S>subject).`, where: 'Exchange Management Shell' }]
      : [manualStep('gateway administration', `Have ${hop.from} present a publicly trusted certificate for ${expected}.`)];
  if (!underAccepted) manual.push({ text: `The certificate's names (${cert.names.join(', ')}) are not under an accepted domain of ${tenant}; relay also needs that (M4).` });
  out.push({ steps: manual });
  return out;
}
