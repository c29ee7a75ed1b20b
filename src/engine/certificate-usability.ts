import { certificateLabel, type Certificate } from '../model/certificate.js';

/** NotBefore/NotAfter as numbers, parsed once per certificate object (this runs per connection). */
const validity = new WeakMap<Certificate, { nb: number; na: number; trusted: boolean }>();

function validityOf(cert: Certificate): { nb: number; na: number; trusted: boolean } {
  let v = validity.get(cert);
  if (!v) {
    v = { nb: cert.NotBefore ? Date.parse(cert.NotBefore) : NaN, na: cert.NotAfter ? Date.parse(cert.NotAfter) : NaN, trusted: cert.trust.publiclyTrusted };
    validity.set(cert, v);
  }
  return v;
}

/**
 * Whether Exchange Online can use a presented certificate to match a certificate-scoped
 * connector. EXO-SEMANTICS M3: expired, not yet valid, self-signed or not chained to a public
 * root does not match (documented causes of 5.7.64).
 */
export function certificateProblem(cert: Certificate, at: Date): string | null {
  const v = validityOf(cert);
  const t = at.getTime();
  if (t > v.na) return `certificate ${certificateLabel(cert)} expired on ${cert.NotAfter}`;
  if (t < v.nb) return `certificate ${certificateLabel(cert)} is not valid before ${cert.NotBefore}`;
  if (!v.trusted) return `certificate ${certificateLabel(cert)} is not publicly trusted (${cert.trust.reason})`;
  return null;
}
