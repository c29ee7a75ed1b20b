import type { Provenance } from './provenance.js';

/**
 * A certificate as Get-ExchangeCertificate describes it (property names kept), plus what
 * mailflow-doctor derives: the names it covers and whether it chains to a public root.
 */
export interface Certificate {
  /** SHA-1 thumbprint, upper-case hex without separators (Exchange's `Thumbprint`). */
  Thumbprint: string;
  Subject: string;
  Issuer: string;
  CertificateDomains: string[];
  NotBefore: string | null;
  NotAfter: string | null;
  IsSelfSigned: boolean | null;
  HasPrivateKey: boolean | null;
  Services: string | null;
  RootCAType: string | null;
  Status: string | null;
  /** Server FQDN the certificate is installed on, when the input says so. */
  Server: string | null;
  File: string | null;
  /** SHA-256 fingerprint when read from a file. */
  Sha256: string | null;
  /** Lower-case subject CN and every SAN dNSName, deduplicated: the names EOP compares (EXO-SEMANTICS M3). */
  names: string[];
  commonName: string | null;
  /**
   * Extended Key Usage purposes (Get-ExchangeCertificate's name). Empty: the certificate has no
   * EKU extension (any purpose). Absent: the input does not say.
   */
  EnhancedKeyUsageList?: EnhancedKeyUsage[];
  /** Key Usage bits by RFC 5280 name (digitalSignature, keyEncipherment …); empty when the extension is absent. */
  KeyUsage?: string[];
  /** Public trust as judged at load time (CONTRACT: inline properties, or the file's chain). */
  trust: { publiclyTrusted: boolean; reason: string };
  extra: Record<string, unknown>;
  provenance: Provenance;
}

/** One EKU purpose: the OID and Windows' friendly name as .NET's Oid prints them, and the RFC 5280 short name. */
export interface EnhancedKeyUsage {
  Value: string;
  FriendlyName: string | null;
  /** serverAuth, clientAuth …; null for an OID without one. */
  Name: string | null;
}

export type CertificateTimeStatus = 'valid' | 'expired' | 'not-yet-valid' | 'unknown';

export function certificateTimeStatus(cert: Certificate, at: Date): CertificateTimeStatus {
  const t = at.getTime();
  const nb = cert.NotBefore ? Date.parse(cert.NotBefore) : NaN;
  const na = cert.NotAfter ? Date.parse(cert.NotAfter) : NaN;
  if (!Number.isNaN(na) && t > na) return 'expired';
  if (!Number.isNaN(nb) && t < nb) return 'not-yet-valid';
  if (Number.isNaN(na) && Number.isNaN(nb)) return 'unknown';
  return 'valid';
}

/** Common name from an X.500 string such as `CN=smtp.contoso.com, O=Contoso, C=US`. */
export function commonNameOf(distinguishedName: string): string | null {
  const m = /(?:^|[,/\s])CN\s*=\s*("(?:[^"]*)"|[^,/+]+)/i.exec(distinguishedName);
  if (!m || m[1] === undefined) return null;
  return m[1].replace(/^"|"$/g, '').trim();
}

/** X.500 names compared the way Exchange matches `<I>issuer<S>subject`: RDNs in order, whitespace and case ignored. */
export function normalizeDistinguishedName(dn: string): string {
  return dn
    .split(/\s*,\s*/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '=').toLowerCase())
    .filter((rdn) => rdn.length > 0)
    .join(',');
}

/** Parses a connector's `TlsCertificateName` value `<I>issuer<S>subject`. */
export function parseTlsCertificateName(value: string): { issuer: string; subject: string } | null {
  const m = /^\s*<I>(.*)<S>(.*)$/is.exec(value);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  return { issuer: m[1].trim(), subject: m[2].trim() };
}

/** The certificates matching a `<I>issuer<S>subject` value; null when the value is not in that form. */
export function certificatesNamed(value: string, certs: readonly Certificate[]): Certificate[] | null {
  const parsed = parseTlsCertificateName(value);
  if (!parsed) return null;
  const issuer = normalizeDistinguishedName(parsed.issuer);
  const subject = normalizeDistinguishedName(parsed.subject);
  return certs.filter((c) => normalizeDistinguishedName(c.Issuer) === issuer && normalizeDistinguishedName(c.Subject) === subject);
}

/** The label a report shows for a certificate: its CN, else its first name, else its thumbprint. */
export function certificateLabel(cert: Certificate): string {
  return cert.commonName ?? cert.names[0] ?? cert.Thumbprint;
}
