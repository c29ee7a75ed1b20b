import type { Presenter } from './presenters.js';
import type { FixCandidate, FixLocation, FixStep } from '../finding.js';
import { psIdentity, psQuote } from '../finding.js';
import type { Organization, SendConnector } from '../../model/case.js';
import type { Certificate } from '../../model/certificate.js';
import { serverByName } from '../../engine/send-routing.js';

/**
 * Fix steps written as an admin pastes them: real values from the case, no `<placeholder>`
 * inside a command (what the admin must choose goes in the text), and where each runs.
 */

export const EMS: FixLocation = 'Exchange Management Shell';
export const EXO: FixLocation = 'Exchange Online PowerShell';
export const EDGE: FixLocation = 'Edge Transport server (then Start-EdgeSynchronization on a Mailbox server)';

/** A step only the admin can carry out (buying a certificate, DNS, firewall, a gateway's console). */
export function manualStep(where: FixLocation, text: string): FixStep {
  return { text, where };
}

export function candidate(...steps: FixStep[]): FixCandidate {
  return { steps };
}

/**
 * Edge-subscribed send connectors live in Active Directory: they are changed in the Exchange
 * Management Shell of a Mailbox server and reach the Edge with the next EdgeSync (Set-SendConnector
 * is refused on a subscribed Edge). The sentence to add to a step's text, or '' when no Edge.
 */
export function edgeSyncNote(org: Organization | null | undefined, connector: SendConnector): string {
  const edges = org ? connector.SourceTransportServers.filter((n) => serverByName(org, n)?.Role === 'Edge') : [];
  return edges.length > 0 ? ` Run it on a Mailbox server, then Start-EdgeSynchronization so ${edges.join(', ')} receive${edges.length === 1 ? 's' : ''} it.` : '';
}

/** Where certificates of a server are installed and enabled: on an Edge, on the Edge itself. */
export function certificateWhere(org: Organization | null | undefined, serverNames: readonly string[]): FixLocation {
  return org && serverNames.some((n) => serverByName(org, n)?.Role === 'Edge') ? EDGE : EMS;
}

/** How to make a presenter send a particular certificate name (EXO-SEMANTICS M2: Fqdn selects the certificate). */
export function presentCertificateStep(p: Presenter, certName: string, why: string): FixStep {
  if (p.kind === 'send-connector' && p.connector) {
    return {
      text: `${why}: set the Fqdn of send connector "${p.connector.Name}" (${p.organization?.Name}) to ${certName}, so Exchange selects the SMTP certificate for that name (it must be installed on ${p.connector.SourceTransportServers.join(', ')} and enabled for SMTP).${edgeSyncNote(p.organization, p.connector)}`,
      command: `Set-SendConnector -Identity ${psIdentity(p.connector.Name)} -Fqdn ${certName}`,
      where: EMS,
    };
  }
  return manualStep('gateway administration', `${why}: configure ${p.label} to present a certificate for ${certName} (in the gateway's own administration; there is no Exchange cmdlet for it).`);
}

/**
 * Narrows an Exchange Online connector to one certificate name. `value` must be a real name from
 * the case; when the admin has to choose it, the step is text only and says so.
 */
export function setInboundCertificateNameStep(connectorName: string, value: string, why: string, tenant?: string): FixStep {
  const inTenant = tenant ? ` (Exchange Online PowerShell connected to ${tenant})` : '';
  if (/[<>]/.test(value)) {
    return { text: `${why}: set TlsSenderCertificateName of "${connectorName}" to ${value.replace(/^<|>$/g, '')}${inTenant}, with Set-InboundConnector -Identity ${psIdentity(connectorName)} -TlsSenderCertificateName followed by that name.`, where: EXO };
  }
  return { text: `${why}: set TlsSenderCertificateName of "${connectorName}" to ${value}${inTenant}.`, command: `Set-InboundConnector -Identity ${psIdentity(connectorName)} -TlsSenderCertificateName ${value}`, where: EXO };
}

/** `<I>issuer<S>subject`, as Set-SendConnector / Set-ReceiveConnector take it (quoted for PowerShell). */
export function tlsCertificateNameValue(cert: Pick<Certificate, 'Issuer' | 'Subject'>): string {
  return psQuote(`<I>${cert.Issuer}<S>${cert.Subject}`);
}

export function tlsCertificateNameStep(connectorName: string, issuer: string, subject: string, kind: 'Send' | 'Receive', note = ''): FixStep {
  return {
    text: `Point ${kind.toLowerCase()} connector "${connectorName}" at the installed certificate by issuer and subject.${note}`,
    command: `Set-${kind}Connector -Identity ${psIdentity(connectorName)} -TlsCertificateName ${tlsCertificateNameValue({ Issuer: issuer, Subject: subject })}`,
    where: EMS,
  };
}

/**
 * Getting a new certificate cannot be simulated: what the admin does at the CA and on the
 * servers, with the values the case knows (names, servers) and the ones it cannot (thumbprint).
 */
export function newCertificateSteps(names: readonly string[], org: Organization | null | undefined, servers: readonly string[]): FixStep[] {
  return [
    manualStep('certificate authority', `Obtain a publicly trusted certificate for ${names.join(', ')} (with its full chain) from a public certificate authority.`),
    manualStep(
      certificateWhere(org, servers),
      `Import it on ${servers.join(', ') || 'the sending servers'} and enable it for SMTP: Import-ExchangeCertificate with the PFX file, then Enable-ExchangeCertificate -Services SMTP with the thumbprint the import prints (answer No to replacing the default SMTP certificate).`,
    ),
  ];
}
