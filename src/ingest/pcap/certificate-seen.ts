import { X509Certificate, createHash } from 'node:crypto';
import { isSelfSigned } from '../certificate/chain-trust.js';
import { commonNameFromNodeName, parseSubjectAltNames, windowsDistinguishedName } from '../certificate/x509-names.js';
import type { CapturedCertificate } from './capture-model.js';
import { ownedCopy } from './owned-copy.js';

/**
 * A certificate from a TLS Certificate message, described the way the rest of the project
 * describes certificates (names in the Windows form Exchange prints, fingerprints upper-case hex
 * without separators like Exchange's Thumbprint). The same server certificate appears in every
 * session to that server, so decoded certificates are remembered by their SHA-256 and the same
 * frozen object is shared by every session that saw them.
 */

const CACHE_LIMIT = 4096;
/** Decoded certificates by a cheap key (length and a few sampled bytes); the DER is compared in full on a hit. */
const cache = new Map<string, { der: Buffer; certificate: CapturedCertificate }[]>();
let cached = 0;

function quickKey(der: Uint8Array): string {
  let h = der.length;
  // Serial number and signature sit near the start and the end: sample both.
  for (let i = 0; i < Math.min(64, der.length); i++) h = Math.imul(h ^ der[i]!, 0x01000193);
  for (let i = Math.max(0, der.length - 64); i < der.length; i++) h = Math.imul(h ^ der[i]!, 0x01000193);
  return `${der.length}:${h >>> 0}`;
}

export function certificateFromDer(der: Uint8Array): CapturedCertificate {
  const key = quickKey(der);
  const bucket = cache.get(key);
  const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const known = bucket?.find((e) => e.der.equals(bytes));
  if (known) return known.certificate;
  const sha256 = createHash('sha256').update(der).digest('hex').toUpperCase();
  const described = describe(der, sha256);
  Object.freeze(described.dnsNames);
  Object.freeze(described);
  if (cached >= CACHE_LIMIT) {
    cache.clear();
    cached = 0;
  }
  const entry = { der: ownedCopy(bytes), certificate: described };
  if (bucket) bucket.push(entry);
  else cache.set(key, [entry]);
  cached++;
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
