import { X509Certificate } from 'node:crypto';

/** A DER certificate is a few KB; a RawData value far past that is not one (bounded work on hostile input). */
const MAX_DER_BYTES = 64 * 1024;

/**
 * The certificate in an X509Certificate2's `RawData` as PowerShell exports it: base64 text
 * (Export-Clixml `<BA>`) or a list of byte values (ConvertTo-Json of a byte[]). Null when the value
 * is absent, too large or not a DER certificate.
 */
export function x509FromRawData(value: unknown): X509Certificate | null {
  let der: Buffer | null = null;
  if (typeof value === 'string') {
    if (value.length === 0 || value.length > (MAX_DER_BYTES * 4) / 3 + 8) return null;
    der = Buffer.from(value, 'base64');
  } else if (Array.isArray(value)) {
    if (value.length === 0 || value.length > MAX_DER_BYTES || !value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return null;
    der = Buffer.from(value as number[]);
  }
  // DER SEQUENCE with a long-form length: every certificate starts 30 82 (or 30 81 for tiny ones).
  if (der === null || der.length < 64 || der[0] !== 0x30) return null;
  try {
    return new X509Certificate(der);
  } catch {
    return null;
  }
}
