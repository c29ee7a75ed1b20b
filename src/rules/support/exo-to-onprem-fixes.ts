import type { ExchangeServer, Organization, ReceiveConnector } from '../../model/case.js';
import type { Certificate } from '../../model/certificate.js';
import { grantsTlsDomainCapability } from '../../model/receive-connector-settings.js';
import { matchCertificateName } from '../../engine/cert-name-match.js';
import { certificateProblem } from '../../engine/certificate-usability.js';
import { certificatesOf } from '../../engine/exo-to-onprem-target.js';
import { expectedName } from '../../engine/exo-to-onprem-validation.js';
import { exchangeMajorVersion } from '../../engine/flow-routing.js';
import type { SimulationContext } from '../../engine/simulation-context.js';
import type { Finding, FindingSubject, FixCandidate, FixStep } from '../finding.js';
import { dedupeSubjects, psIdentity, psQuote } from '../finding.js';
import type { Rule } from '../rule.js';
import { candidate, EMS, EXO, newCertificateSteps, tlsCertificateNameValue } from './fix-commands.js';
import { flowSubjects, intermittence, outboundConnectorSubject, receiveConnectorIdentity, type OnPremisesTarget } from './exo-to-onprem-flows.js';

/**
 * Fixes on the receive side of Exchange Online → on-premises delivery, as the Hybrid
 * Configuration Wizard configures Default Frontend (EXO-SEMANTICS M7, M8.4, M10; [TLSBLOG25],
 * [KB2989382]): name a publicly trusted certificate for the name Exchange Online validates,
 * enabled for SMTP, and grant mail.protection.outlook.com the cross-premises capability.
 */

export const CLOUD_CAPABILITY_DOMAIN = 'mail.protection.outlook.com';

export function smtpEnabled(cert: Certificate): boolean {
  return cert.Services === null || /\bsmtp\b/i.test(cert.Services);
}

/** The capability name for the server's version: AcceptOorgProtocol on Exchange 2010 (14.x). */
export function capabilityFor(server: ExchangeServer | null): string {
  return exchangeMajorVersion(server?.AdminDisplayVersion ?? null) === 14 ? 'AcceptOorgProtocol' : 'AcceptCloudServicesMail';
}

/** The name Exchange Online validates for a target: TlsDomain, else the host (M8.5). */
export function nameToPresent(t: OnPremisesTarget): string {
  return expectedName(t.connector, t.ev.host);
}

/** Installed certificates Exchange Online accepts for `name`: private key, publicly trusted, valid, covering it. SMTP-enabled first. */
function usableCertificates(sim: SimulationContext, server: ExchangeServer, name: string, at: Date): Certificate[] {
  return certificatesOf(sim, server)
    .filter((c) => c.HasPrivateKey !== false && c.IsSelfSigned !== true && certificateProblem(c, at) === null && matchCertificateName(name, c.names) !== null)
    .sort((a, b) => Number(smtpEnabled(b)) - Number(smtpEnabled(a)));
}

export function enableSmtpStep(cert: Certificate, server: ExchangeServer): FixStep {
  return {
    text: `Enable ${cert.Subject} (${cert.Thumbprint}) for SMTP on ${server.Name}; answer No when asked to replace the default SMTP certificate (KB2989382).`,
    command: `Enable-ExchangeCertificate -Thumbprint ${cert.Thumbprint} -Services SMTP -Server ${psIdentity(server.Name)}`,
    where: EMS,
  };
}

/** Set-ReceiveConnector naming `cert`, adding the cross-premises capability when the connector lacks it. */
function nameCertificateStep(rc: ReceiveConnector, server: ExchangeServer, cert: Certificate, why: string): FixStep {
  const cap = capabilityFor(server);
  const missingCap = grantsTlsDomainCapability(rc, CLOUD_CAPABILITY_DOMAIN, cap) === false;
  const capArg = missingCap ? ` -TlsDomainCapabilities ${psQuote(`${CLOUD_CAPABILITY_DOMAIN}:${cap}`)}` : '';
  return {
    text: `${why}: configure "${rc.Name}" on ${server.Name} as the Hybrid Configuration Wizard does — present ${cert.Subject} (${cert.Thumbprint}) by issuer and subject${missingCap ? ` and grant ${CLOUD_CAPABILITY_DOMAIN} ${cap}, so mail from Exchange Online arrives as internal` : ''}.`,
    command: `Set-ReceiveConnector -Identity ${receiveConnectorIdentity(rc, server.Name)} -TlsCertificateName ${tlsCertificateNameValue(cert)}${capArg}`,
    where: EMS,
  };
}

/**
 * Make the landing connector present a certificate Exchange Online accepts for `name`; when no
 * such certificate is installed, the steps to obtain one (not simulated).
 */
export function presentValidCertificateCandidates(sim: SimulationContext, org: Organization, rc: ReceiveConnector, server: ExchangeServer, name: string, at: Date, why: string): FixCandidate[] {
  const usable = usableCertificates(sim, server, name, at).slice(0, 2);
  if (usable.length === 0) {
    return [
      candidate(
        ...newCertificateSteps([name], org, [server.Name]),
        { text: `Then name it on "${rc.Name}" with Set-ReceiveConnector -Identity ${receiveConnectorIdentity(rc, server.Name)} -TlsCertificateName and its issuer and subject (<I>issuer<S>subject), and re-run the Hybrid Configuration Wizard.`, where: EMS },
      ),
    ];
  }
  return usable.map((cert) => candidate(...(smtpEnabled(cert) ? [] : [enableSmtpStep(cert, server)]), nameCertificateStep(rc, server, cert, why)));
}

/** Take a failing smart host out of the outbound connector (only offered when others work). */
function removeSmartHostCandidate(t: OnPremisesTarget): FixCandidate | null {
  if (!t.connector || !t.othersSucceed || !t.connector.SmartHosts.some((h) => h.toLowerCase() === t.ev.host)) return null;
  return candidate({
    text: `Or stop sending to ${t.ev.host}: remove it from the smart hosts of "${t.connector.Name}" (Exchange Online PowerShell connected to ${t.tenant.Name}) until it is fixed.`,
    command: `Set-OutboundConnector -Identity ${psIdentity(t.connector.Name)} -SmartHosts @{Remove=${psQuote(t.ev.host)}}`,
    where: EXO,
  });
}

/**
 * The finding for targets of one smart host that Exchange Online cannot deliver to (M8): the
 * message says whether the failure is intermittent (other targets accept, M8.1), the subjects name
 * the cause, the outbound connector and every affected flow, and removing the smart host is
 * offered last when other targets work.
 */
export function targetFailureFinding(
  rule: Rule,
  items: readonly OnPremisesTarget[],
  parts: { cause: FindingSubject[]; message: string; candidates: FixCandidate[]; evidence: Finding['evidence']; references: string[] },
): Finding {
  const t = items[0]!;
  const candidates = [...parts.candidates];
  const remove = removeSmartHostCandidate(t);
  if (remove) candidates.push(remove);
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `${items.every((i) => i.othersSucceed) ? 'Intermittent: ' : ''}${parts.message} ${intermittence(items)}`,
    subjects: dedupeSubjects([...parts.cause, ...outboundConnectorSubject(t), ...flowSubjects(items)]),
    evidence: parts.evidence,
    fix: candidates[0]?.steps ?? [],
    candidates,
    references: parts.references,
  };
}
