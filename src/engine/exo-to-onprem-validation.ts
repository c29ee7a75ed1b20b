import type { OutboundConnector } from '../model/case.js';
import { certificateLabel, certificateTimeStatus, type Certificate } from '../model/certificate.js';
import { matchCertificateName } from './cert-name-match.js';
import type { TlsValidation } from './flow-types.js';

/**
 * How Exchange Online's outbound connector judges the certificate an on-premises server offers
 * (EXO-SEMANTICS M8.5/M8.6, [NOC]) and the deferral texts it writes (NDR-CATALOG, [MFI]).
 */

export const STARTTLS_REQUIRED = '450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail]';
export const SUBJECT_MISMATCH = '450 4.7.320 Certificate validation failed [Message=SubjectMismatch]';
export const UNTRUSTED_ROOT = '450 4.4.317 Cannot connect to remote server [Message=UntrustedRoot]';
export const CERTIFICATE_EXPIRED = '450 4.7.320 Certificate validation failed';
/** [model] no receive connector accepts EOP's address: "Service not available" [MFI]. */
export const CANNOT_CONNECT = '450 4.4.317 Cannot connect to remote server';
export const DNS_QUERY_FAILED = '450 4.4.312 DNS query failed';
/** M14: Exchange 2013 or later refuses to relay for an anonymous session (3P, widely observed). */
export const RELAY_DENIED = '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain';
/** M14: Exchange 2010 [JESPER(3P)][NDRLIST 5.7.1]. */
export const RELAY_DENIED_2010 = '550 5.7.1 Unable to relay';

export type TlsSettingsMode = 'opportunistic' | 'EncryptionOnly' | 'CertificateValidation' | 'DomainValidation';

/** M8.5: `$null` (or delivery without a connector) is opportunistic TLS; any other value requires TLS. */
export function tlsSettingsMode(connector: OutboundConnector | null): TlsSettingsMode {
  const v = connector?.TlsSettings?.trim().toLowerCase() ?? '';
  if (v === 'encryptiononly') return 'EncryptionOnly';
  if (v === 'certificatevalidation') return 'CertificateValidation';
  if (v === 'domainvalidation') return 'DomainValidation';
  return 'opportunistic';
}

export interface CertificateJudgement {
  validation: TlsValidation;
  /** The 4xx Exchange Online writes; null when the certificate is accepted. */
  response: string | null;
  explanation: string;
}

/** The name DomainValidation compares: TlsDomain, else the smart host's name ([model] M8.5). */
export function expectedName(connector: OutboundConnector | null, host: string): string {
  return connector?.TlsDomain?.trim() ? connector.TlsDomain.trim().toLowerCase() : host;
}

export function judgeCertificate(connector: OutboundConnector | null, host: string, cert: Certificate, at: Date): CertificateJudgement {
  const mode = tlsSettingsMode(connector);
  const label = `${certificateLabel(cert)} (${cert.Thumbprint})`;
  if (mode === 'opportunistic' || mode === 'EncryptionOnly') {
    return { validation: 'NotRequired', response: null, explanation: `TlsSettings ${mode === 'opportunistic' ? '$null (opportunistic TLS)' : 'EncryptionOnly'}: Exchange Online encrypts without checking ${label}.` };
  }
  if (mode === 'DomainValidation') {
    const name = expectedName(connector, host);
    if (!matchCertificateName(name, cert.names)) {
      return {
        validation: 'SubjectMismatch',
        response: SUBJECT_MISMATCH,
        explanation: `TlsSettings DomainValidation expects ${name}${connector?.TlsDomain ? ' (TlsDomain)' : ' (the smart host name; TlsDomain is empty)'}, but the certificate presented is ${cert.Subject} (names: ${cert.names.join(', ') || 'none'}).`,
      };
    }
  }
  if (cert.IsSelfSigned === true || !cert.trust.publiclyTrusted) {
    return { validation: 'UntrustedRoot', response: UNTRUSTED_ROOT, explanation: `TlsSettings ${mode}: ${label} does not chain to a root Exchange Online trusts (${cert.IsSelfSigned === true ? 'self-signed' : cert.trust.reason}).` };
  }
  const time = certificateTimeStatus(cert, at);
  if (time === 'expired' || time === 'not-yet-valid') {
    return { validation: 'Expired', response: CERTIFICATE_EXPIRED, explanation: `TlsSettings ${mode}: ${label} is ${time === 'expired' ? `expired since ${cert.NotAfter}` : `not valid before ${cert.NotBefore}`}.` };
  }
  return { validation: 'ok', response: null, explanation: `TlsSettings ${mode}: ${label} is valid${mode === 'DomainValidation' ? ` for ${expectedName(connector, host)}` : ''}.` };
}
