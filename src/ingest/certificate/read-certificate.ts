import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Certificate } from '../../model/certificate.js';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import type { Provenance } from '../../model/provenance.js';
import { decodeText } from '../text-decoding.js';
import { isSelfSigned, judgeChainTrust, type TrustJudgement } from './chain-trust.js';
import { PKCS7_PEM_LABELS, looksLikeDerPkcs7, readPkcs7Der } from './pkcs7.js';
import { certificateUsage } from './x509-usage.js';
import { commonNameFromNodeName, parseSubjectAltNames, windowsDistinguishedName } from './x509-names.js';

/** One certificate found in a file, with the line its PEM block starts on (null for DER). */
export interface CertificateBlock {
  x509: X509Certificate;
  line: number | null;
}

export interface ParsedCertificateBytes {
  blocks: CertificateBlock[];
  /** PEM blocks that did not parse, and why. */
  problems: { line: number | null; message: string }[];
  /** SHA-256 fingerprints of certificates whose private key is in the same file. */
  withPrivateKey: Set<string>;
  /** Why nothing could be read, when nothing could. */
  error: string | null;
}

/** The result of reading one certificate file: model certificates plus the parsed X.509 objects for chain building. */
export interface CertificateFileRead {
  file: string;
  report: InputReport;
  certificates: Certificate[];
  x509: X509Certificate[];
  error: string | null;
}

/**
 * The PEM blocks of a text, in one pass: each BEGIN is paired with the next END after it (a regular
 * expression searching for the matching END from every BEGIN is quadratic when ENDs are missing).
 * A BEGIN whose next END has another label, or that has none, is reported once at its line.
 */
interface PemBlock {
  kind: string;
  /** The block from BEGIN to END inclusive. */
  whole: string;
  body: string;
  index: number;
}

const PEM_BEGIN = '-----BEGIN ';
const PEM_END = '-----END ';

function pemBlocks(text: string): { blocks: PemBlock[]; unterminated: { kind: string; index: number }[] } {
  const blocks: PemBlock[] = [];
  const unterminated: { kind: string; index: number }[] = [];
  let nextEnd = -2;
  let p = text.indexOf(PEM_BEGIN);
  while (p >= 0) {
    const labelStart = p + PEM_BEGIN.length;
    const labelEnd = text.indexOf('-----', labelStart);
    const kind = labelEnd < 0 ? '' : text.slice(labelStart, labelEnd);
    if (labelEnd < 0 || labelEnd - labelStart > 64 || !/^[A-Z0-9 ]+$/.test(kind)) {
      p = text.indexOf(PEM_BEGIN, labelStart);
      continue;
    }
    const bodyStart = labelEnd + 5;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf(PEM_END, bodyStart);
    const endTag = `${PEM_END}${kind}-----`;
    if (nextEnd >= 0 && text.startsWith(endTag, nextEnd)) {
      const stop = nextEnd + endTag.length;
      blocks.push({ kind, whole: text.slice(p, stop), body: text.slice(bodyStart, nextEnd), index: p });
      p = text.indexOf(PEM_BEGIN, stop);
      continue;
    }
    if (unterminated.length < 100) unterminated.push({ kind, index: p });
    p = text.indexOf(PEM_BEGIN, bodyStart);
  }
  return { blocks, unterminated };
}
const BASE64_ONLY = /^[A-Za-z0-9+/=\s]+$/;

/** True when the bytes hold an X.509 certificate: a PEM CERTIFICATE or PKCS7 block, DER, bare base64 DER, or a DER PKCS#7 bundle. */
export function detectCertificate(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1 << 20));
  if (head.includes('-----BEGIN CERTIFICATE-----')) return true;
  for (const label of PKCS7_PEM_LABELS) if (head.includes(`-----BEGIN ${label}-----`)) return true;
  return looksLikeDerPkcs7(bytes) || derCertificate(bytes) !== null;
}

function derCertificate(bytes: Uint8Array): X509Certificate | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tryDer = (der: Buffer): X509Certificate | null => {
    if (der.length < 64 || der[0] !== 0x30) return null;
    try {
      return new X509Certificate(der);
    } catch {
      return null;
    }
  };
  const direct = tryDer(b);
  if (direct) return direct;
  // Some tools write "Base-64 encoded X.509" without the PEM armour.
  if (b.length < 1 << 20) {
    const text = b.toString('latin1').trim();
    if (text.length > 80 && BASE64_ONLY.test(text)) return tryDer(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
  }
  return null;
}

export function parseCertificateBytes(bytes: Uint8Array): ParsedCertificateBytes {
  const result: ParsedCertificateBytes = { blocks: [], problems: [], withPrivateKey: new Set(), error: null };
  const text = decodeText(bytes);
  if (text.includes('-----BEGIN ')) {
    const keys: string[] = [];
    const otherKinds = new Set<string>();
    const lines = lineCounter(text);
    const pem = pemBlocks(text);
    for (const u of pem.unterminated) result.problems.push({ line: lines(u.index), message: `PEM ${u.kind} block has no matching -----END ${u.kind}----- line; skipped` });
    for (const m of pem.blocks) {
      const kind = m.kind;
      const line = lines(m.index);
      if (kind === 'CERTIFICATE') {
        try {
          result.blocks.push({ x509: new X509Certificate(m.whole), line });
        } catch (e) {
          result.problems.push({ line, message: `PEM CERTIFICATE block does not parse: ${(e as Error).message}` });
        }
      } else if (PKCS7_PEM_LABELS.has(kind)) {
        addPkcs7(result, Buffer.from(m.body, 'base64'), line);
      } else if (kind.endsWith('PRIVATE KEY')) {
        keys.push(m.whole);
      } else {
        otherKinds.add(kind);
      }
    }
    markPrivateKeys(result, keys);
    if (result.blocks.length === 0 && result.problems.length === 0) {
      const found = [...otherKinds, ...(keys.length > 0 ? ['PRIVATE KEY'] : [])];
      result.error = `holds no certificate${found.length > 0 ? ` (found ${found.join(', ')})` : ''}`;
    }
    return result;
  }
  if (looksLikeDerPkcs7(bytes)) {
    addPkcs7(result, bytes, null);
    return result;
  }
  const der = derCertificate(bytes);
  if (der) result.blocks.push({ x509: der, line: null });
  else result.error = 'not a certificate (neither a PEM CERTIFICATE block nor DER-encoded X.509 or PKCS#7)';
  return result;
}

/** A PKCS#7 bundle's certificates join the file's blocks at the bundle's line; what it cannot yield is a problem there. */
function addPkcs7(result: ParsedCertificateBytes, der: Uint8Array, line: number | null): void {
  const read = readPkcs7Der(der);
  for (const x509 of read.certificates) result.blocks.push({ x509, line });
  for (const message of read.problems) result.problems.push({ line, message });
  if (read.error) result.problems.push({ line, message: read.error });
}

/** A PEM bundle may carry the key; Exchange's HasPrivateKey is true only when it belongs to the certificate. */
function markPrivateKeys(result: ParsedCertificateBytes, keys: string[]): void {
  for (const pem of keys) {
    try {
      const key = createPrivateKey(pem);
      for (const b of result.blocks) if (b.x509.checkPrivateKey(key)) result.withPrivateKey.add(b.x509.fingerprint256);
    } catch {
      // An encrypted key cannot be matched without its passphrase; HasPrivateKey stays unknown.
    }
  }
}

/** 1-based line of increasing offsets, counted incrementally so a large bundle stays linear. */
function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    for (; at < offset; at++) if (text.charCodeAt(at) === 10) line++;
    return line;
  };
}

function hex(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toUpperCase();
}

function isoDate(text: string): string | null {
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** A model certificate from an X.509 object, trust judged against the supplied certificates. */
export function certificateFromX509(
  x509: X509Certificate,
  file: string,
  provenance: Provenance,
  supplied: readonly X509Certificate[],
  hasPrivateKey: boolean | null = null,
): Certificate {
  const commonName = commonNameFromNodeName(x509.subject);
  const dnsNames = parseSubjectAltNames(x509.subjectAltName)
    .filter((e) => e.type === 'DNS')
    .map((e) => e.value.trim());
  // Get-ExchangeCertificate lists the SAN names; a certificate without SANs is known by its CN.
  const domains = dnsNames.length > 0 ? dnsNames : commonName ? [commonName] : [];
  const names = [...new Set([...(commonName ? [commonName] : []), ...dnsNames].map((n) => n.toLowerCase()))];
  const usage = certificateUsage(x509);
  return {
    Thumbprint: hex(x509.fingerprint),
    Subject: windowsDistinguishedName(x509.subject),
    Issuer: windowsDistinguishedName(x509.issuer),
    CertificateDomains: domains,
    NotBefore: isoDate(x509.validFrom),
    NotAfter: isoDate(x509.validTo),
    IsSelfSigned: isSelfSigned(x509),
    HasPrivateKey: hasPrivateKey,
    Services: null,
    RootCAType: null,
    Status: null,
    Server: null,
    File: file,
    Sha256: hex(x509.fingerprint256),
    names,
    commonName,
    // Unreadable extensions leave both unknown: empty would claim "no restriction".
    ...(usage.problem === null ? { EnhancedKeyUsageList: usage.EnhancedKeyUsageList, KeyUsage: usage.KeyUsage } : {}),
    trust: judgeChainTrust(x509, supplied),
    extra: {
      SerialNumber: x509.serialNumber.toUpperCase(),
      CertificateAuthority: x509.ca,
      ...(usage.problem === null ? {} : { KeyUsageProblem: usage.problem }),
    },
    provenance,
  };
}

/**
 * Reads certificates from bytes. `supplied` are further certificates of the case (other files of
 * the folder) to build chains with; the file's own certificates always count.
 */
export function readCertificateBytes(bytes: Uint8Array, file: string, supplied: readonly X509Certificate[] = []): CertificateFileRead {
  const parsed = parseCertificateBytes(bytes);
  const diagnostics: Diagnostic[] = parsed.problems.map((p) => ({
    severity: 'error',
    location: p.line === null ? file : `${file}:${p.line}`,
    message: p.message,
  }));
  if (parsed.error) diagnostics.push({ severity: 'error', location: file, message: `${file}: ${parsed.error}` });
  const x509 = parsed.blocks.map((b) => b.x509);
  const pool = [...x509, ...supplied];
  const certificates = parsed.blocks.map((b) =>
    certificateFromX509(
      b.x509,
      file,
      b.line === null ? { file } : { file, line: b.line, column: 1 },
      pool,
      parsed.withPrivateKey.has(b.x509.fingerprint256) ? true : null,
    ),
  );
  const report: InputReport = {
    file,
    kind: 'certificate',
    records: parsed.blocks.length + parsed.problems.length,
    skipped: parsed.problems.length,
    diagnostics,
  };
  const error = parsed.error ?? (certificates.length === 0 && parsed.problems.length > 0 ? 'no certificate in it parses' : null);
  return { file, report, certificates, x509, error };
}

/** Reads a certificate file; an unreadable file becomes an error in the report, never an exception. */
export function readCertificateFile(file: string, supplied: readonly X509Certificate[] = []): CertificateFileRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    const message = `${file}: cannot read certificate file: ${reason}`;
    return {
      file,
      report: { file, kind: 'certificate', records: 0, skipped: 0, diagnostics: [{ severity: 'error', location: file, message }] },
      certificates: [],
      x509: [],
      error: reason,
    };
  }
  return readCertificateBytes(bytes, file, supplied);
}

/**
 * Trust of a certificate described inline (Get-ExchangeCertificate properties), per CONTRACT.md:
 * publicly trusted unless IsSelfSigned is true, RootCAType is present and not ThirdParty, or
 * Status is present and not Valid.
 */
export function inlineCertificateTrust(props: { IsSelfSigned: boolean | null; RootCAType: string | null; Status: string | null }): TrustJudgement {
  if (props.IsSelfSigned === true) return { publiclyTrusted: false, reason: 'self-signed (IsSelfSigned is true)' };
  if (props.RootCAType !== null && props.RootCAType.toLowerCase() !== 'thirdparty') {
    return { publiclyTrusted: false, reason: `RootCAType is ${props.RootCAType}, not ThirdParty (not issued by a public CA)` };
  }
  if (props.Status !== null && props.Status.toLowerCase() !== 'valid') {
    return { publiclyTrusted: false, reason: `Status is ${props.Status}, not Valid` };
  }
  return { publiclyTrusted: true, reason: 'described inline; none of IsSelfSigned, RootCAType or Status says otherwise' };
}
