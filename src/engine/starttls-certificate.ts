import type { ExchangeServer, ReceiveConnector } from '../model/case.js';
import { certificatesNamed, certificateTimeStatus, type Certificate } from '../model/certificate.js';
import { hasAuthMechanism } from '../model/receive-connector-settings.js';
import { certificateCoversHost } from './cert-name-match.js';
import { serverFqdn } from './send-routing.js';

/**
 * The certificate a receive connector offers with STARTTLS (EXO-SEMANTICS M8.4, [STARTTLS]):
 * offered only if AuthMechanism holds Tls; the certificate named by TlsCertificateName, else one
 * for the connector's Fqdn, else for the server's FQDN; eligible = private key and the name in the
 * subject or SANs; the latest NotBefore first, the first valid publicly trusted one, else the first
 * self-signed one; none → no STARTTLS (event 12014). A certificate without the SMTP service is
 * still chosen, and the handshake fails afterwards ([KB4051498]).
 */

export type NoStarttlsReason = 'no-tls-auth' | 'missing-named-certificate' | 'no-eligible-certificate';

export interface StarttlsOffer {
  offered: boolean;
  certificate: Certificate | null;
  /** What selected the certificate. */
  source: 'TlsCertificateName' | 'Fqdn' | 'server FQDN' | null;
  /** Why STARTTLS is not offered. */
  noStarttls: NoStarttlsReason | null;
  /** The chosen certificate's Services lack SMTP: the TLS handshake fails ([KB4051498]). */
  smtpServiceMissing: boolean;
  explanation: string;
}

function isSmtpDisabled(cert: Certificate): boolean {
  return cert.Services !== null && !/\bsmtp\b/i.test(cert.Services);
}

function byLatestNotBefore(a: Certificate, b: Certificate): number {
  return (Date.parse(b.NotBefore ?? '') || 0) - (Date.parse(a.NotBefore ?? '') || 0) || a.Thumbprint.localeCompare(b.Thumbprint);
}

function offer(certificate: Certificate, source: StarttlsOffer['source'], why: string): StarttlsOffer {
  const smtpServiceMissing = isSmtpDisabled(certificate);
  return {
    offered: true,
    certificate,
    source,
    noStarttls: null,
    smtpServiceMissing,
    explanation: `${why} selects ${certificate.Subject} (${certificate.Thumbprint})${smtpServiceMissing ? `, whose Services (${certificate.Services}) lack SMTP, so the TLS handshake fails (KB4051498)` : ''}.`,
  };
}

function none(reason: NoStarttlsReason, explanation: string): StarttlsOffer {
  return { offered: false, certificate: null, source: null, noStarttls: reason, smtpServiceMissing: false, explanation };
}

/** M8.4's choice among certificates for a name. */
export function certificateForName(name: string, serverCerts: readonly Certificate[], at: Date): Certificate | null {
  const eligible = serverCerts.filter((c) => c.HasPrivateKey !== false && certificateCoversHost(c.names, name)).sort(byLatestNotBefore);
  return (
    eligible.find((c) => c.IsSelfSigned !== true && c.trust.publiclyTrusted && certificateTimeStatus(c, at) !== 'expired' && certificateTimeStatus(c, at) !== 'not-yet-valid') ??
    eligible.find((c) => c.IsSelfSigned === true) ??
    // An expired certificate is still offered (event 12016).
    eligible[0] ??
    null
  );
}

export function starttlsCertificate(rc: ReceiveConnector, server: ExchangeServer, serverCerts: readonly Certificate[], at: Date): StarttlsOffer {
  if (hasAuthMechanism(rc, 'Tls') === false) {
    return none('no-tls-auth', `"${rc.Name}" has AuthMechanism ${rc.AuthMechanism} without Tls, so it offers no STARTTLS.`);
  }
  if (rc.TlsCertificateName) {
    const named = certificatesNamed(rc.TlsCertificateName, serverCerts);
    if (named) {
      const usable = named.filter((c) => c.HasPrivateKey !== false).sort(byLatestNotBefore);
      if (usable[0]) return offer(usable[0], 'TlsCertificateName', `TlsCertificateName of "${rc.Name}"`);
      return none(
        'missing-named-certificate',
        `TlsCertificateName of "${rc.Name}" (${rc.TlsCertificateName}) names no certificate with a private key on ${server.Name}, so the connector offers no STARTTLS (event 12014, KB2989382).`,
      );
    }
  }
  if (rc.Fqdn) {
    const c = certificateForName(rc.Fqdn, serverCerts, at);
    if (c) return offer(c, 'Fqdn', `Fqdn ${rc.Fqdn} of "${rc.Name}"`);
  }
  const own = serverFqdn(server);
  const c = certificateForName(own, serverCerts, at);
  if (c) return offer(c, 'server FQDN', `${rc.Fqdn ? `No certificate on ${server.Name} covers Fqdn ${rc.Fqdn}; the` : 'The'} server FQDN ${own}`);
  return none('no-eligible-certificate', `No certificate with a private key on ${server.Name} covers ${[rc.Fqdn, own].filter(Boolean).join(' or ')}, so "${rc.Name}" offers no STARTTLS (event 12014).`);
}
