import type { Certificate } from '../../model/certificate.js';
import { commonNameOf } from '../../model/certificate.js';
import { inlineCertificateTrust } from '../certificate/read-certificate.js';
import { markGiven } from '../given-properties.js';
import type { NormalizeContext, ReferencedCertificateFile } from './normalize-context.js';
import { normalizeObjectList } from './normalize-objects.js';
import {
  dateValue,
  domainList,
  extraProperties,
  has,
  optionalBool,
  textAt,
  thumbprintValue,
  writtenKeys,
  type Raw,
} from './normalize-values.js';
import type { PathSegment } from './yaml-positions.js';

const INLINE_KEYS = [
  'Thumbprint',
  'Subject',
  'Issuer',
  'CertificateDomains',
  'NotBefore',
  'NotAfter',
  'IsSelfSigned',
  'HasPrivateKey',
  'Services',
  'RootCAType',
  'Status',
  'Server',
] as const;

/** Properties a `{ File: path }` entry may add: what the file cannot tell (where it is installed, its key). */
const FILE_KEYS = ['File', 'HasPrivateKey', 'Services', 'Server'] as const;

/** Certificates and the certificate files their `{ File: path }` entries named. */
export interface NormalizedCertificates {
  certificates: Certificate[];
  files: ReferencedCertificateFile[];
}

export function normalizeCertificates(ctx: NormalizeContext, root: Raw): NormalizedCertificates {
  const files: ReferencedCertificateFile[] = [];
  const lists = normalizeObjectList(ctx, root, 'certificates', [], {
    label: 'certificate',
    owner: 'this file',
    identity: (raw, path) => (has(raw, 'File') ? null : thumbprintValue(ctx, raw.Thumbprint, [...path, 'Thumbprint'])),
    build: (raw, path): Certificate[] => {
      if (!has(raw, 'File')) return [inlineCertificate(ctx, raw, path)];
      const read = fileCertificates(ctx, raw, path);
      if (read) files.push(read);
      return read?.certificates ?? [];
    },
  });
  return { certificates: lists.flat(), files };
}

function inlineCertificate(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): Certificate {
  const thumbprint = thumbprintValue(ctx, raw.Thumbprint, [...path, 'Thumbprint']) ?? '';
  if (!/^[0-9A-F]{40}$/.test(thumbprint)) {
    ctx.warn([...path, 'Thumbprint'], `Thumbprint "${thumbprint}" is not 40 hexadecimal digits (a SHA-1 thumbprint as Get-ExchangeCertificate shows it)`);
  }
  const subject = textAt(ctx, raw, 'Subject', path) ?? '';
  const domains = domainList(raw, 'CertificateDomains', path);
  const commonName = subject ? commonNameOf(subject) : null;
  const isSelfSigned = optionalBool(raw.IsSelfSigned);
  // Enumerations exported as numbers (ConvertTo-Json without -EnumsAsStrings) cannot be read; they are left unknown.
  const rootCaType = typeof raw.RootCAType === 'string' ? raw.RootCAType.trim() || null : null;
  const status = typeof raw.Status === 'string' ? raw.Status.trim() || null : null;
  const cert: Certificate = {
    Thumbprint: thumbprint,
    Subject: subject,
    Issuer: textAt(ctx, raw, 'Issuer', path) ?? '',
    CertificateDomains: domains,
    NotBefore: date(ctx, raw, 'NotBefore', path),
    NotAfter: date(ctx, raw, 'NotAfter', path),
    IsSelfSigned: isSelfSigned,
    HasPrivateKey: optionalBool(raw.HasPrivateKey),
    Services: services(raw.Services),
    RootCAType: rootCaType,
    Status: status,
    Server: textAt(ctx, raw, 'Server', path)?.toLowerCase() || null,
    File: null,
    Sha256: null,
    names: [...new Set([...(commonName ? [commonName] : []), ...domains].map((n) => n.toLowerCase()))],
    commonName,
    trust: inlineCertificateTrust({ IsSelfSigned: isSelfSigned, RootCAType: rootCaType, Status: status }),
    extra: extraProperties(ctx, raw, INLINE_KEYS, path),
    provenance: ctx.provenance(path),
  };
  markGiven(cert, writtenKeys(raw, INLINE_KEYS));
  return cert;
}

function date(ctx: NormalizeContext, raw: Raw, key: string, path: PathSegment[]): string | null {
  const { iso, ok } = dateValue(raw[key]);
  if (!ok) ctx.warn([...path, key], `${key}: ${JSON.stringify(raw[key])} is not a date (expected e.g. 2026-01-01T00:00:00Z); treated as unknown`);
  return iso;
}

/** Get-ExchangeCertificate prints Services as `IMAP, POP, IIS, SMTP`; a list is joined the same way. */
function services(value: unknown): string | null {
  if (Array.isArray(value)) return value.map(String).join(', ') || null;
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number') return String(value);
  return null;
}

/**
 * A `{ File: path }` entry: the file is read (path relative to the topology file's folder) and
 * judged from itself. A file that cannot be read is an error of this entry; the rest of the case goes on.
 */
function fileCertificates(ctx: NormalizeContext, raw: Raw, path: PathSegment[]): ReferencedCertificateFile | null {
  const given = textAt(ctx, raw, 'File', path) ?? '';
  const read = ctx.readCertificateFile(given);
  if (read.error !== null) {
    ctx.error([...path, 'File'], `certificate file "${read.report.file}": ${read.error}`);
    ctx.skipped += 1;
    return null;
  }
  const hasPrivateKey = optionalBool(raw.HasPrivateKey);
  const svc = services(raw.Services);
  const server = textAt(ctx, raw, 'Server', path)?.toLowerCase() || null;
  const extra = extraProperties(ctx, raw, FILE_KEYS, path);
  for (const cert of read.certificates) {
    if (hasPrivateKey !== null) cert.HasPrivateKey = hasPrivateKey;
    if (svc !== null) cert.Services = svc;
    if (server !== null) cert.Server = server;
    Object.assign(cert.extra, extra);
  }
  return read;
}
