import { X509Certificate, createHash } from 'node:crypto';
import { isSelfSigned } from '../certificate/chain-trust.js';
import { commonNameFromNodeName, parseSubjectAltNames, windowsDistinguishedName } from '../certificate/x509-names.js';
import type { CapturedCertificate } from './capture-model.js';

/**
 * A certificate from a TLS Certificate message, described the way the rest of the project
 * describes certificates (names in the Windows form Exchange prints, fingerprints upper-case hex
 * without separators like Exchange's Thumbprint). The same server certificate appears in every
 * session to that server, so decoded certificates are remembered by their SHA-256 and the same
 * frozen object is shared by every session that saw them.
 */

const CACHE_LIMIT = 4096;
const cache = new Map<string, CapturedCertificate>();

export function certificateFromDer(der: Uint8Array): CapturedCertificate {
  const sha256 = createHash('sha256').update(der).digest('hex').toUpperCase();
  const known = cache.get(sha256);
  if (known) return known;
  const described = describe(der, sha256);
  Object.freeze(described.dnsNames);
  Object.freeze(described);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(sha256, described);
  return described;
}

function describe(der: Uint8Array, sha256: string): CapturedCertificate {
  const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
  try {
    const x = new X509Certificate(der);
    return {
      subject: windowsDistinguishedName(x.subject),
      commonName: commonNameFromNodeName(x.subject),
      dnsNames: parseSubjectAltNames(x.subjectAltName)
        .filter((e) => e.type === 'DNS')
        .map((e) => e.value.trim()),
      issuer: windowsDistinguishedName(x.issuer),
      notBefore: isoDate(x.validFrom),
      notAfter: isoDate(x.validTo),
      sha1,
      sha256,
      selfSigned: isSelfSigned(x),
      serial: x.serialNumber.toUpperCase(),
    };
  } catch (e) {
    return {
      subject: null,
      commonName: null,
      dnsNames: [],
      issuer: null,
      notBefore: null,
      notAfter: null,
      sha1,
      sha256,
      selfSigned: null,
      serial: null,
      error: `not a readable X.509 certificate: ${(e as Error).message}`,
    };
  }
}

function isoDate(text: string): string | null {
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
