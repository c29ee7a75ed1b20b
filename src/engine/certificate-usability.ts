import { certificateLabel, certificateTimeStatus, type Certificate } from '../model/certificate.js';

/**
 * Whether Exchange Online can use a presented certificate to match a certificate-scoped
 * connector. EXO-SEMANTICS M3: expired, not yet valid, self-signed or not chained to a public
 * root does not match (documented causes of 5.7.64).
 */
export function certificateProblem(cert: Certificate, at: Date): string | null {
  const time = certificateTimeStatus(cert, at);
  if (time === 'expired') return `certificate ${certificateLabel(cert)} expired on ${cert.NotAfter}`;
  if (time === 'not-yet-valid') return `certificate ${certificateLabel(cert)} is not valid before ${cert.NotBefore}`;
  if (!cert.trust.publiclyTrusted) return `certificate ${certificateLabel(cert)} is not publicly trusted (${cert.trust.reason})`;
  return null;
}
