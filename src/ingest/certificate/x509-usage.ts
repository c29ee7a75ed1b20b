import type { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate as AsnCertificate, ExtendedKeyUsage, KeyUsage, id_ce_extKeyUsage, id_ce_keyUsage } from '@peculiar/asn1-x509';
import type { EnhancedKeyUsage } from '../../model/certificate.js';

/**
 * Extended Key Usage and Key Usage of a certificate. Node's X509Certificate does not expose the
 * Key Usage bits (and renamed its EKU accessor between versions), so both extensions are read
 * from the DER with an ASN.1 schema library.
 */

/** RFC 5280 short name and the friendly name Windows shows in Get-ExchangeCertificate's EnhancedKeyUsageList. */
const PURPOSES: Record<string, [name: string, friendly: string]> = {
  '1.3.6.1.5.5.7.3.1': ['serverAuth', 'Server Authentication'],
  '1.3.6.1.5.5.7.3.2': ['clientAuth', 'Client Authentication'],
  '1.3.6.1.5.5.7.3.3': ['codeSigning', 'Code Signing'],
  '1.3.6.1.5.5.7.3.4': ['emailProtection', 'Secure Email'],
  '1.3.6.1.5.5.7.3.8': ['timeStamping', 'Time Stamping'],
  '1.3.6.1.5.5.7.3.9': ['OCSPSigning', 'OCSP Signing'],
  '1.3.6.1.4.1.311.10.3.4': ['msEFS', 'Encrypting File System'],
  '1.3.6.1.4.1.311.20.2.2': ['msSmartcardLogin', 'Smart Card Logon'],
  '2.5.29.37.0': ['anyExtendedKeyUsage', 'Any Purpose'],
};

/**
 * RFC 5280 names in bit order (bit 0 first), the order OpenSSL and Windows print them. The
 * library's own list is alphabetical and spells cRLSign differently.
 */
const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export interface CertificateUsage {
  /** Empty when the certificate has no EKU extension, which RFC 5280 reads as "any purpose". */
  EnhancedKeyUsageList: EnhancedKeyUsage[];
  /** RFC 5280 bit names (digitalSignature, keyEncipherment …); empty when the extension is absent. */
  KeyUsage: string[];
  /** Why an extension present in the certificate could not be read, if it could not. */
  problem: string | null;
}

export function enhancedKeyUsage(oid: string): EnhancedKeyUsage {
  const known = PURPOSES[oid];
  return { Value: oid, FriendlyName: known?.[1] ?? null, Name: known?.[0] ?? null };
}

export function certificateUsage(x509: X509Certificate): CertificateUsage {
  const usage: CertificateUsage = { EnhancedKeyUsageList: [], KeyUsage: [], problem: null };
  try {
    const parsed = AsnConvert.parse(x509.raw, AsnCertificate);
    for (const ext of parsed.tbsCertificate.extensions ?? []) {
      if (ext.extnID === id_ce_extKeyUsage) {
        usage.EnhancedKeyUsageList = [...AsnConvert.parse(ext.extnValue, ExtendedKeyUsage)].map(enhancedKeyUsage);
      } else if (ext.extnID === id_ce_keyUsage) {
        const bits = AsnConvert.parse(ext.extnValue, KeyUsage).toNumber();
        usage.KeyUsage = KEY_USAGE_BITS.filter((_, i) => (bits & (1 << i)) !== 0);
      }
    }
  } catch (e) {
    usage.problem = `key usage extensions do not parse: ${(e as Error).message}`;
  }
  return usage;
}
