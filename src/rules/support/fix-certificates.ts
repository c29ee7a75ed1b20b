import type { Organization, SendConnector } from '../../model/case.js';
import type { Certificate } from '../../model/certificate.js';
import { normalizeDistinguishedName } from '../../model/certificate.js';
import { matchCertificateName } from '../../engine/cert-name-match.js';
import { certificateProblem } from '../../engine/certificate-usability.js';
import { serverByName, serverFqdn } from '../../engine/send-routing.js';
import { certificatesOfServer } from '../../engine/simulate-flow.js';
import type { SimulationContext } from '../../engine/simulation-context.js';
import type { FixCandidate, FixStep } from '../finding.js';
import { psIdentity } from '../finding.js';
import type { RuleContext } from '../rule.js';
import type { Presenter } from './presenters.js';
import { candidate, edgeSyncNote, EMS, manualStep, newCertificateSteps, tlsCertificateNameStep } from './fix-commands.js';

/**
 * Which installed certificate a fix may point a route at. EXO-SEMANTICS M3: Exchange Online
 * matches a certificate-scoped connector only with a valid, publicly trusted certificate, so a
 * fix never names a self-signed, untrusted or expired one; M2: the certificate must be installed
 * (with its private key, enabled for SMTP) on every source server, or the send fails with 454 4.7.5.
 */

function smtpEnabled(cert: Certificate): boolean {
  return cert.Services === null || /smtp/i.test(cert.Services);
}

/** Why a certificate must not be offered for matching a connector, or null when it may be. */
export function unusableForMatching(cert: Certificate, at: Date): string | null {
  if (cert.IsSelfSigned) return `${cert.Subject} is self-signed`;
  const problem = certificateProblem(cert, at);
  if (problem) return problem;
  if (cert.HasPrivateKey === false) return `${cert.Subject} has no private key`;
  return null;
}

const sameName = (a: Certificate, b: Certificate): boolean => normalizeDistinguishedName(a.Issuer) === normalizeDistinguishedName(b.Issuer) && normalizeDistinguishedName(a.Subject) === normalizeDistinguishedName(b.Subject);

/**
 * Certificates installed on every source server of the send connector that Exchange Online would
 * accept and whose names match `wanted` (a TlsSenderCertificateName value) when it is given.
 */
export function usableCertificatesFor(sim: SimulationContext, org: Organization, connector: SendConnector, at: Date, wanted: string | null): Certificate[] {
  const perServer = connector.SourceTransportServers.map((n) => serverByName(org, n))
    .filter((s) => s !== undefined)
    .map((s) => certificatesOfServer(sim, s.Certificates, serverFqdn(s)));
  if (perServer.length === 0) return [];
  return perServer[0]!.filter(
    (c) => unusableForMatching(c, at) === null && smtpEnabled(c) && (wanted === null || matchCertificateName(wanted, c.names) !== null) && perServer.every((list) => list.some((o) => sameName(o, c))),
  );
}

/**
 * Ways to make a send connector present an installed certificate: name it by issuer and subject
 * (changes nothing else), or select it by Fqdn (also changes the EHLO name) — in that order.
 */
export function presentInstalledCertificateCandidates(sim: SimulationContext, org: Organization, connector: SendConnector, at: Date, wanted: string | null, why: string): FixCandidate[] {
  const out: FixCandidate[] = [];
  const note = edgeSyncNote(org, connector);
  // M10: once the connector matches, the hybrid mail it carries arrives Internal only with
  // CloudServicesMailEnabled on the send connector; each way is also offered with that step, and
  // verification keeps the one that adds no finding.
  const trust: FixStep | null = connector.CloudServicesMailEnabled
    ? null
    : {
        text: `Let send connector "${connector.Name}" carry the cross-premises headers, so hybrid mail it sends arrives Internal (EXO-SEMANTICS M10).${note}`,
        command: `Set-SendConnector -Identity ${psIdentity(connector.Name)} -CloudServicesMailEnabled $true`,
        where: EMS,
      };
  const withTrust = (c: FixCandidate): FixCandidate[] => (trust ? [c, { steps: [...c.steps, trust] }] : [c]);
  for (const cert of usableCertificatesFor(sim, org, connector, at, wanted).slice(0, 2)) {
    const step = tlsCertificateNameStep(connector.Name, cert.Issuer, cert.Subject, 'Send', note);
    out.push(...withTrust(candidate({ ...step, text: `${why}: name the installed certificate ${cert.Subject} (${cert.Thumbprint}) on send connector "${connector.Name}" (${org.Name}) by its issuer and subject.${note}` })));
    const host = cert.names.find((n) => !n.startsWith('*') && (wanted === null || matchCertificateName(wanted, [n]) !== null));
    if (host && connector.Fqdn?.toLowerCase() !== host) {
      out.push(
        ...withTrust(candidate({
          text: `${why}: set the Fqdn of send connector "${connector.Name}" (${org.Name}) to ${host}, so Exchange selects ${cert.Subject} (${cert.Thumbprint}); the connector then also greets with EHLO ${host}.${note}`,
          command: `Set-SendConnector -Identity ${psIdentity(connector.Name)} -Fqdn ${host}`,
          where: EMS,
        })),
      );
    }
  }
  return out;
}

/**
 * Candidates for a certificate that must stop being presented (expired, untrusted, no key): point
 * each route that presents it at another installed certificate Exchange Online accepts for the same
 * name; else (when `renewText` is given) the manual renewal, which cannot be simulated.
 */
export function replaceCertificateCandidates(ctx: RuleContext, cert: Certificate, users: readonly Presenter[], renewText: string | null): FixCandidate[] {
  const sim = ctx.simulation.context;
  const wanted = cert.commonName ?? cert.names[0] ?? null;
  const perUser = users.map((u) => (u.connector && u.organization ? presentInstalledCertificateCandidates(sim, u.organization, u.connector, ctx.at, wanted, `Stop presenting ${cert.Subject}`).filter((c) => c.steps.some((s) => s.command?.includes('-TlsCertificateName'))) : []));
  const out: FixCandidate[] = [];
  // Every route that presents it has to change, or the finding stays: one step per route.
  const seen = new Set<string>();
  if (perUser.length > 0 && perUser.every((list) => list.length > 0)) {
    // The TlsCertificateName way, without and (where offered) with the M10 trust step.
    for (const k of [0, 1]) {
      if (k === 1 && !perUser.some((list) => list[1]?.steps.length === 2)) break;
      seen.clear();
      const steps = perUser.flatMap((list) => (list[k] ?? list[0]!).steps).filter((s) => !s.command || (!seen.has(s.command) && seen.add(s.command)));
      out.push({ steps });
    }
  }
  if (renewText !== null) {
    const org = users.find((u) => u.organization)?.organization;
    const servers = [...new Set(users.flatMap((u) => (u.server ? [u.server.Name] : u.node ? [u.node.Name] : [])))];
    const steps: FixStep[] = users.some((u) => u.gateway)
      ? [manualStep('certificate authority', `${renewText}.`), manualStep('gateway administration', `Install it on ${servers.join(', ')} and present it there.`)]
      : [manualStep('certificate authority', `${renewText}.`), ...newCertificateSteps(cert.names, org, servers).slice(1)];
    for (const u of users) {
      if (u.connector?.TlsCertificateName) steps.push({ text: `Point send connector "${u.connector.Name}" at the new certificate: Set-SendConnector -Identity ${psIdentity(u.connector.Name)} -TlsCertificateName with its <I>issuer<S>subject.${edgeSyncNote(u.organization, u.connector)}`, where: EMS });
    }
    out.push({ steps });
  }
  return out;
}
