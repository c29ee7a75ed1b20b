import type { Presenter } from './presenters.js';
import type { FixStep } from '../finding.js';
import { psIdentity, psQuote } from '../finding.js';

/** How to make a presenter send a particular certificate name (EXO-SEMANTICS M2: Fqdn selects the certificate). */
export function presentCertificateStep(p: Presenter, certName: string, why: string): FixStep {
  if (p.kind === 'send-connector' && p.connector) {
    return {
      text: `${why}: set the Fqdn of send connector "${p.connector.Name}" (${p.organization?.Name}) to ${certName}, so Exchange selects the SMTP certificate for that name (it must be installed on ${p.connector.SourceTransportServers.join(', ')} and enabled for SMTP).`,
      command: `Set-SendConnector -Identity ${psIdentity(p.connector.Name)} -Fqdn ${certName}`,
    };
  }
  return { text: `${why}: configure ${p.label} to present a certificate for ${certName} (in the gateway's own administration; there is no Exchange cmdlet for it).` };
}

export function setInboundCertificateNameStep(connectorName: string, value: string, why: string): FixStep {
  return { text: `${why}: set TlsSenderCertificateName of "${connectorName}" to ${value}.`, command: `Set-InboundConnector -Identity ${psIdentity(connectorName)} -TlsSenderCertificateName ${value}` };
}

export function tlsCertificateNameStep(connectorName: string, issuer: string, subject: string, kind: 'Send' | 'Receive'): FixStep {
  return {
    text: `Point ${kind.toLowerCase()} connector "${connectorName}" at the installed certificate by issuer and subject.`,
    command: `Set-${kind}Connector -Identity ${psIdentity(connectorName)} -TlsCertificateName ${psQuote(`<I>${issuer}<S>${subject}`)}`,
  };
}
