import { X509Certificate } from 'node:crypto';
import { ContentInfo, SignedData, id_signedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';

/**
 * PKCS#7 / CMS certificate bundles (`.p7b`, `.p7c`): what Windows' certificate export wizard and
 * most CAs hand out for a chain. It is a SignedData with no content and no signers, only a
 * certificate set. Node has no PKCS#7 parser, so the structure is read with an ASN.1 schema
 * library and each certificate is handed to Node's X509Certificate like any other.
 */

/** DER prefix test: SEQUENCE, then within the first bytes the signedData content type OID. */
const SIGNED_DATA_OID = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);

/** PEM labels used for PKCS#7: OpenSSL's, and the RFC 7468 form some tools write. */
export const PKCS7_PEM_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);

export function looksLikeDerPkcs7(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || bytes[0] !== 0x30) return false;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 24));
  // The OID follows the outer length (2–5 bytes), so it starts within the first 6 bytes.
  const at = head.indexOf(SIGNED_DATA_OID);
  return at >= 2 && at <= 6;
}

export interface Pkcs7Read {
  certificates: X509Certificate[];
  /** Entries of the set that are not X.509 certificates or do not parse. */
  problems: string[];
  error: string | null;
}

export function readPkcs7Der(der: Uint8Array): Pkcs7Read {
  const out: Pkcs7Read = { certificates: [], problems: [], error: null };
  let signed: SignedData;
  try {
    const info = AsnConvert.parse(der, ContentInfo);
    if (info.contentType !== id_signedData) {
      out.error = `PKCS#7 content type ${info.contentType} is not signedData; it carries no certificates`;
      return out;
    }
    signed = AsnConvert.parse(info.content, SignedData);
  } catch (e) {
    out.error = `PKCS#7 structure does not parse: ${asn1Problem(e, der.byteLength)}`;
    return out;
  }
  const original = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const set = signed.certificates ?? [];
  set.forEach((choice, i) => {
    if (!choice.certificate) {
      out.problems.push(`PKCS#7 entry ${i + 1} is not an X.509 certificate (attribute or other certificate format); skipped`);
      return;
    }
    try {
      // Re-encoding must give back the bytes of the file, or the thumbprint would not be the certificate's.
      const bytes = Buffer.from(AsnConvert.serialize(choice.certificate));
      if (original.indexOf(bytes) < 0) {
        out.problems.push(`PKCS#7 entry ${i + 1} is not strict DER; its thumbprint cannot be computed reliably; export it as a .cer instead`);
        return;
      }
      out.certificates.push(new X509Certificate(bytes));
    } catch (e) {
      out.problems.push(`PKCS#7 entry ${i + 1} does not parse as X.509: ${asn1Problem(e, der.byteLength)}`);
    }
  });
  if (out.certificates.length === 0 && out.problems.length === 0) out.error = 'PKCS#7 bundle holds no certificate';
  return out;
}

/**
 * What an ASN.1 decoding failure means for the admin. The libraries' own messages describe their
 * internals ("Offset is outside the bounds of the DataView"); a read past the end means the DER is
 * cut short, anything else that it is damaged.
 */
export function asn1Problem(e: unknown, length: number): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError || /outside the bounds|out of range|offset/i.test(message)) {
    return `the DER data (${length} bytes) ends before its structure does (cut short or damaged)`;
  }
  if (/^[\x20-\x7e]{1,160}$/.test(message) && !/DataView|undefined|null|\bat\b .*\(/.test(message)) return `damaged DER (${message})`;
  return `damaged DER (${length} bytes)`;
}
