import type { SendConnector } from '../model/case.js';
import type { Certificate } from '../model/certificate.js';
import { exchangeOnlineEndpointOf, normalizeHost, type ExchangeOnlineInstance } from '../model/domains.js';
import { eopCertificateName, instanceLabel } from '../model/exchange-online-instance.js';
import type { HopFailure, HopSender, HopTls } from './flow-types.js';
import { deferredByExchangeServer } from './hop-failure.js';
import type { SimulationContext } from './simulation-context.js';

/**
 * TLS from an on-premises sender to Exchange Online (EXO-SEMANTICS M9): the send connector's
 * RequireTLS, TlsAuthLevel and TlsDomain validated against the certificate EOP presents for the
 * tenant's instance. A failure queues the message on premises (deferred).
 */
export interface ExoTlsVerdict {
  tls: HopTls | null;
  failure: HopFailure | null;
  decisions: string[];
  assumptions: string[];
}

/** M9 [model/3P text]: what the on-premises queue shows when EOP's certificate does not validate. */
export const CERTIFICATE_VALIDATION_FAILURE = '451 4.4.0 Primary target IP address responded with: "454 4.7.5 Certificate validation failure"';

/** M2 [KB4051498]: what the queue shows when the named certificate cannot be used for TLS. */
export const CREDENTIALS_FAILURE = '451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out."';

/**
 * Why a certificate selected by TlsCertificateName cannot serve TLS (M2): no private key, or
 * not enabled for SMTP. Only values the case states count (an unknown `Services` is not "none").
 */
function unusableCredentials(source: string, cert: Certificate | null): string | null {
  if (source !== 'TlsCertificateName' || !cert) return null;
  if (cert.HasPrivateKey === false) return 'has no private key';
  if (cert.Services !== null && cert.Services.trim() !== '' && !/\bsmtp\b/i.test(cert.Services)) return `is not enabled for SMTP (Services ${cert.Services})`;
  return null;
}

export function tlsTowardsExchangeOnline(sender: HopSender, host: string, clientCertificate: Certificate | null, _ctx: SimulationContext): ExoTlsVerdict {
  const verdict: ExoTlsVerdict = { tls: null, failure: null, decisions: [], assumptions: [] };
  const endpoint = exchangeOnlineEndpointOf(host);
  if (endpoint.kind !== 'eop') return verdict;
  // EOP always offers STARTTLS; GCC High and DoD present the same name, so the first instance stands for both.
  const instance: ExchangeOnlineInstance = endpoint.instances[0]!;
  const serverName = eopCertificateName(instance);
  const tls: HopTls = { offered: true, serverCertificate: serverName, clientCertificate: clientCertificate?.commonName ?? null, validation: 'NotRequired', landedOn: null };
  verdict.tls = tls;
  // Gateways: the case holds no TLS policy for a route, so only opportunistic TLS is assumed; nothing fails.
  if (sender.type !== 'send-connector') return sender.type === 'gateway-route' ? verdict : { ...verdict, tls: null };

  const c = sender.connector;
  const credentials = unusableCredentials(sender.selection.source, clientCertificate);
  if (credentials) {
    // M2 [KB4051498][LALIT]: the certificate TlsCertificateName names is found but cannot be used
    // for TLS; the send protocol log shows "TLS negotiation failed with error UnknownCredentials"
    // and the message waits in the queue, whether or not TLS is required.
    tls.validation = 'NotOffered';
    verdict.failure = deferredByExchangeServer(
      CREDENTIALS_FAILURE,
      `The certificate "${c.Name}" names in TlsCertificateName (${clientCertificate!.Thumbprint}) ${credentials}, so TLS with Exchange Online fails with UnknownCredentials (KB4051498). The message stays in the queue of ${sender.server.Name} until it expires.`,
      sender.server.extra.MessageExpirationTimeout,
    );
    return verdict;
  }
  const level = c.TlsAuthLevel?.toLowerCase() ?? null;
  if (!c.RequireTLS) {
    if (level) verdict.decisions.push(`"${c.Name}" has TlsAuthLevel ${c.TlsAuthLevel} without RequireTLS, which Exchange does not apply: TLS stays opportunistic.`);
    return verdict;
  }
  if (level === null || level === 'encryptiononly') return verdict;
  if (level === 'certificatevalidation') {
    // EOP's certificate chains to a public root (GlobalSign/DigiCert) present in Windows' store.
    tls.validation = 'ok';
    return verdict;
  }
  if (level !== 'domainvalidation') return verdict;

  const expected = c.TlsDomain?.trim().toLowerCase() || null;
  if (endpoint.dnssec && expected) {
    verdict.assumptions.push(`assumed: EOP's DNSSEC host ${normalizeHost(host)} presents ${serverName} like mail.protection.outlook.com (the certificate served on *.mx.microsoft is not confirmed, M13)`);
  }
  const why = domainValidationFailure(c, instance);
  if (why === null) {
    tls.validation = 'ok';
    verdict.decisions.push(`"${c.Name}" validates Exchange Online's certificate ${serverName} against TlsDomain ${expected}: it matches (M9).`);
    return verdict;
  }
  tls.validation = 'SubjectMismatch';
  verdict.assumptions.push('assumed: the on-premises queue shows 451 4.4.0 … "454 4.7.5 Certificate validation failure" for a failed validation of Exchange Online\'s certificate (third-party reports, M9)');
  verdict.failure = deferredByExchangeServer(
    CERTIFICATE_VALIDATION_FAILURE,
    `Send connector "${c.Name}" requires DomainValidation of Exchange Online's certificate, but ${why} (M9). The message stays in the queue of ${sender.server.Name} until it expires.`,
    sender.server.extra.MessageExpirationTimeout,
  );
  return verdict;
}

/**
 * M9 [NSC]: why a send connector with RequireTLS and DomainValidation cannot validate the
 * certificate EOP of `instance` presents, or null when it can (or validates no name): TlsDomain
 * must match the certificate's name; without TlsDomain Exchange compares the recipient domain.
 */
export function domainValidationFailure(c: SendConnector, instance: ExchangeOnlineInstance): string | null {
  if (!c.RequireTLS || c.TlsAuthLevel?.toLowerCase() !== 'domainvalidation') return null;
  const serverName = eopCertificateName(instance);
  const expected = c.TlsDomain?.trim().toLowerCase() || null;
  if (expected && tlsDomainMatches(expected, serverName)) return null;
  if (expected) return `TlsDomain ${expected} does not match ${serverName}, the certificate ${instanceLabel(instance)} presents`;
  const against = recipientDomainOf(c);
  return `without a TlsDomain, DomainValidation compares the certificate with the recipient domain${against ? ` (${against})` : ''}, which ${serverName} never matches`;
}

/** TlsDomain as Exchange compares it: the exact name, or `*.parent` covering one label under parent. */
export function tlsDomainMatches(tlsDomain: string, certificateName: string): boolean {
  const d = tlsDomain.trim().toLowerCase().replace(/\.$/, '');
  const n = certificateName.toLowerCase();
  if (d === n) return true;
  if (!d.startsWith('*.')) return false;
  const dot = n.indexOf('.');
  return dot > 0 && n.slice(dot + 1) === d.slice(2);
}

/** The domain a connector's address space names (the coexistence domain on the wizard's connector); null for `*`. */
function recipientDomainOf(c: SendConnector): string | null {
  return c.AddressSpaces.find((a) => a.Domain !== '*' && !a.Domain.startsWith('*'))?.Domain ?? null;
}
