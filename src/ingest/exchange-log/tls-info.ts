import type { CertificateSeen } from '../../model/evidence.js';

/**
 * The information rows (`*`) Exchange writes about TLS in its SMTP protocol logs (FORMATS.md 3;
 * support KB 4495258; Exchange's ProtocolLogSession and SmtpIn/SmtpOut strings):
 *
 *   `TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm
 *    CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 384 bits
 *    and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits`
 *   `TLS negotiation failed with error NoCredentials`
 *   certificates, in two layouts: a label row (`Sending certificate`, `Remote certificate`,
 *   `Received certificate`, …) followed by rows whose context is `Certificate subject`,
 *   `Certificate issuer name`, `Certificate serial number`, `Certificate thumbprint`,
 *   `Certificate alternate names`; or, in later builds, one row whose data is
 *   ` <subject> <issuer> <serial> <thumbprint> <not before> <not after> <SANs;…>` and whose context
 *   is `Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names`.
 */

export interface TlsSuccess {
  /** `TLSv1.2` etc. from the SP_PROT_* name (or its number when the build prints the enum as one). */
  version: string | null;
  /** As written: `SP_PROT_TLS1_2_SERVER`. */
  protocol: string;
  /** `CALG_AES_256/CALG_SHA_384/CALG_ECDH_EPHEM`: bulk cipher, MAC hash, key exchange (Schannel ALG_ID names). */
  cipher: string;
}

const TLS_SUCCESS =
  /^TLS protocol (\S+) negotiation succeeded using bulk encryption algorithm (\S+) with strength \d+ bits, MAC hash algorithm (\S+) with strength \d+ bits and key exchange algorithm (\S+) with strength \d+ bits/;

export function parseTlsSuccess(text: string): TlsSuccess | null {
  const m = TLS_SUCCESS.exec(text);
  if (!m) return null;
  return { protocol: m[1]!, version: tlsVersionOfSchannel(m[1]!), cipher: `${m[2]}/${m[3]}/${m[4]}` };
}

/** Schannel SP_PROT_* flags (schannel.h): server and client bit of each protocol version. */
const SCHANNEL_BITS: [number, string][] = [
  [0x4 | 0x8, 'SSLv2'],
  [0x10 | 0x20, 'SSLv3'],
  [0x40 | 0x80, 'TLSv1'],
  [0x100 | 0x200, 'TLSv1.1'],
  [0x400 | 0x800, 'TLSv1.2'],
  [0x1000 | 0x2000, 'TLSv1.3'],
];

export function tlsVersionOfSchannel(protocol: string): string | null {
  const named = /^SP_PROT_(SSL2|SSL3|TLS1(?:_([0-3]))?)_(?:SERVER|CLIENT)$/i.exec(protocol);
  if (named) {
    const p = named[1]!.toUpperCase();
    if (p === 'SSL2') return 'SSLv2';
    if (p === 'SSL3') return 'SSLv3';
    const minor = named[2] ?? '0';
    return minor === '0' ? 'TLSv1' : `TLSv1.${minor}`;
  }
  if (/^\d+$/.test(protocol)) {
    const bits = Number(protocol);
    for (const [mask, name] of SCHANNEL_BITS) if ((bits & mask) !== 0 && (bits & ~mask) === 0) return name;
  }
  return null;
}

const TLS_FAILED = /^TLS negotiation failed with error (\S+)/;

export function parseTlsFailure(text: string): string | null {
  return TLS_FAILED.exec(text)?.[1] ?? null;
}

/** Whose certificate a label names: `Sending certificate` is the logging server's own; the others are the peer's. */
export type CertificateOwner = 'own' | 'peer';

/** Labels that open a certificate (`CRL validation failed with status X. Treating the failure as success.` also logs the peer's). */
export function certificateLabelOwner(label: string): CertificateOwner | null {
  if (label === 'Sending certificate') return 'own';
  if (label === 'Remote certificate' || label === 'Received certificate' || label === 'Validated received certificate') return 'peer';
  if (label.startsWith('CRL validation failed with status')) return 'peer';
  return null;
}

const SINGLE_ROW_SUFFIX = ' Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names';

/** A one-row certificate: its owner from the context's label, its fields from the data. */
export function parseSingleRowCertificate(data: string, context: string): { owner: CertificateOwner; certificate: CertificateSeen } | null {
  if (!context.endsWith(SINGLE_ROW_SUFFIX)) return null;
  const owner = certificateLabelOwner(context.slice(0, -SINGLE_ROW_SUFFIX.length));
  if (!owner) return null;
  return { owner, certificate: certificateFromRowData(data) };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * ` <subject> <issuer> <serial> <thumbprint> <not before> <not after> <SANs>` joined by single
 * spaces: read from the right, where the values have no spaces (times are ISO, serial and
 * thumbprint hex, SANs `;`-joined); the subject/issuer split is where a space not after a comma
 * starts an attribute (`… C=US CN=Issuer …`), since within a DN Windows separates RDNs with `, `.
 */
export function certificateFromRowData(data: string): CertificateSeen {
  let end = data.length;
  // The next token to the left of `end`, without splitting the whole row.
  const peek = (): string => data.slice(data.lastIndexOf(' ', end - 1) + 1, end);
  const take = (): void => {
    end = Math.max(0, data.lastIndexOf(' ', end - 1));
  };
  let sans: string[] = [];
  let notAfter: string | null = null;
  let notBefore: string | null = null;
  let thumbprint: string | null = null;
  let token = peek();
  if (end > 0 && !ISO_TIME.test(token)) {
    sans = splitNames(token);
    take();
    token = peek();
  }
  if (end > 0 && ISO_TIME.test(token)) {
    notAfter = token;
    take();
    token = peek();
  }
  if (end > 0 && ISO_TIME.test(token)) {
    notBefore = token;
    take();
    token = peek();
  }
  if (end > 0 && /^[0-9A-Fa-f]{40}$/.test(token)) {
    thumbprint = token.toUpperCase();
    take();
    token = peek();
  }
  if (end > 0 && /^[0-9A-Fa-f]+$/.test(token)) take(); // serial number
  const { subject, issuer } = splitSubjectIssuer(data.slice(0, end).trim());
  return certificate(subject, issuer, thumbprint, sans, notBefore, notAfter);
}

function splitSubjectIssuer(names: string): { subject: string | null; issuer: string | null } {
  if (names === '') return { subject: null, issuer: null };
  // With several candidates (a value holding ` X=`) the first is taken: subjects rarely hold one.
  const boundary = /(?<!,) (?=[A-Za-z][A-Za-z0-9.]*=)/.exec(names);
  if (!boundary) return { subject: names, issuer: null };
  return { subject: names.slice(0, boundary.index), issuer: names.slice(boundary.index + 1) };
}

function splitNames(value: string): string[] {
  return value
    .split(';')
    .map((n) => n.trim())
    .filter((n) => n !== '');
}

/** Mutable certificate fields filled row by row in the multi-row layout. */
export interface CertificateRows {
  subject: string | null;
  issuer: string | null;
  thumbprint: string | null;
  names: string[];
}

/** Applies one `Certificate …` detail row; false when the context is not one. */
export function applyCertificateRow(rows: CertificateRows, context: string, data: string): boolean {
  switch (context) {
    case 'Certificate subject':
      rows.subject = data.trim() || null;
      return true;
    case 'Certificate issuer name':
      rows.issuer = data.trim() || null;
      return true;
    case 'Certificate serial number':
      return true;
    case 'Certificate thumbprint':
      rows.thumbprint = data.trim().toUpperCase() || null;
      return true;
    case 'Certificate alternate names':
      rows.names = splitNames(data);
      return true;
    default:
      return false;
  }
}

export function certificateFromRows(rows: CertificateRows): CertificateSeen {
  return certificate(rows.subject, rows.issuer, rows.thumbprint, rows.names, null, null);
}

function certificate(subject: string | null, issuer: string | null, sha1: string | null, dnsNames: string[], notBefore: string | null, notAfter: string | null): CertificateSeen {
  return {
    subject,
    commonName: commonNameOf(subject),
    dnsNames,
    issuer,
    notBefore,
    notAfter,
    sha1,
    sha256: null,
    // A certificate whose issuer is its subject is self-issued: how Exchange's own self-signed certificate shows.
    selfSigned: subject !== null && issuer !== null ? subject === issuer || sameDn(subject, issuer) : null,
  };
}

/** Equal DNs up to case and the spaces around commas (a cheap length test first: most pairs differ). */
function sameDn(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2 * Math.max(commas(a), commas(b))) return false;
  return normalizeDn(a) === normalizeDn(b);
}

function commas(s: string): number {
  let n = 0;
  for (let i = s.indexOf(','); i >= 0; i = s.indexOf(',', i + 1)) n++;
  return n;
}

function normalizeDn(dn: string): string {
  return dn.replace(/\s*,\s*/g, ',').toLowerCase();
}

export function commonNameOf(subject: string | null): string | null {
  if (!subject) return null;
  const m = /(?:^|,\s*)CN=("(?:[^"]|"")*"|[^,]*)/i.exec(subject);
  if (!m) return null;
  const v = m[1]!.trim();
  return v.startsWith('"') ? v.slice(1, -1).replace(/""/g, '"') : v;
}

/** `TlsDomainCapabilities='AcceptCloudServicesMail'; Status='Success'; Domain='mail.protection.outlook.com'`. */
export function parseTlsDomainCapabilities(text: string): { capabilities: string; status: string; domain: string | null } | null {
  if (!text.startsWith('TlsDomainCapabilities=')) return null;
  const capabilities = CAPABILITIES_VALUE.exec(text)?.[1] ?? null;
  if (capabilities === null) return null;
  const domain = DOMAIN_VALUE.exec(text)?.[1] ?? null;
  return { capabilities, status: STATUS_VALUE.exec(text)?.[1] ?? '', domain: domain === '' ? null : domain };
}

// Compiled once: the row comes once or twice per session.
const CAPABILITIES_VALUE = /TlsDomainCapabilities='([^']*)'/;
const STATUS_VALUE = /Status='([^']*)'/;
const DOMAIN_VALUE = /Domain='([^']*)'/;

/** `Client certificate chain validation status: 'EmptyCertificate'`. */
export function parseClientCertificateValidation(text: string): string | null {
  return /^Client certificate chain validation status: '([^']*)'/.exec(text)?.[1] ?? null;
}
